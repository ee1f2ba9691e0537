"""How to reach one device: netmiko-style fields, validated before any connection."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from .. import redact
from ..errors import IntentError
from .algorithms import Policy, check_policy
from .known_hosts import default_file

_SECRET_FIELDS = {"password", "secret"}


_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def is_host_name(value: str) -> bool:
    """A DNS name (RFC 1123 labels; `_` too, as internal zones use it) or an IPv4/IPv6
    address: never a known_hosts pattern (`*`, `?`, `!`, `,`), brackets or a port."""
    if not isinstance(value, str) or not value:
        return False
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        pass
    name = value.removesuffix(".")
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    return not labels[-1].isdigit()  # all digits: a mistyped address, not a name


class DeviceFieldError(IntentError):
    """Device fields that are wrong; `problems` as IntentError's, never a secret value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.args = ("invalid device fields:\n" + "\n".join(f"  {p}" for p in problems),)


def _problems(exc: ValidationError) -> list[str]:
    """One line per fault, naming the field; the input is shown only when it is a plain
    value of a non-secret field (never the whole device mapping, which holds passwords)."""
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "device"
        value = err.get("input")
        if err["type"] == "missing":
            out.append(f"device.{loc}: required")
        elif err["type"] == "extra_forbidden":
            out.append(f"device.{loc}: unknown field")
        elif loc in _SECRET_FIELDS or isinstance(value, Mapping | list | SecretStr):
            out.append(f"device.{loc}: not valid: {err['msg']}")
        else:
            out.append(f"device.{loc}: {value!r} is not valid: {err['msg']}")
    return out


Driver = Literal["netmiko", "scrapli"]
HostKeyCheck = Literal["strict", "accept-new", "off"]
# Options we set ourselves (credentials, host-key checking): a driver extra cannot override them.
MANAGED_OPTIONS = frozenset(
    {
        "host", "port", "username", "password", "secret", "device_type",
        "auth_username", "auth_password", "auth_secondary", "auth_strict_key",
        "ssh_strict", "system_host_keys", "alt_host_keys", "alt_key_file",
        "ssh_known_hosts_file", "transport",
    }
)  # fmt: skip
# Top-level keys of a netmiko/scrapli-style device dict that are driver extras.
DRIVER_KEYS = {
    "disabled_algorithms": ("netmiko",),
    "ssh_config_file": ("netmiko", "scrapli"),
    "transport_options": ("scrapli",),
}


class DeviceParams(BaseModel):
    """`host`, `port`, `username`, `password`, `secret`, `device_type` as netmiko has them.

    Secrets are `SecretStr`: they never show in a repr, a log line or an exception.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    host: str
    port: int | None = Field(None, ge=1, le=65535)
    username: str
    password: SecretStr = SecretStr("")
    secret: SecretStr = SecretStr("")
    device_type: Literal["cisco_ios", "cisco_xe", "cisco_ios_telnet"] = "cisco_ios"
    ssh_port: int | None = Field(
        None, ge=1, le=65535, description="SSH port for checks when the session itself is telnet"
    )
    telnet_port: int | None = Field(
        None, ge=1, le=65535, description="telnet port for the 'telnet refused' check (23)"
    )
    reverse_port_offset: int = Field(
        0, description="reverse SSH port N is reached at N + offset (0 on real routers)"
    )
    timeout: float = Field(30.0, gt=0, description="seconds to wait for an ordinary command")
    keygen_timeout: float = Field(600.0, gt=0, description="seconds to wait for key generation")
    host_key_check: HostKeyCheck = Field(
        "accept-new",
        description="strict: the key must be pinned; accept-new: pin an unknown host on first "
        "contact, refuse a changed key; off: no check (reports say so)",
    )
    known_hosts: Path | None = Field(
        None,
        strict=False,  # a path is given as text (YAML, the CLI)
        description="known_hosts file (default $IOS_SSH_KNOWN_HOSTS or ~/.ssh/known_hosts)",
    )
    ssh_algorithms: Policy = Field(
        "legacy-ok", description="modern, legacy-ok (modern first, legacy fallback) or a list"
    )
    # repr=False: extras may hold a key passphrase or the like
    netmiko_options: dict[str, Any] = Field(
        default_factory=dict,
        repr=False,
        description="extra ConnectHandler arguments, on every session",
    )
    scrapli_options: dict[str, Any] = Field(
        default_factory=dict,
        repr=False,
        description="extra IOSXEDriver arguments, on every session",
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        # It becomes a known_hosts name: `*` there would match every host on the port.
        if not is_host_name(value):
            raise ValueError(
                "must be a DNS name (letters, digits, '-', '_' and dots) or an IPv4/IPv6 "
                "address, without brackets or a port"
            )
        return value

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        # Typed at a telnet `Username:` prompt too: a line break would type a second line.
        if not value or any(not (" " < c <= "~") for c in value):
            raise ValueError("must be one word of printable ASCII")
        return value

    @field_validator("password", "secret")
    @classmethod
    def _one_line(cls, value: SecretStr) -> SecretStr:
        # Typed at `Password:` prompts: a control character would end or change the line.
        if any(not (" " <= c <= "~") for c in value.get_secret_value()):
            raise ValueError("must be printable ASCII on one line")
        redact.register([value])  # resolved: masked in every log from now on
        return value

    @field_validator("ssh_algorithms", mode="before")
    @classmethod
    def _algorithms(cls, value: object) -> Policy:
        return check_policy(value)

    @field_validator("netmiko_options", "scrapli_options")
    @classmethod
    def _options(cls, value: dict[str, Any]) -> dict[str, Any]:
        managed = sorted(set(value) & MANAGED_OPTIONS)
        if managed:
            raise ValueError(
                f"{', '.join(managed)} cannot be set here: use host, username, password, "
                "secret, host_key_check and known_hosts"
            )
        return value

    @property
    def known_hosts_file(self) -> Path:
        return (self.known_hosts or default_file()).expanduser()

    @property
    def transport(self) -> Literal["ssh", "telnet"]:
        return "telnet" if self.device_type.endswith("_telnet") else "ssh"

    @property
    def effective_port(self) -> int:
        return self.port or (23 if self.transport == "telnet" else 22)

    @property
    def effective_ssh_port(self) -> int:
        if self.transport == "ssh":
            return self.effective_port
        return self.ssh_port or 22

    def with_login(self, username: str, password: str) -> DeviceParams:
        """The same device, another user (the password stays a SecretStr)."""
        redact.register([password])
        return self.model_copy(update={"username": username, "password": SecretStr(password)})

    def for_ssh(self) -> DeviceParams:
        """The same device reached over SSH (for checks after a telnet-to-SSH migration)."""
        return self.model_copy(update={"device_type": "cisco_ios", "port": self.effective_ssh_port})

    @classmethod
    def coerce(cls, device: DeviceParams | dict[str, Any]) -> DeviceParams:
        """Accept a netmiko-style dict (or scrapli's `auth_*` names); errors name the field."""
        if isinstance(device, DeviceParams):
            return device
        if not isinstance(device, Mapping):
            raise DeviceFieldError(
                [f"device: expected a mapping of fields, got {type(device).__name__}"]
            )
        data = dict(device)
        for scrapli_name, ours in (
            ("auth_username", "username"),
            ("auth_password", "password"),
            ("auth_secondary", "secret"),
        ):
            if scrapli_name in data:
                data[ours] = data.pop(scrapli_name)
        if data.get("transport") == "telnet":
            data.pop("transport")
            data["device_type"] = "cisco_ios_telnet"
        data.pop("transport", None)
        data.pop("platform", None)
        _driver_extras(data)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise DeviceFieldError(_problems(exc)) from None


def _driver_extras(data: dict[str, Any]) -> None:
    """Move netmiko/scrapli extras given at the top of a device dict into the options
    of the drivers that take them."""
    for key, drivers in DRIVER_KEYS.items():
        if key in data:
            value = data.pop(key)
            for driver in drivers:
                options = dict(data.get(f"{driver}_options") or {})
                options.setdefault(key, value)
                data[f"{driver}_options"] = options
