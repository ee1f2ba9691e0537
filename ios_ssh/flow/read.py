"""Reading the router: opening a session into a report, and the state in one pass."""

from __future__ import annotations

from ..errors import ConnectError
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
