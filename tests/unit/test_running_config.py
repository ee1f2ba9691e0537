"""The running-config tree parser: SSH-related sections into a structure, secrets dropped."""

from __future__ import annotations

from pathlib import Path

import ios_ssh
from ios_ssh import keys
from ios_ssh.running_config import build_tree, parse_running_config

HERE = Path(__file__).resolve().parent


def _parsed() -> dict:
    return ios_ssh.parse_running_config((HERE / "fixtures/running_config_full.txt").read_text())


def test_names_and_ip_ssh_settings() -> None:
    cfg = _parsed()
    assert cfg["hostname"] == "edge-r7" and cfg["domain_name"] == "lab.example.net"
    ssh = cfg["ip_ssh"]
    assert (ssh["time_out"], ssh["authentication_retries"], ssh["version"]) == (60, 2, 2)
    assert ssh["dh_min_size"] == 4096 and ssh["rsa_keypair_name"] == "SSHKEYS"
    assert ssh["stricthostkeycheck"] is True
    assert ssh["ports"] == [{"port": 2001, "rotary": 1, "last_rotary": 3}]


def test_pubkey_chain_hashes_including_key_string() -> None:
    ssh = _parsed()["ip_ssh"]
    bob_key = (HERE / "fixtures/bob.pub.txt").read_text()
    bob = keys.info_from_openssh(bob_key).md5_hex
    alice = ["B1E29F17C950E2FEAB5BC3AC2A760208", "0F1E2D3C4B5A69788796A5B4C3D2E1F0"]
    assert ssh["pubkey_users"] == [
        {"username": "alice", "key_hashes": alice, "key_types": dict.fromkeys(alice, "ssh-rsa")},
        {"username": "bob", "key_hashes": [bob], "key_types": {bob: "ssh-rsa"}},
    ]
    server = "8FB4F858DD7E5AFB372780EC653DB371"
    assert ssh["pubkey_servers"] == [
        {"server": "192.0.2.10", "key_hashes": [server], "key_types": {server: "ssh-rsa"}}
    ]


def test_pubkey_chain_key_types_as_xe_17_shows_them() -> None:
    ssh = parse_running_config(
        "ip ssh pubkey-chain\n  username carol\n"
        "   key-hash ssh-ed25519 2B482D02A98ECA90A7457CBC7D00928F carol@host\n"
        "   key-hash ssh-rsa B1E29F17C950E2FEAB5BC3AC2A760208\n"
    )["ip_ssh"]
    assert ssh["pubkey_users"][0]["key_types"] == {
        "2B482D02A98ECA90A7457CBC7D00928F": "ssh-ed25519",
        "B1E29F17C950E2FEAB5BC3AC2A760208": "ssh-rsa",
    }


def test_aaa_users_and_scp_without_secrets() -> None:
    cfg = _parsed()
    assert cfg["aaa"] == {
        "new_model": True,
        "authentication_login": {"default": ["local"], "CONSOLE": ["group tacacs+", "local"]},
        "authorization_exec": {"default": ["local", "if-authenticated"]},
        "tacacs_servers": {},
        "radius_servers": {},
        "server_groups": {},
        "server_hosts": {"tacacs+": [], "radius": []},
    }
    assert cfg["users"] == [
        {"name": "netops", "privilege": 15, "secret_type": "secret 9"},
        {"name": "viewer", "privilege": 1, "secret_type": "password 7"},
    ]
    assert cfg["enable_secret"] is True and cfg["scp_server"] is True
    text = repr(cfg)
    assert "$9$" not in text and "094F471A1A0A" not in text and "0822455D0A16" not in text


def test_lines() -> None:
    lines = {(ln["kind"], ln["first"], ln["last"]): ln for ln in _parsed()["lines"]}
    assert set(lines) == {
        ("con", 0, 0),
        ("aux", 0, 0),
        ("tty", 1, 1),
        ("tty", 2, 3),
        ("vty", 0, 4),
        ("vty", 5, 15),
    }
    tty1 = lines[("tty", 1, 1)]
    assert tty1["exec"] is False and tty1["rotary"] == 1
    assert tty1["login_authentication"] == "default" and tty1["transport_input"] == ["ssh"]
    vty = lines[("vty", 0, 4)]
    assert vty["login"] == "local" and vty["transport_input"] == ["ssh", "telnet"]
    assert vty["exec_timeout"] == [10, 30] and vty["access_class_in"] == "MGMT"
    assert vty["password"] is True and vty["privilege_level"] == 15
    assert lines[("vty", 5, 15)]["login"] == "line"
    assert lines[("con", 0, 0)]["exec_timeout"] == [0, 0]


def test_archive_and_unmanaged_lines() -> None:
    cfg = _parsed()
    assert cfg["archive"] == {"path": "flash:archive", "maximum": 5, "write_memory": True}
    assert "interface GigabitEthernet1" in cfg["other"]


def test_section_output_and_parse_entry_point() -> None:
    text = "line vty 0 4\n exec-timeout 0 0\n login local\n transport input ssh\n"
    (record,) = ios_ssh.parse("sh run | section line vty", text)
    assert record["lines"][0]["transport_input"] == ["ssh"]
    assert ios_ssh.parse("show running-config", "")[0]["hostname"] == ""


def test_defaults_are_unset_not_guessed() -> None:
    cfg = ios_ssh.parse_running_config("ip ssh bulk-mode 131072\n")
    assert cfg["ip_ssh"]["time_out"] is None and cfg["ip_ssh"]["version"] is None


def test_tree_nesting() -> None:
    (chain,) = build_tree("ip ssh pubkey-chain\n  username a\n   key-hash ssh-rsa X\n")
    assert chain.children[0].text == "username a"
    assert chain.children[0].children[0].text == "key-hash ssh-rsa X"
