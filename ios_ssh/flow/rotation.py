"""The host key after a change: a rotation to prove, and the fresh login that proves it
and the intended credentials."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConnectError, DeviceError, ParseError, SessionLost
from ..intent import SshIntent
from ..message import compose, first_fitting
from ..parse import parse
from ..secrets import secret_key
from ..session.algorithms import prefer_key_types
from ..session.algorithms import resolve as resolve_algorithms
from ..session.conversation import Dialog, Steps
from ..session.identity import fetch_host_key, only_key_file, pin_rotation, pinned_at
from ..session.known_hosts import HostKey, KnownHostsError, host_name, shown
from ..session.params import DeviceParams, Driver
from ..state import DeviceState
from .protocol import call, close, opened
from .read import read_state

log = logging.getLogger("ios_ssh")


@dataclass
class Rotation:
    """The router now serves another host key than the pinned one (apply regenerated it,
    or named another key pair): `new` is its fingerprint as the router said over the
    verified session; `proven` is the key a fresh login then showed, equal to it."""

    file: str
    host: str
    port: int
    old: list[HostKey]
    new: str
    proven: HostKey | None = None
    failed: bool = False  # commit could not write the file: the report says so as an error

    def commit(self) -> str:
        """Pin the proven key in place of the old entry (replaced, not appended). Never
        raises (the change is confirmed by now): a file that cannot be rewritten is said,
        one line, with `failed` set."""
        assert self.proven is not None
        name = host_name(self.host, self.port)
        try:
            replaced = pin_rotation(self.host, self.port, self.proven, Path(self.file))
        except (KnownHostsError, OSError) as exc:
            self.failed = True
            why = (
                str(exc)
                if isinstance(exc, KnownHostsError)
                else f"{shown(self.file)}: {exc.strerror}"
            )
            return compose(
                f"known_hosts NOT updated for {name} (the router now serves {self.new}; "
                "pin it by hand)",
                why,
            )
        if replaced:
            olds = ", ".join(k.fingerprint for k in replaced)
            return (
                f"known_hosts entry for {name} in {shown(self.file)} rotated: {olds} -> {self.new} "
                "(the router showed the new key over the verified session; a fresh login "
                "presented exactly that key)"
            )
        return (
            f"known_hosts: {name} pinned in {shown(self.file)} as {self.new} (the key the router "
            "showed over our session, presented by the fresh login)"
        )


def served_sha256(conv: Dialog, intent: SshIntent) -> Steps[str]:
    """The fingerprint of the key SSH serves, read over our (verified) session; "" when
    it cannot be told (then nothing is rotated, and a changed key fails the fresh login)."""
    try:
        shown = parse("show ip ssh", (yield from conv.run("show ip ssh", check=False)))
        sha = shown[0]["rsa_key_sha256"] if shown else ""
        if sha or intent.rsa is None:
            return str(sha)
        # No key blob in `show ip ssh` (12.2SX, 12.4, early 15.x): the key the intent made.
        output = yield from conv.run("show crypto key mypubkey rsa", check=False)
        keys = parse("show crypto key mypubkey rsa", output)
    except ParseError as exc:
        log.info("the served host key could not be read: %s", exc)
        return ""
    label = intent.rsa.label or (shown[0]["rsa_key_name"] if shown else "")
    return str(next((k["sha256"] for k in keys if k["key_name"] == label), ""))


def keep_rotated_key(
    conv: Dialog, intent: SshIntent, rotation: Rotation | None, notes: list[str]
) -> Steps[None]:
    """After a revert: IOS does not roll RSA keys back with the configuration, so a new key
    that the fresh login's key exchange proved stays pinned if the router still serves it
    (else the next session would meet a key known_hosts does not have)."""
    if rotation is None or rotation.proven is None:
        return
    try:
        still = (yield from served_sha256(conv, intent)) == rotation.new
    except (DeviceError, SessionLost):
        still = False
    if still:
        said = rotation.commit()
        notes.append(
            said if rotation.failed else f"{said}; kept after the revert: IOS keeps new keys"
        )


def key_rotation(conv: Dialog, params: DeviceParams, intent: SshIntent) -> Steps[Rotation | None]:
    """A rotation to prove, when the key the router serves is not the pinned one."""
    if params.host_key_check == "off":
        return None
    ssh = params.for_ssh()
    served = yield from served_sha256(conv, intent)
    file = ssh.known_hosts_file
    pinned = pinned_at(ssh.host, ssh.effective_ssh_port, ssh.host_key_check, file)
    if not served or any(k.fingerprint == served for k in pinned):
        return None
    return Rotation(str(file), ssh.host, ssh.effective_ssh_port, pinned, served)


@dataclass
class FreshLogin:
    """A session opened after the change with the credentials the intent leaves: proof
    that SSH works, and (kept open) the session that then confirms nothing more but
    verifies, so the state it read is not read again."""

    dialog: Dialog
    params: DeviceParams
    state: DeviceState


def fresh_login(
    params: DeviceParams,
    intent: SshIntent,
    found_secrets: dict[str, str],
    rotation: Rotation | None = None,
    driver: Driver = "netmiko",
) -> Steps[FreshLogin | str]:
    """Log in anew over SSH with the credentials the intent leaves: the open session and
    the state it read, or why it failed, one line under 200 (the session is then closed).

    With a rotation, the new session must present exactly the key the router showed over
    the verified session: it is checked against a known_hosts file holding only that key,
    so no impostor is accepted in the gap."""
    ssh_params = params.for_ssh()
    for user in intent.users:
        if user.name == params.username:
            password = found_secrets.get(secret_key(user.secret_env, user.name))
            if password:
                ssh_params = ssh_params.with_login(user.name, password)
    login_params = ssh_params
    with tempfile.TemporaryDirectory(prefix="ios-ssh-rotation-") as tmp:
        if rotation is not None:
            try:
                # the router's show output gives its RSA key: ask for that type
                allowed = prefer_key_types(
                    resolve_algorithms(ssh_params.ssh_algorithms), ["ssh-rsa"]
                )
                wire = yield from call(fetch_host_key, ssh_params, allowed)
            except ConnectError as exc:
                return compose(FRESH, str(exc))
            if wire.fingerprint != rotation.new:
                where = f"{ssh_params.host}:{ssh_params.effective_ssh_port}"
                return not_the_served_key(where, wire.fingerprint, rotation.new)
            only = only_key_file(Path(tmp), ssh_params.host, ssh_params.effective_ssh_port, wire)
            login_params = ssh_params.model_copy(
                update={"known_hosts": only, "host_key_check": "strict"}
            )
            rotation.proven = wire
        try:
            conv = yield from opened(login_params, driver)
        except ConnectError as exc:
            return compose(FRESH, str(exc))
    try:
        state = yield from read_state(conv)
    except (DeviceError, SessionLost) as exc:
        yield from close(conv)
        return compose(FRESH, str(exc))
    if not state.ssh_enabled:
        yield from close(conv)
        where = f"{ssh_params.host}:{ssh_params.effective_ssh_port}"
        return f"{FRESH}: {where}: 'show ip ssh' says SSH is disabled; check the router"
    return FreshLogin(conv, ssh_params, state)


FRESH = "fresh login"  # the step: the new session that must work before configure confirm


def not_the_served_key(where: str, offered: str, served: str) -> str:
    """The fresh login was offered another key than the one the router says (over the
    verified session) it now serves: a man in the middle, or another device at that
    address. The offered key is the one to look for: it is named whole."""
    head = f"{FRESH}: {where}: host key: offered {offered}"
    return first_fitting(
        f"{head}, router serves {served}; refused, check who answers",
        f"{head}, router serves {served[:14]}...; refused, check who answers",
        f"{head}, not the router's; check who answers",
    )
