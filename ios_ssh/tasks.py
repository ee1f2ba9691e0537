"""Task functions: read, plan, apply safely, verify. Each opens its own session unless one
is given, so they compose (and the Nornir plugin can pass the host's connection).

The logic is the I/O-free flow (ios_ssh.flow, with apply's safety in flow.change); these
functions check their arguments and run it over a sync session (engine.sync).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import flow
from .engine.sync import run_sync
from .errors import IntentError
from .intent import SshIntent
from .report import Report
from .session import Conversation, DeviceParams, Driver
from .state import DeviceState

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


RELOAD_MINUTES_RANGE = (1, 1440)  # `reload in <mmm>`; a day is plenty for a dead-man switch


def check_reload_minutes(minutes: object) -> int:
    lo, hi = RELOAD_MINUTES_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not lo <= minutes <= hi:
        raise IntentError([f"reload_minutes: {minutes!r} is out of range {lo}-{hi}"])
    return minutes


def read_state(
    device: DeviceLike, driver: Driver = "netmiko", *, session: Conversation | None = None
) -> DeviceState:
    """The router's SSH state, from the show commands in STATE_COMMANDS."""
    params = DeviceParams.coerce(device)

    def steps():  # type: ignore[no-untyped-def]
        conv = session.dialog if session else (yield from flow.protocol.opened(params, driver))
        try:
            return (yield from flow.read_state(conv))
        finally:
            if session is None:
                yield from flow.protocol.close(conv)

    return run_sync(steps())


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
    return run_sync(
        flow.verify(
            DeviceParams.coerce(device),
            as_intent(intent),
            driver,
            secrets=secrets,
            private_keys=private_keys,
            live=live,
            session=session.dialog if session else None,
        )
    )


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
    checkpoint: bool = False,
    reload_minutes: int | None = None,
) -> Report:
    """Converge the router to `intent`, safely, then verify (see ios_ssh.flow.change).
    On an image without the revert timer, `checkpoint=True` protects the change with a
    copy of the running-config restored by `configure replace`, and `reload_minutes` adds
    `reload in N` as a dead-man switch for a lost session."""
    params = DeviceParams.coerce(device)
    intent = as_intent(intent)
    check_revert_minutes(revert_minutes)
    if reload_minutes is not None:
        check_reload_minutes(reload_minutes)
    return run_sync(
        flow.apply(
            params,
            intent,
            driver,
            dry_run,
            secrets=secrets,
            save=save,
            revert_minutes=revert_minutes,
            allow_unprotected=allow_unprotected,
            private_keys=private_keys,
            live=live,
            session=session.dialog if session else None,
            checkpoint=checkpoint,
            reload_minutes=reload_minutes,
        )
    )


def rotate_password(
    device: DeviceLike,
    user: str,
    *,
    secret: str | None = None,
    secret_env: str | None = None,
    old_secret: str | None = None,
    driver: Driver = "netmiko",
    dry_run: bool = False,
    save: bool = False,
    revert_minutes: int = 5,
    allow_unprotected: bool = False,
    live: bool = True,
    session: Conversation | None = None,
) -> Report:
    """A new secret for local user `user`, as a protected change (ios_ssh.rotate): the new
    value from `secret` or the environment variable `secret_env`. verify then proves the
    new value logs in and the old one (the device's own password when `user` is the one
    logging in, else `old_secret`) is refused. A user the router lacks is refused."""
    from .rotate import Rotate

    if (secret is None) == (secret_env is None):
        raise IntentError(["rotate_password: give exactly one of secret or secret_env"])
    spec = Rotate("password", user, secret_env)
    secrets: dict[str, str] = {}
    if secret is not None:
        secrets[f"user:{user}"] = secret
    if old_secret:
        secrets[f"old:{user}"] = old_secret
    return _rotate(
        device, spec, driver, dry_run, save, revert_minutes, allow_unprotected, live, session,
        secrets if secret is not None or old_secret else None,
    )  # fmt: skip


def rotate_host_key(
    device: DeviceLike,
    *,
    modulus: int | None = None,
    driver: Driver = "netmiko",
    dry_run: bool = False,
    save: bool = False,
    revert_minutes: int = 5,
    allow_unprotected: bool = False,
    live: bool = True,
    session: Conversation | None = None,
) -> Report:
    """A new RSA key pair for the key SSH serves, as a protected change (ios_ssh.rotate):
    the new key is read over the trusted session, the fresh login must present exactly it,
    and only then is the known_hosts entry replaced (one entry, not a second one)."""
    from .rotate import Rotate

    spec = Rotate("host-key", modulus=modulus)
    return _rotate(
        device, spec, driver, dry_run, save, revert_minutes, allow_unprotected, live, session,
        None,
    )  # fmt: skip


def _rotate(
    device: DeviceLike,
    spec: Any,
    driver: Driver,
    dry_run: bool,
    save: bool,
    revert_minutes: int,
    allow_unprotected: bool,
    live: bool,
    session: Conversation | None,
    secrets: Mapping[str, str] | None,
) -> Report:
    params = DeviceParams.coerce(device)
    check_revert_minutes(revert_minutes)
    intent = spec.intent()  # bad input refused here, before any connection
    return run_sync(
        flow.apply(
            params,
            intent,
            driver,
            dry_run,
            secrets=secrets,
            save=save,
            revert_minutes=revert_minutes,
            allow_unprotected=allow_unprotected,
            live=live,
            session=session.dialog if session else None,
            rotate=spec,
        )
    )
