"""The router's own SSH client, from one lab router to another, over real SSH."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator

import asyncssh
import pytest

from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.session import Session

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", image="hybrid", bits=1024))
    lab.add(baseline_device("r2", image="hybrid", bits=1024))
    try:
        yield lab
    finally:
        lab.close()


def _r1(lab: Lab) -> Session:
    return Session(lab.routers["r1"].device, "admin", 15)


def test_command_form(lab: Lab) -> None:
    session = _r1(lab)
    port = lab.addresses["r2"].port
    session.feed(f"ssh -l admin -p {port} 127.0.0.1 show ip ssh")
    assert session.prompt == "Password: " and session.hide_input
    out = session.feed("admin")
    assert out.startswith("SSH Enabled - version 1.99") and session.prompt == "r1#"


def test_interactive_session_and_back(lab: Lab) -> None:
    session = _r1(lab)
    port = lab.addresses["r2"].port
    session.feed(f"ssh -v 2 -c aes256-ctr -m hmac-sha2-256 -l admin -p {port} 127.0.0.1")
    assert session.feed("admin").endswith("r2>")
    users = session.feed("show users")
    assert users.endswith("r2>") and "admin" in users and not users.startswith("show users")
    sessions = lab.routers["r2"].device.show_ssh()
    assert "aes256-ctr" in sessions and "hmac-sha2-256" in sessions
    out = session.feed("exit")
    assert out.endswith("[Connection to 127.0.0.1 closed by foreign host]")
    assert session.prompt == "r1#"


def test_wrong_password_and_bad_arguments(lab: Lab) -> None:
    session = _r1(lab)
    port = lab.addresses["r2"].port
    session.feed(f"ssh -l admin -p {port} 127.0.0.1")
    assert session.feed("nope").startswith("% Connection to 127.0.0.1 failed")
    assert session.feed("ssh 127.0.0.1") == "% No user specified (use -l)"
    assert session.feed("ssh -l admin") == "% Incomplete command."


def test_stricthostkeycheck_needs_the_server_key_in_the_chain(lab: Lab) -> None:
    session = _r1(lab)
    port = lab.addresses["r2"].port
    r2_key = lab.routers["r2"].device.ssh_key()
    blob = asyncssh.import_public_key("ssh-rsa " + r2_key.ssh_blob_b64()).public_data
    right = hashlib.md5(blob).hexdigest().upper()
    for line in (
        "configure terminal",
        "ip ssh stricthostkeycheck",
        "ip ssh pubkey-chain",
        "server 127.0.0.1",
        "key-hash ssh-rsa " + "0" * 32,
        "end",
    ):
        session.feed(line)
    session.feed(f"ssh -l admin -p {port} 127.0.0.1 show version")
    assert "does not match" in session.feed("admin")
    for line in (
        "configure terminal",
        "ip ssh pubkey-chain",
        "server 127.0.0.1",
        "no key-hash ssh-rsa " + "0" * 32,
        "key-hash ssh-rsa " + right,
        "end",
    ):
        session.feed(line)
    session.feed(f"ssh -l admin -p {port} 127.0.0.1 show version")
    assert "r2 uptime is" in session.feed("admin")


@pytest.mark.parametrize("target", ["loopback service", "outside address", "host name"])
def test_the_client_reaches_only_this_labs_routers(lab: Lab, target: str) -> None:
    """A lab router's `ssh` is a real connection from the lab's process: to anything but
    the lab's own routers it would make the lab a relay into the operator's network."""
    server = socket.socket()  # a service on this machine that is not a lab router
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.setblocking(False)
    host, port = {
        "loopback service": ("127.0.0.1", server.getsockname()[1]),
        "outside address": ("192.0.2.1", 22),  # TEST-NET-1: would hang, were it tried
        "host name": ("localhost", lab.addresses["r2"].port),  # never looked up
    }[target]
    try:
        session = _r1(lab)
        session.feed(f"ssh -l admin -p {port} {host} show version")
        out = session.feed("admin")
        assert out.startswith(f"% Connection to {host} failed: {host} port {port} is not")
        assert "a router of this lab" in out and session.prompt == "r1#"
        with pytest.raises(BlockingIOError):
            server.accept()  # nothing connected to it
    finally:
        server.close()
