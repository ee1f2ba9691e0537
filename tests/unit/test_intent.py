"""Intent validation: every rule names the field, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ios_ssh import IntentError, SshIntent, keys

REPO = Path(__file__).resolve().parents[2]


def _openssh_rsa(bits: int = 1024) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    return key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()


def _errors(data: dict) -> list[str]:
    with pytest.raises(IntentError) as info:
        SshIntent.from_dict(data)
    return info.value.problems


def test_the_shipped_full_intent_is_valid() -> None:
    intent = SshIntent.from_yaml(REPO / "inventory/intents/full.yaml")
    assert intent.hostname == "r1"
    assert intent.ssh.version == 2 and intent.ssh.timeout == 60
    assert intent.lines[1].kind == "tty" and intent.lines[1].numbers == (1, 3)


def test_yaml_text_is_accepted_too() -> None:
    intent = SshIntent.from_yaml("ssh:\n  version: 2\n  timeout: 30\n")
    assert intent.ssh.timeout == 30


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ssh": {"timeout": 121}}, "ssh.timeout: 121 is out of range 1-120"),
        ({"ssh": {"timeout": 0}}, "ssh.timeout: 0 is out of range 1-120"),
        (
            {"ssh": {"authentication_retries": 6}},
            "ssh.authentication_retries: 6 is out of range 0-5",
        ),
        ({"rsa": {"modulus": 5000}}, "rsa.modulus: 5000 is out of range 360-4096"),
        ({"ssh": {"dh_min_size": 1536}}, "ssh.dh_min_size: 1536 is not allowed"),
        ({"ssh": {"version": 3}}, "ssh.version: 3 is not allowed"),
        ({"rsa": {"regenerate": "sometimes"}}, "rsa.regenerate: 'sometimes' is not allowed"),
        (
            {"users": [{"name": "a", "privilege": 16}]},
            "users[0].privilege: 16 is out of range 0-15",
        ),
        (
            {"lines": [{"lines": "vty 0 4", "rotary": 101}]},
            "lines[0].rotary: 101 is out of range 1-100",
        ),
        (
            {"reverse_ssh": [{"port": 22, "rotary": 1}]},
            "reverse_ssh[0].port: 22 is out of range 2000-10000",
        ),
        ({"hostname": "1router"}, "hostname: '1router' is not a hostname"),
        ({"domain_name": "bad_domain"}, "domain_name: 'bad_domain' is not a domain name"),
        ({"lines": [{"lines": "vty 4 1"}]}, "lines[0].lines: 'vty 4 1': line numbers must rise"),
        ({"lines": [{"lines": "console"}]}, "lines[0].lines: 'console' is not a line range"),
        (
            {"lines": [{"lines": "vty 0 4", "transport_input": ["all", "ssh"]}]},
            "mixes 'all' or 'none'",
        ),
        (
            {"lines": [{"lines": "vty 0 4", "transport_input": ["rlogin"]}]},
            "lines[0].transport_input[0]: 'rlogin' is not allowed",
        ),
        (
            {"lines": [{"lines": "vty 0 4", "login": "local", "login_authentication": "x"}]},
            "not both",
        ),
        ({"ssh": {"tiemout": 5}}, "ssh.tiemout: unknown field"),
        ({"users": [{"name": "x", "secret": "hunter2"}]}, "inline secrets are not allowed"),
        (
            {"users": [{"name": "x", "secret_env": "1BAD"}]},
            "users[0].secret_env: '1BAD' is not an environment variable name",
        ),
        ({"aaa": {"authentication_login": {"default": ["local"]}}}, "need new_model: true"),
        (
            {"aaa": {"new_model": True, "authorization_exec": {"default": ["lokal"]}}},
            "'lokal' is not a method",
        ),
    ],
)
def test_field_rules(data: dict, message: str) -> None:
    problems = _errors(data)
    assert any(message in p for p in problems), problems


def test_bad_values_are_reported_without_touching_anything_else() -> None:
    problems = _errors({"ssh": {"timeout": 121, "authentication_retries": 9}})
    assert len(problems) == 2


def test_version_2_with_a_weak_modulus() -> None:
    assert _errors({"ssh": {"version": 2}, "rsa": {"modulus": 512}}) == [
        "rsa.modulus: 512 is below 768, the minimum for SSH version 2"
    ]


def test_version_1_only_with_explicit_permission() -> None:
    assert "leaves SSH version 1 enabled" in _errors({"ssh": {"version": 1}})[0]
    intent = SshIntent.from_dict({"ssh": {"version": 1, "allow_v1": True}, "rsa": {"modulus": 512}})
    assert intent.ssh.version == 1


def test_null_version_means_compatibility_mode() -> None:
    intent = SshIntent.from_yaml("ssh:\n  version: null\n  allow_v1: true\n")
    assert intent.ssh.version == "compat"
    assert SshIntent.from_dict({}).ssh.version is None  # unset: left as the router has it


def test_scp_needs_exec_authorization_and_a_privilege_15_user() -> None:
    problems = _errors({"scp": {"enabled": True}, "users": [{"name": "op", "privilege": 5}]})
    assert any("aaa.authorization_exec" in p for p in problems)
    assert any("privilege 15" in p for p in problems)
    ok = SshIntent.from_dict(
        {
            "scp": {"enabled": True},
            "aaa": {"new_model": True, "authorization_exec": {"default": ["local"]}},
            "users": [{"name": "op", "privilege": 15, "secret_env": "OP_SECRET"}],
        }
    )
    assert ok.scp.enabled


def test_rotaries_must_match_ports_both_ways() -> None:
    problems = _errors(
        {
            "lines": [{"lines": "1", "rotary": 1}, {"lines": "2", "rotary": 5}],
            "reverse_ssh": [{"port": 2001, "rotary": 1, "last_rotary": 2}],
        }
    )
    assert "reverse_ssh[0]: rotary 2 is used by port 2002 but no line defines it" in problems
    assert any(p.startswith("lines[1].rotary: 5 is defined on line '2'") for p in problems)


def test_console_server_with_one_rotary_per_line() -> None:
    intent = SshIntent.from_dict(
        {
            "lines": [{"lines": str(n), "rotary": n, "no_exec": True} for n in (1, 2, 3)],
            "reverse_ssh": [{"port": 2001, "rotary": 1, "last_rotary": 3}],
        }
    )
    assert list(intent.reverse_ssh[0].groups) == [1, 2, 3]


def test_pubkey_user_limits() -> None:
    key = _openssh_rsa()
    users = [{"username": f"u{i}", "keys": [key]} for i in range(11)]
    assert any("at most 10" in p for p in _errors({"ssh": {"pubkey_users": users}}))
    too_many = {"username": "a", "keys": [key, key], "key_hashes": ["0" * 32]}
    assert any("at most 2 per user" in p for p in _errors({"ssh": {"pubkey_users": [too_many]}}))


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("ssh-rsa not-base64!", "not valid base64"),
        ("ssh-rsa", "expected '<type> <base64> [comment]'"),
        ("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGf1", "truncated"),
    ],
)
def test_key_strings_must_decode(key: str, fragment: str) -> None:
    problems = _errors({"ssh": {"pubkey_users": [{"username": "a", "keys": [key]}]}})
    assert "ssh.pubkey_users[0].keys: key 0 does not decode" in problems[0]
    assert fragment in problems[0]


def test_ecdsa_keys_are_accepted_by_the_intent_and_judged_per_image_in_the_plan() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    line = key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
    intent = SshIntent.from_dict({"ssh": {"pubkey_users": [{"username": "a", "keys": [line]}]}})
    assert intent.ssh.pubkey_users[0].key_types == {
        keys.info_from_openssh(line).md5_hex: "ecdsa-sha2-nistp256"
    }


def test_key_types_no_image_takes_are_refused() -> None:
    import base64
    import struct

    def string(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    dss = base64.b64encode(string(b"ssh-dss") + string(b"\x01") * 4).decode()
    problems = _errors({"ssh": {"pubkey_users": [{"username": "a", "keys": [f"ssh-dss {dss}"]}]}})
    assert "does not decode" in problems[0] or "ssh-dss" in problems[0], problems


def test_key_hashes_are_derived_from_keys() -> None:
    import base64
    import hashlib

    key = _openssh_rsa()
    intent = SshIntent.from_dict(
        {"ssh": {"pubkey_users": [{"username": "a", "keys": [key + " a@lap"]}]}}
    )
    expected = hashlib.md5(base64.b64decode(key.split()[1])).hexdigest().upper()
    assert intent.ssh.pubkey_users[0].all_key_hashes == [expected]


def test_router_hostname_cannot_name_keys() -> None:
    assert any(
        "'Router' cannot name RSA keys" in p for p in _errors({"hostname": "Router", "rsa": {}})
    )
    assert SshIntent.from_dict({"hostname": "Router", "rsa": {"label": "K"}}).rsa.label == "K"


def test_json_schema_documents_every_section() -> None:
    schema = SshIntent.json_schema()
    for section in ("hostname", "rsa", "ssh", "aaa", "users", "scp", "lines", "reverse_ssh"):
        assert section in schema["properties"]
    assert schema["$defs"]["SshServerIntent"]["properties"]["timeout"]["description"]


def test_bad_yaml_is_an_intent_error(tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text("ssh: [unclosed\n")
    with pytest.raises(IntentError, match="YAML"):
        SshIntent.from_yaml(path)
    path.write_text("- a list\n")
    with pytest.raises(IntentError, match="expected a mapping"):
        SshIntent.from_yaml(path)
