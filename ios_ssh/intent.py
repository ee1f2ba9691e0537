"""The desired SSH state of one router, validated against IOS limits before any I/O.

Every model forbids unknown fields, so a typo is an error rather than a setting that is
silently ignored. `SshIntent.from_yaml` / `from_dict` turn pydantic's errors into
`IntentError`, one line per fault: `ssh.timeout: 121 is out of range 1-120`.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import keys, yamlfile
from .errors import IntentError

# IOS limits, one place each (Cisco IOS Security Command Reference).
TIMEOUT_RANGE = (1, 120)
RETRIES_RANGE = (0, 5)
MODULUS_RANGE = (360, 4096)
MIN_MODULUS_SSH_V2 = 768
PRIVILEGE_RANGE = (0, 15)
ROTARY_RANGE = (1, 100)
SSH_PORT_RANGE = (2000, 10000)
EXEC_TIMEOUT_RANGE = (0, 35791)
MAX_PUBKEY_USERS = 10
MAX_KEYS_PER_USER = 2
LINE_NUMBER_RANGE = (0, 1869)
# User key types some IOS image takes in the pubkey-chain; which ones a given image takes
# is the capability table's (capabilities.py `pubkey_key_types`), checked in the plan.
PUBKEY_KEY_TYPES = (
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-ed25519",
)
# The lists an intent may own (`exclusive`): what such a list does not name is removed.
EXCLUSIVE_LISTS = ("users", "ssh.pubkey_users", "ssh.pubkey_servers")
Presence = Literal["present", "absent"]

_HOSTNAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$"
)
_WORD = re.compile(r"^[A-Za-z0-9_.@:+\-/]{1,64}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MD5_HEX = re.compile(r"^[0-9A-Fa-f]{32}$")


def _in_range(lo: int, hi: int):
    def check(value: int) -> int:
        if not lo <= value <= hi:
            raise PydanticCustomError(
                "out_of_range",
                "{value} is out of range {lo}-{hi}",
                {"value": value, "lo": lo, "hi": hi},
            )
        return value

    return AfterValidator(check)


def _matching(pattern: re.Pattern[str], what: str):
    def check(value: str) -> str:
        if not pattern.match(value):
            raise PydanticCustomError(
                "bad_format", "'{value}' is not {what}", {"value": value, "what": what}
            )
        return value

    return AfterValidator(check)


Timeout = Annotated[int, _in_range(*TIMEOUT_RANGE)]
Retries = Annotated[int, _in_range(*RETRIES_RANGE)]
Modulus = Annotated[int, _in_range(*MODULUS_RANGE)]
Privilege = Annotated[int, _in_range(*PRIVILEGE_RANGE)]
Rotary = Annotated[int, _in_range(*ROTARY_RANGE)]
SshPort = Annotated[int, _in_range(*SSH_PORT_RANGE)]
ExecTimeout = Annotated[int, _in_range(*EXEC_TIMEOUT_RANGE)]
Word = Annotated[str, _matching(_WORD, "a single IOS word (letters, digits, _ . @ : + - /)")]
EnvName = Annotated[str, _matching(_ENV_NAME, "an environment variable name")]
KeyHash = Annotated[str, _matching(_MD5_HEX, "an MD5 key hash (32 hex digits)")]
# `archive path`: a file system and a file name prefix; IOS expands $h (host) and $t (time).
_ARCHIVE_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,31}:[A-Za-z0-9_.$/\-]{1,128}$")
ArchivePath = Annotated[
    str, _matching(_ARCHIVE_PATH, "a file system path such as flash:archive or disk0:/cfg-$h")
]


# What may reach the router's CLI inside one command: printable ASCII, no line break (a
# second line would be a second command), no `?` (IOS answers it with help, mid-line).
_CLI_TEXT = re.compile(r"^[\x20-\x3e\x40-\x7e]*$")


def cli_text_problem(value: str) -> str | None:
    """Why `value` may not be typed into the CLI as part of one command, or None."""
    if _CLI_TEXT.match(value):
        return None
    if "\n" in value or "\r" in value:
        return "must be one line (a line break would send a second command)"
    if "?" in value:
        return "may not contain '?' (IOS answers it with help)"
    return "may hold printable ASCII characters only"


def _check_cli_strings(value: Any, is_mapping_field: bool) -> None:
    """Every string in a field's raw input: list items, and the keys and values of a
    mapping field. Any other mapping is a nested model's input: its own fields check it,
    so that the error names them."""
    if isinstance(value, str):
        problem = cli_text_problem(value)
        if problem:
            raise PydanticCustomError(
                "cli_text", "{v} is not allowed: it {why}", {"v": repr(value), "why": problem}
            )
    elif isinstance(value, dict) and is_mapping_field:
        for key, item in value.items():
            _check_cli_strings(key, False)
            _check_cli_strings(item, False)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_cli_strings(item, False)


class _Model(BaseModel):
    # strict: YAML's `true` or `"60"` is not a number here; a typo is an error, not a value.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _one_cli_line(cls, value: Any, info: ValidationInfo) -> Any:
        # One rule for every string that can reach the CLI, checked where it enters.
        annotation = cls.model_fields[info.field_name].annotation  # type: ignore[index]
        _check_cli_strings(value, get_origin(annotation) is dict)
        return value


class RsaIntent(_Model):
    """`crypto key generate rsa ...`: the router's own key pair."""

    label: Word | None = Field(
        None, description="key pair name; IOS default is <hostname>.<domain>"
    )
    modulus: Modulus = Field(2048, description="bits, 360-4096; at least 768 for SSH v2")
    usage_keys: bool = Field(False, description="usage-keys (two pairs) instead of general-keys")
    exportable: bool = Field(False, description="keys may be exported")
    regenerate: Literal["never", "if-weaker", "always"] = Field(
        "if-weaker", description="when existing keys are replaced"
    )


def _state_field(what: str) -> Any:
    return Field(
        "present",
        description=f"present, or absent: remove {what} from the router (Ansible's word)",
    )


class PubkeyUser(_Model):
    """`ip ssh pubkey-chain` / `username NAME` with its keys."""

    username: Word = Field(description="pubkey-chain user name")
    keys: list[str] = Field(
        default_factory=list,
        description="OpenSSH public key lines (ssh-rsa; ECDSA, Ed25519 where the image takes them)",
    )
    key_hashes: list[KeyHash] = Field(
        default_factory=list, description="IOS key-hash (MD5) of ssh-rsa keys"
    )
    state: Presence = _state_field("the user and its keys (no username NAME)")

    @field_validator("keys")
    @classmethod
    def _keys_decode(cls, value: list[str]) -> list[str]:
        for index, line in enumerate(value):
            try:
                info = keys.info_from_openssh(line)
            except ValueError as exc:
                raise PydanticCustomError(
                    "bad_key",
                    "key {index} does not decode as an OpenSSH public key: {why}",
                    {"index": index, "why": str(exc)},
                ) from None
            if info.key_type not in PUBKEY_KEY_TYPES:
                raise PydanticCustomError(
                    "bad_key",
                    "key {index} is {kind}; IOS pubkey-chain takes {types} (which of them "
                    "depends on the image)",
                    {"index": index, "kind": info.key_type, "types": ", ".join(PUBKEY_KEY_TYPES)},
                )
        return value

    @model_validator(mode="after")
    def _at_most_two(self) -> PubkeyUser:
        count = len(self.keys) + len(self.key_hashes)
        if self.state == "absent":
            if count:
                raise PydanticCustomError(
                    "absent_keys",
                    "user '{u}' is absent: it takes no keys (the whole user is removed)",
                    {"u": self.username},
                )
            return self
        if count == 0:
            raise PydanticCustomError(
                "no_key", "user '{u}' has no keys or key_hashes", {"u": self.username}
            )
        if count > MAX_KEYS_PER_USER:
            raise PydanticCustomError(
                "too_many_keys",
                "user '{u}' has {n} keys; IOS allows at most {m} per user",
                {"u": self.username, "n": count, "m": MAX_KEYS_PER_USER},
            )
        return self

    @property
    def all_key_hashes(self) -> list[str]:
        """MD5 hashes of every key, as IOS stores and shows them."""
        return [keys.info_from_openssh(k).md5_hex for k in self.keys] + [
            h.upper() for h in self.key_hashes
        ]

    @property
    def key_types(self) -> dict[str, str]:
        """Each key's MD5 hash -> its type (`key_hashes` are ssh-rsa)."""
        out = {h.upper(): "ssh-rsa" for h in self.key_hashes}
        for line in self.keys:
            info = keys.info_from_openssh(line)
            out[info.md5_hex] = info.key_type
        return out


class PubkeyServer(_Model):
    """`ip ssh pubkey-chain` / `server ADDRESS` / `key-hash ssh-rsa MD5`."""

    server: str = Field(description="IP address or host name")
    key_hash: KeyHash | None = Field(None, description="IOS key-hash (MD5) of its key")
    key: str | None = Field(None, description="OpenSSH public key line of the server")
    state: Presence = _state_field("the server entry (no server ADDRESS)")

    @field_validator("server")
    @classmethod
    def _address(cls, value: str) -> str:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            if not _DOMAIN.match(value):
                raise PydanticCustomError(
                    "bad_server", "'{v}' is neither an IP address nor a host name", {"v": value}
                ) from None
        return value

    @model_validator(mode="after")
    def _one_key(self) -> PubkeyServer:
        if self.state == "absent":
            if self.key_hash is not None or self.key is not None:
                raise PydanticCustomError(
                    "absent_keys",
                    "server '{s}' is absent: it takes no key (the whole entry is removed)",
                    {"s": self.server},
                )
            return self
        if (self.key_hash is None) == (self.key is None):
            raise PydanticCustomError(
                "server_key",
                "server '{s}' needs exactly one of key_hash or key",
                {"s": self.server},
            )
        if self.key is not None:
            try:
                keys.info_from_openssh(self.key)
            except ValueError as exc:
                raise PydanticCustomError(
                    "bad_key", "server key does not decode: {why}", {"why": str(exc)}
                ) from None
        return self

    @property
    def hash(self) -> str:
        if self.key is not None:
            return keys.info_from_openssh(self.key).md5_hex
        assert self.key_hash is not None
        return self.key_hash.upper()


class SshServerIntent(_Model):
    """`ip ssh ...` settings. Unset fields are left as the router has them."""

    version: Literal[1, 2, "compat"] | None = Field(
        None, description="1, 2, or null / 'compat' for compatibility mode (1.99)"
    )
    allow_v1: bool = Field(False, description="must be true to leave SSH version 1 enabled")
    timeout: Timeout | None = Field(None, description="ip ssh time-out, 1-120 seconds")
    authentication_retries: Retries | None = Field(None, description="0-5")
    dh_min_size: Literal[1024, 2048, 4096] | None = Field(None, description="ip ssh dh min size")
    keypair_name: Word | None = Field(None, description="ip ssh rsa keypair-name")
    stricthostkeycheck: bool | None = Field(None, description="ip ssh stricthostkeycheck")
    pubkey_users: list[PubkeyUser] = Field(default_factory=list, description="at most 10")
    pubkey_servers: list[PubkeyServer] = Field(default_factory=list, description="server host keys")

    @field_validator("version", mode="before")
    @classmethod
    def _null_means_compat(cls, value: Any) -> Any:
        # Only called when the field is given: an explicit null asks for 1.99.
        return "compat" if value is None or value in ("1.99", 1.99) else value

    @field_validator("pubkey_users")
    @classmethod
    def _user_limit(cls, value: list[PubkeyUser]) -> list[PubkeyUser]:
        present = [u for u in value if u.state == "present"]  # absent ones are removed
        if len(present) > MAX_PUBKEY_USERS:
            raise PydanticCustomError(
                "too_many_users",
                "{n} users; IOS allows at most {m} pubkey-chain users",
                {"n": len(present), "m": MAX_PUBKEY_USERS},
            )
        names = [u.username for u in value]
        if len(set(names)) != len(names):
            raise PydanticCustomError("duplicate", "a username appears twice", {})
        return value


_METHOD = re.compile(r"^(local|local-case|enable|line|none|if-authenticated|krb5|group \S+)$")


def _check_methods(value: dict[str, list[str]]) -> dict[str, list[str]]:
    for list_name, methods in value.items():
        if not _WORD.match(list_name):
            raise PydanticCustomError(
                "bad_list", "'{n}' is not a method-list name", {"n": list_name}
            )
        if not methods:
            raise PydanticCustomError("no_methods", "list '{n}' has no methods", {"n": list_name})
        for method in methods:
            if not _METHOD.match(method):
                raise PydanticCustomError(
                    "bad_method",
                    "'{m}' is not a method; allowed: local, local-case, enable, line, none, "
                    "if-authenticated, krb5, group <name>",
                    {"m": method},
                )
    return value


_KEY_TYPE_DOC = (
    "0: the variable holds the key in clear text (sent as `key 0 ...`); 7: it holds the "
    "key's IOS type 7 form (sent as `key 7 ...`). The router shows it as `key 7 ...` "
    "under service password-encryption."
)


def _ipv4(value: str) -> str:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise PydanticCustomError(
            "bad_server", "'{v}' is not an IPv4 address (address ipv4)", {"v": value}
        ) from None
    return value


Ipv4 = Annotated[str, AfterValidator(_ipv4)]
UdpTcpPort = Annotated[int, _in_range(1, 65535)]


def _key_env() -> Any:
    return Field(None, description="environment variable holding the shared key (never shown)")


def _key_type() -> Any:
    return Field(0, description=_KEY_TYPE_DOC)


class _ServerKey(_Model):
    """A server's shared key comes from an environment variable: never inline, never shown."""

    @model_validator(mode="before")
    @classmethod
    def _no_inline_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and "key" in data:
            raise PydanticCustomError(
                "inline_secret",
                "key: inline keys are not allowed; name an environment variable in key_env",
                {},
            )
        return data


class TacacsServerIntent(_ServerKey):
    """`tacacs server NAME` / ` address ipv4 A` / ` port P` / ` key ...`."""

    name: Word = Field(description="server name (tacacs server NAME)")
    address: Ipv4 = Field(description="address ipv4")
    port: UdpTcpPort | None = Field(None, description="TCP port; IOS default 49")
    key_env: EnvName | None = _key_env()
    key_type: Literal[0, 7] = _key_type()


class RadiusServerIntent(_ServerKey):
    """`radius server NAME` / ` address ipv4 A auth-port P acct-port Q` / ` key ...`."""

    name: Word = Field(description="server name (radius server NAME)")
    address: Ipv4 = Field(description="address ipv4")
    auth_port: UdpTcpPort = Field(1812, description="UDP authentication port")
    acct_port: UdpTcpPort = Field(1813, description="UDP accounting port")
    key_env: EnvName | None = _key_env()
    key_type: Literal[0, 7] = _key_type()


class ServerGroupIntent(_Model):
    """`aaa group server tacacs+|radius NAME` / ` server name X` (named in `group NAME`)."""

    name: Word = Field(description="group name, used as `group NAME` in method lists")
    type: Literal["tacacs+", "radius"] = Field(description="tacacs+ or radius")
    servers: list[Word] = Field(
        min_length=1, description="server names, in the order IOS asks them"
    )

    @field_validator("name")
    @classmethod
    def _not_builtin(cls, value: str) -> str:
        if value in ("tacacs+", "radius", "ldap"):
            raise PydanticCustomError(
                "bad_list", "'{n}' is IOS's own group; name the group otherwise", {"n": value}
            )
        return value


class AaaIntent(_Model):
    """AAA: `aaa new-model`, login and exec method lists (the plan refuses a login list
    that would lock the operator out)."""

    new_model: bool = Field(False, description="aaa new-model")
    tacacs_servers: list[TacacsServerIntent] = Field(
        default_factory=list, description="tacacs server blocks (asked by group tacacs+)"
    )
    radius_servers: list[RadiusServerIntent] = Field(
        default_factory=list, description="radius server blocks (asked by group radius)"
    )
    server_groups: list[ServerGroupIntent] = Field(
        default_factory=list, description="aaa group server blocks (asked by group NAME)"
    )
    authentication_login: dict[str, list[str]] = Field(
        default_factory=dict, description="list name: methods (local, group tacacs+, ...)"
    )
    authorization_exec: dict[str, list[str]] = Field(
        default_factory=dict, description="list name: methods; SCP needs one"
    )

    @field_validator("authentication_login", "authorization_exec")
    @classmethod
    def _methods(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return _check_methods(value)

    @model_validator(mode="after")
    def _needs_new_model(self) -> AaaIntent:
        if (self.authentication_login or self.authorization_exec) and not self.new_model:
            raise PydanticCustomError(
                "aaa", "method lists need new_model: true (aaa new-model)", {}
            )
        if (self.tacacs_servers or self.radius_servers or self.server_groups) and not (
            self.new_model
        ):
            raise PydanticCustomError(
                "aaa", "servers and server groups need new_model: true (aaa new-model)", {}
            )
        problems = _server_problems(self)
        if problems:
            raise PydanticCustomError("aaa", "; ".join(problems), {})
        return self


def _server_problems(aaa: AaaIntent) -> list[str]:
    """Names given twice, and groups naming servers the intent does not declare."""
    problems: list[str] = []
    declared = {
        "tacacs+": [s.name for s in aaa.tacacs_servers],
        "radius": [s.name for s in aaa.radius_servers],
    }
    for field, names in (
        ("tacacs_servers", declared["tacacs+"]),
        ("radius_servers", declared["radius"]),
        ("server_groups", [g.name for g in aaa.server_groups]),
    ):
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            problems.append(f"aaa.{field}: {', '.join(map(repr, twice))} appears more than once")
    for index, group in enumerate(aaa.server_groups):
        field = "tacacs_servers" if group.type == "tacacs+" else "radius_servers"
        for server in group.servers:
            if server not in declared[group.type]:
                problems.append(
                    f"aaa.server_groups[{index}] ({group.name}): server {server!r} is not in "
                    f"aaa.{field}"
                )
    return problems


class UserIntent(_Model):
    """A local user. The secret comes from the environment (or a prompt), never inline."""

    name: Word = Field(description="user name")
    privilege: Privilege = Field(1, description="0-15; SCP needs 15")
    secret_env: EnvName | None = Field(
        None,
        description="environment variable holding the secret; prompted for when unset. For "
        "an absent user: its old secret, to prove it is refused (optional)",
    )
    secret_kind: Literal["secret", "password"] = Field(
        "secret", description="stored as secret (hashed) or password"
    )
    update_secret: Literal["on_create", "always"] = Field(
        "on_create",
        description="always: set the secret on every apply (a rotation); on_create: only when "
        "the user is created or its privilege changes (Ansible's words)",
    )
    state: Presence = _state_field("the local user (no username NAME)")

    @model_validator(mode="before")
    @classmethod
    def _no_inline_secret(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for word in ("secret", "password"):
                if word in data:
                    raise PydanticCustomError(
                        "inline_secret",
                        "{w}: inline secrets are not allowed; name an environment variable "
                        "in secret_env instead",
                        {"w": word},
                    )
        return data


_LINE_SPEC = re.compile(
    r"^(?:(?P<kind>con|console|aux|vty|tty)\s+)?(?P<first>\d+)(?:\s+(?P<last>\d+))?$"
)
_TRANSPORTS = ("ssh", "telnet", "all", "none")


class LineIntent(_Model):
    """One `line ...` block: `vty 0 4`, `con 0`, `aux 0` or absolute `1 3`."""

    lines: str = Field(description="vty 0 4, con 0, aux 0, or absolute 1 3")
    transport_input: list[Literal["ssh", "telnet", "all", "none"]] | None = Field(
        None, description="transport input"
    )
    login: Literal["local", "line"] | None = Field(None, description="login local, or plain login")
    login_authentication: Word | None = Field(None, description="login authentication LIST")
    password_env: EnvName | None = Field(None, description="line password from the environment")
    exec_timeout: ExecTimeout | None = Field(None, description="minutes; 0 means never")
    no_exec: bool | None = Field(None, description="no exec (console server lines)")
    rotary: Rotary | None = Field(None, description="rotary group, 1-100")
    access_class_in: Word | None = Field(None, description="access-class ACL in")

    @field_validator("lines")
    @classmethod
    def _spec(cls, value: str) -> str:
        match = _LINE_SPEC.match(" ".join(value.split()))
        lo, hi = LINE_NUMBER_RANGE
        if not match:
            raise PydanticCustomError(
                "bad_lines",
                "'{v}' is not a line range; use 'vty 0 4', 'con 0', 'aux 0' or '1 3'",
                {"v": value},
            )
        first = int(match["first"])
        last = int(match["last"]) if match["last"] else first
        if not lo <= first <= last <= hi:
            raise PydanticCustomError(
                "bad_lines",
                "'{v}': line numbers must rise within {lo}-{hi}",
                {"v": value, "lo": lo, "hi": hi},
            )
        return " ".join(value.split())

    @field_validator("transport_input")
    @classmethod
    def _exclusive(cls, value: list[str] | None) -> list[str] | None:
        if value and len(value) > 1 and ({"all", "none"} & set(value)):
            raise PydanticCustomError(
                "transport", "{v} mixes 'all' or 'none' with other transports", {"v": value}
            )
        return value

    @model_validator(mode="after")
    def _one_login(self) -> LineIntent:
        if self.login and self.login_authentication:
            raise PydanticCustomError("login", "set login or login_authentication, not both", {})
        return self

    @property
    def kind(self) -> str:
        match = _LINE_SPEC.match(self.lines)
        assert match
        kind = match["kind"] or "tty"
        return "con" if kind == "console" else kind

    @property
    def numbers(self) -> tuple[int, int]:
        match = _LINE_SPEC.match(self.lines)
        assert match
        first = int(match["first"])
        return first, int(match["last"]) if match["last"] else first

    @property
    def ios_name(self) -> str:
        first, last = self.numbers
        prefix = "" if self.kind == "tty" else f"{self.kind} "
        return f"{prefix}{first}" + (f" {last}" if last != first else "")


class ReverseSshIntent(_Model):
    """`ip ssh port PORT rotary GROUP [LAST]`: PORT serves GROUP, PORT+1 the next, ..."""

    port: SshPort = Field(description="2000-10000")
    rotary: Rotary = Field(description="first rotary group")
    last_rotary: Rotary | None = Field(None, description="last group; port+n serves rotary+n")

    @model_validator(mode="after")
    def _order(self) -> ReverseSshIntent:
        if self.last_rotary is not None and self.last_rotary < self.rotary:
            raise PydanticCustomError(
                "rotary_order",
                "last_rotary {l} is below rotary {r}",
                {"l": self.last_rotary, "r": self.rotary},
            )
        return self

    @property
    def groups(self) -> range:
        return range(self.rotary, (self.last_rotary or self.rotary) + 1)


class ScpIntent(_Model):
    """The SCP server (`ip scp server enable`)."""

    enabled: bool = Field(False, description="needs exec authorization and a privilege-15 user")


class ArchiveIntent(_Model):
    """`archive` is what `configure terminal revert timer` needs."""

    path: ArchivePath | None = Field(
        None,
        description="archive path; default: the router's own (<file system>archive, e.g. "
        "flash:archive, bootflash:archive, disk0:archive)",
    )
    maximum: Annotated[int, _in_range(1, 14)] | None = Field(None, description="1-14 copies")
    write_memory: bool = Field(False, description="archive on write memory")


class SshIntent(_Model):
    """What one router's SSH setup should be. Unset parts are left as they are."""

    hostname: str | None = Field(None, description="hostname; not Router when keys have no label")
    domain_name: str | None = Field(None, description="ip domain-name; needed for unlabelled keys")
    rsa: RsaIntent | None = Field(None, description="crypto key generate rsa")
    ssh: SshServerIntent = Field(default_factory=SshServerIntent, description="ip ssh settings")
    aaa: AaaIntent | None = Field(
        None, description="aaa new-model, TACACS+/RADIUS servers and groups, method lists"
    )
    users: list[UserIntent] = Field(default_factory=list, description="local users")
    scp: ScpIntent = Field(default_factory=ScpIntent, description="ip scp server enable")
    lines: list[LineIntent] = Field(default_factory=list, description="line blocks")
    reverse_ssh: list[ReverseSshIntent] = Field(
        default_factory=list, description="ip ssh port N rotary G [LAST]"
    )
    archive: ArchiveIntent | None = Field(None, description="archive; the revert timer needs it")
    unsupported: Literal["refuse", "skip"] = Field(
        "refuse",
        description="what the router's image cannot do: refuse the change before anything is "
        "sent, or skip those settings on that router (reported as not supported)",
    )
    exclusive: list[Literal["users", "ssh.pubkey_users", "ssh.pubkey_servers"]] = Field(
        default_factory=list,
        description="lists the intent owns: what such a list does not name is removed from "
        "the router (no username, no server); safety refusals still apply",
    )

    def owns(self, name: str) -> bool:
        """Whether the intent owns list `name` (one of EXCLUSIVE_LISTS)."""
        return name in self.exclusive

    @property
    def present_users(self) -> list[UserIntent]:
        return [user for user in self.users if user.state == "present"]

    @field_validator("hostname")
    @classmethod
    def _hostname(cls, value: str | None) -> str | None:
        if value is not None and not _HOSTNAME.match(value):
            raise PydanticCustomError(
                "hostname",
                "'{v}' is not a hostname: start with a letter, then letters, digits or '-', "
                "at most 63 characters",
                {"v": value},
            )
        return value

    @field_validator("domain_name")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is not None and not _DOMAIN.match(value):
            raise PydanticCustomError("domain", "'{v}' is not a domain name", {"v": value})
        return value

    @model_validator(mode="after")
    def _cross_field_rules(self) -> SshIntent:
        problems = cross_field_problems(self)
        if problems:
            raise PydanticCustomError("cross_field", "\n".join(problems), {})
        return self

    # -- loading -------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SshIntent:
        """Validate a mapping (as read from YAML); IntentError lists every problem."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise IntentError(_problems(exc)) from None

    @classmethod
    def from_yaml(cls, source: str | Path) -> SshIntent:
        """Load from a YAML file path, or from YAML text when `source` has a newline."""
        try:
            if isinstance(source, str) and "\n" in source:
                data = yamlfile.loads(source)
            else:
                data = yamlfile.load(Path(source))
        except yamlfile.YamlProblem as exc:
            raise IntentError([str(exc)]) from None
        if not isinstance(data, dict):
            raise IntentError([f"top level: expected a mapping, got {type(data).__name__}"])
        return cls.from_dict(data)

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The intent's JSON schema (`ios-ssh schema`), for editors and validators."""
        return cls.model_json_schema()


def cross_field_problems(intent: SshIntent) -> list[str]:
    """The configuration guide's rules that span several fields."""
    problems: list[str] = []
    ssh, rsa = intent.ssh, intent.rsa
    may_use_v2 = ssh.version in (2, "compat", None)
    if rsa and may_use_v2 and rsa.modulus < MIN_MODULUS_SSH_V2:
        problems.append(
            f"rsa.modulus: {rsa.modulus} is below {MIN_MODULUS_SSH_V2}, the minimum for SSH version 2"
        )
    if ssh.version in (1, "compat") and not ssh.allow_v1:
        shown = "1" if ssh.version == 1 else "null (1.99)"
        problems.append(
            f"ssh.version: {shown} leaves SSH version 1 enabled; set ssh.allow_v1: true to allow it"
        )
    if rsa and rsa.label is None and intent.hostname is not None and intent.hostname == "Router":
        problems.append(
            "hostname: 'Router' cannot name RSA keys; set another hostname or rsa.label"
        )
    if intent.scp.enabled:
        aaa = intent.aaa
        if aaa is None or not aaa.new_model or not aaa.authorization_exec:
            problems.append(
                "scp.enabled: true needs aaa.new_model: true and aaa.authorization_exec "
                "(SCP runs exec authorization)"
            )
        if not any(user.privilege == 15 for user in intent.present_users):
            problems.append("scp.enabled: true needs a user with privilege 15 in users")
    line_rotaries = {line.rotary for line in intent.lines if line.rotary is not None}
    port_rotaries: set[int] = set()
    for index, port in enumerate(intent.reverse_ssh):
        for group in port.groups:
            port_rotaries.add(group)
            if group not in line_rotaries:
                problems.append(
                    f"reverse_ssh[{index}]: rotary {group} is used by port "
                    f"{port.port + group - port.rotary} but no line defines it"
                )
    for index, line in enumerate(intent.lines):
        if line.rotary is not None and line.rotary not in port_rotaries:
            problems.append(
                f"lines[{index}].rotary: {line.rotary} is defined on line {line.lines!r} "
                "but no reverse_ssh port uses it"
            )
    for field, names in (
        ("users", [user.name for user in intent.users]),
        ("lines", [line.ios_name for line in intent.lines]),
        ("ssh.pubkey_servers", [server.server for server in intent.ssh.pubkey_servers]),
    ):
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:  # a later entry would silently override the earlier one on the router
            problems.append(f"{field}: {', '.join(map(repr, twice))} appears more than once")
    if len(set(intent.exclusive)) != len(intent.exclusive):
        problems.append("exclusive: a list is named more than once")
    ports = [p.port + g - p.rotary for p in intent.reverse_ssh for g in p.groups]
    if len(set(ports)) != len(ports):
        problems.append("reverse_ssh: two entries claim the same TCP port")
    return problems


_OUR_KINDS = frozenset(
    {
        "aaa",
        "absent_keys",
        "bad_format",
        "bad_key",
        "bad_lines",
        "bad_list",
        "bad_method",
        "bad_server",
        "cli_text",
        "cross_field",
        "domain",
        "duplicate",
        "hostname",
        "inline_secret",
        "login",
        "no_key",
        "no_methods",
        "out_of_range",
        "rotary_order",
        "server_key",
        "too_many_keys",
        "too_many_users",
        "transport",
    }
)


def _problems(exc: ValidationError) -> list[str]:
    out: list[str] = []
    for err in exc.errors(include_url=False):
        loc = "".join(
            f"[{part}]" if isinstance(part, int) else (f".{part}" if i else str(part))
            for i, part in enumerate(err["loc"])
        )
        kind, msg = err["type"], err["msg"]
        if kind == "cross_field":
            out.extend(msg.split("\n"))
        elif kind == "extra_forbidden":
            out.append(f"{loc}: unknown field")
        elif kind in _OUR_KINDS:
            out.append(f"{loc}: {msg}" if loc else msg)
        elif kind == "literal_error":
            out.append(f"{loc}: {err['input']!r} is not allowed; {msg[0].lower()}{msg[1:]}")
        elif "input" in err and not isinstance(err["input"], dict | list):
            out.append(f"{loc}: {err['input']!r} is not valid: {msg}")
        else:
            out.append(f"{loc}: {msg}" if loc else msg)
    return out
