"""Telnet access and the migration most users face: a factory router, telnet only, to SSH."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.lab import Lab, baseline_device, factory_device

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(factory_device(minute_seconds=5.0, image="hybrid"), "f1")
    lab.add(baseline_device("r1", image="hybrid", bits=1024, minute_seconds=5.0))
    try:
        yield lab
    finally:
        lab.close()


def _telnet_device(lab: Lab, name: str = "f1") -> dict:
    address = lab.addresses[name]
    return {
        "host": address.host,
        "port": address.telnet_port,
        "device_type": "cisco_ios_telnet",
        "ssh_port": address.port,
        "telnet_port": address.telnet_port,
        "username": "admin",
        "password": "admin",
        "secret": "admin",
    }


def test_netmiko_over_telnet_sees_a_factory_router(lab: Lab) -> None:
    address = lab.addresses["f1"]
    conn = ConnectHandler(
        device_type="cisco_ios_telnet",
        host=address.host,
        port=address.telnet_port,
        username="admin",
        password="admin",
        secret="admin",
    )
    try:
        conn.enable()
        assert conn.find_prompt() == "Router#"
        record = ios_ssh.parse("show ip ssh", conn.send_command("show ip ssh"))[0]
        assert record["status"] == "disabled" and record["rsa_key_name"] == ""
    finally:
        conn.disconnect()


def test_ssh_is_refused_while_the_router_has_no_key(lab: Lab) -> None:
    state = ios_ssh.verify(
        {**_telnet_device(lab), "timeout": 5}, SshIntent.from_dict({"ssh": {"version": 2}})
    )
    login = next(c for c in state.checks if c.name == "fresh ssh login")
    assert not login.ok


def test_telnet_is_refused_when_vty_lines_take_only_ssh(lab: Lab) -> None:
    address = lab.addresses["r1"]  # baseline: transport input ssh
    with socket.create_connection((address.host, address.telnet_port), timeout=5) as sock:
        sock.settimeout(5)
        assert sock.recv(1024) == b""


def test_scrapli_over_telnet(lab: Lab) -> None:
    from scrapli.driver.core import IOSXEDriver

    address = lab.addresses["f1"]
    conn = IOSXEDriver(
        host=address.host,
        port=address.telnet_port,
        auth_username="admin",
        auth_password="admin",
        auth_secondary="admin",
        transport="telnet",
        timeout_ops=30,
    )
    conn.open()
    try:
        assert conn.get_prompt() == "Router#"
        assert "SSH Disabled" in conn.send_command("show ip ssh").result
    finally:
        conn.close()


@pytest.mark.parametrize("driver", ["netmiko", "scrapli"])
def test_factory_router_migrates_from_telnet_to_ssh(lab: Lab, driver: str) -> None:
    intent = SshIntent.from_dict(
        {
            "hostname": "edge1",
            "domain_name": "lab.example.com",
            **SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml").model_dump(
                exclude_unset=True
            ),
        }
    )
    report = ios_ssh.apply(_telnet_device(lab), intent, driver=driver)
    assert report.ok, report.text()
    names = {c.name: c for c in report.checks}
    assert names["fresh ssh login"].ok and names["host key"].ok
    assert names["telnet refused"].ok and names["telnet refused"].found == "connection closed"
    device = lab.routers["f1"].device
    assert device.config.hostname == "edge1" and device.ssh_enabled
    again = ios_ssh.apply(
        {**_telnet_device(lab), "device_type": "cisco_ios", "port": lab.addresses["f1"].port},
        intent,
        driver=driver,
    )
    assert again.ok and not again.changed, again.text()


def test_lines_the_router_lacks_are_refused_up_front(lab: Lab) -> None:
    intent = SshIntent.from_yaml(REPO / "inventory/intents/full.yaml")
    report = ios_ssh.apply(_telnet_device(lab), intent, secrets={"IOS_NETOPS_SECRET": "x"})
    assert any("lines[1] (1 3): the router has no such async lines" in r for r in report.refusals)
    assert not report.changed
