"""The two routers the driver tests talk to: f1, factory-fresh and reached over telnet, and
r1, a baseline router reached over SSH (both of the hybrid image), and how to reach each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ios_ssh.lab import Lab, baseline_device, factory_device
from ios_ssh.session import DeviceParams

NAMES = {"telnet": "f1", "ssh": "r1"}


@contextmanager
def two_router_lab(faults: dict[str, Any] | None = None) -> Iterator[Lab]:
    """f1 and r1, each with `faults` (none by default)."""
    lab = Lab()
    try:
        factory = factory_device(minute_seconds=5.0, image="hybrid")
        router = baseline_device("r1", image="hybrid", bits=1024, minute_seconds=5.0)
        for device, name in ((factory, "f1"), (router, "r1")):
            device.faults = dict(faults or {})
            lab.add(device, name)
        yield lab
    finally:
        lab.close()


def params_for(lab: Lab, transport: str, known_hosts: Path, timeout: float) -> DeviceParams:
    """f1 over telnet or r1 over SSH (its key recorded in `known_hosts` on first use)."""
    address = lab.addresses[NAMES[transport]]
    where: dict[str, Any] = (
        {"port": address.telnet_port, "device_type": "cisco_ios_telnet"}
        if transport == "telnet"
        else {"port": address.port, "host_key_check": "accept-new"}
    )
    return DeviceParams(
        host=address.host,
        username="admin",
        password="admin",
        secret="admin",
        known_hosts=str(known_hosts),
        timeout=timeout,
        **where,
    )
