"""TACACS+ and RADIUS servers and server groups: lines to send, and checks (pure).

IOS 15 and IOS-XE name each server (`tacacs server NAME`, `radius server NAME`, with
` address ipv4 A`, the TACACS+ ` port P`, the RADIUS `auth-port`/`acct-port` on the address
line, and ` key ...`) and gather them in `aaa group server tacacs+|radius NAME` blocks
(` server name X`), which method lists name as `group NAME`; `group tacacs+` and
`group radius` ask every server of that kind (public configs in
shared/reference/real-configs: the NPS RADIUS router, the batfish group-server test).

The key comes from an environment variable and is sent as `key 0 TEXT` or `key 7 TYPE7`;
the diff shows where it comes from, never its value. The router shows it as `key 7 ...`
(service password-encryption) and the state keeps only its type, so a server block that
already has a key keeps it ("left as it is", as for users' secrets).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .intent import AaaIntent, RadiusServerIntent, TacacsServerIntent
from .render import ConfigLine, plain
from .report import Check

TACACS_PORT = 49


def key_line(
    server: TacacsServerIntent | RadiusServerIntent, secrets: Mapping[str, str] | None
) -> ConfigLine:
    env = server.key_env or ""
    display = f" key <from ${env}>"
    value = secrets.get(env) if secrets is not None else None
    if value is None:
        return ConfigLine(display, display, "config", needs_secret=env)
    return ConfigLine(f" key {server.key_type} {value}", display, "config")


def server_lines(
    have: Mapping[str, Any], aaa: AaaIntent, secrets: Mapping[str, str] | None, notes: list[str]
) -> list[ConfigLine]:
    """What to send so the router has the intent's servers and groups; `have` is the
    parsed running-config's `aaa` part (empty: render everything)."""
    out: list[ConfigLine] = []
    for server in aaa.tacacs_servers:
        block = have.get("tacacs_servers", {}).get(server.name)
        body = []
        if block is None or block["address"] != server.address:
            body.append(plain(f" address ipv4 {server.address}"))
        if server.port is not None and (block or {}).get("port") != _shown_port(server.port):
            body.append(plain(f" port {server.port}"))
        body += _key(server, block, secrets, notes, f"tacacs server {server.name}")
        if body or block is None:
            out += [plain(f"tacacs server {server.name}", "enter"), *body, plain(" exit", "exit")]
    for server in aaa.radius_servers:
        block = have.get("radius_servers", {}).get(server.name)
        body = []
        wanted = (server.address, server.auth_port, server.acct_port)
        if block is None or (block["address"], block["auth_port"], block["acct_port"]) != wanted:
            body.append(
                plain(
                    f" address ipv4 {server.address} auth-port {server.auth_port}"
                    f" acct-port {server.acct_port}"
                )
            )
        body += _key(server, block, secrets, notes, f"radius server {server.name}")
        if body or block is None:
            out += [plain(f"radius server {server.name}", "enter"), *body, plain(" exit", "exit")]
    for group in aaa.server_groups:
        block = have.get("server_groups", {}).get(group.name)
        present = block["servers"] if block and block["kind"] == group.type else []
        missing = [s for s in group.servers if s not in present]
        if missing or block is None:
            out.append(plain(f"aaa group server {group.type} {group.name}", "enter"))
            out += [plain(f" server name {name}") for name in missing]
            out.append(plain(" exit", "exit"))
    return out


def _shown_port(port: int) -> int | None:
    return None if port == TACACS_PORT else port  # IOS prints no default port


def _key(
    server: TacacsServerIntent | RadiusServerIntent,
    block: Mapping[str, Any] | None,
    secrets: Mapping[str, str] | None,
    notes: list[str],
    where: str,
) -> list[ConfigLine]:
    if not server.key_env:
        return []
    if block is not None and block.get("key_type"):
        notes.append(f"{where}: has a key; key left as it is")
        return []
    return [key_line(server, secrets)]


def server_checks(cfg_aaa: Mapping[str, Any], aaa: AaaIntent) -> Iterator[Check]:
    """The intent's servers and groups against the running-config."""
    for server in aaa.tacacs_servers:
        block = cfg_aaa.get("tacacs_servers", {}).get(server.name)
        name = f"tacacs server {server.name}"
        want = f"address {server.address} port {server.port or TACACS_PORT}" + (
            ", a key" if server.key_env else ""
        )
        found = (
            "absent"
            if block is None
            else f"address {block['address'] or '-'} port {block['port'] or TACACS_PORT}"
            + (", a key" if block["key_type"] else "")
        )
        yield Check(name, found == want, want, found, f"running-config: {name}")
    for server in aaa.radius_servers:
        block = cfg_aaa.get("radius_servers", {}).get(server.name)
        name = f"radius server {server.name}"
        want = (
            f"address {server.address} auth-port {server.auth_port} acct-port {server.acct_port}"
            + (", a key" if server.key_env else "")
        )
        found = (
            "absent"
            if block is None
            else f"address {block['address'] or '-'} auth-port {block['auth_port']} "
            f"acct-port {block['acct_port']}" + (", a key" if block["key_type"] else "")
        )
        yield Check(name, found == want, want, found, f"running-config: {name}")
    for group in aaa.server_groups:
        block = cfg_aaa.get("server_groups", {}).get(group.name)
        name = f"aaa group server {group.type} {group.name}"
        found = "absent" if block is None else f"{block['kind']}: {', '.join(block['servers'])}"
        have = set(block["servers"]) if block and block["kind"] == group.type else set()
        yield Check(
            name,
            set(group.servers) <= have,
            f"{group.type}: {', '.join(group.servers)}",
            found,
            f"running-config: {name}",
        )
