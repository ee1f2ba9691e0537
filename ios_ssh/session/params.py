"""How to reach one device: netmiko-style fields, validated before any connection.

A device is given as netmiko writes it (ConnectHandler's own keyword arguments, `ip`,
`use_keys`, `key_file`, `session_log`...), as scrapli writes it (`auth_username`,
`auth_private_key`, `transport`...), or with ours (`host_key_check`, `jump_host`...).
Everything else is refused, naming the field. Which fields are secrets is said here once
(SECRET_FIELDS): error messages never show them and `secret_values()` lists what a run
must mask or must not send over an unprotected connection.

Where `ssh_config_file` is given, its HostName, Port, User, ProxyJump and IdentityFile
are applied here, once, as OpenSSH would (explicit fields win, except `host`, which
HostName replaces): every connector then reads the same resolved fields (session.route).
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .. import redact
from ..errors import IntentError
from .algorithms import Policy, check_policy
from .known_hosts import default_file

# The fields whose values are secrets: never shown, masked in every log, never sent over an
# unprotected connection. Their `_env` forms (below) name an environment variable instead.
SECRET_FIELDS = ("password", "secret", "passphrase", "jump_password")
# `<field>_env: VARIABLE` gives a secret field from the environment (inventories, CLI).
SECRET_ENVS = {"passphrase_env": "passphrase", "jump_password_env": "jump_password"}


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
        loc = ".".join(str(p) for p in err["loc"])
        value = err.get("input")
        if not loc:  # a rule across fields: its message names them
            out.append(f"device: {err['msg'].removeprefix('Value error, ')}")
        elif err["type"] == "missing":
            out.append(f"device.{loc}: required")
        elif err["type"] == "extra_forbidden":
            out.append(f"device.{loc}: unknown field (not netmiko's, scrapli's or ios_ssh's)")
        elif loc in SECRET_FIELDS or isinstance(value, Mapping | list | SecretStr):
            out.append(f"device.{loc}: not valid: {err['msg']}")
        else:
            out.append(f"device.{loc}: {value!r} is not valid: {err['msg']}")
    return out


Driver = Literal["netmiko", "scrapli"]
HostKeyCheck = Literal["strict", "accept-new", "off"]
# netmiko's device types for IOS and IOS-XE that ios_ssh drives (netmiko.ssh_dispatcher).
DeviceType = Literal[
    "cisco_ios",
    "cisco_xe",
    "cisco_ios_ssh",
    "cisco_xe_ssh",
    "cisco_ios_telnet",
    "cisco_xe_telnet",
]
# Options we set ourselves (credentials, host-key checking, the path to the router): a
# driver extra cannot override them.
MANAGED_OPTIONS = frozenset(
    {
        "host", "port", "username", "password", "secret", "device_type",
        "auth_username", "auth_password", "auth_secondary", "auth_strict_key",
        "ssh_strict", "system_host_keys", "alt_host_keys", "alt_key_file",
        "ssh_known_hosts_file", "transport", "sock", "pkey", "auto_connect",
    }
)  # fmt: skip
# netmiko's ConnectHandler keyword arguments (netmiko 4.x BaseConnection.__init__; a test
# holds this against the installed netmiko). Ours are mapped to fields; MANAGED_OPTIONS are
# refused with the field to use; the rest go to netmiko as they are.
NETMIKO_FIELDS = frozenset(
    {
        "ip", "host", "username", "password", "secret", "port", "device_type", "verbose",
        "global_delay_factor", "global_cmd_verify", "use_keys", "key_file", "pkey",
        "passphrase", "disabled_algorithms", "disable_sha2_fix", "allow_agent", "ssh_strict",
        "system_host_keys", "alt_host_keys", "alt_key_file", "ssh_config_file",
        "conn_timeout", "auth_timeout", "banner_timeout", "blocking_timeout", "timeout",
        "session_timeout", "read_timeout_override", "keepalive", "default_enter",
        "response_return", "serial_settings", "fast_cli", "_legacy_mode", "session_log",
        "session_log_record_writes", "session_log_file_mode", "allow_auto_change",
        "encoding", "sock", "sock_telnet", "auto_connect", "delay_factor_compat",
        "disable_lf_normalization",
    }
)  # fmt: skip
# scrapli's IOSXEDriver keyword arguments (scrapli 1.x), as NETMIKO_FIELDS.
SCRAPLI_FIELDS = frozenset(
    {
        "host", "privilege_levels", "default_desired_privilege_level", "port",
        "auth_username", "auth_password", "auth_private_key", "auth_private_key_passphrase",
        "auth_strict_key", "auth_bypass", "auth_telnet_login_pattern", "auth_password_pattern",
        "auth_passphrase_pattern", "timeout_socket", "timeout_transport", "timeout_ops",
        "comms_return_char", "comms_roughly_match_inputs", "ssh_config_file",
        "ssh_known_hosts_file", "on_init", "on_open", "on_close", "transport",
        "transport_options", "channel_log", "channel_log_mode", "channel_lock", "logging_uid",
        "auth_secondary", "failed_when_contains", "textfsm_platform", "genie_platform",
    }
)  # fmt: skip
# Driver names that are fields of ours (netmiko's and scrapli's spellings).
FIELD_NAMES = {
    "ip": "host",
    "auth_username": "username",
    "auth_password": "password",
    "auth_secondary": "secret",
    "auth_private_key": "key_file",
    "auth_private_key_passphrase": "passphrase",
}
_OUR_FIELDS = {"use_keys", "key_file", "allow_agent", "passphrase", "ssh_config_file"}
_KEY_NAMES = {"auth_private_key", "auth_private_key_passphrase"}
_MANAGED_FIX = {
    "sock": "the path to the router is jump_host (or ProxyJump in ssh_config_file)",
    "pkey": "use key_file",
    "auto_connect": "ios_ssh connects itself",
}

_JUMP = re.compile(
    r"^(?:(?P<user>[A-Za-z0-9_][A-Za-z0-9._-]*)@)?"
    r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9_][A-Za-z0-9._-]*))"
    r"(?::(?P<port>[0-9]{1,5}))?$"
)


def parse_jump(text: str) -> tuple[str, str, int]:
    """`[user@]host[:port]` (IPv6 in brackets) as (user, host, port); ValueError if not.
    The user defaults to the local user and the port to 22, as OpenSSH's ProxyJump does."""
    match = _JUMP.match(text.strip())
    port = int(match["port"]) if match and match["port"] else 22
    if match is None or not 1 <= port <= 65535:
        raise ValueError("must be [user@]host[:port], one jump host (IPv6 in brackets)")
    return match["user"] or getpass.getuser(), match["v6"] or match["name"], port


def _config_path(value: Path | None) -> Path | None:
    # written into the ssh_config scrapli's OpenSSH reads: one plain line, no quote
    if value is not None and any(c in '"\\' or not c.isprintable() for c in str(value)):
        raise ValueError("must be a plain path (no quotes, backslashes or control characters)")
    return value.expanduser() if value is not None else None


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
    device_type: DeviceType = "cisco_ios"
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
    # The tool's own login: netmiko's names. A key or the agent makes `password` optional.
    use_keys: bool = Field(False, description="log in with a key: key_file, else ~/.ssh/id_*")
    key_file: Path | None = Field(
        None, strict=False, description="private key file for the login (implies use_keys)"
    )
    allow_agent: bool = Field(False, description="log in with the keys of ssh-agent")
    passphrase: SecretStr = Field(
        SecretStr(""), description="passphrase of key_file (or passphrase_env: a variable)"
    )
    # The path to the router (session.route): one jump host, or none.
    jump_host: str | None = Field(
        None, description="[user@]host[:port] of an SSH jump host (bastion) to go through"
    )
    jump_key_file: Path | None = Field(
        None, strict=False, description="private key for the jump host (else agent, ~/.ssh/id_*)"
    )
    jump_password: SecretStr = Field(
        SecretStr(""), description="jump host password (jump_password_env: a variable)"
    )
    ssh_config_file: Path | None = Field(
        None,
        strict=False,
        description="OpenSSH config: HostName, Port, User, ProxyJump, IdentityFile applied",
    )
    ssh_config_host: str | None = Field(
        None, description="the name looked up in ssh_config_file (set when it was applied)"
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

    @model_validator(mode="before")
    @classmethod
    def _from_ssh_config(cls, data: Any) -> Any:
        if (
            isinstance(data, Mapping)
            and data.get("ssh_config_file")
            and not data.get("ssh_config_host")
        ):
            return apply_ssh_config(dict(data))
        return data

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

    @field_validator("password", "secret", "passphrase", "jump_password")
    @classmethod
    def _one_line(cls, value: SecretStr) -> SecretStr:
        # Typed at `Password:` prompts: a control character would end or change the line.
        if any(not (" " <= c <= "~") for c in value.get_secret_value()):
            raise ValueError("must be printable ASCII on one line")
        redact.register([value])  # resolved: masked in every log from now on
        return value

    @field_validator("jump_host")
    @classmethod
    def _jump_host(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in ("", "none"):
            return None
        user, host, port = parse_jump(value)
        shown = f"[{host}]" if ":" in host else host
        return f"{user}@{shown}:{port}"  # one spelling: the same bastion is one connection

    @field_validator("key_file", "jump_key_file", "ssh_config_file", "known_hosts")
    @classmethod
    def _paths(cls, value: Path | None) -> Path | None:
        return _config_path(value)

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
                "secret, host_key_check, known_hosts and jump_host"
            )
        return value

    @model_validator(mode="after")
    def _path_and_login(self) -> DeviceParams:
        if self.jump_host and self.transport == "telnet":
            raise ValueError(
                "jump_host: telnet cannot go through a jump host (the drivers' telnet opens "
                "its own socket): reach the router over SSH, or run ios-ssh on the jump host"
            )
        return self

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

    @property
    def keys_wanted(self) -> bool:
        """The login offers a key (key_file, or the default ~/.ssh/id_* files)."""
        return self.use_keys or self.key_file is not None

    def secret_values(self) -> list[str]:
        """The values of every secret field that is set (SECRET_FIELDS)."""
        values = (getattr(self, name).get_secret_value() for name in SECRET_FIELDS)
        return [value for value in values if value]

    def with_login(self, username: str, password: str) -> DeviceParams:
        """The same device, another user with a password (the operator's keys stay out)."""
        redact.register([password])
        return self.model_copy(
            update={
                "username": username,
                "password": SecretStr(password),
                "use_keys": False,
                "key_file": None,
                "allow_agent": False,
                "passphrase": SecretStr(""),
            }
        )

    def for_ssh(self) -> DeviceParams:
        """The same device reached over SSH (for checks after a telnet-to-SSH migration)."""
        return self.model_copy(update={"device_type": "cisco_ios", "port": self.effective_ssh_port})

    @classmethod
    def coerce(cls, device: DeviceParams | dict[str, Any]) -> DeviceParams:
        """Accept a netmiko-style dict as netmiko takes it (or scrapli's names); errors
        name the field. Secrets named by `*_env` are read from the environment here."""
        if isinstance(device, DeviceParams):
            return device
        if not isinstance(device, Mapping):
            raise DeviceFieldError(
                [f"device: expected a mapping of fields, got {type(device).__name__}"]
            )
        problems: list[str] = []
        data = _ours(dict(device), problems)
        if problems:
            raise DeviceFieldError(problems)
        try:
            params = cls.model_validate(data)
        except ValidationError as exc:
            raise DeviceFieldError(_problems(exc)) from None
        except (OSError, ValueError) as exc:  # the ssh_config file, read before validation
            raise DeviceFieldError([f"device.ssh_config_file: {exc}"]) from None
        missing = [
            f"device.{name}: {path} does not exist"
            for name in ("key_file", "jump_key_file")
            if (path := getattr(params, name)) is not None and not path.is_file()
        ]
        if missing:
            raise DeviceFieldError(missing)
        return params


def _ours(data: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """netmiko's and scrapli's names as fields of ours or driver options; secrets from
    the environment. Faults are added to `problems`, each naming its field."""
    if "ip" in data and "host" in data and data["ip"] != data["host"]:
        problems.append("device.ip: given with a different host; give one of them")
    for name, ours in FIELD_NAMES.items():
        if name in data:
            value = data.pop(name)
            if ours == "key_file" and value:
                data.setdefault("use_keys", True)
            if data.get(ours, value) != value:
                problems.append(f"device.{name}: given with a different {ours}; give one")
            data[ours] = value
    if data.get("transport") == "telnet":
        data["device_type"] = "cisco_ios_telnet"
    data.pop("transport", None)
    data.pop("platform", None)
    for env_name, field in SECRET_ENVS.items():
        if env_name in data:
            variable = data.pop(env_name)
            if not isinstance(variable, str) or not variable:
                problems.append(f"device.{env_name}: must name an environment variable")
            elif variable not in os.environ:
                problems.append(f"device.{env_name}: {variable} is not set")
            else:
                data[field] = os.environ[variable]
                redact.register([data[field]])  # masked from the moment it is resolved
    for field in ("password", "secret", "passphrase", "jump_password"):
        if isinstance(data.get(field), str):
            data[field] = SecretStr(data[field])
        elif data.get(field) is None and field in data:
            data.pop(field)  # netmiko's password=None: no password
    for driver in ("netmiko", "scrapli"):
        _lift_options(data, driver, problems)
    if data.get("ssh_config_file") and not data.get("ssh_config_host"):
        try:
            data = apply_ssh_config(data)
        except (OSError, ValueError) as exc:
            problems.append(f"device.ssh_config_file: {exc}")
    known = set(DeviceParams.model_fields) | set(SECRET_ENVS)
    for key in sorted(set(data) - known):
        if key in MANAGED_OPTIONS:
            fix = _MANAGED_FIX.get(key, "ios_ssh sets it from host_key_check and known_hosts")
            problems.append(f"device.{key}: set by ios_ssh: {fix}")
        elif key in NETMIKO_FIELDS or key in SCRAPLI_FIELDS:
            for driver, fields in (("netmiko", NETMIKO_FIELDS), ("scrapli", SCRAPLI_FIELDS)):
                if key in fields:
                    options = dict(data.get(f"{driver}_options") or {})
                    options.setdefault(key, data[key])
                    data[f"{driver}_options"] = options
            del data[key]
    return data


def _lift_options(data: dict[str, Any], driver: str, problems: list[str]) -> None:
    """Login and path settings given as driver extras (as nornir_netmiko users write
    them) are fields of ours: every driver and probe honours them."""
    options = data.get(f"{driver}_options")
    if not isinstance(options, Mapping):
        return
    options = dict(options)
    for name in sorted(set(options) & (_OUR_FIELDS | _KEY_NAMES)):
        field = FIELD_NAMES.get(name, name)
        value = options.pop(name)
        if field == "key_file" and value:
            data.setdefault("use_keys", True)
        if field in ("passphrase",) and isinstance(value, str):
            value = SecretStr(value)
        if field in data and data[field] != value:
            problems.append(f"device.{driver}_options.{name}: differs from {field}: give it once")
        data[field] = value
    data[f"{driver}_options"] = options


def apply_ssh_config(data: dict[str, Any]) -> dict[str, Any]:
    """HostName, Port, User, ProxyJump and IdentityFile of `data["ssh_config_file"]`
    for this host, as OpenSSH applies them (a field given explicitly wins, except `host`);
    the jump host's own entry too. ValueError naming what cannot be honoured."""
    import paramiko  # only when a config is given

    path = Path(str(data["ssh_config_file"])).expanduser()
    if not path.is_file():
        raise ValueError(f"{path} does not exist")
    config = paramiko.SSHConfig.from_path(str(path))
    name = str(data.get("host") or "")
    entry = config.lookup(name)
    if "proxycommand" in entry:
        raise ValueError(f"{path}: ProxyCommand for {name} is not supported: use ProxyJump")
    data["host"] = entry.get("hostname", name)
    data["ssh_config_host"] = name
    if data.get("port") is None and "port" in entry:
        data["port"] = int(entry["port"])
    if not data.get("username") and "user" in entry:
        data["username"] = entry["user"]
    if data.get("use_keys") and not data.get("key_file") and entry.get("identityfile"):
        found = [f for f in entry["identityfile"] if Path(f).expanduser().is_file()]
        if found:
            data["key_file"] = found[0]
    jump = data.get("jump_host") or entry.get("proxyjump")
    if jump and str(jump).lower() != "none":
        if "," in str(jump):
            raise ValueError(f"{path}: ProxyJump {jump}: one jump host is supported")
        data["jump_host"] = _jump_through(config, str(jump), data)
    elif jump:
        data["jump_host"] = None
    return data


def _jump_through(config: Any, jump: str, data: dict[str, Any]) -> str:
    """The jump host as `user@host:port`, with its own HostName, User, Port, IdentityFile."""
    try:
        user, host, port = parse_jump(jump)
    except ValueError:
        return jump  # the field's own check says what is wrong
    entry = config.lookup(host)
    if "proxycommand" in entry or "proxyjump" in entry:
        hop = entry.get("proxyjump") or "ProxyCommand"
        if str(hop).lower() != "none":
            raise ValueError(f"the jump host {host} has its own {hop}: one jump host is supported")
    explicit_user, explicit_port = "@" in jump, bool(re.search(r":\d+$", jump))
    user = user if explicit_user else entry.get("user", user)
    port = port if explicit_port else int(entry.get("port", port))
    if not data.get("jump_key_file") and entry.get("identityfile"):
        found = [f for f in entry["identityfile"] if Path(f).expanduser().is_file()]
        if found:
            data["jump_key_file"] = found[0]
    host = entry.get("hostname", host)
    return f"{user}@[{host}]:{port}" if ":" in host else f"{user}@{host}:{port}"
