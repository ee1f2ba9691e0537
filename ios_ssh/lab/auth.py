"""Who may log in on a vty, and how: line settings and AAA, one decision for SSH and telnet.

Without `aaa new-model` the line decides: `login local` checks local users, `login` the
line password, no `login` lets anyone in. With AAA the line's `login authentication LIST`
(or `default`) names the methods, tried in order. A `group` method asks its servers
(remote_aaa.py: RADIUS for real, TACACS+ from the lab's directory): the first server that
answers decides, accept or reject. Only when no server answers (none configured, none
reachable, or the `aaa_down` fault) is the next method tried; a rejected user is never
tried against `local` after it, as on IOS. The exec level a server grants
(`shell:priv-lvl`, the TACACS+ privilege) applies when `aaa authorization exec default`
names that server's group, as IOS applies authorization data only then.
"""

from __future__ import annotations

import hmac

from .config import LineConfig
from .device import Device
from .faults import aaa_down
from .ioshash import untype7
from .remote_aaa import Answer, radius_ask, tacacs_ask

TRANSPORT_DEFAULT = ["all"]  # classic IOS vty default when `transport input` is unset


def effective(device: Device, kind: str, number: int, attr: str, default: object = None) -> object:
    """A line's setting: the last block covering the line that sets it."""
    for block in reversed(device.config.setting_for(kind, number)):
        value = getattr(block, attr)
        if value not in (None, "", [], False):
            return value
    return default


def vty_allows(device: Device, proto: str) -> bool:
    """Some vty line accepts `proto` (ssh or telnet) on its transport input."""
    for number in range(device.config.vty_last() + 1):
        allowed = effective(device, "vty", number, "transport_input", TRANSPORT_DEFAULT)
        if "all" in allowed or proto in allowed:  # type: ignore[operator]
            return True
    return False


def login_style(device: Device, kind: str = "vty", number: int = 0) -> str:
    """'userpass' (ask username and password), 'password' (line password) or 'none'."""
    methods = _methods(device, kind, number)
    if methods is None:
        login = effective(device, kind, number, "login", "")
        return {"local": "userpass", "line": "password"}.get(str(login), "none")
    if any(m in ("local", "local-case") or m.startswith("group") for m in methods):
        return "userpass"
    if "line" in methods or "enable" in methods:
        return "password"
    return "none"


def authenticate(
    device: Device, username: str, password: str, kind: str = "vty", number: int = 0
) -> bool:
    """Whether the login is accepted; a server-granted exec level is remembered for the
    session that follows (Device.privilege_of)."""
    methods = _methods(device, kind, number)
    if methods is None:
        login = effective(device, kind, number, "login", "")
        if login == "local":
            return device.check_login(username, password)
        if login == "line":
            return _line_password_ok(device, kind, number, password)
        return True
    for method in methods:
        if method.startswith("group "):
            answered = ask_group(device, method[6:], username, password)
            if answered is None:
                continue  # no server answered: the next method
            if answered[1].verdict != "accept":
                return False  # a server said no: never `local` after it
            device.remote_levels[username] = exec_level(device, answered[0], answered[1])
            return True
        if method in ("local", "local-case"):
            if username in device.config.users:
                device.remote_levels.pop(username, None)
                return device.check_login(username, password)
            continue
        if method == "line":
            return _line_password_ok(device, kind, number, password)
        if method == "enable":
            return device.check_enable(password)
        if method == "none":
            return True
    return False


def group_servers(device: Device, group: str) -> tuple[str, list[tuple[str, object]]]:
    """The kind of a `group` method and its servers (name, block) in the order asked:
    `tacacs+` and `radius` are every server of that kind; a name is a server group."""
    config = device.config
    if group in ("tacacs+", "radius"):
        kind = group
        names = list(config.tacacs_servers if kind == "tacacs+" else config.radius_servers)
    elif group in config.server_groups:
        kind, names = config.server_groups[group].kind, config.server_groups[group].servers
    else:
        return "", []
    table = config.tacacs_servers if kind == "tacacs+" else config.radius_servers
    return kind, [(name, table[name]) for name in names if name in table]


def ask_group(
    device: Device, group: str, username: str, password: str
) -> tuple[str, Answer] | None:
    """(kind, answer) from the first server of `group` that answers; None if none does."""
    if aaa_down(device.faults):
        return None  # the servers stop answering
    kind, servers = group_servers(device, group)
    for _name, server in servers:
        address = getattr(server, "address", "")
        if not address:
            continue  # a block with no address is no server to ask
        if kind == "tacacs+":
            if device.tacacs_users is None:
                continue  # no directory behind this lab: nobody answers
            return kind, tacacs_ask(device.tacacs_users, username, password)
        key = untype7(getattr(server, "key7", "")) or ""
        answer = radius_ask(address, getattr(server, "auth_port", 1812), key, username, password)
        if answer is not None:
            return kind, answer
    return None


def exec_level(device: Device, kind: str, answer: Answer) -> int:
    """The exec level of a user a `kind` server accepted: what the server grants when
    `aaa authorization exec default` names a group of that kind first, else 1."""
    for method in device.config.aaa_exec.get("default", []):
        if method.startswith("group "):
            if group_servers(device, method[6:])[0] == kind:
                return answer.privilege if answer.privilege is not None else 1
            continue
        break  # local, if-authenticated, none: nothing from the server
    return 1


def _methods(device: Device, kind: str, number: int) -> list[str] | None:
    """The AAA method list for a line, or None when AAA is off."""
    config = device.config
    if not config.aaa_new_model:
        return None
    name = str(effective(device, kind, number, "login_authentication", "default"))
    if name in config.aaa_login:
        return config.aaa_login[name]
    return ["local"] if name == "default" else []


def _line_password(device: Device, kind: str, number: int) -> str | None:
    stored = effective(device, kind, number, "password7", "")
    return untype7(str(stored)) if stored else None


def _line_password_ok(device: Device, kind: str, number: int, attempt: str) -> bool:
    stored = _line_password(device, kind, number)
    return stored is not None and hmac.compare_digest(stored.encode(), attempt.encode())


__all__ = ["LineConfig", "authenticate", "effective", "login_style", "vty_allows"]
