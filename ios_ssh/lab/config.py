"""The simulated router's configuration (what `show running-config` shows) and its text.

The configuration is a model, not a list of echoed strings; `render_running` turns it into
IOS's text, and that text replays through the CLI (`Device.load_config`) to rebuild the
model, which is how startup-config, rollback and `configure replace` work here, as on IOS.
Secrets are kept only in their stored forms (type 9 scrypt, type 7), never in the clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import extras as ext

DEFAULT_TIMEOUT = 120
DEFAULT_RETRIES = 3
DEFAULT_VTY_LAST = 4


@dataclass
class User:
    privilege: int
    kind: str  # "secret" (stored as type 9) or "password" (stored as type 7)
    stored: str


@dataclass
class LineConfig:
    kind: str  # con | aux | tty | vty
    first: int
    last: int
    login: str = ""  # "" | "line" | "local"
    login_authentication: str = ""
    transport_input: list[str] | None = None  # None: the platform default
    transport_preferred: str | None = None  # None: telnet (unknown exec words are hosts)
    exec_timeout: tuple[int, int] | None = None
    no_exec: bool = False
    rotary: int | None = None
    password7: str = ""
    access_class_in: str = ""
    access_class_out: str = ""
    privilege_level: int | None = None

    def header(self) -> str:
        name = "" if self.kind == "tty" else f"{self.kind} "
        return f"line {name}{self.first}" + (f" {self.last}" if self.last != self.first else "")

    def body(self) -> list[str]:
        out: list[str] = []
        if self.access_class_in:
            out.append(f" access-class {self.access_class_in} in")
        if self.access_class_out:
            out.append(f" access-class {self.access_class_out} out")
        if self.exec_timeout is not None:
            out.append(f" exec-timeout {self.exec_timeout[0]} {self.exec_timeout[1]}")
        if self.privilege_level is not None:
            out.append(f" privilege level {self.privilege_level}")
        if self.no_exec:
            out.append(" no exec")
        if self.password7:
            out.append(f" password 7 {self.password7}")
        if self.login == "line":
            out.append(" login")
        elif self.login == "local":
            out.append(" login local")
        if self.login_authentication:
            out.append(f" login authentication {self.login_authentication}")
        if self.rotary is not None:
            out.append(f" rotary {self.rotary}")
        if self.transport_preferred is not None:
            out.append(f" transport preferred {self.transport_preferred}")
        if self.transport_input is not None:
            out.append(f" transport input {' '.join(self.transport_input)}")
        return out


@dataclass
class SshPort:
    port: int
    first: int
    last: int | None = None

    def groups(self) -> range:
        return range(self.first, (self.last or self.first) + 1)


@dataclass
class AaaServer:
    """`tacacs server NAME` or `radius server NAME`: where the router asks, and the key
    (kept as IOS keeps it under `service password-encryption`: type 7)."""

    address: str = ""
    port: int | None = None  # TACACS+ `port`; None: 49
    auth_port: int = 1812  # RADIUS `address ipv4 A auth-port P acct-port Q`
    acct_port: int = 1813
    key7: str = ""


@dataclass
class ServerGroup:
    """`aaa group server tacacs+|radius NAME` with its `server name X` lines, in order."""

    kind: str  # "tacacs+" | "radius"
    servers: list[str] = field(default_factory=list)


@dataclass
class Archive:
    path: str = ""
    maximum: int | None = None
    write_memory: bool = False


def default_lines(
    aux: bool = True, vty_blocks: tuple[tuple[int, int], ...] = ((0, DEFAULT_VTY_LAST),)
) -> list[LineConfig]:
    """The platform's line blocks out of the box (images.py `Platform`): a Catalyst
    3750-X has no AUX and `line vty 0 4` plus `line vty 5 15`."""
    lines = [LineConfig("con", 0, 0)]
    if aux:
        lines.append(LineConfig("aux", 0, 0))
    return lines + [LineConfig("vty", first, last) for first, last in vty_blocks]


@dataclass
class Config:
    hostname: str = "Router"
    domain: str = ""
    enable_secret9: str = ""
    users: dict[str, User] = field(default_factory=dict)
    aaa_new_model: bool = False
    aaa_login: dict[str, list[str]] = field(default_factory=dict)
    aaa_exec: dict[str, list[str]] = field(default_factory=dict)
    tacacs_servers: dict[str, AaaServer] = field(default_factory=dict)
    radius_servers: dict[str, AaaServer] = field(default_factory=dict)
    server_groups: dict[str, ServerGroup] = field(default_factory=dict)
    ssh_time_out: int = DEFAULT_TIMEOUT
    ssh_retries: int = DEFAULT_RETRIES
    ssh_version: int | None = None  # None: compatibility mode, 1.99
    ssh_dh_min: int | None = None  # None: the platform default
    ssh_keypair_name: str = ""
    ssh_stricthostkeycheck: bool = False
    ssh_ports: list[SshPort] = field(default_factory=list)
    pubkey_users: dict[str, list[str]] = field(default_factory=dict)  # name: MD5 key hashes
    pubkey_servers: dict[str, list[str]] = field(default_factory=dict)
    pubkey_key_types: dict[str, str] = field(default_factory=dict)  # MD5: type (not ssh-rsa)
    scp_server: bool = False
    lines: list[LineConfig] = field(default_factory=default_lines)
    archive: Archive | None = None
    snmp_hosts: list[str] = field(default_factory=list)
    extras: ext.Extras = field(default_factory=ext.Extras)  # banners, logging, ACLs, ...

    def line_block(self, kind: str, first: int, last: int) -> LineConfig:
        """The block `line kind first last`, created in IOS's order when new."""
        for line in self.lines:
            if (line.kind, line.first, line.last) == (kind, first, last):
                return line
        line = LineConfig(kind, first, last)
        self.lines.append(line)
        order = {"con": 0, "aux": 1, "tty": 2, "vty": 3}
        self.lines.sort(key=lambda ln: (order[ln.kind], ln.first))
        return line

    def key_type(self, digest: str) -> str:
        return self.pubkey_key_types.get(digest, "ssh-rsa")

    def forget_key_types(self) -> None:
        """Drop the types of hashes no chain entry holds any more."""
        held = {
            h
            for table in (self.pubkey_users, self.pubkey_servers)
            for hs in table.values()
            for h in hs
        }
        for digest in list(self.pubkey_key_types):
            if digest not in held:
                del self.pubkey_key_types[digest]

    def vty_last(self) -> int:
        return max((ln.last for ln in self.lines if ln.kind == "vty"), default=DEFAULT_VTY_LAST)

    def setting_for(self, kind: str, number: int) -> list[LineConfig]:
        """The blocks that cover one line, most specific last (later blocks win)."""
        return [ln for ln in self.lines if ln.kind == kind and ln.first <= number <= ln.last]


def render_running(
    config: Config,
    version: str = "17.15",
    interface_order=None,
) -> list[str]:
    """The body of `show running-config`, from `!` after the header to `end`; `version` is
    the image's (images.py `config_version`), `interface_order` the platform's sort key."""
    out = [
        "!",
        f"version {version}",
        "service timestamps debug datetime msec",
        "service timestamps log datetime msec",
        "service password-encryption",
        "!",
        f"hostname {config.hostname}",
        "!",
        "boot-start-marker",
        "boot-end-marker",
        "!",
    ]
    out += ext.render_logging(config.extras)
    if config.enable_secret9:
        out += [f"enable secret 9 {config.enable_secret9}", "!"]
    if config.aaa_new_model:
        out += ["aaa new-model", "!", "!"]
        out += _server_groups(config)
        out += [f"aaa authentication login {n} {' '.join(m)}" for n, m in config.aaa_login.items()]
        out += [f"aaa authorization exec {n} {' '.join(m)}" for n, m in config.aaa_exec.items()]
        out += ["!", "!", "aaa session-id common"]
    else:
        out.append("no aaa new-model")
    out.append("!")
    out += ext.render_lookup(config.extras)
    if config.domain:
        out += [f"ip domain name {config.domain}", "!"]
    for name, user in config.users.items():
        level = f" privilege {user.privilege}" if user.privilege != 1 else ""
        kind = "secret 9" if user.kind == "secret" else "password 7"
        out.append(f"username {name}{level} {kind} {user.stored}")
    if config.users:
        out.append("!")
    if config.archive is not None:
        out.append("archive")
        if config.archive.path:
            out.append(f" path {config.archive.path}")
        if config.archive.maximum is not None:
            out.append(f" maximum {config.archive.maximum}")
        if config.archive.write_memory:
            out.append(" write-memory")
        out.append("!")
    out += ext.render_interfaces(config.extras, interface_order)
    out += _ip_ssh(config)
    if config.scp_server:
        out.append("ip scp server enable")
    out.append("!")
    out += ext.render_acls(config.extras)
    for host in config.snmp_hosts:
        out.append(f"snmp-server host {host}")
    if config.snmp_hosts:
        out.append("!")
    out += _aaa_servers(config)
    out += ext.render_banners(config.extras)
    for line in config.lines:
        out.append(line.header())
        out += line.body()
    out += ["!", "end"]
    return out


def _ip_ssh(config: Config) -> list[str]:
    # Order as seen on IOS: time-out, retries, ports, keypair, version, dh, strict, chain.
    out: list[str] = []
    if config.ssh_time_out != DEFAULT_TIMEOUT:
        out.append(f"ip ssh time-out {config.ssh_time_out}")
    if config.ssh_retries != DEFAULT_RETRIES:
        out.append(f"ip ssh authentication-retries {config.ssh_retries}")
    for port in config.ssh_ports:
        last = f" {port.last}" if port.last is not None else ""
        out.append(f"ip ssh port {port.port} rotary {port.first}{last}")
    if config.ssh_keypair_name:
        out.append(f"ip ssh rsa keypair-name {config.ssh_keypair_name}")
    if config.ssh_version is not None:
        out.append(f"ip ssh version {config.ssh_version}")
    if config.ssh_dh_min is not None:
        out.append(f"ip ssh dh min size {config.ssh_dh_min}")
    if config.ssh_stricthostkeycheck:
        out.append("ip ssh stricthostkeycheck")
    if config.pubkey_users or config.pubkey_servers:
        out.append("ip ssh pubkey-chain")
        for name, hashes in config.pubkey_users.items():
            out.append(f"  username {name}")
            out += [f"   key-hash {config.key_type(h)} {h}" for h in hashes]
        for name, hashes in config.pubkey_servers.items():
            out.append(f"  server {name}")
            out += [f"   key-hash {config.key_type(h)} {h}" for h in hashes]
    return out


def _server_groups(config: Config) -> list[str]:
    # After `aaa new-model`, before the method lists that name them (as IOS-XE prints).
    out: list[str] = []
    for name, group in config.server_groups.items():
        out.append(f"aaa group server {group.kind} {name}")
        out += [f" server name {server}" for server in group.servers]
        out.append("!")
    return out


def _aaa_servers(config: Config) -> list[str]:
    # Near the end, before the banners and lines; the key in its type 7 form, since
    # `service password-encryption` is on (public configs: ` key 7 0822455D0A16`).
    out: list[str] = []
    for name, server in config.tacacs_servers.items():
        out.append(f"tacacs server {name}")
        if server.address:
            out.append(f" address ipv4 {server.address}")
        if server.port is not None:
            out.append(f" port {server.port}")
        if server.key7:
            out.append(f" key 7 {server.key7}")
        out.append("!")
    for name, server in config.radius_servers.items():
        out.append(f"radius server {name}")
        if server.address:
            out.append(
                f" address ipv4 {server.address} auth-port {server.auth_port}"
                f" acct-port {server.acct_port}"
            )
        if server.key7:
            out.append(f" key 7 {server.key7}")
        out.append("!")
    return out
