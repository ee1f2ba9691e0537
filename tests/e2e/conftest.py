"""A demo-topology lab in a child process on free ports, and an inventory that matches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ios_ssh.demo import free_reverse_offset
from ios_ssh.labctl import LabProcess

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def lab_known_hosts(tmp_path: Path) -> Path:
    return tmp_path / "lab.known_hosts"


@pytest.fixture
def lab_args() -> list[str]:
    """More `serve` arguments (a test module overrides this, e.g. with `--faults FILE`)."""
    return []


@pytest.fixture
def lab_process(lab_known_hosts: Path, lab_args: list[str]) -> Iterator[LabProcess]:
    # Reverse SSH ports 2001-2003 shifted to free ports: another lab may hold the real ones.
    offset = free_reverse_offset()
    lab = LabProcess.start(
        "demo",
        0,
        minute_seconds=10.0,
        known_hosts=lab_known_hosts,
        reverse_offset=offset,
        extra_args=lab_args,
    )
    lab.reverse_offset = offset  # type: ignore[attr-defined]
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def lab_inventory(lab_process: LabProcess, lab_known_hosts: Path, tmp_path: Path) -> Path:
    """inventory/lab with the ports and the host keys this test's lab really has."""
    folder = tmp_path / "inventory"
    folder.mkdir()
    hosts = yaml.safe_load((REPO / "inventory/lab/hosts.yaml").read_text())
    for router in lab_process.routers:
        host = hosts[router.name]
        data = host.setdefault("data", {})
        data["telnet_port"] = router.telnet_port
        if data.get("transport") == "telnet":
            host["port"], data["ssh_port"] = router.telnet_port, router.ssh_port
        else:
            host["port"] = router.ssh_port
        if "ssh_intent_file" in data:
            data["ssh_intent_file"] = str(REPO / data["ssh_intent_file"])
            data["reverse_port_offset"] = lab_process.reverse_offset  # type: ignore[attr-defined]
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (folder / "groups.yaml").write_text((REPO / "inventory/lab/groups.yaml").read_text())
    defaults = yaml.safe_load((REPO / "inventory/lab/defaults.yaml").read_text())
    defaults["data"]["known_hosts"] = str(lab_known_hosts)  # strict, against this lab's keys
    (folder / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    return folder
