"""Issue 12: protection on an image without the revert timer (the lab's 12.2(33)SXH8b,
which the library does not identify: the timer is then refused by the router):
a checkpoint restored with `configure replace` when the tool sees a failure, and an
opt-in `reload in N` dead-man switch cancelled once the fresh login works. The report
says which protection was in force."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device

from .devices import lab_device as _device

pytestmark = pytest.mark.timeout(180)
SMALL = SshIntent.from_dict({"ssh": {"version": 2, "timeout": 45}})


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", image="ios12.2sx", bits=1024))
    try:
        yield lab
    finally:
        lab.close()


def test_without_a_protection_the_change_is_refused(lab: Lab) -> None:
    report = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert report.outcome == "refused" and "no revert timer" in report.refusals[0]


def test_a_checkpoint_protects_and_the_report_says_so(lab: Lab) -> None:
    device = lab.routers["r1"].device
    report = ios_ssh.apply(_device(lab), SMALL, live=False, checkpoint=True)
    assert report.outcome == "converged" and report.ok, report.text()
    file = _checkpoint(report.protection)
    assert report.protection == f"checkpoint {file} (configure replace on a failure)"
    assert "ip ssh time-out 45" in device.running_body()
    # the copy holds the whole running-config: gone once the change is settled
    assert not device.flash_path(file).is_file()  # type: ignore[union-attr]


def _checkpoint(protection: str) -> str:
    """The run's own checkpoint file: a fresh name each run, never a fixed one."""
    match = re.search(r"(disk0:ios-ssh-checkpoint-[0-9a-f]{8})\b", protection)
    assert match, protection
    return match[1]


def test_each_run_has_its_own_checkpoint_name(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.faults["reject"] = r"^ip ssh time-out"
    names = set()
    for _ in range(2):
        report = ios_ssh.apply(_device(lab), SMALL, live=False, checkpoint=True)
        assert report.outcome == "reverted", report.text()
        names.add(_checkpoint(report.protection))
        assert not device.flash_path(_checkpoint(report.protection)).is_file()  # type: ignore[union-attr]
    assert len(names) == 2


def test_a_refused_line_is_undone_by_configure_replace(lab: Lab) -> None:
    device = lab.routers["r1"].device
    before = device.running_body()
    device.faults["reject"] = r"^ip ssh time-out"
    report = ios_ssh.apply(_device(lab), SMALL, live=False, checkpoint=True)
    assert report.outcome == "reverted" and not report.changed, report.text()
    assert report.revert == f"configure replace {_checkpoint(report.protection)} force"
    assert device.running_body() == before  # `ip ssh version 2`, sent first, is gone again


def test_the_dead_man_switch_is_armed_then_cancelled_after_the_fresh_login(lab: Lab) -> None:
    device = lab.routers["r1"].device
    report = ios_ssh.apply(_device(lab), SMALL, live=False, checkpoint=True, reload_minutes=10)
    assert report.outcome == "converged", report.text()
    assert report.protection.endswith("and reload in 10 min")
    assert "reload cancelled: the fresh login worked" in report.notes
    assert device.reload_at is None


def test_a_failure_with_the_switch_armed_restores_and_disarms(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.faults["reject"] = r"^ip ssh time-out"
    report = ios_ssh.apply(_device(lab), SMALL, live=False, checkpoint=True, reload_minutes=10)
    assert report.outcome == "reverted", report.text()
    assert device.reload_at is None
