"""The change, protected: the revert-timer question settled before anything is sent, the
plan sent under the timer, a fresh login, `configure confirm` checked; every way out sets
`report.outcome` (README: "Outcomes").

A change never leaves a router half-changed: it runs inside `configure terminal revert
timer N`; a NEW session must log in with the intended credentials before `configure
confirm`; any failure triggers `configure revert now`, or, when our session is gone, the
router's own timer.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import capabilities, redact
from ..errors import ConnectError, DeviceError, SessionLost
from ..image import Image
from ..intent import SshIntent
from ..message import compose, one_line_text
from ..plan import Plan, PlanContext, make_plan
from ..render import ConfigLine
from ..report import Report
from ..rollback_timer import NO_PENDING, parse_rollback_timer
from ..session.conversation import Dialog, Steps
from ..session.params import DeviceParams, Driver
from ..state import DeviceState
from . import rotation as keys
from .protocol import close, opened, protect
from .read import read_state


def no_revert_timer(image: Image) -> str | None:
    """Why a change on `image` could not be protected, or None when it has the timer."""
    if capabilities.supports("revert_timer", image):
        return None
    return (
        f"{image} has no revert timer (needs {capabilities.introduced('revert_timer')}), "
        "so nothing could undo a failed change: pass allow_unprotected=True to apply "
        "without one"
    )


def change(
    conv: Dialog,
    params: DeviceParams,
    driver: Driver,
    intent: SshIntent,
    state: DeviceState,
    plan: Plan,
    report: Report,
    found_secrets: dict[str, str],
    save: bool,
    revert_minutes: int,
    allow_unprotected: bool,
    checkpoint: bool = False,
    reload_minutes: int | None = None,
) -> Steps[keys.FreshLogin | None]:
    """Send the plan under the router's revert timer; each way out sets `report.outcome`.
    Returns the fresh-login session when the change is confirmed (the caller verifies
    over it and closes it).

    On an image without the timer (12.2SXH and older), `checkpoint` protects instead: the
    running-config is copied to a file first and restored with `configure replace` when
    the tool sees a failure; `reload_minutes` adds a dead-man switch (`reload in N`,
    cancelled once the fresh login works) for a session that is lost."""
    if any(line.command != line.display for line in plan.lines()):
        yield from protect(conv, found_secrets.values())  # or refuse, before anything is sent
    steps = list(plan.steps)
    image = state.image
    has_archive = bool((state.config["archive"] or {}).get("path"))
    # B-4: settle the revert-timer question before anything is sent. An image known to lack
    # the timer (12.2SX before SXI) is refused here, archive lines included.
    unprotectable = no_revert_timer(image)
    if unprotectable and not allow_unprotected and not checkpoint:
        report.outcome = "refused"
        report.refusals.append(unprotectable)
        return None
    protected = capabilities.supports("revert_timer", image)
    archive_sent: list[str] = []
    if protected and not has_archive:
        archive_steps = [s for s in steps if s.section == "archive"]
        if archive_steps:  # the timer needs the archive: configure it first, outside
            archive_sent = [line.command for line in archive_steps[0].lines]
            yield from conv.configure(archive_sent)
            yield from conv.end()
            steps.remove(archive_steps[0])
        elif checkpoint:  # no archive for the timer: the checkpoint protects instead
            protected = False
        elif not allow_unprotected:
            report.outcome = "refused"
            report.refusals.append(
                "no configuration archive on the router, so no revert timer to undo a failed "
                "change: configure one (an intent's archive section does it, as the shipped "
                "intents' do), or allow unprotected changes (allow_unprotected=True, "
                "--allow-unprotected)"
            )
            return None
        else:
            protected = False
    # B-5: the revert timer is absolute and key generation runs inside it (57 s for 2048
    # bits on a 15.x switch, minutes on a Sup720). Generating keys before the timer would
    # send a change (keys replace the served host key, and no rollback undoes them) before
    # we know the change can be protected, and before the names a default label needs; so
    # the timer is lengthened by the image's keygen time instead (capabilities table).
    keygen_bits = intent.rsa.modulus if intent.rsa is not None else 0
    keygen_minutes = sum(
        math.ceil(capabilities.keygen_seconds(image, keygen_bits) / 60)
        for step in steps
        if step.is_keygen
    )
    minutes = min(120, revert_minutes + keygen_minutes)  # IOS: revert timer <1-120>
    if protected:
        try:
            out = yield from conv.run(f"configure terminal revert timer {minutes}")
            if "Rollback Confirmed Change" not in out:
                raise DeviceError("configure terminal revert timer", out or "no rollback started")
        except DeviceError as exc:
            yield from undo_archive(conv, report, archive_sent)  # leave the router as it was
            if not allow_unprotected and not checkpoint:
                report.outcome = "refused"
                report.refusals.append(
                    "this image has no revert timer ('configure terminal revert timer' was "
                    f"rejected: {exc.device_words.splitlines()[-1]}); pass allow_unprotected=True "
                    "to apply without one"
                )
                return None
            protected = False
        if keygen_minutes and protected:
            report.notes.append(
                f"revert timer {minutes} min: {revert_minutes} + {keygen_minutes} for key "
                f"generation on {image}"
            )
    rollback_at = clock_in(minutes)
    guard: Checkpoint | None = None
    if protected:
        report.protection = f"revert timer ({minutes} min)"
    elif checkpoint:  # the image lacks the timer, or refused it, or has no archive
        guard = yield from arm_checkpoint(conv, state, reload_minutes)
        report.protection = guard.describe()
        rollback_at = guard.reload_at
    if not protected:
        yield from conv.run("configure terminal")
        if guard is None:
            report.protection = "none (allow_unprotected)"
            report.notes.append("applied without a revert timer (allow_unprotected)")
    try:
        for step in steps:
            for line in step.lines:
                if line.kind != "keygen":
                    yield from send_line(conv, params, line)
                    continue
                yield from generate_keys(conv, params, line)
                if protected and (yield from timer_expired(conv)):
                    # The router rolled back while the keys were made; what follows
                    # would go in unprotected, so nothing more is sent.
                    yield from conv.end()
                    report.errors.append(
                        "the revert timer expired during key generation: the router rolled "
                        "back the change (the keys it generated stay); nothing more was sent"
                    )
                    report.outcome = "reverted"
                    report.revert = "by the router's timer, during key generation"
                    return None
        yield from conv.end()
    except DeviceError as exc:
        report.errors.append(device_refused(exc))
        yield from undo(conv, report, protected, rollback_at, guard)
        yield from _after_revert(conv, report, archive_sent)
        return None
    except SessionLost as exc:
        report.errors.append(lost("during the change", exc))
        if protected:
            reverting(report, rollback_at, minutes)
            _archive_stays(report, archive_sent)
        elif guard is not None and guard.reload_minutes:
            report.outcome = "reverting"
            report.revert = (
                f"the router reloads at about {guard.reload_at} (reload in "
                f"{guard.reload_minutes}) and boots its startup-config"
            )
            report.notes.append(checkpoint_stays(guard, "the session was lost"))
        else:
            if guard is not None:
                report.notes.append(checkpoint_stays(guard, "the session was lost"))
            report.outcome = "unknown"
            report.notes.append("no revert timer: the lines sent before the loss stay")
        return None
    rotation = yield from keys.key_rotation(conv, params, intent)
    fresh = yield from keys.fresh_login(params, intent, found_secrets, rotation, driver)
    if isinstance(fresh, str):
        report.errors.append(fresh)  # one line, naming the step
        yield from undo(conv, report, protected, rollback_at, guard)
        yield from _after_revert(conv, report, archive_sent)
        yield from keys.keep_rotated_key(conv, intent, rotation, report.notes)
        return None
    try:
        if protected and not (
            yield from confirm(conv, params, driver, intent, plan, report, minutes, rollback_at)
        ):
            yield from _after_revert(conv, report, archive_sent)
            yield from keys.keep_rotated_key(conv, intent, rotation, report.notes)  # IOS keeps keys
            yield from close(fresh.dialog)
            return None
        if guard is not None and guard.reload_minutes:  # SSH works: disarm the switch
            yield from conv.run("reload cancel", check=False)
            report.notes.append("reload cancelled: the fresh login worked")
        if guard is not None:
            yield from drop_checkpoint(conv, report, guard)
        report.outcome, report.changed = "converged", True
        if rotation is not None and rotation.proven is not None:
            said = rotation.commit()
            (report.errors if rotation.failed else report.notes).append(said)
            if fresh.dialog.identity is not None:  # now pinned there, not in the one-key file
                fresh.dialog.identity = replace(fresh.dialog.identity, file=Path(rotation.file))
        if save:
            yield from conv.run("write memory", timeout=params.timeout * 2)
            report.notes.append("saved (write memory)")
    except Exception:
        yield from close(fresh.dialog)
        raise
    return fresh


def device_refused(exc: DeviceError) -> str:
    """A line the router refused mid-change: the line, then the device's words, whole."""
    return compose(exc.command, exc.device_words)


def lost(when: str, exc: SessionLost) -> str:
    return compose(f"session lost {when}", str(exc))


def clock_in(minutes: int) -> str:
    """When a revert timer started now expires, on this machine's clock."""
    at = datetime.now(UTC) + timedelta(minutes=minutes)
    return at.strftime("%H:%M UTC")


def reverting(report: Report, rollback_at: str, minutes: int) -> None:
    report.outcome = "reverting"
    report.revert = f"the router's revert timer ({minutes} min) rolls back at {rollback_at}"
    report.notes.append(
        f"the router's revert timer ({minutes} min) restores the previous configuration "
        f"at about {rollback_at}; do not confirm it by hand"
    )


ROLLBACK_TIMER = "show archive config rollback timer"
_SYSLOG = re.compile(r"^%[A-Z0-9_]+-\d-[A-Z0-9_]+:")  # a log message, not an answer


def confirm(
    conv: Dialog,
    params: DeviceParams,
    driver: Driver,
    intent: SshIntent,
    plan: Plan,
    report: Report,
    minutes: int,
    rollback_at: str,
) -> Steps[bool]:
    """`configure confirm`, checked: True only when the router shows no pending rollback
    afterwards. IOS's answer alone proves nothing: any `%` answer (a refusal, `%Only user X
    can confirm`, or `%No Rollback Confirmed Change pending` when the timer already fired,
    B-5) is not a confirmation, and neither is a silent one that left the timer running.
    The timer is read in the same round trip as the confirm."""
    try:
        out, timer = yield from conv.run_many(["configure confirm", ROLLBACK_TIMER])
    except SessionLost as exc:
        report.errors.append(lost("at configure confirm", exc))
        return (yield from confirm_anew(params, driver, intent, report, minutes, rollback_at))
    refused = [
        line.strip()
        for line in out.splitlines()
        if line.strip().startswith("%") and not _SYSLOG.match(line.strip())
    ]
    pending = parse_rollback_timer(timer)
    if pending is None and not refused:
        return True
    if pending is None:
        # Too late: the timer expired (slow steps, or a timer too short) and IOS rolled
        # back; lines typed after that moment stayed, unprotected. Read what is there now.
        return (
            yield from after_expiry(conv, intent, plan, report, f"configure confirm: {refused[0]}")
        )
    # Still pending: the confirm did not take. Undo now rather than leave the router to
    # roll back behind a report that says the change stands.
    words = refused[0] if refused else "answered, but the revert timer is still pending"
    report.errors.append(compose("configure confirm", words))
    yield from undo(conv, report, True, rollback_at)
    return False


def after_expiry(
    conv: Dialog, intent: SshIntent, plan: Plan, report: Report, words: str
) -> Steps[bool]:
    """The timer expired before the confirm, and IOS rolled back then; lines typed after
    that moment stayed, unprotected. Read what the router holds now and say so; True when
    the whole change stands (already proven by the fresh login)."""
    expired = "the revert timer expired before configure confirm"
    try:
        now = yield from read_state(conv)
        left = make_plan(now, intent, PlanContext("ssh", conv.params.username), {})
    except (DeviceError, SessionLost) as exc:
        report.errors.append(words)
        report.outcome, report.revert = "unknown", f"{expired}; the router could not be read: {exc}"
        return False
    if left.empty:  # the rollback came before the lines: all of them stand
        report.notes.append(f"{expired}, before the change was sent: it stands, unconfirmed")
        return True
    report.errors.append(words)
    if left.diff() == plan.diff():
        report.outcome, report.revert = "reverted", f"by the router's timer: {expired}"
    else:
        report.outcome = "partial"
        report.revert = f"{expired} mid-change: lines sent after it stay; still to do: " + (
            "; ".join(line.display.strip() for line in left.lines())
        )
    return False


def confirm_anew(
    params: DeviceParams,
    driver: Driver,
    intent: SshIntent,
    report: Report,
    minutes: int,
    rollback_at: str,
) -> Steps[bool]:
    """The session dropped at `configure confirm`: find out from a new one whether the
    change is pending (confirm it), already confirmed, or rolled back."""
    try:
        conv = yield from opened(params.for_ssh(), driver)
    except ConnectError as exc:
        report.outcome = "unknown"
        report.revert = (
            f"no new session ({exc}): confirmed if 'configure confirm' reached the router, "
            f"else rolled back by its timer at about {rollback_at}"
        )
        return False
    try:
        pending = parse_rollback_timer((yield from conv.run(ROLLBACK_TIMER, check=False)))
        if pending is not None:
            out, timer = yield from conv.run_many(["configure confirm", ROLLBACK_TIMER])
            if parse_rollback_timer(timer) is None:
                report.notes.append("confirmed from a new session after the first one was lost")
                return True
            words = one_line_text(out) or "answered, but the revert timer is still pending"
            report.errors.append(compose("configure confirm (new session)", words))
            reverting(report, rollback_at, minutes)
            return False
        now = yield from read_state(conv)
        left = make_plan(now, intent, PlanContext("ssh", params.username), {})
        if left.empty:
            report.notes.append("configure confirm had reached the router before the loss")
            return True
        report.outcome, report.revert = "reverted", "by the router's revert timer"
        return False
    except (DeviceError, SessionLost) as exc:
        report.outcome = "unknown"
        report.revert = f"could not tell from a new session: {exc}"
        return False
    finally:
        yield from close(conv)


def _after_revert(conv: Dialog, report: Report, archive_sent: list[str]) -> Steps[None]:
    """Once the change is undone: the archive lines too, over this session when it is
    still ours; else the report says they stay."""
    if not archive_sent:
        return
    if report.outcome == "reverted":  # a dead session fails at once: then they stay
        yield from undo_archive(conv, report, archive_sent, "the change was reverted")
    else:
        _archive_stays(report, archive_sent)


def timer_expired(conv: Dialog) -> Steps[bool]:
    """Whether the revert timer has already fired (asked from configuration mode)."""
    out = yield from conv.run(f"do {ROLLBACK_TIMER}", check=False)
    return NO_PENDING in out


def undo_archive(
    conv: Dialog, report: Report, sent: list[str], why: str = "the revert timer was refused"
) -> Steps[None]:
    """The archive lines sent (outside the timer, which needs them) for a change that did
    not stand: take them back out, so the router is exactly as it was."""
    if not sent:
        return
    try:
        yield from conv.configure(["no archive"])
        yield from conv.end()
        report.notes.append(f"archive lines removed again: {why}")
    except (DeviceError, SessionLost) as exc:
        report.notes.append(f"could not remove the archive lines ({exc})")
        _archive_stays(report, sent)


ARCHIVE_STAYS = "the archive lines added for the revert timer stay ('no archive' removes them)"


def _archive_stays(report: Report, sent: list[str]) -> None:
    """A lost session cannot take them out, and the rollback keeps them (the timer's backup
    was taken after them): say so, where the outcome is explained."""
    if sent and ARCHIVE_STAYS not in report.revert:
        report.revert = f"{report.revert}; {ARCHIVE_STAYS}" if report.revert else ARCHIVE_STAYS


# Questions `crypto key generate rsa` may ask, answered as the plan decided: keys are only
# generated when the plan chose to (re)generate them. 12.x Catalysts ask before replacing
# existing keys even on the one-liner (capabilities: keygen_replace_question).
KEYGEN_ANSWERS = (("Do you really want to replace them", "yes"),)


def generate_keys(conv: Dialog, params: DeviceParams, line: ConfigLine) -> Steps[None]:
    if not conv.in_config():
        yield from conv.run("configure terminal")
    yield from conv.dialogue(line.command, KEYGEN_ANSWERS, timeout=params.keygen_timeout)


# `no username X` on IOS XE: "This operation will remove all username related
# configurations with same name.Do you want to continue? [confirm]" (render: kind confirm).
CONFIRM_ANSWERS = (("[confirm]", ""),)


def send_line(conv: Dialog, params: DeviceParams, line: ConfigLine) -> Steps[None]:
    """One configuration line. A line that carries a secret is reported by its display
    form; the secret itself is masked in every log record (`redact`, registered when the
    secrets were resolved) and in the driver's session log (`protect`)."""
    timeout = params.keygen_timeout if line.kind == "keygen" else None
    if line.kind == "confirm":  # a question some images ask, answered as the plan decided
        if not conv.in_config():
            yield from conv.run("configure terminal")
        yield from conv.dialogue(line.command, CONFIRM_ANSWERS)
        return
    if line.command == line.display:
        yield from conv.configure([line.command], timeout=timeout)
        return
    secret = line.command.split()[-1]
    redact.register([secret])
    yield from protect(conv, [secret])
    try:
        yield from conv.configure([line.command], timeout=timeout)
    except DeviceError as exc:
        words = exc.device_words.replace(secret, "***")
        raise DeviceError(line.display, words) from None


def undo(
    conv: Dialog,
    report: Report,
    protected: bool,
    rollback_at: str,
    guard: Checkpoint | None = None,
) -> Steps[None]:
    if guard is not None:
        yield from restore_checkpoint(conv, report, guard)
        return
    if not protected:
        report.outcome = "partial"
        report.notes.append("no revert timer: the router keeps the lines sent before the failure")
        return
    try:
        yield from conv.end()
        yield from conv.run("configure revert now")
        report.outcome, report.revert = "reverted", "configure revert now"
        report.notes.append("reverted: configure revert now")
    except (DeviceError, SessionLost) as exc:
        report.outcome = "reverting"
        report.revert = f"the router's revert timer rolls back at about {rollback_at}"
        report.notes.append(f"could not revert now ({exc}); the router's revert timer will")


@dataclass(frozen=True)
class Checkpoint:
    """The protection on an image without the revert timer (issue 12): a copy of the
    running-config to restore with `configure replace`, and an optional `reload in N`."""

    file: str
    reload_minutes: int | None
    reload_at: str

    def describe(self) -> str:
        switch = f" and reload in {self.reload_minutes} min" if self.reload_minutes else ""
        return f"checkpoint {self.file} (configure replace on a failure){switch}"


# A name of its own per run: the file holds the whole running-config (type 7 passwords
# are reversible), so it is deleted once the change is settled, and a file some other run
# left (or planted) under a fixed name is never the one restored.
CHECKPOINT = "ios-ssh-checkpoint-"


def arm_checkpoint(
    conv: Dialog, state: DeviceState, reload_minutes: int | None
) -> Steps[Checkpoint]:
    """Copy the running-config to the router's own file system, then (opt-in) schedule a
    reload: a lost session leaves the router to boot its startup-config. The save question
    `reload` asks is answered no: saving would keep the change through the reload."""
    file = f"{capabilities.file_system(state)}{CHECKPOINT}{secrets.token_hex(4)}"
    yield from conv.dialogue(
        f"copy running-config {file}",
        [("Destination filename", ""), ("over write", ""), ("[confirm]", "")],
    )
    if reload_minutes:
        yield from conv.dialogue(
            f"reload in {reload_minutes}", [("Save?", "no"), ("Proceed with reload", "")]
        )
    return Checkpoint(file, reload_minutes, clock_in(reload_minutes or 0))


def drop_checkpoint(conv: Dialog, report: Report, guard: Checkpoint) -> Steps[None]:
    """Delete the checkpoint file once the change is settled (kept or restored)."""
    try:
        yield from conv.dialogue(
            f"delete {guard.file}", [("Delete filename", ""), ("[confirm]", "")]
        )
    except (DeviceError, SessionLost) as exc:
        report.notes.append(checkpoint_stays(guard, str(exc)))


def checkpoint_stays(guard: Checkpoint, why: str) -> str:
    return compose(
        f"the checkpoint {guard.file} stays on the router ({why})",
        "it holds the running-config: delete it",
    )


def restore_checkpoint(conv: Dialog, report: Report, guard: Checkpoint) -> Steps[None]:
    """A failure the tool saw: put the checkpoint back, then disarm the reload."""
    try:
        yield from conv.end()
        yield from conv.run(
            f"configure replace {guard.file} force", timeout=conv.params.timeout * 2
        )
        report.outcome, report.revert = "reverted", f"configure replace {guard.file} force"
        report.notes.append(f"reverted: configure replace {guard.file}")
        if guard.reload_minutes:
            yield from conv.run("reload cancel", check=False)
        yield from drop_checkpoint(conv, report, guard)
    except (DeviceError, SessionLost) as exc:
        if guard.reload_minutes:
            report.outcome = "reverting"
            report.revert = (
                f"configure replace failed ({exc}); the router reloads at about "
                f"{guard.reload_at} and boots its startup-config"
            )
        else:
            report.outcome = "partial"
            report.revert = f"configure replace {guard.file} failed: {exc}"
