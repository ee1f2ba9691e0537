"""Apply: read -> plan -> protection -> change -> fresh login -> confirm -> verify."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import probes, redact
from ..errors import DeviceError, SessionLogError, SessionLost
from ..intent import SshIntent
from ..plan import PlanContext, make_plan
from ..report import Report
from ..rotate import Rotate
from ..secrets import resolve_secrets
from ..session.conversation import Dialog, Steps
from ..session.params import DeviceParams, Driver
from .change import change, no_revert_timer
from .protocol import call, close
from .read import connect, pending_rollback, read_state
from .rotation import FreshLogin
from .verify import checks_of


def apply(
    params: DeviceParams,
    intent: SshIntent,
    driver: Driver = "netmiko",
    dry_run: bool = False,
    *,
    secrets: Mapping[str, str] | None = None,
    save: bool = False,
    revert_minutes: int = 5,
    allow_unprotected: bool = False,
    private_keys: Mapping[str, str | Path] | None = None,
    live: bool = True,
    session: Dialog | None = None,
    checkpoint: bool = False,
    reload_minutes: int | None = None,
    rotate: Rotate | Mapping[str, Any] | None = None,
) -> Steps[Report]:
    """Converge the router to `intent`, safely, then verify (flow.change). With `rotate`
    the intent is the rotation's, shaped by the router as read (ios_ssh.rotate)."""
    started = time.monotonic()
    rotation = Rotate.coerce(rotate) if rotate is not None else None
    found_secrets = resolve_secrets(intent, secrets)  # before any device is touched
    if rotation is not None:
        found_secrets.update(rotation.old_secrets(params))
    redact.register(found_secrets.values())
    report = Report(params.host)
    conv = session or (yield from connect(params, driver, report))
    if conv is None:
        return report
    fresh: FreshLogin | None = None
    main_open = session is None
    try:
        try:
            state = yield from read_state(conv)
            if pending_rollback(report, state):  # plan nothing on a router about to change
                return _done(report, started)
            refused: list[str] = []
            if rotation is not None:
                intent, refused = rotation.shape(state, intent)
            # The session may have fallen back from telnet to SSH: plan for the one in use;
            # and how it logs in (password, key), which removals must not take away.
            keys: tuple[str, ...] = ()
            if getattr(conv.params, "key_file", None):
                keys = yield from call(probes.login_key_hashes, conv.params)
            context = PlanContext(
                conv.params.transport,
                conv.params.username,
                password_login=bool(conv.params.password.get_secret_value()),
                login_keys=keys,
            )
            plan = make_plan(state, intent, context, found_secrets)
            plan.refusals = refused + plan.refusals
            report.diff = plan.diff()
            report.notes = (conv.identity.notes() if conv.identity else []) + list(plan.notes)
            if plan.refusals:
                report.refusals = plan.refusals
            elif plan.empty:
                report.notes.append("already as intended: nothing to change")
            elif (
                not allow_unprotected
                and not checkpoint
                and (unprotectable := no_revert_timer(state.image))
            ):
                report.refusals = [unprotectable]  # also on a dry run: what apply would do
            elif dry_run:
                report.notes.append("dry run: nothing was sent")
            else:
                fresh = yield from change(
                    conv,
                    params,
                    driver,
                    intent,
                    state,
                    plan,
                    report,
                    found_secrets,
                    save,
                    revert_minutes,
                    allow_unprotected,
                    checkpoint,
                    reload_minutes,
                )
        except (DeviceError, SessionLost, SessionLogError) as exc:
            report.errors.append(str(exc))
            if report.outcome == "unchanged":  # raised before anything was changed
                report.outcome = "failed-before-change"
        if report.refusals:
            report.outcome = "refused"
        if not report.refusals and not report.errors and not dry_run:
            # Verify over what was already read, nothing twice: after a change, the fresh
            # login's session and state (the confirm changes no line of it; telnet may be
            # gone by design); with nothing changed, the state this session read.
            checked = Report(params.host)
            try:
                if fresh is not None:
                    if main_open:  # the change is done: free its vty line for the probes
                        main_open = False
                        yield from close(conv)
                    verify_params = fresh.params
                    yield from checks_of(
                        checked,
                        verify_params,
                        fresh.dialog,
                        fresh.state,
                        intent,
                        found_secrets,
                        private_keys,
                        live,
                    )
                else:
                    yield from checks_of(
                        checked, params, conv, state, intent, found_secrets, private_keys, live
                    )
            except (DeviceError, SessionLost) as exc:
                checked.errors.append(str(exc))
            report.checks, report.errors = checked.checks, report.errors + checked.errors
            report.notes += [n for n in checked.notes if n not in report.notes]
    finally:
        if main_open:
            yield from close(conv)
        if fresh is not None:
            yield from close(fresh.dialog)
    return _done(report, started)


def _done(report: Report, started: float) -> Report:
    report.ok = not (report.refusals or report.errors or report.failed_checks)
    report.seconds = time.monotonic() - started
    return report
