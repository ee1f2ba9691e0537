"""Every apply ends in exactly one true outcome, and the router is as the outcome says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device

from .devices import lab_device as _device

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]
HARDENING = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
SMALL = SshIntent.from_dict(
    {"ssh": {"version": 2, "timeout": 45}, "archive": {"path": "flash:archive"}}
)


def _lab(minute_seconds: float = 5.0) -> Lab:
    lab = Lab()
    lab.add(baseline_device("r1", bits=1024, minute_seconds=minute_seconds))
    return lab


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = _lab()
    try:
        yield lab
    finally:
        lab.close()


def test_converged_then_unchanged(lab: Lab) -> None:
    first = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert (first.outcome, first.changed, first.ok) == ("converged", True, True), first.text()
    again = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert (again.outcome, again.changed) == ("unchanged", False)
    dry = ios_ssh.apply(_device(lab), HARDENING, dry_run=True)
    assert dry.outcome == "unchanged" and "outcome='unchanged'" in repr(dry)


def test_refused(lab: Lab) -> None:
    report = ios_ssh.apply(_device(lab), {"ssh": {"version": 2, "keypair_name": "NOPE"}})
    assert (report.outcome, report.changed) == ("refused", False)


def test_failed_before_change() -> None:
    report = ios_ssh.apply(
        {"host": "127.0.0.1", "port": 9, "username": "a", "password": "b", "timeout": 3}, SMALL
    )
    assert report.outcome == "failed-before-change" and not report.ok


def test_a_rejected_line_is_reverted_now(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.load_config("archive\n path flash:archive\n", merge=True)
    before = device.running_body()
    device.faults["reject"] = r"^ip ssh time-out"
    report = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert (report.outcome, report.revert, report.changed) == (
        "reverted",
        "configure revert now",
        False,
    )
    assert device.running_body() == before


def test_a_drop_mid_change_is_reverting_with_a_time(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.load_config("archive\n path flash:archive\n", merge=True)
    device.faults["drop"] = r"^ip ssh time-out"
    report = ios_ssh.apply(_device(lab, timeout=5), SMALL, revert_minutes=1, live=False)
    assert report.outcome == "reverting" and not report.changed
    assert "rolls back at" in report.revert and "UTC" in report.revert


def _wait_for_rollback(device: object) -> None:
    deadline = time.monotonic() + 20
    while device.revert is not None:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the revert timer never fired"
        device.tick()  # type: ignore[attr-defined]
        time.sleep(0.02)


def test_a_timer_that_expired_before_confirm_is_reported_as_reverted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fresh login outlasts the timer (slow keygen on a real router does that)."""
    from ios_ssh.flow import rotation

    lab = _lab(minute_seconds=0.5)
    try:
        device = lab.routers["r1"].device
        device.load_config("archive\n path flash:archive\n", merge=True)
        before = device.running_body()
        real = rotation.fresh_login

        def slow_fresh_login(*args: object):  # type: ignore[no-untyped-def]
            _wait_for_rollback(device)
            return (yield from real(*args))  # type: ignore[arg-type]

        monkeypatch.setattr(rotation, "fresh_login", slow_fresh_login)
        report = ios_ssh.apply(_device(lab), SMALL, revert_minutes=1, live=False)
        assert (report.outcome, report.changed, report.ok) == ("reverted", False, False)
        assert "expired before configure confirm" in report.revert
        assert any("No Rollback Confirmed Change pending" in e for e in report.errors)
        assert device.running_body() == before
    finally:
        lab.close()


def test_lines_sent_after_the_timer_expired_are_reported_as_partial(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ios_ssh.flow import change

    lab = _lab(minute_seconds=0.5)
    try:
        device = lab.routers["r1"].device
        device.load_config("archive\n path flash:archive\n", merge=True)
        real = change.send_line

        def send_then_wait(conv: object, params: object, line: object):  # type: ignore[no-untyped-def]
            yield from real(conv, params, line)  # type: ignore[arg-type]
            if "version 2" in str(line):
                _wait_for_rollback(device)  # the rest goes in after the rollback

        monkeypatch.setattr(change, "send_line", send_then_wait)
        report = ios_ssh.apply(_device(lab), SMALL, revert_minutes=1, live=False)
        assert report.outcome == "partial" and not report.changed, report.text()
        assert "still to do: ip ssh version 2" in report.revert
        assert "ip ssh time-out 45" in device.running_body()
    finally:
        lab.close()


def test_a_drop_at_confirm_is_settled_from_a_new_session(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ios_ssh.flow import change, rotation

    device = lab.routers["r1"].device
    real_login, real_anew = rotation.fresh_login, change.confirm_anew

    def login_then_arm(*args: object):  # type: ignore[no-untyped-def]
        result = yield from real_login(*args)  # type: ignore[arg-type]
        device.faults["drop"] = r"^configure confirm"  # the first session drops there
        return result

    def disarm_then_settle(*args: object):  # type: ignore[no-untyped-def]
        device.faults.clear()
        return (yield from real_anew(*args))  # type: ignore[arg-type]

    monkeypatch.setattr(rotation, "fresh_login", login_then_arm)
    monkeypatch.setattr(change, "confirm_anew", disarm_then_settle)
    report = ios_ssh.apply(_device(lab, timeout=5), SMALL, live=False)
    assert report.outcome == "converged" and report.changed, report.text()
    assert any("confirmed from a new session" in n for n in report.notes)
    assert device.revert is None and "ip ssh time-out 45" in device.running_body()


def test_archive_lines_are_undone_when_the_image_refuses_the_timer(lab: Lab) -> None:
    device = lab.routers["r1"].device
    before = device.running_body()
    device.faults["reject"] = r"^configure terminal revert"
    report = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert report.outcome == "refused" and "no revert timer" in report.refusals[0]
    assert device.running_body() == before  # the archive it added is gone again


def test_unprotected_failure_is_partial(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.faults["reject"] = r"^ip ssh time-out"
    intent = SshIntent.from_dict({"ssh": {"version": 2, "timeout": 45}})
    report = ios_ssh.apply(_device(lab), intent, allow_unprotected=True, live=False)
    assert report.outcome == "partial" and not report.changed
    assert "ip ssh version 2" in device.running_body()  # sent before the rejected line


def test_archive_lines_added_for_the_timer_go_when_the_change_is_reverted(lab: Lab) -> None:
    device = lab.routers["r1"].device
    before = device.running_body()  # no archive: the intent's archive is sent for the timer
    device.faults["reject"] = r"^ip ssh time-out"
    report = ios_ssh.apply(_device(lab), SMALL, live=False)
    assert report.outcome == "reverted"
    assert "archive lines removed again: the change was reverted" in report.notes
    assert device.running_body() == before


def test_a_lost_session_says_the_archive_lines_stay(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.faults["drop"] = r"^ip ssh time-out"
    report = ios_ssh.apply(_device(lab, timeout=5), SMALL, revert_minutes=1, live=False)
    assert report.outcome == "reverting"
    assert "archive lines added for the revert timer stay ('no archive' removes them)" in (
        report.revert
    )
