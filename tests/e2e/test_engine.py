"""The async engine gives the same reports as the sync path (netmiko over Nornir's task
functions), on a small mixed lab fleet: one flow, two runners."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.engine.fleet import Job, run_fleet
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.report import Report
from ios_ssh.session import DeviceParams

REPO = Path(__file__).resolve().parents[2]
HARDENING = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
ROUTERS = {"r1": "ios15", "r2": "xe16", "r3": "ios12.2sx"}  # r3: no revert timer
EXPECTED = {"r1": "converged", "r2": "converged", "r3": "refused"}

pytestmark = pytest.mark.timeout(300)


def _lab() -> Lab:
    lab = Lab()
    for name, image in ROUTERS.items():
        lab.add(baseline_device(name, image=image, bits=1024))
    return lab


@pytest.fixture
def two_labs() -> Iterator[tuple[Lab, Lab]]:
    sync_lab, async_lab = _lab(), _lab()
    try:
        yield sync_lab, async_lab
    finally:
        sync_lab.close()
        async_lab.close()


def _params(lab: Lab, name: str) -> DeviceParams:
    address = lab.addresses[name]
    return DeviceParams(
        host=address.host, port=address.port, username="admin", password="admin", secret="admin"
    )


def _shape(report: Report) -> tuple[object, ...]:
    """What must agree between runners (ports and fingerprints differ between labs)."""
    return (
        report.ok,
        report.outcome,
        report.changed,
        report.diff,
        report.refusals,
        report.errors,
        [
            (c.name, c.ok, c.expected.split(" (")[0] if c.name != "host key" else "")
            for c in report.checks
        ],
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_the_async_engine_reports_what_the_sync_path_reports(
    two_labs: tuple[Lab, Lab], processes: int
) -> None:
    sync_lab, async_lab = two_labs
    by_sync = {n: ios_ssh.apply(_params(sync_lab, n), HARDENING) for n in ROUTERS}
    jobs = [Job(n, "apply", _params(async_lab, n), HARDENING) for n in ROUTERS]
    outcomes = run_fleet(jobs, processes=processes, concurrency=2)
    by_async = {n: o.value for n, o in outcomes.items()}
    for name in ROUTERS:
        assert by_sync[name].outcome == EXPECTED[name], by_sync[name].text()
        assert _shape(by_async[name]) == _shape(by_sync[name]), by_async[name].text()  # type: ignore[arg-type]
    # the second run: nothing to change, on either path, in one session of the engine
    again = run_fleet(jobs, processes=processes, concurrency=2)
    for name, outcome in again.items():
        assert isinstance(outcome.value, Report)
        if EXPECTED[name] == "converged":
            assert outcome.value.outcome == "unchanged" and outcome.value.ok, outcome.value.text()
            assert outcome.sessions == 1  # nothing read twice: one session reads and verifies
        else:
            assert outcome.value.outcome == "refused"
    for name, outcome in outcomes.items():  # the change, then the fresh login that verifies
        assert outcome.sessions == (2 if EXPECTED[name] == "converged" else 1)


def test_a_host_that_does_not_answer_ends_failed_before_change_and_the_others_go_on(
    two_labs: tuple[Lab, Lab],
) -> None:
    _, lab = two_labs
    from ios_ssh.ports import free_port_block

    dead = DeviceParams(
        host="127.0.0.1", port=free_port_block(1), username="admin", password="admin", timeout=3
    )
    jobs = [
        Job("r1", "verify", _params(lab, "r1"), HARDENING),
        Job("gone", "apply", dead, HARDENING),
    ]
    outcomes = run_fleet(jobs, processes=1)
    assert outcomes["gone"].value.outcome == "failed-before-change"  # type: ignore[union-attr]
    assert outcomes["gone"].value.errors  # type: ignore[union-attr]
    assert isinstance(outcomes["r1"].value, Report) and outcomes["r1"].value.checks
