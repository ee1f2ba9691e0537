"""The algorithm policy as each client gets it (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ios_ssh.errors import IntentError
from ios_ssh.session import DeviceParams
from ios_ssh.session.algorithms import (
    LEGACY,
    MODERN,
    Algorithms,
    NoCommonAlgorithm,
    legacy_in,
    negotiate,
    openssh_options,
    paramiko_disabled,
    resolve,
)
from ios_ssh.session.offer import parse_kexinit

SX_OFFER = Algorithms(
    kex=("diffie-hellman-group1-sha1",),
    host_key=("ssh-rsa",),
    ciphers=("aes128-cbc", "3des-cbc"),
    macs=("hmac-sha1", "hmac-md5"),
)


def test_modern_has_no_sha1_kex_no_ssh_rsa_no_cbc() -> None:
    assert not any("sha1" in k for k in MODERN.kex)
    assert "ssh-rsa" not in MODERN.host_key
    assert not any(c.endswith("-cbc") for c in MODERN.ciphers)


def test_legacy_ok_prefers_modern_and_falls_back() -> None:
    policy = resolve("legacy-ok")
    assert policy.kex[: len(MODERN.kex)] == MODERN.kex and policy.kex[-1] == LEGACY.kex[-1]
    chosen = negotiate(policy, SX_OFFER)
    assert chosen.kex == ("diffie-hellman-group1-sha1",) and chosen.ciphers == ("aes128-cbc",)
    assert legacy_in(chosen) == ["diffie-hellman-group1-sha1", "ssh-rsa", "aes128-cbc"]
    lab = Algorithms(
        ("curve25519-sha256", "diffie-hellman-group14-sha1"),
        ("rsa-sha2-512", "ssh-rsa"),
        ("aes256-ctr", "aes128-cbc"),
        ("hmac-sha2-256",),
    )
    assert legacy_in(negotiate(policy, lab)) == []


def test_modern_refuses_sx_naming_what_it_offers() -> None:
    with pytest.raises(NoCommonAlgorithm, match="key exchange.*diffie-hellman-group1-sha1"):
        negotiate(resolve("modern"), SX_OFFER)


def test_an_explicit_list_and_its_errors() -> None:
    chosen = resolve(("diffie-hellman-group14-sha1", "aes128-cbc"))
    assert chosen.kex == ("diffie-hellman-group14-sha1",) and chosen.ciphers == ("aes128-cbc",)
    assert chosen.host_key == MODERN.host_key  # a category left out keeps the modern list
    with pytest.raises(IntentError, match="ssh_algorithms"):
        DeviceParams.coerce({"host": "h", "username": "u", "ssh_algorithms": ["rot13"]})
    with pytest.raises(IntentError, match="ssh_algorithms"):
        DeviceParams.coerce({"host": "h", "username": "u", "ssh_algorithms": "ancient"})


def test_each_client_gets_the_same_policy() -> None:
    disabled = paramiko_disabled(resolve("modern"))
    assert "diffie-hellman-group1-sha1" in disabled["kex"] and "ssh-rsa" in disabled["keys"]
    assert "aes128-cbc" in disabled["ciphers"] and "ssh-rsa" in disabled["pubkeys"]
    legacy_ok = paramiko_disabled(resolve("legacy-ok"))
    assert (
        "diffie-hellman-group1-sha1" not in legacy_ok["kex"] and "ssh-rsa" not in legacy_ok["keys"]
    )
    options = openssh_options(resolve("legacy-ok"))
    kex = next(o for o in options if o.startswith("KexAlgorithms="))
    assert kex.endswith("diffie-hellman-group1-sha1")
    assert "ssh-rsa" in next(o for o in options if o.startswith("HostKeyAlgorithms="))


def test_driver_extras_reach_the_driver_options(tmp_path: Path) -> None:
    config = tmp_path / "ssh_config"
    config.write_text("Host h\n  HostName 192.0.2.7\n")
    params = DeviceParams.coerce(
        {
            "host": "h",
            "username": "u",
            "disabled_algorithms": {"pubkeys": ["rsa-sha2-256"]},
            "ssh_config_file": str(config),
            "transport_options": {"open_cmd": ["-o", "KexAlgorithms=+x"]},
        }
    )
    # ssh_config_file is applied to the fields (every connector reads them), not passed on
    assert params.netmiko_options == {"disabled_algorithms": {"pubkeys": ["rsa-sha2-256"]}}
    assert (params.host, params.ssh_config_host, params.ssh_config_file) == (
        "192.0.2.7",
        "h",
        config,
    )
    assert params.scrapli_options["transport_options"] == {"open_cmd": ["-o", "KexAlgorithms=+x"]}
    with pytest.raises(IntentError, match="netmiko_options"):
        DeviceParams.coerce(
            {"host": "h", "username": "u", "netmiko_options": {"ssh_strict": False}}
        )


def test_kexinit_is_read_from_the_packet() -> None:
    def name_list(*names: str) -> bytes:
        text = ",".join(names).encode()
        return len(text).to_bytes(4, "big") + text

    payload = bytes([20]) + b"c" * 16
    payload += name_list("diffie-hellman-group1-sha1", "ext-info-s")
    payload += name_list("ssh-rsa")
    payload += name_list("aes128-cbc") * 2 + name_list("hmac-sha1") * 2
    payload += name_list("none") * 2 + name_list() * 2 + b"\0" + b"\0\0\0\0"
    assert parse_kexinit(payload) == SX_OFFER.__class__(
        ("diffie-hellman-group1-sha1",), ("ssh-rsa",), ("aes128-cbc",), ("hmac-sha1",)
    )
