"""How a test reaches one of its lab's routers: the device dict the task functions take."""

from __future__ import annotations

from ios_ssh.lab import Lab


def lab_device(lab: Lab, name: str = "r1", **extra: object) -> dict[str, object]:
    """Router `name` of `lab` as the lab's admin (password and enable secret `admin`),
    with `extra` fields (timeout, host_key_check, ...) over those."""
    address = lab.addresses[name]
    return {
        "host": address.host,
        "port": address.port,
        "username": "admin",
        "password": "admin",
        "secret": "admin",
        **extra,
    }
