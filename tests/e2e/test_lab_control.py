"""`ios-ssh lab down|status` read the lab's state file as untrusted: `down` signals its PID
only when that process is the lab `up` started (its command line, its start time), a bad
file is discarded, and router names from it are shown inert."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ios_ssh import labctl
from ios_ssh.cli import app
from ios_ssh.ports import free_port_block

pytestmark = pytest.mark.timeout(60)
runner = CliRunner()


@pytest.fixture
def state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "lab.json"
    monkeypatch.setattr(labctl, "STATE_FILE", path)
    return path


def _started(*args: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *args])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait(10)


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """A process of the user's that is not the lab."""
    yield from _started()


@pytest.fixture
def lab_like() -> Iterator[subprocess.Popen[bytes]]:
    """A process whose command line is the lab's (`... -m ios_ssh.lab serve`)."""
    yield from _started("-m", "ios_ssh.lab", "serve")


def _write(state_file: Path, pid: int, started: str | None, routers: list | None = None) -> None:
    state_file.write_text(json.dumps({"pid": pid, "started": started, "routers": routers or []}))


def test_down_leaves_a_process_that_is_not_the_lab_alone(
    state_file: Path, bystander: subprocess.Popen[bytes]
) -> None:
    _write(state_file, bystander.pid, labctl._proc_start(bystander.pid))
    result = runner.invoke(app, ["lab", "down"])
    assert result.exit_code == 1, result.output
    assert f"named process {bystander.pid}, which is not the lab" in result.output
    assert "left alone" in result.output
    assert bystander.poll() is None  # not signalled
    assert not state_file.exists()


def test_down_leaves_a_reused_pid_alone(
    state_file: Path, lab_like: subprocess.Popen[bytes]
) -> None:
    # the lab's command line, but not the process `up` recorded (another start time)
    _write(state_file, lab_like.pid, "1")
    with pytest.raises(labctl.LabStateError):
        labctl.down()
    assert lab_like.poll() is None


def test_down_stops_the_lab_it_started(state_file: Path, lab_like: subprocess.Popen[bytes]) -> None:
    _write(state_file, lab_like.pid, labctl._proc_start(lab_like.pid))
    result = runner.invoke(app, ["lab", "down"])
    assert result.exit_code == 0 and "stopped" in result.output
    assert lab_like.wait(10) == -15  # SIGTERM


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"pid": "1", "routers": []}),
        json.dumps({"pid": 4242.5, "routers": []}),
        json.dumps({"pid": 4242, "routers": [{"name": 1}]}),
        json.dumps([1, 2]),
    ],
)
def test_a_bad_state_file_is_discarded(state_file: Path, content: str) -> None:
    state_file.write_text(content)
    assert labctl.status() is None and not state_file.exists()
    state_file.write_text(content)
    assert labctl.down() is False and not state_file.exists()


def test_status_shows_router_names_from_the_file_inert(
    state_file: Path, lab_like: subprocess.Popen[bytes]
) -> None:
    port = free_port_block(1)  # nothing listens: the router is reported DOWN
    router = {"name": "r1\x1b]0;owned\x07[/]", "host": "127.0.0.1", "ssh_port": port}
    _write(
        state_file, lab_like.pid, labctl._proc_start(lab_like.pid), [router | {"telnet_port": 1}]
    )
    result = runner.invoke(app, ["lab", "status"])
    assert result.exit_code == 1, result.output
    assert result.output == f"r1\\x1b]0;owned\\x07[/] 127.0.0.1:{port} DOWN\n"
