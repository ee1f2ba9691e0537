"""`ios-ssh demo`: the embedded lab, the shipped hardening intent, a verified fleet.

Starts four lab routers in a child process (two ordinary, one factory-fresh reached over
telnet, one console server), applies the hardening intent (the console server gets the
console-server intent), verifies, prints the table, and stops the lab.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from nornir.core import Nornir

from . import intents
from .labctl import LabProcess, LabRouter
from .ports import free_port_block


def intents_dir() -> Path:
    """The shipped intents: beside the package in a checkout, or packaged data."""
    return intents.directory()


def lab_hosts(
    routers: list[LabRouter], reverse_offset: int = 0, known_hosts: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Nornir hosts for the demo lab, with its real (free) ports. With the lab's
    known_hosts file, every host key is checked strictly."""
    hosts: dict[str, dict[str, Any]] = {}
    for router in routers:
        data: dict[str, Any] = {"secret": "admin", "telnet_port": router.telnet_port}
        if known_hosts is not None:
            data.update(known_hosts=str(known_hosts), host_key_check="strict")
        port = router.ssh_port
        if router.name.startswith("cs"):
            data["ssh_intent_file"] = str(intents_dir() / "console-server.yaml")
            data["reverse_port_offset"] = reverse_offset
        if router.name == "r3":  # factory-fresh: telnet only, and it needs names for keys
            data.update(transport="telnet", ssh_port=router.ssh_port)
            data["ssh_intent"] = {"hostname": "r3", "domain_name": "lab.example.com"}
            port = router.telnet_port
        hosts[router.name] = {
            "hostname": router.host,
            "port": port,
            "username": "admin",
            "password": "admin",
            "data": data,
        }
    return hosts


REVERSE_PORTS = 3  # the console server intent's ip ssh port 2001 rotary 1 3


def free_reverse_offset() -> int:
    """An offset that puts ports 2001-2003 on free loopback ports (picked here, not fixed)."""
    return free_port_block(REVERSE_PORTS) - 2001


def start_demo_lab(known_hosts: Path | None = None) -> tuple[LabProcess, int, float]:
    """The demo lab; it writes its routers' host keys to `known_hosts` before `ready`."""
    started = time.monotonic()
    offset = free_reverse_offset()
    lab = LabProcess.start("demo", 0, reverse_offset=offset, known_hosts=known_hosts)
    return lab, offset, time.monotonic() - started


def demo_nornir(
    routers: list[LabRouter], workers: int, reverse_offset: int = 0, known_hosts: Path | None = None
) -> Nornir:
    from .inventory import nornir_from_hosts

    return nornir_from_hosts(lab_hosts(routers, reverse_offset, known_hosts), workers)
