"""scrapli waits for a slow router as long as the device timeout says, and a router that
never answers is reported as such, not as a dropped session.

scrapli's send_input_and_read reads for 2.5 s unless told otherwise, and closes the session
when a read waits longer: every command slower than that (a key generation, `write
memory`, a long show over a WAN) was cut and reported as "the session dropped"."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ios_ssh.errors import SessionLost
from ios_ssh.lab import Lab, baseline_device, factory_device
from ios_ssh.lab.server import Router
from ios_ssh.session import DeviceParams, open_session
from ios_ssh.session.channel import Channel

pytestmark = pytest.mark.timeout(120)
TIMEOUT = 8.0


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(factory_device(minute_seconds=5.0, image="hybrid"), "f1")
    lab.add(baseline_device("r1", image="hybrid", bits=1024, minute_seconds=5.0))
    try:
        yield lab
    finally:
        lab.close()


def _channel(lab: Lab, transport: str, tmp_path: Path) -> tuple[Channel, Router]:
    name = "f1" if transport == "telnet" else "r1"
    address, router = lab.addresses[name], lab.routers[name]
    router.device.faults = {}
    where = (
        {"port": address.telnet_port, "device_type": "cisco_ios_telnet"}
        if transport == "telnet"
        else {"port": address.port, "host_key_check": "accept-new"}
    )
    params = DeviceParams(
        host=address.host,
        username="admin",
        password="admin",
        secret="admin",
        known_hosts=str(tmp_path / "known_hosts"),
        timeout=TIMEOUT,
        **where,  # type: ignore[arg-type]
    )
    return open_session(params, "scrapli").dialog.handle, router


@pytest.mark.parametrize("transport", ["ssh", "telnet"])
def test_a_command_slower_than_scraplis_default_is_waited_for(
    lab: Lab, transport: str, tmp_path: Path
) -> None:
    channel, router = _channel(lab, transport, tmp_path)
    try:
        router.device.faults = {"slow_ms": 4000}  # each command answers after 4 s
        started = time.monotonic()
        reply = channel.exchange("show clock", TIMEOUT)
        assert time.monotonic() - started >= 4
        assert "UTC" in reply and reply.rstrip().endswith("#")
    finally:
        router.device.faults = {}
        channel.close()


@pytest.mark.parametrize("transport", ["ssh", "telnet"])
def test_a_router_that_never_answers_is_reported_as_silent(
    lab: Lab, transport: str, tmp_path: Path
) -> None:
    channel, router = _channel(lab, transport, tmp_path)
    try:
        router.device.faults = {"hang": "^show"}
        started = time.monotonic()
        with pytest.raises(SessionLost) as lost:
            channel.exchange("show clock", TIMEOUT)
        assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 5
        assert f"no prompt within {TIMEOUT:g} s" in str(lost.value)
    finally:
        router.device.faults = {}
        channel.close()
