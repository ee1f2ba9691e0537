"""One task function per area of the configuration guide, each usable alone.

Each builds the part of an intent it is about and hands it to `apply`, so it gets the same
validation, plan, lock-out refusals, revert window and verification.
"""

from __future__ import annotations

import difflib
import inspect
from typing import Any

from .intent import SshIntent
from .report import Report
from .tasks import DeviceLike, apply

# apply's keywords, which every area function passes on
APPLY_OPTIONS = tuple(list(inspect.signature(apply).parameters)[2:])


def _apply(
    device: DeviceLike,
    data: dict[str, Any],
    apply_options: dict[str, Any],
    function: str,
    own: tuple[str, ...] = (),
) -> Report:
    _check_options(function, apply_options, own)
    return apply(device, SshIntent.from_dict(data), **apply_options)


def _check_options(function: str, options: dict[str, Any], own: tuple[str, ...]) -> None:
    """A keyword neither the area function nor `apply` takes: Python's TypeError, naming
    the function the caller called (not `apply`, which they never did) and the nearest
    keyword it does take."""
    unknown = [name for name in options if name not in APPLY_OPTIONS]
    if not unknown:
        return
    known = own + APPLY_OPTIONS
    close = difflib.get_close_matches(unknown[0], known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; it takes {', '.join(known)}"
    raise TypeError(f"{function}() got an unexpected keyword argument {unknown[0]!r}{hint}")


def generate_rsa_keys(
    device: DeviceLike,
    modulus: int = 2048,
    label: str | None = None,
    *,
    usage_keys: bool = False,
    exportable: bool = False,
    regenerate: str = "if-weaker",
    ssh_version: int | str | None = 2,
    allow_v1: bool = False,
    **apply_options: Any,
) -> Report:
    """`crypto key generate rsa`. Keys switch SSH on, so the version is set with them
    (2 by default; `ssh_version=None` leaves it, which IOS runs as 1.99)."""
    rsa = {
        "modulus": modulus,
        "label": label,
        "usage_keys": usage_keys,
        "exportable": exportable,
        "regenerate": regenerate,
    }
    ssh: dict[str, Any] = {"allow_v1": allow_v1}
    if ssh_version is not None:
        ssh["version"] = ssh_version
    if label is not None:
        ssh["keypair_name"] = label
    own = tuple(inspect.signature(generate_rsa_keys).parameters)[1:-1]
    return _apply(device, {"rsa": rsa, "ssh": ssh}, apply_options, "generate_rsa_keys", own)


def configure_ssh_server(device: DeviceLike, **settings: Any) -> Report:
    """`ip ssh` settings: version, timeout, authentication_retries, dh_min_size,
    keypair_name, stricthostkeycheck, allow_v1; other keywords go to `apply`."""
    names = tuple(SshIntent.model_fields["ssh"].annotation.model_fields)  # type: ignore[union-attr]
    ssh = {k: v for k, v in settings.items() if k in names}
    rest = {k: v for k, v in settings.items() if k not in names}
    return _apply(device, {"ssh": ssh}, rest, "configure_ssh_server", names)


def configure_pubkey_chain(
    device: DeviceLike,
    users: list[dict[str, Any]] | None = None,
    servers: list[dict[str, Any]] | None = None,
    **apply_options: Any,
) -> Report:
    """`ip ssh pubkey-chain`: users with `keys`/`key_hashes`, servers with `key_hash`/`key`."""
    return _apply(
        device,
        {"ssh": {"pubkey_users": users or [], "pubkey_servers": servers or []}},
        apply_options,
        "configure_pubkey_chain",
        ("users", "servers"),
    )


def enable_scp(
    device: DeviceLike,
    user: str,
    secret_env: str | None = None,
    *,
    authorization_list: str = "default",
    **apply_options: Any,
) -> Report:
    """`ip scp server enable` with what it needs: aaa new-model, local login and exec
    authorization, and a privilege-15 user (its secret from `secret_env` or `secrets`)."""
    data = {
        "aaa": {
            "new_model": True,
            "authentication_login": {"default": ["local"]},
            "authorization_exec": {authorization_list: ["local"]},
        },
        "users": [{"name": user, "privilege": 15, "secret_env": secret_env}],
        "scp": {"enabled": True},
    }
    own = ("user", "secret_env", "authorization_list")
    return _apply(device, data, apply_options, "enable_scp", own)


def configure_lines(
    device: DeviceLike, lines: list[dict[str, Any]], **apply_options: Any
) -> Report:
    """`line ...` blocks: transport input, login, exec-timeout, no exec, rotary, ..."""
    return _apply(device, {"lines": lines}, apply_options, "configure_lines", ("lines",))


def configure_reverse_ssh(
    device: DeviceLike,
    ports: list[dict[str, Any]],
    lines: list[dict[str, Any]],
    **apply_options: Any,
) -> Report:
    """`ip ssh port N rotary G [LAST]` with the tty lines that carry the rotaries."""
    data = {"reverse_ssh": ports, "lines": lines}
    return _apply(device, data, apply_options, "configure_reverse_ssh", ("ports", "lines"))
