"""Engine Jobs for lab routers, as the CLI builds them (the processes and Dask tests)."""

from __future__ import annotations

from pathlib import Path

from ios_ssh.engine.fleet import Job
from ios_ssh.intent import SshIntent
from ios_ssh.lab.fleet import Lab
from ios_ssh.session import DeviceParams


def apply_jobs(lab: Lab, hosts: list[str], intent: SshIntent, known_hosts: Path) -> list[Job]:
    """An apply of `intent` to each of `hosts`, checked against `known_hosts`."""
    return [
        Job(
            name,
            "apply",
            DeviceParams(
                host=lab.addresses[name].host,
                port=lab.addresses[name].port,
                username="admin",
                password="admin",
                secret="admin",
                known_hosts=str(known_hosts),
                timeout=30,
            ),
            intent,
        )
        for name in hosts
    ]
