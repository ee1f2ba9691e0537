"""Reading the router: opening a session into a report, and the state in one pass."""

from __future__ import annotations

from ..errors import ConnectError
from ..message import first_fitting
from ..report import Report
from ..session.conversation import Dialog, Steps
from ..session.params import DeviceParams, Driver
from ..state import STATE_COMMANDS, DeviceState, build_state
from .protocol import opened


def connect(params: DeviceParams, driver: Driver, report: Report) -> Steps[Dialog | None]:
    """A session, or None with the reason in the report (a fleet run goes on)."""
    try:
        return (yield from opened(params, driver))
    except ConnectError as exc:
        report.ok, report.errors = False, [str(exc)]
        report.outcome = "failed-before-change"
        return None


def read_state(conv: Dialog) -> Steps[DeviceState]:
    """The router's SSH state, from the show commands in STATE_COMMANDS, typed at once."""
    outputs = yield from conv.run_many(STATE_COMMANDS)
    return build_state(dict(zip(STATE_COMMANDS, outputs, strict=True)))


def pending_rollback(report: Report, state: DeviceState) -> bool:
    """True when the router has an unconfirmed change it is about to roll back: the report
    says `reverting` and when, and the caller plans and judges nothing from a state that
    is about to change (what was read is the change, not what the router will hold)."""
    pending = state.pending_rollback
    if pending is None:
        return False
    report.outcome, report.revert = "reverting", pending.describe()
    who = f" as {pending.user}" if pending.user else ""
    report.errors.append(
        first_fitting(
            f"read: {pending.describe()}; nothing was planned: run again once it has fired, "
            f"or 'configure confirm'{who} if that change should stay",
            f"read: {pending.describe()}; nothing was planned: run again once it has fired",
            "read: a revert timer is pending on the router; nothing was planned: run again "
            "once it has fired",
        )
    )
    return True
