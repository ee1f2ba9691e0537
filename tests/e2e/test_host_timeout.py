"""`--host-timeout`: a router that never answers is given up on after SECONDS, reported as
timed out, and the run ends with the other routers' results (exit 1)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ios_ssh.cli import app

pytestmark = pytest.mark.timeout(180)
runner = CliRunner()


@pytest.fixture
def lab_args(tmp_path: Path, request: pytest.FixtureRequest) -> list[str]:
    """r2 (SSH) and r3 (telnet) take the login, then never answer their first show command
    (nor anything after); a test may have r3 hang at another command (`request.param`)."""
    faults = tmp_path / "faults.yaml"
    r3 = getattr(request, "param", "^show")
    faults.write_text(f"r2: {{hang: '^show'}}\nr3: {{hang: '{r3}'}}\n")
    return ["--faults", str(faults)]


def test_a_hung_router_times_out_and_the_others_finish(lab_inventory: Path) -> None:
    # r3 is left out: its telnet login alone takes about 3 s (netmiko's telnet pacing)
    hosts = ["--host", "r1", "--host", "r2", "--host", "cs1"]
    started = time.monotonic()
    result = runner.invoke(
        app,
        ["state", "--inventory", str(lab_inventory), *hosts, "--host-timeout", "3"]
        + ["--processes", "2"],  # the timeout reaches the worker processes too
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    # well under the device timeout (30 s), which would otherwise end the hung read first
    assert elapsed < 25, (elapsed, result.output)
    lines = result.output.splitlines()
    (hung,) = [line for line in lines if line.startswith("r2:")]
    assert hung.startswith("r2: error: no result within 3 s; its sessions were closed"), hung
    for name in ("r1", "cs1"):  # read as usual, in the same run
        (line,) = [line for line in lines if line.startswith(f"{name}:")]
        assert "error" not in line and "ssh" in line.lower(), line


@pytest.mark.parametrize("lab_args", ["^show", "^enable"], indirect=True)
def test_a_hung_telnet_router_is_cut_at_its_timeout(lab_inventory: Path) -> None:
    # Telnet runs the sync driver in a thread, which no timeout can cancel: its session is
    # cut instead. Were it left open, the run would wait for the hung read's own timeout
    # (the device timeout, 30 s) before it could end, and the report would not be true.
    # `^enable` hangs the login itself: the run does not wait for it either.
    started = time.monotonic()
    result = runner.invoke(
        app,
        ["state", "--inventory", str(lab_inventory), "--host", "r3", "--host-timeout", "8"]
        + ["--processes", "1"],
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    (hung,) = [line for line in result.output.splitlines() if line.startswith("r3:")]
    assert hung.startswith("r3: error: no result within 8 s; its sessions were closed"), hung
    assert elapsed < 20, (elapsed, result.output)
    assert "Traceback" not in result.output
