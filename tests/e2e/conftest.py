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
def lab_process() -> Iterator[LabProcess]:
    # Reverse SSH ports 2001-2003 shifted to free ports: another lab may hold the real ones.
    offset = free_reverse_offset()
    lab = LabProcess.start("demo", 0, minute_seconds=10.0, reverse_offset=offset)
    lab.reverse_offset = offset  # type: ignore[attr-defined]
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def lab_inventory(lab_process: LabProcess, tmp_path: Path) -> Path:
    """inventory/lab with the ports this test's lab really has."""
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
    for name in ("groups.yaml", "defaults.yaml"):
        (folder / name).write_text((REPO / "inventory/lab" / name).read_text())
    return folder
