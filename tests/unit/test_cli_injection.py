"""Every string that can reach the router's CLI is one line without `?`, checked where it
enters: each string field of the intent schema, per-host overrides, secret values, and
device fields. Refused before any connection, with the field named and no secret shown."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import ios_ssh
from ios_ssh import IntentError, SshIntent
from ios_ssh.secrets import resolve_secrets

RSA_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDA6wZkF3ePRbJX8dO5d1yfVDvIO0Px1hJvrkLwHA9g3AJ1ysZg"
    "6ycjHBwIR0E6hkD/3i5/vhxQ8GfFdhPjSN0Dsa1LTwEeB3a4GkZj9MyNJbytr4xVXgkqo4mwbnWFqkzHqPlHZx7"
    "WnWwlOr8iFKzhV1UDCJ4xKxB7nL06v3+Kxw== alice"
)

# Every string field of the schema with a value that is valid where it stands. A test below
# walks the JSON schema and fails if a string field is missing here, so a new field cannot
# skip the rule.
GOOD: dict[str, Any] = {
    "hostname": "r1",
    "domain_name": "lab.example.com",
    "rsa.label": "SSHKEYS",
    "rsa.regenerate": "never",
    "ssh.version": "compat",
    "ssh.keypair_name": "SSHKEYS",
    "ssh.pubkey_users[].username": "alice",
    "ssh.pubkey_users[].keys[]": RSA_KEY,
    "ssh.pubkey_users[].key_hashes[]": "0123456789ABCDEF0123456789ABCDEF",
    "ssh.pubkey_servers[].server": "10.1.1.1",
    "ssh.pubkey_servers[].key_hash": "0123456789ABCDEF0123456789ABCDEF",
    "ssh.pubkey_servers[].key": RSA_KEY,
    "aaa.authentication_login{}": "default",
    "aaa.authentication_login{}[]": "local",
    "aaa.authorization_exec{}": "default",
    "aaa.authorization_exec{}[]": "local",
    "aaa.tacacs_servers[].name": "TAC1",
    "aaa.tacacs_servers[].address": "192.0.2.10",
    "aaa.tacacs_servers[].key_env": "TACACS_KEY",
    "aaa.radius_servers[].name": "RAD1",
    "aaa.radius_servers[].address": "192.0.2.20",
    "aaa.radius_servers[].key_env": "RADIUS_KEY",
    "aaa.server_groups[].name": "TACGROUP",
    "aaa.server_groups[].type": "tacacs+",
    "aaa.server_groups[].servers[]": "TAC1",
    "users[].name": "netops",
    "users[].secret_env": "IOS_NETOPS_SECRET",
    "users[].secret_kind": "secret",
    "lines[].lines": "vty 0 4",
    "lines[].transport_input[]": "ssh",
    "lines[].login": "local",
    "lines[].login_authentication": "default",
    "lines[].password_env": "LINE_PW",
    "lines[].access_class_in": "MGMT",
    "archive.path": "flash:archive",
    "unsupported": "skip",
    "exclusive[]": "users",
    "users[].update_secret": "always",
    "users[].state": "absent",
    "ssh.pubkey_users[].state": "present",
    "ssh.pubkey_servers[].state": "present",
}
BAD_SHAPES = {
    "newline": lambda good: f"{good}\nusername evil privilege 15 secret 0 pwned",
    "question mark": lambda good: f"{good}?",
    "leading type": lambda good: f"5 {good}",
}


def _string_fields(schema: dict[str, Any]) -> set[str]:
    """Paths of every string (or string-enum) slot in the intent's JSON schema."""
    defs = schema.get("$defs", {})
    found: set[str] = set()

    def walk(node: dict[str, Any], path: str) -> None:
        if "$ref" in node:
            walk(defs[node["$ref"].split("/")[-1]], path)
            return
        for option in node.get("anyOf", []):
            walk(option, path)
        kind = node.get("type")
        if kind == "string" or (
            kind is None and "const" in node and isinstance(node["const"], str)
        ):
            found.add(path)
        if "enum" in node and any(isinstance(v, str) for v in node["enum"]):
            found.add(path)
        if kind == "array":
            walk(node["items"], path + "[]")
        if kind == "object" and isinstance(node.get("additionalProperties"), dict):
            found.add(path + "{}")  # the mapping's keys
            walk(node["additionalProperties"], path + "{}")
        for name, sub in node.get("properties", {}).items():
            walk(sub, f"{path}.{name}" if path else name)

    walk(schema, "")
    return found


def test_the_table_covers_every_string_field_of_the_schema() -> None:
    assert _string_fields(SshIntent.json_schema()) == set(GOOD)


def _intent_with(path: str, value: Any) -> dict[str, Any]:
    """A minimal intent that is valid with GOOD[path], with `value` put at `path`."""
    top = path.split(".")[0].split("[")[0].rstrip("{}")
    base: dict[str, Any] = {
        "hostname": {"hostname": value},
        "domain_name": {"domain_name": value},
        "archive": {"archive": {"path": value}},
        "unsupported": {"unsupported": value},
        "exclusive": {"exclusive": [value]},
    }.get(top, {})
    if base:
        return base
    if path.startswith("rsa."):
        return {"rsa": {path[4:]: value}}
    if path.startswith("ssh.pubkey_users"):
        user: dict[str, Any] = {"username": "alice", "keys": [RSA_KEY]}
        field = path.split("].", 1)[1]
        if field == "keys[]":
            user["keys"] = [value]
        elif field == "key_hashes[]":
            user = {"username": "alice", "key_hashes": [value]}
        else:
            user[field] = value
        return {"ssh": {"pubkey_users": [user]}}
    if path.startswith("ssh.pubkey_servers"):
        field = path.split("].", 1)[1]
        return {
            "ssh": {
                "pubkey_servers": [{"server": "10.1.1.1", field: value}]
                if field not in ("server", "state")
                else [{"server": "10.1.1.1", "key": RSA_KEY, field: value}]
            }
        }
    if path.startswith("ssh."):
        return {"ssh": {path[4:]: value, "allow_v1": True}}
    if path.startswith(("aaa.tacacs_servers", "aaa.radius_servers", "aaa.server_groups")):
        return {"aaa": _aaa_servers_with(path, value)}
    if path.startswith("aaa."):
        name = path.split(".")[1].split("{")[0]
        methods = {value: ["local"]} if path.endswith("{}") else {"default": [value]}
        return {"aaa": {"new_model": True, name: methods}}
    if path.startswith("users[]."):
        return {"users": [{"name": "netops", path[8:]: value}]}
    if path.startswith("lines[]."):
        field = path[8:]
        line: dict[str, Any] = {"lines": "vty 0 4"}
        line[field.rstrip("[]")] = [value] if field.endswith("[]") else value
        return {"lines": [line]}
    raise AssertionError(f"no builder for {path}")


def _aaa_servers_with(path: str, value: Any) -> dict[str, Any]:
    """Valid servers and a group, with `value` at `path` (a server name change is kept
    consistent with the group that names it)."""
    table, field = path.split(".")[1].split("[")[0], path.split("].")[1].rstrip("[]")
    aaa: dict[str, Any] = {
        "new_model": True,
        "tacacs_servers": [{"name": "TAC1", "address": "192.0.2.10", "key_env": "TACACS_KEY"}],
        "radius_servers": [{"name": "RAD1", "address": "192.0.2.20", "key_env": "RADIUS_KEY"}],
        "server_groups": [{"name": "TACGROUP", "type": "tacacs+", "servers": ["TAC1"]}],
    }
    entry = aaa[table][0]
    entry[field] = [value] if field == "servers" else value
    if table == "tacacs_servers" and field == "name":
        aaa["server_groups"][0]["servers"] = [value]
    if table == "server_groups" and field == "type":
        entry["servers"] = ["TAC1"] if value == "tacacs+" else ["RAD1"]
    return aaa


@pytest.mark.parametrize("path", sorted(GOOD))
def test_the_good_value_is_accepted(path: str) -> None:
    SshIntent.from_dict(_intent_with(path, GOOD[path]))


@pytest.mark.parametrize("shape", sorted(BAD_SHAPES))
@pytest.mark.parametrize("path", sorted(GOOD))
def test_every_string_field_refuses_a_second_line_a_question_mark_and_a_type_prefix(
    path: str, shape: str
) -> None:
    bad = BAD_SHAPES[shape](GOOD[path])
    with pytest.raises(IntentError) as caught:
        SshIntent.from_dict(_intent_with(path, bad))
    field = path.split("[")[0].split("{")[0].split(".")[-1]
    assert any(field in problem for problem in caught.value.problems), caught.value.problems


def test_the_reported_archive_injection_is_refused_naming_the_field() -> None:
    with pytest.raises(IntentError) as caught:
        SshIntent.from_dict(
            {"archive": {"path": "flash:a\nusername evil privilege 15 secret 0 pwned"}}
        )
    assert caught.value.problems[0].startswith("archive.path: ")
    assert "one line" in caught.value.problems[0]


@pytest.mark.parametrize(
    "value, why",
    [
        ("pw\nusername evil privilege 15 secret 0 x", "one line"),
        ("pw?", "'?'"),
        ("5 $1$abc$0123456789", "digit and a space"),
        (" padded", "space"),
        ("tab\there", "printable ASCII"),
    ],
)
def test_secret_values_are_checked_and_never_shown(value: str, why: str) -> None:
    intent = SshIntent.from_dict({"users": [{"name": "u", "secret_env": "U_SECRET"}]})
    with pytest.raises(IntentError) as caught:
        resolve_secrets(intent, {"U_SECRET": value})
    text = str(caught.value)
    assert "users[0].secret_env" in text and "$U_SECRET" in text and why in text
    assert value.strip() not in text


def test_secrets_are_sent_with_an_explicit_clear_text_type() -> None:
    from ios_ssh.render import render_config

    intent = SshIntent.from_dict(
        {
            "users": [{"name": "u", "secret_env": "U", "secret_kind": "password"}],
            "lines": [{"lines": "con 0", "password_env": "L"}],
        }
    )
    lines = render_config(intent, {"U": "s3cret", "L": "l1ne"})
    commands = [line.command for line in lines]
    assert "username u privilege 1 password 0 s3cret" in commands
    assert " password 0 l1ne" in commands


@pytest.fixture
def listener() -> Iterator[tuple[int, list[object]]]:
    """A loopback port that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn)
            conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join(2)
        server.close()


def _device(port: int) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": port, "username": "u", "password": "pw", "secret": "s"}


@pytest.mark.parametrize("minutes", [0, -5, 1000, True, "5"])
def test_revert_minutes_outside_ios_range_is_refused_before_connecting(
    listener: tuple[int, list[object]], minutes: object
) -> None:
    port, accepted = listener
    with pytest.raises(IntentError, match="revert_minutes: .* is out of range 1-120"):
        ios_ssh.apply(_device(port), SshIntent.from_dict({}), revert_minutes=minutes)  # type: ignore[arg-type]
    assert accepted == []


def test_an_injecting_intent_mapping_never_reaches_the_device(
    listener: tuple[int, list[object]],
) -> None:
    port, accepted = listener
    with pytest.raises(IntentError, match="archive.path"):
        ios_ssh.apply(_device(port), {"archive": {"path": "flash:a\nusername evil"}})  # type: ignore[arg-type]
    assert accepted == []


@pytest.mark.parametrize(
    "device",
    [
        {"port": 22, "username": "u", "password": "pw-Secret1", "secret": "en-Secret2"},
        {"host": "h", "password": "pw-Secret1", "secret": "en-Secret2"},
        {
            "host": "h",
            "port": "abc",
            "username": "u",
            "password": "pw-Secret1",
            "secret": "en-Secret2",
        },
        {"host": "h", "username": "u", "password": "pw-Secret1\n", "secret": "en-Secret2\r"},
    ],
)
def test_device_field_errors_never_echo_secrets(device: dict[str, Any]) -> None:
    with pytest.raises(IntentError) as caught:
        ios_ssh.read_state(device)
    text = str(caught.value) + repr(caught.value)
    assert "pw-Secret1" not in text and "en-Secret2" not in text
    assert text.startswith("invalid device fields")
