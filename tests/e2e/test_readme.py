"""The README's promises: its commands, its Nornir script and its intent reference."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ios_ssh.intent_doc import intent_reference

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
