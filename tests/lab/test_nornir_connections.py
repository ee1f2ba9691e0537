"""Nornir inventories: host_key_check, known_hosts and ssh_algorithms per host, group or
defaults, and the user's driver extras, reach nornir's own connections and every session
ios_ssh opens for the host (issue 10 part 2, issue 12 "connection settings pass through")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest
import yaml
from nornir.core.task import Result, Task

from ios_ssh import SshIntent
from ios_ssh.inventory import InventoryError, load_inventory
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.nornir import read_ssh_state, verify_ssh
from ios_ssh.nornir.host import device_params
from ios_ssh.session import open_session
from ios_ssh.session.known_hosts import HostKey, KnownHosts

from .fake_ssh import fake_ssh_server

pytestmark = pytest.mark.timeout(180)
DRIVERS = ["netmiko", "scrapli"]


def _inventory(folder: Path, port: int, known_hosts: Path, **group_extras: Any) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "hosts.yaml").write_text(
        yaml.safe_dump(
            {
                "r1": {
                    "hostname": "127.0.0.1",
                    "port": port,
                    "username": "admin",
                    "password": "admin",
                    "groups": ["old"],
                    "data": {"secret": "admin", "timeout": 10},
                }
            }
        )
    )
    (folder / "groups.yaml").write_text(
        yaml.safe_dump(
            {
                "old": {
                    "data": {"ssh_algorithms": "modern"},
                    "connection_options": {
                        name: {"extras": extras} for name, extras in group_extras.items()
                    },
                }
            }
        )
    )
    (folder / "defaults.yaml").write_text(
        yaml.safe_dump({"data": {"host_key_check": "strict", "known_hosts": str(known_hosts)}})
    )
    return folder


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", bits=1024))
    try:
        yield lab
    finally:
        lab.close()


EXTRAS = {
    "netmiko": {"disabled_algorithms": {"pubkeys": ["rsa-sha2-256"]}},
    "scrapli": {"transport_options": {"open_cmd": ["-o", "ServerAliveCountMax=3"]}},
}


def test_settings_from_groups_and_defaults_reach_every_session(lab: Lab, tmp_path: Path) -> None:
    known_hosts = tmp_path / "pinned"
    address = lab.addresses["r1"]
    open_session(
        {**_login(address.port), "known_hosts": str(known_hosts)}
    ).close()  # accept-new pins it
    nornir = load_inventory(_inventory(tmp_path / "inv", address.port, known_hosts, **EXTRAS))
    host = nornir.inventory.hosts["r1"]
    netmiko = host.get_connection_parameters("netmiko").extras
    assert netmiko["ssh_strict"] is True
    # paramiko gets r1's pins alone (it parses the whole file it is given per connection)
    assert KnownHosts(netmiko["alt_key_file"]).lookup("127.0.0.1", address.port) == (
        KnownHosts(known_hosts).lookup("127.0.0.1", address.port)
    )
    assert len(Path(netmiko["alt_key_file"]).read_text().splitlines()) == 1
    assert netmiko["system_host_keys"] is False
    assert "rsa-sha2-256" in netmiko["disabled_algorithms"]["pubkeys"]  # the user's
    assert "diffie-hellman-group1-sha1" in netmiko["disabled_algorithms"]["kex"]  # modern
    scrapli = host.get_connection_parameters("scrapli").extras
    assert scrapli["auth_strict_key"] is True
    assert scrapli["ssh_known_hosts_file"] == str(known_hosts)
    open_cmd = scrapli["transport_options"]["open_cmd"]
    assert open_cmd[-2:] == ["-o", "ServerAliveCountMax=3"]
    assert not any("diffie-hellman-group1-sha1" in option for option in open_cmd)

    def params(task: Task) -> Result:
        return Result(host=task.host, result=device_params(task))

    got = nornir.run(task=params)["r1"][0].result
    assert got.host_key_check == "strict" and got.known_hosts == known_hosts
    assert got.ssh_algorithms == "modern"
    assert got.netmiko_options == EXTRAS["netmiko"]
    assert got.scrapli_options == EXTRAS["scrapli"]
    assert got.for_ssh().netmiko_options == EXTRAS["netmiko"]  # the fresh login's params
    for driver in DRIVERS:
        result = nornir.run(task=verify_ssh, intent=SshIntent(), driver=driver)["r1"]
        report = result[0].result
        assert not result.failed, report.text()
        assert any("ssh algorithms negotiated" in n for n in report.notes)


def _login(port: int) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": port,
        "username": "admin",
        "password": "admin",
        "secret": "admin",
    }


@pytest.mark.parametrize("driver", DRIVERS)
def test_nornir_connections_give_an_impostor_no_password(driver: str, tmp_path: Path) -> None:
    known_hosts = tmp_path / "pinned"
    with fake_ssh_server() as server:
        real = asyncssh.generate_private_key("ssh-ed25519")
        KnownHosts(known_hosts).add(
            server.host, server.port, HostKey(real.get_algorithm(), real.public_data)
        )
        nornir = load_inventory(_inventory(tmp_path / "inv", server.port, known_hosts))
        result = nornir.run(task=read_ssh_state, driver=driver)["r1"]
        assert result.failed
        assert "host key: CHANGED" in str(result.exception)
        assert server.attempts.auth == []


def test_an_inventory_cannot_switch_host_key_checking_off_in_extras(tmp_path: Path) -> None:
    folder = _inventory(tmp_path / "inv", 22, tmp_path / "kh", scrapli={"auth_strict_key": False})
    with pytest.raises(InventoryError, match="auth_strict_key.*host_key_check"):
        load_inventory(folder)
