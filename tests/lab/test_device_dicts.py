"""netmiko's own examples work unchanged (issue 21): the README's `cisco_881` dict and
its "Connecting with SSH Keys" example (use_keys, key_file, no password), with only the
values pointed at a lab router; and a dict full of ConnectHandler's own fields."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.lab import Lab, baseline_device

pytestmark = pytest.mark.timeout(180)
DRIVERS = ["netmiko", "scrapli"]
# github.com/ktbyers/netmiko README.md, "Create a dictionary representing the device"
README_881 = {
    "device_type": "cisco_ios",
    "host": "10.10.10.10",
    "username": "test",
    "password": "password",
    "port": 8022,  # optional, defaults to 22
    "secret": "secret",  # optional, defaults to ''
}
# examples/use_cases/case9_ssh_keys/conn_ssh_keys.py
KEYS_EXAMPLE = {
    "device_type": "cisco_ios",
    "host": "cisco1.lasthop.io",
    "username": "testuser",
    "use_keys": True,
    "key_file": "~/.ssh/test_rsa",
}


@pytest.fixture(autouse=True)
def own_known_hosts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dicts name no known_hosts: the default file, this test's (accept-new)."""
    monkeypatch.setenv("IOS_SSH_KNOWN_HOSTS", str(tmp_path / "known_hosts"))


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Lab, Path]]:
    """A router with the example's privilege-15 `testuser`, who logs in with an RSA key
    (both put there by an apply, as the operator would)."""
    folder = tmp_path_factory.mktemp("keys")
    key = folder / "test_rsa"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(key)], check=True
    )
    lab = Lab()
    lab.add(baseline_device("r1", bits=1024, minute_seconds=5.0))
    try:
        address = lab.addresses["r1"]
        device = {
            "host": address.host,
            "port": address.port,
            "username": "admin",
            "password": "admin",
            "secret": "admin",
            "known_hosts": str(folder / "known_hosts"),
        }
        public = Path(f"{key}.pub").read_text().strip()
        intent = SshIntent.from_dict(
            {
                "users": [{"name": "testuser", "privilege": 15, "secret_env": "TESTUSER_SECRET"}],
                "ssh": {"pubkey_users": [{"username": "testuser", "keys": [public]}]},
                "archive": {},
            }
        )
        report = ios_ssh.apply(device, intent, secrets={"TESTUSER_SECRET": "Test-User-Secret-9"})
        assert report.ok, report.text()
        yield lab, key
    finally:
        lab.close()


def _as_written(example: dict[str, object], **values: object) -> dict[str, object]:
    """The example with its values pointed at the lab: the same keys, nothing added."""
    assert set(values) <= set(example)
    return {**example, **values}


@pytest.mark.parametrize("driver", DRIVERS)
def test_the_netmiko_readme_dict_works_unchanged(keyed: tuple[Lab, Path], driver: str) -> None:
    lab, _ = keyed
    address = lab.addresses["r1"]
    device = _as_written(
        README_881,
        host=address.host,
        port=address.port,
        username="admin",
        password="admin",
        secret="admin",
    )
    state = ios_ssh.read_state(device, driver)  # type: ignore[arg-type]
    assert state.ssh_enabled and state.hostname == "r1"


@pytest.mark.parametrize("driver", DRIVERS)
def test_the_netmiko_keys_example_works_unchanged(keyed: tuple[Lab, Path], driver: str) -> None:
    lab, key = keyed
    address = lab.addresses["r1"]
    device = _as_written(KEYS_EXAMPLE, host=address.host, key_file=str(key))
    device["port"] = address.port  # the example's router listens on 22; the lab's does not
    state = ios_ssh.read_state(device, driver)  # type: ignore[arg-type]
    assert state.ssh_enabled and state.hostname == "r1"


def test_connecthandlers_own_fields_reach_netmiko(keyed: tuple[Lab, Path], tmp_path: Path) -> None:
    lab, _ = keyed
    address = lab.addresses["r1"]
    log = tmp_path / "session.log"
    device = {
        "device_type": "cisco_xe",
        "ip": address.host,
        "port": address.port,
        "username": "admin",
        "password": "admin",
        "secret": "admin",
        "conn_timeout": 20,
        "auth_timeout": 20,
        "banner_timeout": 20,
        "session_log": str(log),
        "fast_cli": False,
        "global_delay_factor": 1,
    }
    state = ios_ssh.read_state(device, "netmiko")  # type: ignore[arg-type]
    assert state.hostname == "r1"
    assert "show ip ssh" in log.read_text()  # netmiko's own session log, as asked
