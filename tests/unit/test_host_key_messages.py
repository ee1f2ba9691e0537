"""Every host-key refusal is one line of at most 200 characters that names the host and
port, says what is wrong with the key, gives the offered key's whole SHA256 fingerprint
and the fix, in every driver: session.identity's check (the sync drivers, the probes and
the async engine), the netmiko driver's own refusal, and the failure mapping."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import paramiko
import pytest

from ios_ssh.errors import ConnectError
from ios_ssh.session import failures, host_key_messages
from ios_ssh.session.algorithms import Algorithms
from ios_ssh.session.identity import judge
from ios_ssh.session.known_hosts import HostKey, KnownHosts
from ios_ssh.session.netmiko_driver import _host_key_mismatch
from ios_ssh.session.params import DeviceParams

HOST, PORT = "core-rtr-01.dc1.example.net", 2222  # a long-ish name on a port other than 22
TYPICAL = "/home/netops/.ssh/known_hosts"
LONG = "/srv/automation/network/inventories/production-emea/ssh/pinned/known_hosts_2024"
NONE = Algorithms((), (), (), ())


def _key(seed: str) -> HostKey:
    return HostKey("ssh-ed25519", hashlib.sha256(seed.encode()).digest())


OLD, NEW = _key("old"), _key("new")


def _params(known_hosts: str | Path, check: str = "accept-new", **extra: object) -> DeviceParams:
    return DeviceParams.coerce(
        {
            "host": HOST,
            "port": PORT,
            "username": "admin",
            "password": "pw-never-shown",
            "known_hosts": str(known_hosts),
            "host_key_check": check,
            **extra,
        }
    )


def _refusal(params: DeviceParams, pinned: list[HostKey], key: HostKey) -> str:
    with pytest.raises(ConnectError) as caught:
        judge(params, pinned, key, NONE, "")
    assert caught.value.kind == "host-key"
    return str(caught.value)


def _one_line(message: str) -> None:
    assert "\n" not in message and len(message) <= 200, (len(message), message)
    assert message.startswith(f"{HOST}:{PORT}: host key"), message
    assert NEW.fingerprint in message  # whole: SHA256: and its 43 characters


def test_a_changed_key_with_a_typical_path() -> None:
    message = _refusal(_params(TYPICAL), [OLD], NEW)
    _one_line(message)
    assert "host key: CHANGED" in message and "nothing sent" in message
    assert f"remove its line from {TYPICAL}" in message  # the path whole


def test_a_changed_key_on_a_short_name_gets_the_ssh_keygen_command() -> None:
    params = _params(TYPICAL).model_copy(update={"host": "10.0.0.1", "port": 22})
    with pytest.raises(ConnectError) as caught:
        judge(params, [OLD], NEW, NONE, "")
    message = str(caught.value)
    assert len(message) <= 200 and message.startswith("10.0.0.1:22: host key: CHANGED")
    assert message.endswith(f"ssh-keygen -R '10.0.0.1' -f {TYPICAL}")


def test_an_unknown_key_under_strict_with_a_typical_path() -> None:
    message = _refusal(_params(TYPICAL, "strict"), [], NEW)
    _one_line(message)
    assert "host key: unknown (strict)" in message and f"not in {TYPICAL}" in message
    assert "add it or use accept-new" in message  # or check it out of band first


def test_a_revoked_key_is_refused_even_by_accept_new_and_not_pinned(tmp_path: Path) -> None:
    """Before, accept-new pinned a key the file marked @revoked (lookup skips revoked keys,
    so the host looked new)."""
    file = tmp_path / "known_hosts"
    file.write_text(f"@revoked * {NEW.openssh()}\n")
    for check in ("accept-new", "strict"):
        message = _refusal(_params(file, check), [], NEW)
        _one_line(message)
        assert "host key: REVOKED" in message and "new key" in message
    assert file.read_text() == f"@revoked * {NEW.openssh()}\n"  # nothing pinned
    assert KnownHosts(file).lookup(HOST, PORT) == []


@pytest.mark.parametrize("kind", ["changed", "unknown", "revoked"])
def test_a_long_path_is_elided_in_its_middle_never_the_fingerprint(kind: str) -> None:
    message = getattr(host_key_messages, kind)(HOST, PORT, NEW.fingerprint, LONG)
    _one_line(message)
    assert LONG not in message and "..." in message
    assert "/srv" in message and "pinned/known_hosts_2024" in message  # its ends kept


@pytest.mark.parametrize("kind", ["changed", "unknown", "revoked"])
def test_every_form_fits_typical_paths(kind: str) -> None:
    for host, port in (
        (HOST, PORT),
        ("10.0.0.1", 22),
        ("edge-router-17.branch-042.corp.example.com", 22),
    ):
        message = getattr(host_key_messages, kind)(host, port, NEW.fingerprint, TYPICAL)
        assert len(message) <= 200 and TYPICAL in message, (len(message), message)
        assert message.startswith(f"{host}:{port}: host key: ") and NEW.fingerprint in message


def test_the_netmiko_drivers_own_refusal(tmp_path: Path) -> None:
    """paramiko's BadHostKeyException (the driver's strict check, should the pre-check
    have been passed) in the same words."""
    got, pinned = paramiko.RSAKey.generate(1024), paramiko.RSAKey.generate(1024)
    exc = paramiko.BadHostKeyException(f"[{HOST}]:{PORT}", got, pinned)
    message = _host_key_mismatch(_params(TYPICAL), exc)
    assert message is not None and len(message) <= 200 and "\n" not in message, message
    assert message.startswith(f"{HOST}:{PORT}: host key: CHANGED")
    assert got.fingerprint in message and TYPICAL in message


def test_a_refusal_without_the_key_long_path() -> None:
    """OpenSSH (scrapli) says only "Host key verification failed"."""
    exc = OSError("Host key verification failed.")
    error = failures.connect_error(exc, _params(LONG.replace("/ssh/", "/" + "ssh/" * 30)))
    assert error.kind == "host-key" and len(str(error)) <= 200, str(error)
    assert str(error).startswith(f"{HOST}:{PORT}: connect: host key refused")


def test_elide() -> None:
    assert host_key_messages.elide(TYPICAL, 100) == TYPICAL
    short = host_key_messages.elide(LONG, 40)
    assert len(short) == 40 and short.endswith("known_hosts_2024") and "..." in short


def test_fingerprint_form() -> None:
    """What the messages show is OpenSSH's form, whole."""
    expected = "SHA256:" + base64.b64encode(hashlib.sha256(NEW.blob).digest()).decode().rstrip("=")
    assert NEW.fingerprint == expected and len(expected) == 50
