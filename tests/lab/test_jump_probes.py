"""Every live probe goes through the device's jump host (issue 21): the fresh login, the
public-key login, the SCP round trip, a reverse SSH port and the "telnet refused" check,
each over a channel of a real OpenSSH jump host (its log names each target port); with the
jump host down, none of them reaches the router, and "telnet refused" is not claimed."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ios_ssh import probes
from ios_ssh.keys import info_from_openssh
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device, factory_device
from ios_ssh.lab.session import Session
from ios_ssh.ports import free_port_block
from ios_ssh.session.params import DeviceParams
from tests.bastion import Bastion, bastion, closed_port, keygen

pytestmark = pytest.mark.timeout(120)
NETOPS = "Netops-Secret-3"


@dataclass
class Setup:
    lab: Lab
    jump: Bastion
    offset: int
    alice: Path
    known_hosts: Path

    def params(self, jump_host: str | None = None) -> DeviceParams:
        address = self.lab.addresses["cs1"]
        return DeviceParams.coerce(
            {
                "host": address.host,
                "port": address.port,
                "username": "admin",
                "password": "admin",
                "secret": "admin",
                "timeout": 8,
                "known_hosts": str(self.known_hosts),
                "reverse_port_offset": self.offset,
                "jump_host": jump_host or self.jump.jump_host,
                "jump_key_file": str(self.jump.key_file),
            }
        )


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    """A console server (reverse SSH port 2001 to r1's console, SCP for a privilege-15
    user, alice's key in its pubkey-chain) behind a jump host."""
    folder = tmp_path_factory.mktemp("jump-probes")
    alice = keygen(folder / "alice", "rsa")
    digest = info_from_openssh(Path(f"{alice}.pub").read_text()).md5_hex
    offset = free_port_block(1) - 2001
    lab = Lab()
    r1 = baseline_device("r1", image="hybrid", bits=1024)
    cs1 = baseline_device("cs1", image="hybrid", bits=1024, async_lines=2)
    cs1.consoles = {1: r1}
    lab.add(r1)
    lab.add(cs1, reverse_offset=offset)
    lab.add(factory_device(image="hybrid"), "f1")  # its vty lines still take telnet
    session = Session(cs1, "console", 15)
    session.feed("configure terminal")
    for line in [
        *("line 1", "no exec", "login local", "transport input ssh", "rotary 1", "exit"),
        "ip ssh port 2001 rotary 1",
        "aaa new-model",
        "aaa authentication login default local",
        "aaa authorization exec default local",
        f"username netops privilege 15 secret {NETOPS}",
        "ip scp server enable",
        *("ip ssh pubkey-chain", "username alice", f"key-hash ssh-rsa {digest}", "exit", "exit"),
        f"username alice privilege 1 secret {NETOPS}",
    ]:
        assert session.feed(line) == "", line
    session.feed("end")
    _wait_open(2001 + offset)
    try:
        with bastion(folder / "bastion") as jump:
            yield Setup(lab, jump, offset, alice, folder / "known_hosts")
    finally:
        lab.close()


def _wait_open(port: int) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"port {port} never opened"
            time.sleep(0.05)


def test_every_probe_goes_through_the_jump_host(setup: Setup) -> None:
    params = setup.params()
    address = setup.lab.addresses["cs1"]
    before = len(setup.jump.channels())
    checks = [
        *probes.login_probe(params, "", None, timeout=8),
        probes.pubkey_probe(params, "alice", setup.alice, timeout=8),
        probes.scp_probe(params.with_login("netops", NETOPS), timeout=8)[0],
        probes.reverse_probe(params, 2001, timeout=8),
        probes.telnet_refused_probe(params, address.telnet_port or 23, timeout=3),
    ]
    by_name = {c.name: c for c in checks}
    for name in (
        "fresh ssh login",
        "pubkey login alice",
        "scp round trip",
        "reverse ssh port 2001",
    ):
        assert by_name[name].ok, by_name[name]
    # the jump host's channel carries what a direct connection sees: a closed telnet port
    # here (SSH-only vty lines), a telnet login offered by the factory router
    telnet = by_name["telnet refused"]
    assert telnet.ok and "via jump host" in telnet.evidence, telnet
    factory = setup.lab.addresses["f1"].telnet_port or 23
    offered = probes.telnet_refused_probe(params, factory, timeout=3)
    assert not offered.ok and offered.found == "a telnet session was offered", offered
    for port, check in ((address.telnet_port, telnet), (factory, offered)):
        assert probes.telnet_refused_probe("127.0.0.1", port or 23, timeout=3).found == check.found
    targets = {port for _, port in setup.jump.channels()[before:]}
    assert {address.port, 2001 + setup.offset, address.telnet_port, factory} <= targets


def test_with_the_jump_host_down_no_probe_reaches_the_router(setup: Setup) -> None:
    params = setup.params(f"{setup.jump.user}@127.0.0.1:{closed_port()}")
    address = setup.lab.addresses["cs1"]
    checks = [
        *probes.login_probe(params, "", None, timeout=5),
        probes.pubkey_probe(params, "alice", setup.alice, timeout=5),
        probes.scp_probe(params.with_login("netops", NETOPS), timeout=5)[0],
        probes.reverse_probe(params, 2001, timeout=5),
        probes.telnet_refused_probe(params, address.telnet_port or 23, timeout=3),
    ]
    for check in checks:
        assert not check.ok, check  # "telnet refused" above all: nothing is known
        assert "jump host" in check.found and "connection refused" in check.found, check
