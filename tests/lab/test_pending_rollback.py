"""Issue 20 item 4: the truth about pending rollbacks. A `%` answer to `configure confirm`
is not a confirmation, a confirm is proven by the timer being gone, and every read notices
a change the router is about to roll back (apply plans nothing there; verify says so)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.engine.fleet import Job, run_fleet
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.session import DeviceParams

from .devices import lab_device

pytestmark = pytest.mark.timeout(180)
SMALL = SshIntent.from_dict(
    {"ssh": {"version": 2, "timeout": 45}, "archive": {"path": "flash:archive"}}
)


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    # a lab minute of 60 s: the revert window outlasts the whole test
    lab.add(baseline_device("r1", bits=1024, minute_seconds=60.0))
    try:
        yield lab
    finally:
        lab.close()


def _device(lab: Lab) -> dict[str, object]:
    return lab_device(lab, timeout=5)


def test_a_refused_confirm_is_undone_and_reported_so_on_both_runners(lab: Lab) -> None:
    device = lab.routers["r1"].device
    before = device.running_body()
    device.faults["reject"] = r"^configure confirm"
    report = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert (report.outcome, report.ok, report.changed) == ("reverted", False, False), report.text()
    assert any(e.startswith("configure confirm: ") and "Invalid input" in e for e in report.errors)
    assert report.revert == "configure revert now"
    assert device.revert is None and device.running_body() == before

    job = Job("r1", "apply", DeviceParams.coerce(_device(lab)), SMALL, {"live": False})
    engine = run_fleet([job], processes=1)["r1"].value
    assert (engine.outcome, engine.ok) == ("reverted", False), engine.text()  # type: ignore[union-attr]
    assert device.revert is None and device.running_body() == before


def test_a_change_left_pending_is_noticed_by_every_later_read(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.faults["drop"] = r"^configure confirm"  # every session drops there
    first = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert not first.ok and first.outcome in ("reverting", "unknown"), first.text()
    assert device.revert is not None  # the router will roll the change back
    device.faults.clear()

    # A second run inside the revert window: the state it reads is about to change.
    again = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert (again.outcome, again.ok, again.changed) == ("reverting", False, False), again.text()
    assert again.diff == "" and again.checks == []  # nothing planned, nothing judged
    assert "started by admin is pending: it rolls back at " in again.revert
    assert "(router clock)" in again.revert and len(again.errors) == 1
    verified = ios_ssh.verify(_device(lab), SMALL, live=False)
    assert (verified.outcome, verified.ok) == ("reverting", False), verified.text()
    state = ios_ssh.read_state(_device(lab))
    assert state.pending_rollback is not None and "PENDING ROLLBACK" in state.summary()

    # Once the router rolled back, the next run plans from what it holds.
    device.revert.deadline = 0  # type: ignore[union-attr]  # the lab's timer fires now
    device.tick()
    assert device.revert is None
    assert "ip ssh time-out 45" not in device.running_body()  # the archive lines stay
    final = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert (final.outcome, final.ok) == ("converged", True), final.text()
