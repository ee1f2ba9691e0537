"""Task functions: read, plan, apply safely, verify. Each opens its own session unless one
is given, so they compose (and the Nornir plugin can pass the host's connection).

apply() never leaves a router half-changed: the change runs inside
`configure terminal revert timer N`; a NEW session must log in with the intended
credentials before `configure confirm`; any failure triggers `configure revert now`, or,
when our session is gone, the router's own timer.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import probes
from .checks import state_checks
from .errors import ConnectError, DeviceError, IntentError, ParseError, SessionLost
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
    checks = probes.login_probe(params, state.ssh_key_sha256, _expected_banner(intent))
    for username, key in (private_keys or {}).items():
        checks.append(probes.pubkey_probe(params, username, key))
    if intent.scp.enabled:
        check, name = probes.scp_probe(_scp_login(params, intent, found_secrets))
        checks.append(check)
        try:
            conv.dialogue(f"delete flash:{name}", [("Delete filename", ""), ("[confirm]", "")])
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
    intent: SshIntent,
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
    report = Report(params.host)
    conv = session or _connect(params, driver, report)
    if conv is None:
        return report
    if conv.identity is not None:
        report.notes += conv.identity.notes()
    try:
        state = _state_of(conv)
        report.checks = state_checks(state, intent)
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
    session: Conversation | None = None,
) -> Report:
    """Converge the router to `intent`, safely, then verify. See the module docstring."""
    started = time.monotonic()
    params = DeviceParams.coerce(device)
    found_secrets = resolve_secrets(intent, secrets)  # before any device is touched
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
        elif dry_run:
            report.notes.append("dry run: nothing was sent")
        else:
            _change(
                conv,
                params,
                intent,
                state,
                plan,
                report,
                found_secrets,
                save,
                revert_minutes,
                allow_unprotected,
            )
    except (DeviceError, SessionLost) as exc:
        report.errors.append(str(exc))
    finally:
        if session is None:
            conv.close()
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
    intent: SshIntent,
    state: DeviceState,
    plan: Plan,
    report: Report,
    found_secrets: dict[str, str],
    save: bool,
    revert_minutes: int,
    allow_unprotected: bool,
) -> None:
    steps = list(plan.steps)
    has_archive = bool((state.config["archive"] or {}).get("path"))
    if not has_archive:
        archive_steps = [s for s in steps if s.section == "archive"]
        if archive_steps:  # the timer needs the archive: configure it first, outside
            conv.configure([line.command for line in archive_steps[0].lines])
            conv.end()
            steps.remove(archive_steps[0])
            has_archive = True
        elif not allow_unprotected:
            report.refusals.append(
                "no configuration archive, so no revert timer to undo a failed change: add an "
                "archive section to the intent, or pass allow_unprotected=True"
            )
            return
    protected = has_archive
    if protected:
        try:
            out = conv.run(f"configure terminal revert timer {revert_minutes}")
            if "Rollback Confirmed Change" not in out:
                raise DeviceError("configure terminal revert timer", out or "no rollback started")
        except DeviceError as exc:
            if not allow_unprotected:
                report.refusals.append(
                    "this image has no revert timer ('configure terminal revert timer' was "
                    f"rejected: {exc.device_words.splitlines()[-1]}); pass allow_unprotected=True "
                    "to apply without one"
                )
                return
            protected = False
    if not protected:
        conv.run("configure terminal")
        report.notes.append("applied without a revert timer (allow_unprotected)")
    try:
        for step in steps:
            for line in step.lines:
                _send_line(conv, params, line)
        conv.end()
    except DeviceError as exc:
        report.errors.append(f"{exc.command}: {exc.device_words}")
        _undo(conv, report, protected)
        return
    except SessionLost as exc:
        report.errors.append(f"session lost during the change: {exc}")
        if protected:
            report.notes.append(
                f"the router's revert timer ({revert_minutes} min) restores the previous configuration"
            )
        return
    report.changed = True
    rotation = _key_rotation(conv, params, intent)
    fresh = _fresh_login(params, intent, found_secrets, rotation)
    if fresh is not None:
        report.errors.append(f"a new session could not log in after the change: {fresh}")
        _undo(conv, report, protected)
        report.changed = False
        _keep_rotated_key(conv, intent, rotation, report)
        return
    if protected:
        conv.run("configure confirm")
    if rotation is not None and rotation.proven is not None:
        report.notes.append(rotation.commit())
    if save:
        conv.run("write memory", timeout=params.timeout * 2)
        report.notes.append("saved (write memory)")


def _send_line(conv: Conversation, params: DeviceParams, line: ConfigLine) -> None:
    """One configuration line. A line that carries a secret is sent with logging off (the
    drivers log what they send at debug level) and reported by its display form."""
    timeout = params.keygen_timeout if line.kind == "keygen" else None
    if line.command == line.display:
        conv.configure([line.command], timeout=timeout)
        return
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        conv.configure([line.command], timeout=timeout)
    except DeviceError as exc:
        words = exc.device_words.replace(line.command.split()[-1], "***")
        raise DeviceError(line.display, words) from None
    finally:
        logging.disable(previous)


def _undo(conv: Conversation, report: Report, protected: bool) -> None:
    if not protected:
        report.notes.append("no revert timer: the router keeps the lines sent before the failure")
        return
    try:
        conv.end()
        conv.run("configure revert now")
        report.notes.append("reverted: configure revert now")
    except (DeviceError, SessionLost) as exc:
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
