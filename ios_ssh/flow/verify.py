"""Verify: every intent field against the router's state and, live, on the wire."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path

from .. import capabilities, probes, redact, revocation
from ..checks import expected_host_key, state_checks
from ..errors import DeviceError, IntentError, SessionLost
from ..intent import SshIntent
from ..report import Check, Report
from ..secrets import resolve_secrets, secret_key
from ..session import algorithms
from ..session.conversation import Dialog, Steps
from ..session.identity import Identity
from ..session.params import DeviceParams, Driver
from ..state import DeviceState
from .protocol import Call, close, gather
from .read import connect, pending_rollback, read_state

log = logging.getLogger("ios_ssh")


def available_secrets(intent: SshIntent, secrets: Mapping[str, str] | None) -> dict[str, str]:
    """The intent's secrets that can be had; verify does not need all of them."""
    try:
        return resolve_secrets(intent, secrets)
    except IntentError:
        source = secrets if secrets is not None else {}
        found = {k: v for k, v in source.items() if v}
        redact.register(found.values())
        return found


def expected_banner(intent: SshIntent) -> str | None:
    return {2: "SSH-2.0-", "compat": "SSH-1.99-", 1: "SSH-1.5-"}.get(intent.ssh.version)  # type: ignore[arg-type]


def scp_login(
    params: DeviceParams, intent: SshIntent, found_secrets: Mapping[str, str]
) -> DeviceParams:
    """SCP needs a privilege-15 user: the intent's first one whose secret we hold."""
    for user in intent.users:
        password = found_secrets.get(secret_key(user.secret_env, user.name))
        if user.privilege == 15 and password:
            return params.with_login(user.name, password)
    return params


def live_checks(
    params: DeviceParams,
    conv: Dialog,
    state: DeviceState,
    intent: SshIntent,
    private_keys: Mapping[str, str | Path] | None,
    found_secrets: Mapping[str, str],
    logged_in: Identity | None = None,
) -> Steps[list[Check]]:
    """The live probes, all at once; then the SCP probe's file is deleted over `conv`.

    `logged_in`: the identity of the SSH session, opened with these credentials, that read
    `state`. It already is a fresh login: its banner and key (checked against known_hosts
    before any password moved) give the login checks, so no probe logs in again. Without
    one (telnet, or host_key_check=off: no key was taken) the login probe does it."""
    # The wire key must be the key SSH is meant to serve (checks.expected_host_key).
    expected_key, _source = expected_host_key(state, intent)
    checks: list[Check] = []
    calls: list[Call] = []
    if logged_in is not None and logged_in.key is not None:
        checks += login_checks(params, logged_in, state, expected_key, expected_banner(intent))
    else:
        calls.append(Call(probes.login_probe, (params, expected_key, expected_banner(intent))))
    for user, key in (private_keys or {}).items():
        # a key the intent removes must be refused, one it keeps must log in (revocation)
        allowed = revocation.allowed_key_hashes(intent, user)
        if allowed is None:
            calls.append(Call(probes.pubkey_probe, (params, user, key)))
        else:
            calls.append(Call(probes.pubkey_proof_probe, (params, user, key, allowed)))
    calls += [
        Call(
            probes.password_proof_probe,
            (params, proof.check, proof.username, proof.password, proof.works),
        )
        for proof in revocation.password_proofs(intent, found_secrets)
    ]
    fs = capabilities.file_system(state)  # disk0: on a Sup720, bootflash: on an ISR4k
    if intent.scp.enabled:
        login = scp_login(params, intent, found_secrets)
        calls.append(Call(probes.scp_probe, (login,), {"file_system": fs}))
    calls += [
        Call(probes.reverse_probe, (params, entry.port + offset))
        for entry in intent.reverse_ssh
        for offset, _group in enumerate(entry.groups)
    ]
    vtys = [
        line for line in intent.lines if line.kind == "vty" and line.transport_input is not None
    ]
    if vtys and all(
        "telnet" not in l.transport_input and "all" not in l.transport_input for l in vtys
    ):  # type: ignore[operator]
        calls.append(Call(probes.telnet_refused_probe, (params, params.telnet_port or 23)))
    results = yield from gather(calls)
    for request, result in zip(calls, results, strict=True):
        if request.fn is probes.scp_probe:
            check, name = result
            checks.append(check)
            try:
                yield from conv.dialogue(
                    f"delete {fs}{name}", [("Delete filename", ""), ("[confirm]", "")]
                )
            except DeviceError as exc:
                log.info("%s: probe file not deleted: %s", params.host, exc.device_words)
        elif isinstance(result, list):
            checks += result
        else:
            checks.append(result)
    return checks


def login_checks(
    params: DeviceParams,
    identity: Identity,
    state: DeviceState,
    expected_key: str,
    banner: str | None,
) -> list[Check]:
    """The login probe's checks, from a session that logged in and read `state`."""
    assert identity.key is not None
    where = f"ssh {params.username}@{params.host}:{params.effective_ssh_port}"
    negotiated = algorithms.describe(identity.negotiated)
    checks = [
        Check(
            "fresh ssh login",
            state.ssh_enabled,
            "login and 'show ip ssh'",
            "logged in",
            f"{where} ({negotiated})",
        ),
        probes.host_key_check(identity, identity.key.fingerprint, expected_key, where),
    ]
    if banner:
        found = identity.banner
        checks.append(Check("ssh banner", found.startswith(banner), banner + "...", found, where))
    return checks


def verify(
    params: DeviceParams,
    intent: SshIntent,
    driver: Driver = "netmiko",
    *,
    secrets: Mapping[str, str] | None = None,
    private_keys: Mapping[str, str | Path] | None = None,
    live: bool = True,
    session: Dialog | None = None,
) -> Steps[Report]:
    """Check every intent field against the router and, when `live`, on the wire."""
    started = time.monotonic()
    report = Report(params.host)
    conv = session or (yield from connect(params, driver, report))
    if conv is None:
        return report
    if conv.identity is not None:
        report.notes += conv.identity.notes()
    try:
        state = yield from read_state(conv)
        if not pending_rollback(report, state):  # checks of a state about to change prove nothing
            yield from checks_of(report, params, conv, state, intent, secrets, private_keys, live)
    except (DeviceError, SessionLost) as exc:
        report.errors.append(str(exc))
    finally:
        if session is None:
            yield from close(conv)
    report.ok = not report.errors and not report.failed_checks
    report.seconds = time.monotonic() - started
    return report


def checks_of(
    report: Report,
    params: DeviceParams,
    conv: Dialog,
    state: DeviceState,
    intent: SshIntent,
    secrets: Mapping[str, str] | None,
    private_keys: Mapping[str, str | Path] | None,
    live: bool,
) -> Steps[None]:
    """The checks of `state` (already read over `conv`, nothing is read again) into the
    report, then the live ones; DeviceError and SessionLost go to the caller."""
    report.checks = state_checks(state, intent)
    if intent.unsupported == "skip":  # what was left out on this image, and why
        report.notes += capabilities.fit(intent, state.image).messages
    if live:
        found = available_secrets(intent, secrets)
        redact.register(found.values())  # old and new secrets the proofs log in with
        if private_keys and not capabilities.supports("pubkey_chain", state.image):
            report.notes.append(
                f"private keys not tried: {state.image} has no ip ssh pubkey-chain (needs "
                f"{capabilities.introduced('pubkey_chain')})"
            )
            private_keys = None
        ssh = conv.params.transport == "ssh"
        report.checks += yield from live_checks(
            params.for_ssh(),
            conv,
            state,
            intent,
            private_keys,
            found,
            conv.identity if ssh else None,
        )
