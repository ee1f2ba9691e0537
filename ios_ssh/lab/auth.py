"""Who may log in on a vty, and how: line settings and AAA, one decision for SSH and telnet.

Without `aaa new-model` the line decides: `login local` checks local users, `login` the
line password, no `login` lets anyone in. With AAA the line's `login authentication LIST`
(or `default`) names the methods, tried in order; `group` servers are unreachable from
the lab, so they fail over to the next method, as a dead server does on IOS.
"""

from __future__ import annotations

from .config import LineConfig
from .device import Device
from .ioshash import untype7

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
    methods = _methods(device, kind, number)
    if methods is None:
        login = effective(device, kind, number, "login", "")
        if login == "local":
            return device.check_login(username, password)
        if login == "line":
            return _line_password(device, kind, number) == password
        return True
    for method in methods:
        if method.startswith("group"):
            continue  # no AAA server answers in the lab
        if method in ("local", "local-case"):
            if username in device.config.users:
                return device.check_login(username, password)
            continue
        if method == "line":
            return _line_password(device, kind, number) == password
        if method == "enable":
            return device.check_enable(password)
        if method == "none":
            return True
    return False


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


__all__ = ["LineConfig", "authenticate", "effective", "login_style", "vty_allows"]
