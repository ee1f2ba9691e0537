"""Start and stop lab routers: a background event loop, for tests and scripts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from .device import Device, RsaKey
from .server import Router, start_ssh

DEFAULT_USER = ("admin", "admin")
DEFAULT_ENABLE = "admin"


def baseline_device(name: str, domain: str = "lab.example.com", bits: int = 2048) -> Device:
    """The lab default: names set, one RSA key, admin/admin at privilege 1, SSH-only vtys."""
    device = Device(hostname=name, domain=domain, enable_secret=DEFAULT_ENABLE)
    label = device.default_key_label()
    device.keys[label] = RsaKey(
        label, rsa.generate_private_key(public_exponent=65537, key_size=bits)
    )
    device.users[DEFAULT_USER[0]] = (1, "secret", DEFAULT_USER[1])
    vty = device.line_for("vty", 0, 4)
    vty.login, vty.transport_input = "local", ["ssh"]
    return device


@dataclass(frozen=True)
class Address:
    name: str
    host: str
    port: int


class Lab:
    """Routers served from one event loop in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.routers: dict[str, Router] = {}
        self.addresses: dict[str, Address] = {}
        self._acceptors: list = []

    def add(self, device: Device, name: str | None = None) -> Address:
        router = Router(name or device.hostname, device)
        acceptor = asyncio.run_coroutine_threadsafe(start_ssh(router), self.loop).result(30)
        self._acceptors.append(acceptor)
        port = acceptor.sockets[0].getsockname()[1]
        self.routers[router.name] = router
        self.addresses[router.name] = Address(router.name, "127.0.0.1", port)
        return self.addresses[router.name]

    def close(self) -> None:
        async def stop() -> None:
            for acceptor in self._acceptors:
                acceptor.close()
                await acceptor.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


@contextmanager
def running_lab(count: int = 1) -> Iterator[Lab]:
    """`count` baseline routers r1..rN on free loopback ports."""
    lab = Lab()
    try:
        for index in range(1, count + 1):
            lab.add(baseline_device(f"r{index}"))
        yield lab
    finally:
        lab.close()
