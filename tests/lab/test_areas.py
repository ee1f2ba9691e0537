"""The per-area task functions, each alone against a lab router."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import ios_ssh
from ios_ssh.demo import free_reverse_offset
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    device = baseline_device("r1", image="hybrid", bits=1024, async_lines=4, minute_seconds=5.0)
    device.load_config("archive\n path flash:archive\n", merge=True)
    lab.add(device, reverse_offset=free_reverse_offset())
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def device(lab: Lab) -> dict:
    address = lab.addresses["r1"]
    return {
        "host": address.host,
        "port": address.port,
        "username": "admin",
        "password": "admin",
        "secret": "admin",
        "reverse_port_offset": lab.routers["r1"].reverse_offset,
    }


def test_each_area_alone(lab: Lab, device: dict) -> None:
    router = lab.routers["r1"].device
    report = ios_ssh.generate_rsa_keys(device, 2048, "SSHKEYS")
    assert report.ok and report.changed, report.text()
    assert router.ssh_key().label == "SSHKEYS" and router.ssh_key().modulus == 2048
    report = ios_ssh.configure_ssh_server(device, version=2, timeout=45, authentication_retries=2)
    assert report.ok and (router.config.ssh_time_out, router.config.ssh_retries) == (45, 2)
    report = ios_ssh.configure_pubkey_chain(
        device, servers=[{"server": "192.0.2.10", "key_hash": "8FB4F858DD7E5AFB372780EC653DB371"}]
    )
    assert report.ok and router.config.pubkey_servers == {
        "192.0.2.10": ["8FB4F858DD7E5AFB372780EC653DB371"]
    }
    report = ios_ssh.enable_scp(device, "netops", secrets={"user:netops": "Scp-Secret1"})
    assert report.ok, report.text()
    assert any(c.name == "scp round trip" and c.ok for c in report.checks)
    report = ios_ssh.configure_reverse_ssh(
        device,
        ports=[{"port": 2001, "rotary": 1, "last_rotary": 2}],
        lines=[
            {
                "lines": "1",
                "rotary": 1,
                "no_exec": True,
                "transport_input": ["ssh"],
                "login": "local",
            },
            {
                "lines": "2",
                "rotary": 2,
                "no_exec": True,
                "transport_input": ["ssh"],
                "login": "local",
            },
        ],
    )
    assert report.ok, report.text()
    report = ios_ssh.configure_lines(device, [{"lines": "vty 0 4", "exec_timeout": 15}])
    assert report.ok and report.changed
    assert (
        ios_ssh.configure_lines(device, [{"lines": "vty 0 4", "exec_timeout": 15}]).changed is False
    )


def test_an_image_without_revert_timer_is_refused_unless_allowed(lab: Lab, device: dict) -> None:
    lab.routers["r1"].device.faults["reject"] = r"revert timer"
    report = ios_ssh.configure_ssh_server(device, version=2, timeout=33)
    assert any("this image has no revert timer" in r for r in report.refusals), report.text()
    assert lab.routers["r1"].device.config.ssh_time_out == 120
    allowed = ios_ssh.configure_ssh_server(device, version=2, timeout=33, allow_unprotected=True)
    assert allowed.ok, allowed.text()
