"""The Python API of the access lifecycle (issue 22 item 4) against lab routers:
`ios_ssh.rotate_password` and `ios_ssh.rotate_host_key` on each sync driver (the CLI's
fleet runs are in tests/e2e/test_access_lifecycle.py), and a rotation whose session drops
at `configure confirm`, after the new secret took effect: the router's revert timer
restores the old one, as the report said it would."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

import ios_ssh
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device

from .devices import lab_device

pytestmark = pytest.mark.timeout(240)
NEW = "Admin-Rotated-7x"


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    # a lab minute of 60 s: a revert window outlasts the test, fired by hand where needed
    lab.add(baseline_device("r1", image="ios15", bits=1024, minute_seconds=60.0))
    try:
        yield lab
    finally:
        lab.close()


def _device(lab: Lab, known_hosts: Path, **extra: object) -> dict[str, object]:
    fields: dict[str, object] = {"host_key_check": "accept-new", **extra}
    return lab_device(lab, timeout=20, known_hosts=str(known_hosts), **fields)


def _logs_in(lab: Lab, known_hosts: Path, password: str) -> bool:
    try:
        ios_ssh.read_state(_device(lab, known_hosts, password=password, host_key_check="strict"))
    except ios_ssh.ConnectError:
        return False
    return True


def _archive(lab: Lab, known_hosts: Path) -> None:
    """The router's archive, which its revert timer needs (the shipped intents have one)."""
    report = ios_ssh.apply(_device(lab, known_hosts), {"archive": {}}, live=False)
    assert report.outcome == "converged", report.text()


def _served(lab: Lab) -> str:
    """The fingerprint of the host key the router serves on the wire."""
    address = lab.addresses["r1"]
    key = asyncio.run(asyncssh.get_server_host_key(address.host, address.port))
    assert key is not None
    return str(key.get_fingerprint("sha256"))


def _checks(report: ios_ssh.Report) -> dict[str, bool]:
    return {c.name: c.ok for c in report.checks}


@pytest.mark.parametrize("driver", ["netmiko", "scrapli"])
def test_rotate_password_then_host_key_from_python(lab: Lab, tmp_path: Path, driver: str) -> None:
    known_hosts = tmp_path / "known_hosts"
    assert ios_ssh.read_state(_device(lab, known_hosts)).hostname == "r1"  # pins r1
    router = lab.routers["r1"].device
    before = router.running_body()
    # No archive on the router, so no revert timer: refused, nothing sent, the way named.
    bare = ios_ssh.rotate_password(_device(lab, known_hosts), "admin", secret=NEW, driver=driver)
    assert bare.outcome == "refused" and not bare.changed, bare.text()
    assert any("no configuration archive on the router" in r for r in bare.refusals)
    assert any("--allow-unprotected" in r for r in bare.refusals), bare.refusals
    assert router.running_body() == before
    _archive(lab, known_hosts)
    before = router.running_body()

    dry = ios_ssh.rotate_password(
        _device(lab, known_hosts), "admin", secret=NEW, driver=driver, dry_run=True
    )
    assert (dry.outcome, dry.changed) == ("unchanged", False), dry.text()
    assert "dry run: nothing was sent" in dry.notes
    assert "+ username admin privilege 1 secret <given secret>" in dry.diff, dry.diff
    assert NEW not in dry.diff and NEW not in dry.text()
    assert router.running_body() == before  # a dry run sends no change

    rotated = ios_ssh.rotate_password(_device(lab, known_hosts), "admin", secret=NEW, driver=driver)
    assert rotated.outcome == "converged" and rotated.ok, rotated.text()
    assert NEW not in rotated.text()
    checks = _checks(rotated)
    assert checks["rotated password admin: new logs in"], rotated.text()
    assert checks["rotated password admin: old refused"], rotated.text()
    assert _logs_in(lab, known_hosts, NEW) and not _logs_in(lab, known_hosts, "admin")

    old_key = _served(lab)
    keyed = ios_ssh.rotate_host_key(_device(lab, known_hosts, password=NEW), driver=driver)
    assert keyed.outcome == "converged" and keyed.ok, keyed.text()
    assert any("rotated:" in n for n in keyed.notes), keyed.notes
    assert _served(lab) != old_key
    address = lab.addresses["r1"]
    entries = [
        line
        for line in known_hosts.read_text().splitlines()
        if line.startswith(f"[{address.host}]:{address.port} ")
    ]
    assert len(entries) == 1, entries  # replaced, not appended: strict checking goes on
    assert _logs_in(lab, known_hosts, NEW)


def test_a_rotation_dropped_at_confirm_is_reverting_and_the_timer_restores_the_old_secret(
    lab: Lab, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "known_hosts"
    router = lab.routers["r1"].device
    _archive(lab, known_hosts)
    router.faults["drop"] = r"^configure confirm"  # the change is in; the confirm never is
    report = ios_ssh.rotate_password(_device(lab, known_hosts), "admin", secret=NEW)
    assert not report.ok and report.outcome in ("reverting", "unknown"), report.text()
    assert NEW not in report.text()
    assert router.revert is not None  # the router will roll the change back ...
    router.faults.clear()
    assert _logs_in(lab, known_hosts, NEW)  # ... and until then the new secret is in force

    router.revert.deadline = 0  # the lab's timer fires now
    router.tick()
    assert router.revert is None
    assert _logs_in(lab, known_hosts, "admin") and not _logs_in(lab, known_hosts, NEW)
