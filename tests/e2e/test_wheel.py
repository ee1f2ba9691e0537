"""The wheel, installed as a new user would: a new virtual environment in a temporary
directory, commands run from another directory (no checkout in sight), the main job works:
the demo, `lab up`, `apply hardening --dry-run` against the inventory `lab up` wrote,
`lab down`. pip resolves the dependencies through the machine's ordinary configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hatchling.builders.wheel import WheelBuilder

from ios_ssh.ports import free_port_block

REPO = Path(__file__).resolve().parents[2]


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{cmd}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with only the built wheel (and what it requires)."""
    root = tmp_path_factory.mktemp("wheel")
    (wheel,) = WheelBuilder(str(REPO)).build(directory=str(root / "dist"), versions=["standard"])
    venv = root / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    _run([sys.executable, "-m", "venv", str(venv)], root, env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    _run([*pip, wheel], root, env, timeout=600)
    return venv


def test_the_installed_wheel_does_the_main_job(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"  # no inventory/, no intents: only the wheel
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["IOS_SSH_LAB_STATE"] = str(tmp_path / "state" / "lab.json")
    exe = str(installed / "bin" / "ios-ssh")
    python = str(installed / "bin" / "python")

    # The package data: intents by name, py.typed; nothing comes from this checkout.
    where = _run(
        [
            python,
            "-c",
            "import ios_ssh; i = ios_ssh.intents; print(ios_ssh.__file__);"
            + "print(i.path('hardening')); print(i.names())",
        ],
        elsewhere,
        env,
    ).splitlines()
    assert str(installed) in where[0] and not where[0].startswith(str(REPO))
    assert where[1].startswith(str(installed)) and where[1].endswith("_intents/hardening.yaml")
    assert "'console-server', 'full', 'hardening', 'scp-aaa'" in where[2]
    assert (Path(where[0]).parent / "py.typed").is_file()
    assert "hardening" in _run([exe, "intents"], elsewhere, env)

    # Before any lab: one line naming what was looked for, exit 2, no traceback.
    for args, looked_for in (
        (["state"], "lab-inventory (written by `ios-ssh lab up` while its lab runs) exists"),
        (["apply", "no-such-intent", "--dry-run"], "no-such-intent: no such file"),
    ):
        done = subprocess.run(
            [exe, *args], cwd=elsewhere, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert looked_for in done.stderr and "Traceback" not in done.stderr + done.stdout
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr

    demo = _run([exe, "demo"], elsewhere, env)
    assert "Lab stopped." in demo and demo.count(" ok ") >= 8, demo  # apply + verify, 4 hosts

    up = _run([exe, "lab", "up", "--port", str(free_port_block(8))], elsewhere, env)
    try:
        assert "ready" in up
        dry = _run([exe, "apply", "hardening", "--dry-run"], elsewhere, env)
        assert "dry run" in dry and "+ ip ssh version 2" in dry, dry
        for host in ("r1", "r2", "r3", "cs1"):
            assert f"│ {host} " in dry, dry
    finally:
        down = _run([exe, "lab", "down"], elsewhere, env)
    assert "stopped" in down
    assert not (tmp_path / "state" / "lab-inventory").exists()


def test_mypy_strict_sees_the_installed_wheels_types(installed: Path, tmp_path: Path) -> None:
    """py.typed travels in the wheel: a user's script type-checks against the installed
    package (not this checkout) and its results have real types, not Any."""
    script = tmp_path / "user_script.py"
    script.write_text((Path(__file__).parent / "typed" / "user_script.py").read_text())
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["MYPYPATH"] = ""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            str(installed / "bin" / "python"),
            script.name,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0 and "Success: no issues found" in out, out
    for revealed in (
        '"ios_ssh.report.Report"',
        '"list[ios_ssh.report.Check]"',
        "Literal['converged']",
        '"ios_ssh.image.Image"',
        '"list[str]"',
        '"dict[str, ios_ssh.engine.jobs.Outcome]"',
        "-> nornir.core.task.Result",
        "-> nornir.core.Nornir",
    ):
        assert f"Revealed type is {revealed}" in out or revealed in out, (revealed, out)
    assert "Any" not in "".join(
        line
        for line in out.splitlines()
        if "Revealed type" in line and "dict[str, Any]" not in line
    ), out
