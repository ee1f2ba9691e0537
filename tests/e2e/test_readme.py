"""The README's promises: its commands, its Nornir script and its intent reference."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ios_ssh.intent_doc import intent_reference
from ios_ssh.labctl import LabProcess

pytestmark = pytest.mark.timeout(300)
REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def test_intent_reference_matches_the_schema() -> None:
    assert intent_reference() in README


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _blocks("sh")[1].strip()
    assert test_command == ".venv/bin/python -m pytest"
    assert test_command in (REPO / ".ci/run").read_text()


def test_first_command_installs_and_runs_the_demo() -> None:
    first = _blocks("sh")[0].strip()
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'")
    assert first.endswith(".venv/bin/ios-ssh demo")


def test_the_demo_exits_0_with_every_router_verified() -> None:
    exe = shutil.which("ios-ssh")
    command = [exe, "demo"] if exe else [sys.executable, "-m", "ios_ssh.cli", "demo"]
    result = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=280, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "host keys: checked strictly" in result.stdout
    tables = result.stdout.split("verify (fresh reads and live probes)")
    assert len(tables) == 2
    for name in ("r1", "r2", "r3", "cs1"):
        assert re.search(rf"│ {name}\s+│ ok\s+│ converged", tables[0]), tables[0]
        assert re.search(rf"│ {name}\s+│ ok\s+│ unchanged", tables[1]), tables[1]
    assert "Lab stopped." in result.stdout


def test_the_nornir_script_runs_twice_without_a_second_change(lab_inventory: Path) -> None:
    script = next(block for block in _blocks("python") if "apply_ssh" in block)
    script = script.replace('Path("inventory/lab")', f"Path({str(lab_inventory)!r})")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "'r1': (True, True)" in result.stdout and "'r3': (True, True)" in result.stdout
    printed = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # print_result's colours
    assert printed.startswith("apply_ssh*") and "* cs1 ** changed : True" in printed
    assert printed.count("outcome='converged', changed=True") == 4, printed[-3000:]


def test_the_python_example_runs_against_the_lab(lab_process: LabProcess) -> None:
    script = next(block for block in _blocks("python") if "ios_ssh.apply(device" in block)
    r1 = next(r for r in lab_process.routers if r.name == "r1")
    assert '"port": 10001' in script
    script = script.replace('"port": 10001', f'"port": {r1.ssh_port}')
    script += "\nprint('RESULT', report.ok, report.outcome, len(report.checks))\n"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "+ ip ssh time-out 60" in result.stdout  # the dry run's diff
    assert "RESULT True converged" in result.stdout, result.stdout[-2000:]


def test_the_netbox_example_runs_with_another_inventory_plugin(lab_inventory: Path) -> None:
    """nornir_netbox is not a dependency: the README's example runs with nornir_utils'
    YAMLInventory in NetBoxInventory2's place, everything else as written (the transform
    function by its entry-point name, credentials from the environment)."""
    script = next(block for block in _blocks("python") if "NetBoxInventory2" in block)
    plugin = '"plugin": "NetBoxInventory2"'
    options = (
        '"options": {"nb_url": "https://netbox.example.com", "nb_token": os.environ["NB_TOKEN"]}'
    )
    assert plugin in script and options in script
    files = {
        "host_file": str(lab_inventory / "hosts.yaml"),
        "group_file": str(lab_inventory / "groups.yaml"),
        "defaults_file": str(lab_inventory / "defaults.yaml"),
    }
    script = script.replace(plugin, '"plugin": "YAMLInventory"')
    script = script.replace(options, f'"options": {files!r}')
    env = dict(os.environ, IOS_USERNAME="admin", IOS_PASSWORD="admin", IOS_ENABLE_SECRET="admin")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=lab_inventory,  # InitNornir writes nornir.log where it runs
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    printed = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    for name in ("r1", "r2", "r3", "cs1"):
        assert f"* {name} ** changed : False" in printed, printed[-3000:]
    assert "+ ip ssh time-out 60" in printed and "ok=True, outcome='unchanged'" in printed
