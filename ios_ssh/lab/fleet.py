"""Start and stop lab routers: a background event loop, for tests and scripts."""

from __future__ import annotations

import asyncio
import ipaddress
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import loops
from .device import Device
from .images import Image, mixed
from .ioshash import type9
from .keypool import KeyPool
from .ping import Network
from .server import Router, start_router

DEFAULT_USER = ("admin", "admin")
DEFAULT_ENABLE = "admin"


# Fixed salts for the lab's default secrets: every router shares one scrypt result
# (cached) instead of spending ~10 ms per secret per router at start-up.
_LAB_SALT = "iosSshLabSalt0"


# Lab routers' management addresses: 198.18.0.0/15, the block RFC 2544 sets aside for
# benchmark networks (never routed), one subnet, so any lab router reaches the others.
LAB_NETWORK = ipaddress.IPv4Network("198.18.0.0/15")


def lab_address(index: int) -> str:
    """The management address of the lab's router number `index` (from 1)."""
    return str(LAB_NETWORK.network_address + index)


def baseline_config(
    name: str,
    domain: str = "lab.example.com",
    bits: int = 2048,
    mgmt: tuple[str, str] | None = None,
    vty_blocks: tuple[tuple[int, int], ...] = ((0, 4),),
) -> str:
    """The lab default as IOS configuration text: names, admin/admin, SSH-only vtys (every
    `line vty` block of the platform: a 3750-X's 5-15 too), and with `mgmt` (interface,
    address) the management interface's address."""
    interface = (
        [f"interface {mgmt[0]}", f" ip address {mgmt[1]} {LAB_NETWORK.netmask}", " no shutdown"]
        if mgmt
        else []
    )
    return "\n".join(
        [
            f"hostname {name}",
            f"ip domain name {domain}",
            f"enable secret 9 {type9(DEFAULT_ENABLE, _LAB_SALT)}",
            f"username {DEFAULT_USER[0]} privilege 1 secret 9 {type9(DEFAULT_USER[1], _LAB_SALT)}",
            f"crypto key generate rsa modulus {bits}",
            *interface,
            *(
                line
                for first, last in vty_blocks
                for line in (f"line vty {first} {last}", " login local", " transport input ssh")
            ),
        ]
    )


def baseline_device(
    name: str,
    *,
    bits: int = 2048,
    async_lines: int = 0,
    state_dir: Path | None = None,
    minute_seconds: float = 60.0,
    keys: KeyPool | None = None,
    image: str | Image | None = None,
    keygen_seconds: float | str = 0.0,
    address: str | None = None,
) -> Device:
    """A router as the lab serves it by default, built by typing its configuration.
    `image`: its family (images.py); None keeps the lab's in-process default. `address`:
    its management interface's (a platform's; the hybrid image has none)."""
    device = Device(
        async_lines=async_lines,
        state_dir=state_dir,
        minute_seconds=minute_seconds,
        keygen=keys.take if keys is not None else None,
        image=image,
        keygen_seconds=keygen_seconds,
    )
    platform = device.image.platform
    mgmt = (platform.mgmt_interface, address) if platform is not None and address else None
    if device.startup is None:  # a saved state wins over the defaults
        blocks = platform.vty_blocks if platform is not None else ((0, 4),)
        errors = device.load_config(baseline_config(name, bits=bits, mgmt=mgmt, vty_blocks=blocks))
        assert not errors, errors
    return device


def factory_config() -> str:
    """A router fresh out of the box, as far as SSH goes: no names, no keys, telnet only."""
    return "\n".join(
        [
            f"enable secret 9 {type9(DEFAULT_ENABLE, _LAB_SALT)}",
            f"username {DEFAULT_USER[0]} privilege 1 secret 9 {type9(DEFAULT_USER[1], _LAB_SALT)}",
            "line vty 0 4",
            " login local",
            " transport input telnet",
        ]
    )


def factory_device(
    *,
    async_lines: int = 0,
    minute_seconds: float = 60.0,
    image: str | Image | None = None,
    keygen_seconds: float | str = 0.0,
) -> Device:
    device = Device(
        async_lines=async_lines,
        minute_seconds=minute_seconds,
        image=image,
        keygen_seconds=keygen_seconds,
    )
    errors = device.load_config(factory_config())
    assert not errors, errors
    return device


@dataclass(frozen=True)
class Address:
    name: str
    host: str
    port: int
    telnet_port: int | None = None


class Lab:
    """Routers served from one event loop in a daemon thread."""

    def __init__(self) -> None:
        self.loop = loops.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.routers: dict[str, Router] = {}
        self.addresses: dict[str, Address] = {}
        self.network = Network()  # which lab addresses answer a ping

    def add(self, device: Device, name: str | None = None, reverse_offset: int = 0) -> Address:
        router = Router(name or device.config.hostname, device, reverse_offset=reverse_offset)
        self.network.add(device)
        asyncio.run_coroutine_threadsafe(start_router(router), self.loop).result(60)
        self.routers[router.name] = router
        self.addresses[router.name] = Address(
            router.name, "127.0.0.1", router.port, router.telnet_port
        )
        return self.addresses[router.name]

    def close(self) -> None:
        async def stop() -> None:
            for router in self.routers.values():
                await router.stop()
            # Shells of connections just closed: let them finish rather than be destroyed.
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self.loop.close()  # its selector and self-pipe: a long test run opens hundreds


@contextmanager
def running_lab(count: int = 1, **options: object) -> Iterator[Lab]:
    """`count` baseline routers r1..rN on free loopback ports; `image="mixed"` gives them
    the four families in turn."""
    lab = Lab()
    bits = int(options.get("bits", 2048))  # type: ignore[arg-type]
    keys = KeyPool(count, bits) if count >= 8 else None
    image = options.pop("image", None)
    try:
        for index in range(1, count + 1):
            own = mixed(index - 1) if image == "mixed" else image
            device = baseline_device(
                f"r{index}",
                keys=keys,
                image=own,
                address=lab_address(index),
                **options,  # type: ignore[arg-type]
            )
            lab.add(device)
        yield lab
    finally:
        lab.close()
