"""Task functions: read, plan, apply safely, verify. Each opens its own session unless one
is given, so they compose (and the Nornir plugin can pass the host's connection).

apply() never leaves a router half-changed: the change runs inside
`configure terminal revert timer N`; a NEW session must log in with the intended
credentials before `configure confirm`; any failure triggers `configure revert now`, or,
when our session is gone, the router's own timer.
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import capabilities, probes, redact
from .checks import expected_host_key, state_checks
from .errors import ConnectError, DeviceError, IntentError, ParseError, SessionLogError, SessionLost
from .image import Image
from .intent import SshIntent
from .parse import parse
from .plan import Plan, PlanContext, make_plan
from .render import ConfigLine
from .report import Report
from .secrets import resolve_secrets, secret_key
from .session import Conversation, DeviceParams, Driver, open_session
from .session.algorithms import prefer_key_types
from .session.algorithms import resolve as resolve_algorithms
from .session.identity import fetch_host_key
from .session.known_hosts import HostKey, KnownHosts, host_name
from .state import STATE_COMMANDS, DeviceState, build_state

log = logging.getLogger("ios_ssh")
DeviceLike = DeviceParams | dict[str, Any]


IntentLike = SshIntent | Mapping[str, Any] | str | Path
REVERT_MINUTES_RANGE = (1, 120)  # `configure terminal revert timer <1-120>`


def as_intent(intent: IntentLike) -> SshIntent:
    """An intent given as a model, a mapping, or a YAML file path (IntentError if bad)."""
    if isinstance(intent, SshIntent):
        return intent
    if isinstance(intent, Mapping):
        return SshIntent.from_dict(dict(intent))
    if isinstance(intent, str | Path):
        try:
            return SshIntent.from_yaml(intent)
        except OSError as exc:
            raise IntentError([f"intent: {intent}: {exc.strerror or exc}"]) from None
    raise IntentError(
        [f"intent: expected an SshIntent, a mapping or a path, got {type(intent).__name__}"]
    )


def check_revert_minutes(minutes: object) -> int:
    """IOS's range, checked before any connection (a typo must not read as a missing timer)."""
    lo, hi = REVERT_MINUTES_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not lo <= minutes <= hi:
        raise IntentError([f"revert_minutes: {minutes!r} is out of range {lo}-{hi}"])
    return minutes


def _available_secrets(intent: SshIntent, secrets: Mapping[str, str] | None) -> dict[str, str]:
    """The intent's secrets that can be had; verify does not need all of them."""
    try:
        return resolve_secrets(intent, secrets)
    except IntentError:
        source = secrets if secrets is not None else {}
        return {k: v for k, v in source.items() if v}


def _connect(params: DeviceParams, driver: Driver, report: Report) -> Conversation | None:
    """A session, or None with the reason in the report (a fleet run goes on)."""
    try:
        return open_session(params, driver)
    except ConnectError as exc:
        report.ok, report.errors = False, [str(exc)]
        report.outcome = "failed-before-change"
        return None


def _state_of(conv: Conversation) -> DeviceState:
    outputs = {command: conv.run(command, check=False) for command in STATE_COMMANDS}
    return build_state(outputs)


def read_state(
    device: DeviceLike, driver: Driver = "netmiko", *, session: Conversation | None = None
) -> DeviceState:
    """The router's SSH state, from the show commands in STATE_COMMANDS."""
    params = DeviceParams.coerce(device)
    conv = session or open_session(params, driver)
    try:
        return _state_of(conv)
    finally:
        if session is None:
            conv.close()


def _expected_banner(intent: SshIntent) -> str | None:
    return {2: "SSH-2.0-", "compat": "SSH-1.99-", 1: "SSH-1.5-"}.get(intent.ssh.version)  # type: ignore[arg-type]


def _live_checks(
    params: DeviceParams,
    conv: Conversation,
    state: DeviceState,
    intent: SshIntent,
    private_keys: Mapping[str, str | Path] | None,
    found_secrets: Mapping[str, str],
) -> list:
    # The wire key must be the key SSH is meant to serve (checks.expected_host_key).
    expected_key, _source = expected_host_key(state, intent)
    checks = probes.login_probe(params, expected_key, _expected_banner(intent))
    for username, key in (private_keys or {}).items():
        checks.append(probes.pubkey_probe(params, username, key))
    if intent.scp.enabled:
        fs = capabilities.file_system(state)  # disk0: on a Sup720, bootflash: on an ISR4k
        check, name = probes.scp_probe(_scp_login(params, intent, found_secrets), file_system=fs)
        checks.append(check)
        try:
            conv.dialogue(f"delete {fs}{name}", [("Delete filename", ""), ("[confirm]", "")])
        except DeviceError as exc:
            log.info("%s: probe file not deleted: %s", params.host, exc.device_words)
    for entry in intent.reverse_ssh:
        for offset, _group in enumerate(entry.groups):
            checks.append(probes.reverse_probe(params, entry.port + offset))
    vtys = [
        line for line in intent.lines if line.kind == "vty" and line.transport_input is not None
    ]
    if vtys and all(
        "telnet" not in l.transport_input and "all" not in l.transport_input for l in vtys
    ):  # type: ignore[operator]
        checks.append(probes.telnet_refused_probe(params.host, params.telnet_port or 23))
    return checks


def _scp_login(
    params: DeviceParams, intent: SshIntent, found_secrets: Mapping[str, str]
) -> DeviceParams:
    """SCP needs a privilege-15 user: the intent's first one whose secret we hold."""
    for user in intent.users:
        password = found_secrets.get(secret_key(user.secret_env, user.name))
        if user.privilege == 15 and password:
            return params.with_login(user.name, password)
    return params


def verify(
    device: DeviceLike,
    intent: IntentLike,
    driver: Driver = "netmiko",
    *,
    secrets: Mapping[str, str] | None = None,
    private_keys: Mapping[str, str | Path] | None = None,
    live: bool = True,
    session: Conversation | None = None,
) -> Report:
    """Check every intent field against the router and, when `live`, on the wire."""
    started = time.monotonic()
    params = DeviceParams.coerce(device)
    intent = as_intent(intent)
    report = Report(params.host)
    conv = session or _connect(params, driver, report)
    if conv is None:
        return report
    if conv.identity is not None:
        report.notes += conv.identity.notes()
    try:
        state = _state_of(conv)
        report.checks = state_checks(state, intent)
        if intent.unsupported == "skip":  # what was left out on this image, and why
            report.notes += capabilities.fit(intent, state.image).messages
        if live:
            found = _available_secrets(intent, secrets)
            report.checks += _live_checks(
                params.for_ssh(), conv, state, intent, private_keys, found
            )
    except (DeviceError, SessionLost) as exc:
        report.errors.append(str(exc))
    finally:
        if session is None:
            conv.close()
    report.ok = not report.errors and not report.failed_checks
    report.seconds = time.monotonic() - started
    return report


def apply(
    device: DeviceLike,
    intent: IntentLike,
    driver: Driver = "netmiko",
    dry_run: bool = False,
    *,
    secrets: Mapping[str, str] | None = None,
    save: bool = False,
    revert_minutes: int = 5,
    allow_unprotected: bool = False,
    private_keys: Mapping[str, str | Path] | None = None,
    live: bool = True,
    session: Conversation | None = None,
) -> Report:
    """Converge the router to `intent`, safely, then verify. See the module docstring."""
    started = time.monotonic()
    params = DeviceParams.coerce(device)
    intent = as_intent(intent)
    check_revert_minutes(revert_minutes)
    found_secrets = resolve_secrets(intent, secrets)  # before any device is touched
    redact.register(found_secrets.values())
    report = Report(params.host)
    conv = session or _connect(params, driver, report)
    if conv is None:
        return report
    try:
        state = _state_of(conv)
        # The session may have fallen back from telnet to SSH: plan for the one in use.
        context = PlanContext(conv.params.transport, conv.params.username)
        plan = make_plan(state, intent, context, found_secrets)
        report.diff = plan.diff()
        report.notes = (conv.identity.notes() if conv.identity else []) + list(plan.notes)
        if plan.refusals:
            report.refusals = plan.refusals
        elif plan.empty:
            report.notes.append("already as intended: nothing to change")
        elif not allow_unprotected and (unprotectable := _no_revert_timer(state.image)):
            report.refusals = [unprotectable]  # also on a dry run: it is what apply would do
        elif dry_run:
            report.notes.append("dry run: nothing was sent")
        else:
            _change(
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
            )
    except (DeviceError, SessionLost, SessionLogError) as exc:
        report.errors.append(str(exc))
        if report.outcome == "unchanged":  # raised before anything was changed
            report.outcome = "failed-before-change"
    finally:
        if session is None:
            conv.close()
    if report.refusals:
        report.outcome = "refused"
    if not report.refusals and not report.errors and not dry_run:
        # After a change the fresh SSH login has proven SSH; telnet may be gone by design.
        verify_params = params.for_ssh() if report.changed else params
        checked = verify(
            verify_params,
            intent,
            driver,
            secrets=found_secrets,
            private_keys=private_keys,
            live=live,
        )
        report.checks, report.errors = checked.checks, report.errors + checked.errors
    report.ok = not (report.refusals or report.errors or report.failed_checks)
    report.seconds = time.monotonic() - started
    return report


def _change(
    conv: Conversation,
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
) -> None:
    """Send the plan under the router's revert timer; each way out sets `report.outcome`."""
    if any(line.command != line.display for line in plan.lines()):
        conv.channel.protect(found_secrets.values())  # or refuse, before anything is sent
    steps = list(plan.steps)
    image = state.image
    has_archive = bool((state.config["archive"] or {}).get("path"))
    # B-4: settle the revert-timer question before anything is sent. An image known to lack
    # the timer (12.2SX before SXI) is refused here, archive lines included.
    unprotectable = _no_revert_timer(image)
    if unprotectable and not allow_unprotected:
        report.outcome = "refused"
        report.refusals.append(unprotectable)
        return
    protected = capabilities.supports("revert_timer", image)
    archive_sent: list[str] = []
    if protected and not has_archive:
        archive_steps = [s for s in steps if s.section == "archive"]
        if archive_steps:  # the timer needs the archive: configure it first, outside
            archive_sent = [line.command for line in archive_steps[0].lines]
            conv.configure(archive_sent)
            conv.end()
            steps.remove(archive_steps[0])
        elif not allow_unprotected:
            report.outcome = "refused"
            report.refusals.append(
                "no configuration archive, so no revert timer to undo a failed change: add an "
                "archive section to the intent, or pass allow_unprotected=True"
            )
            return
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
            out = conv.run(f"configure terminal revert timer {minutes}")
            if "Rollback Confirmed Change" not in out:
                raise DeviceError("configure terminal revert timer", out or "no rollback started")
        except DeviceError as exc:
            _undo_archive(conv, report, archive_sent)  # leave the router exactly as it was
            if not allow_unprotected:
                report.outcome = "refused"
                report.refusals.append(
                    "this image has no revert timer ('configure terminal revert timer' was "
                    f"rejected: {exc.device_words.splitlines()[-1]}); pass allow_unprotected=True "
                    "to apply without one"
                )
                return
            protected = False
        if keygen_minutes and protected:
            report.notes.append(
                f"revert timer {minutes} min: {revert_minutes} + {keygen_minutes} for key "
                f"generation on {image}"
            )
    rollback_at = _clock_in(minutes)
    if not protected:
        conv.run("configure terminal")
        report.notes.append("applied without a revert timer (allow_unprotected)")
    try:
        for step in steps:
            for line in step.lines:
                if line.kind != "keygen":
                    _send_line(conv, params, line)
                    continue
                _generate_keys(conv, params, line)
                if protected and _timer_expired(conv):
                    # The router rolled back while the keys were made; what follows
                    # would go in unprotected, so nothing more is sent.
                    conv.end()
                    report.errors.append(
                        "the revert timer expired during key generation: the router rolled "
                        "back the change (the keys it generated stay); nothing more was sent"
                    )
                    report.outcome = "reverted"
                    report.revert = "by the router's timer, during key generation"
                    return
        conv.end()
    except DeviceError as exc:
        report.errors.append(f"{exc.command}: {exc.device_words}")
        _undo(conv, report, protected, rollback_at)
        return
    except SessionLost as exc:
        report.errors.append(f"session lost during the change: {exc}")
        if protected:
            _reverting(report, rollback_at, minutes)
        else:
            report.outcome = "unknown"
            report.notes.append("no revert timer: the lines sent before the loss stay")
        return
    rotation = _key_rotation(conv, params, intent)
    fresh = _fresh_login(params, intent, found_secrets, rotation)
    if fresh is not None:
        report.errors.append(f"a new session could not log in after the change: {fresh}")
        _undo(conv, report, protected, rollback_at)
        _keep_rotated_key(conv, intent, rotation, report)
        return
    if protected and not _confirm(conv, params, driver, intent, plan, report, minutes, rollback_at):
        _keep_rotated_key(conv, intent, rotation, report)  # IOS keeps new keys on rollback
        return
    report.outcome, report.changed = "converged", True
    if rotation is not None and rotation.proven is not None:
        report.notes.append(rotation.commit())
    if save:
        conv.run("write memory", timeout=params.timeout * 2)
        report.notes.append("saved (write memory)")


def _no_revert_timer(image: Image) -> str | None:
    """Why a change on `image` could not be protected, or None when it has the timer."""
    if capabilities.supports("revert_timer", image):
        return None
    return (
        f"{image} has no revert timer (needs {capabilities.introduced('revert_timer')}), "
        "so nothing could undo a failed change: pass allow_unprotected=True to apply "
        "without one"
    )


def _clock_in(minutes: int) -> str:
    """When a revert timer started now expires, on this machine's clock."""
    at = datetime.now(UTC) + timedelta(minutes=minutes)
    return at.strftime("%H:%M UTC")


def _reverting(report: Report, rollback_at: str, minutes: int) -> None:
    report.outcome = "reverting"
    report.revert = f"the router's revert timer ({minutes} min) rolls back at {rollback_at}"
    report.notes.append(
        f"the router's revert timer ({minutes} min) restores the previous configuration "
        f"at about {rollback_at}; do not confirm it by hand"
    )


_SYSLOG = re.compile(r"^%[A-Z0-9_]+-\d-[A-Z0-9_]+:")  # a log message, not an answer


def _confirm(
    conv: Conversation,
    params: DeviceParams,
    driver: Driver,
    intent: SshIntent,
    plan: Plan,
    report: Report,
    minutes: int,
    rollback_at: str,
) -> bool:
    """`configure confirm`, checked: True when the change is confirmed on the router. IOS
    answers `%No Rollback Confirmed Change pending` when the timer already fired (B-5)."""
    try:
        out = conv.run("configure confirm")
    except SessionLost as exc:
        report.errors.append(f"session lost at configure confirm: {exc}")
        return _confirm_anew(params, driver, intent, report, minutes, rollback_at)
    except DeviceError as exc:
        out = exc.device_words
    refused = [
        line.strip()
        for line in out.splitlines()
        if line.strip().startswith("%") and not _SYSLOG.match(line.strip())
    ]
    if refused:
        # Too late: the timer expired (slow steps, or a timer too short) and IOS rolled
        # back; lines typed after that moment stayed, unprotected. Read what is there now.
        return _after_expiry(conv, intent, plan, report, f"configure confirm: {refused[0]}")
    return True


def _after_expiry(
    conv: Conversation, intent: SshIntent, plan: Plan, report: Report, words: str
) -> bool:
    """The timer expired before the confirm, and IOS rolled back then; lines typed after
    that moment stayed, unprotected. Read what the router holds now and say so; True when
    the whole change stands (already proven by the fresh login)."""
    expired = "the revert timer expired before configure confirm"
    try:
        left = make_plan(_state_of(conv), intent, PlanContext("ssh", conv.params.username), {})
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


def _confirm_anew(
    params: DeviceParams,
    driver: Driver,
    intent: SshIntent,
    report: Report,
    minutes: int,
    rollback_at: str,
) -> bool:
    """The session dropped at `configure confirm`: find out from a new one whether the
    change is pending (confirm it), already confirmed, or rolled back."""
    try:
        conv = open_session(params.for_ssh(), driver)
    except ConnectError as exc:
        report.outcome = "unknown"
        report.revert = (
            f"no new session ({exc}): confirmed if 'configure confirm' reached the router, "
            f"else rolled back by its timer at about {rollback_at}"
        )
        return False
    try:
        pending = conv.run("show archive config rollback timer", check=False)
        if "No Rollback Confirmed Change pending" not in pending:
            conv.run("configure confirm")
            report.notes.append("confirmed from a new session after the first one was lost")
            return True
        left = make_plan(_state_of(conv), intent, PlanContext("ssh", params.username), {})
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
        conv.close()


def _timer_expired(conv: Conversation) -> bool:
    """Whether the revert timer has already fired (asked from configuration mode)."""
    out = conv.run("do show archive config rollback timer", check=False)
    return "No Rollback Confirmed Change pending" in out


def _undo_archive(conv: Conversation, report: Report, sent: list[str]) -> None:
    """The archive lines sent for a timer that then was refused: take them back out."""
    if not sent:
        return
    try:
        conv.configure(["no archive"])
        conv.end()
        report.notes.append("archive lines removed again: the revert timer was refused")
    except (DeviceError, SessionLost) as exc:
        report.notes.append(f"could not remove the archive lines ({exc})")


# Questions `crypto key generate rsa` may ask, answered as the plan decided: keys are only
# generated when the plan chose to (re)generate them. 12.x Catalysts ask before replacing
# existing keys even on the one-liner (capabilities: keygen_replace_question).
KEYGEN_ANSWERS = (("Do you really want to replace them", "yes"),)


def _generate_keys(conv: Conversation, params: DeviceParams, line: ConfigLine) -> None:
    if not conv.in_config():
        conv.run("configure terminal")
    conv.dialogue(line.command, KEYGEN_ANSWERS, timeout=params.keygen_timeout)


def _send_line(conv: Conversation, params: DeviceParams, line: ConfigLine) -> None:
    """One configuration line. A line that carries a secret is reported by its display
    form; the secret itself is masked in every log record (`redact`, registered when the
    secrets were resolved) and in the driver's session log (`protect`)."""
    timeout = params.keygen_timeout if line.kind == "keygen" else None
    if line.command == line.display:
        conv.configure([line.command], timeout=timeout)
        return
    secret = line.command.split()[-1]
    redact.register([secret])
    conv.channel.protect([secret])
    try:
        conv.configure([line.command], timeout=timeout)
    except DeviceError as exc:
        words = exc.device_words.replace(secret, "***")
        raise DeviceError(line.display, words) from None


def _undo(conv: Conversation, report: Report, protected: bool, rollback_at: str) -> None:
    if not protected:
        report.outcome = "partial"
        report.notes.append("no revert timer: the router keeps the lines sent before the failure")
        return
    try:
        conv.end()
        conv.run("configure revert now")
        report.outcome, report.revert = "reverted", "configure revert now"
        report.notes.append("reverted: configure revert now")
    except (DeviceError, SessionLost) as exc:
        report.outcome = "reverting"
        report.revert = f"the router's revert timer rolls back at about {rollback_at}"
        report.notes.append(f"could not revert now ({exc}); the router's revert timer will")


@dataclass
class _Rotation:
    """The router now serves another host key than the pinned one (apply regenerated it,
    or named another key pair): `new` is its fingerprint as the router said over the
    verified session; `proven` is the key a fresh login then showed, equal to it."""

    file: str
    host: str
    port: int
    old: list[HostKey]
    new: str
    proven: HostKey | None = None

    def commit(self) -> str:
        """Pin the proven key in place of the old entry (replaced, not appended)."""
        assert self.proven is not None
        replaced = KnownHosts(self.file).replace(self.host, self.port, self.proven)
        name = host_name(self.host, self.port)
        if replaced:
            olds = ", ".join(k.fingerprint for k in replaced)
            return (
                f"known_hosts entry for {name} in {self.file} rotated: {olds} -> {self.new} "
                "(the router showed the new key over the verified session; a fresh login "
                "presented exactly that key)"
            )
        return (
            f"known_hosts: {name} pinned in {self.file} as {self.new} (the key the router "
            "showed over our session, presented by the fresh login)"
        )


def _served_sha256(conv: Conversation, intent: SshIntent) -> str:
    """The fingerprint of the key SSH serves, read over our (verified) session; "" when
    it cannot be told (then nothing is rotated, and a changed key fails the fresh login)."""
    try:
        shown = parse("show ip ssh", conv.run("show ip ssh", check=False))
        sha = shown[0]["rsa_key_sha256"] if shown else ""
        if sha or intent.rsa is None:
            return str(sha)
        # No key blob in `show ip ssh` (12.2SX, 12.4, early 15.x): the key the intent made.
        output = conv.run("show crypto key mypubkey rsa", check=False)
        keys = parse("show crypto key mypubkey rsa", output)
    except ParseError as exc:
        log.info("the served host key could not be read: %s", exc)
        return ""
    label = intent.rsa.label or (shown[0]["rsa_key_name"] if shown else "")
    return str(next((k["sha256"] for k in keys if k["key_name"] == label), ""))


def _keep_rotated_key(
    conv: Conversation, intent: SshIntent, rotation: _Rotation | None, report: Report
) -> None:
    """After a revert: IOS does not roll RSA keys back with the configuration, so a new key
    that the fresh login's key exchange proved stays pinned if the router still serves it
    (else the next session would meet a key known_hosts does not have)."""
    if rotation is None or rotation.proven is None:
        return
    try:
        still = _served_sha256(conv, intent) == rotation.new
    except (DeviceError, SessionLost):
        still = False
    if still:
        report.notes.append(rotation.commit() + "; kept after the revert: IOS keeps new keys")


def _key_rotation(conv: Conversation, params: DeviceParams, intent: SshIntent) -> _Rotation | None:
    """A rotation to prove, when the key the router serves is not the pinned one."""
    if params.host_key_check == "off":
        return None
    ssh = params.for_ssh()
    served = _served_sha256(conv, intent)
    file = ssh.known_hosts_file
    pinned = KnownHosts(file).lookup(ssh.host, ssh.effective_ssh_port)
    if not served or any(k.fingerprint == served for k in pinned):
        return None
    return _Rotation(str(file), ssh.host, ssh.effective_ssh_port, pinned, served)


def _fresh_login(
    params: DeviceParams,
    intent: SshIntent,
    found_secrets: dict[str, str],
    rotation: _Rotation | None = None,
) -> str | None:
    """Log in anew over SSH with the credentials the intent leaves; None when it works.

    With a rotation, the new session must present exactly the key the router showed over
    the verified session: it is checked against a known_hosts file holding only that key,
    so no impostor is accepted in the gap."""
    ssh_params = params.for_ssh()
    for user in intent.users:
        if user.name == params.username:
            password = found_secrets.get(secret_key(user.secret_env, user.name))
            if password:
                ssh_params = ssh_params.with_login(user.name, password)
    with tempfile.TemporaryDirectory(prefix="ios-ssh-rotation-") as tmp:
        if rotation is not None:
            try:
                # the router's show output gives its RSA key: ask for that type
                allowed = prefer_key_types(
                    resolve_algorithms(ssh_params.ssh_algorithms), ["ssh-rsa"]
                )
                wire = fetch_host_key(ssh_params, allowed)
            except ConnectError as exc:
                return str(exc)
            if wire.fingerprint != rotation.new:
                return (
                    f"{ssh_params.host}:{ssh_params.effective_ssh_port}: the new session was "
                    f"offered {wire.fingerprint}, but the router says it serves {rotation.new}: "
                    "refused (nothing was sent; the known_hosts entry is unchanged)"
                )
            only = KnownHosts(f"{tmp}/known_hosts")
            only.add(ssh_params.host, ssh_params.effective_ssh_port, wire)
            ssh_params = ssh_params.model_copy(
                update={"known_hosts": only.path, "host_key_check": "strict"}
            )
            rotation.proven = wire
        try:
            conv = open_session(ssh_params, "netmiko")
        except ConnectError as exc:
            return str(exc)
    try:
        state = _state_of(conv)
        return None if state.ssh_enabled else "SSH is not enabled"
    except (DeviceError, SessionLost) as exc:
        return str(exc)
    finally:
        conv.close()
