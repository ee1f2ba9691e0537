"""Hostile text is data on the terminal: a lab router whose domain name holds escape
sequences (window title, clear screen, hidden text, an 8-bit CSI, a right-to-left
override), inventory names with rich markup and escapes, through `state` (text and JSON),
`verify` (table and details) and `apply --dry-run` (diff), on the async engine and the
Nornir path. Nothing reaches the terminal as a control character, and no markup is obeyed
(before, `[/]` in a name made rich raise after the run, and the escapes were printed raw).
A router read with `host_key_check: off` is said to be so in `state` and `verify`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ios_ssh.cli import app
from ios_ssh.lab import Lab, baseline_device
from ios_ssh.ports import free_port_block

pytestmark = pytest.mark.timeout(300)
runner = CliRunner()
DOMAIN = "lab\x1b]0;owned\x07\x1b[2J\x1b[8mhidden\x9b31m\u202eevil.example.com"
SHOWN_DOMAIN = "lab\\x1b]0;owned\\x07\\x1b[2J\\x1b[8mhidden\\x9b31m\\u202eevil.example.com"
NAME = "edge[/][bold]\x1b]0;title\x07:smile:"
SHOWN_NAME = "edge[/][bold]\\x1b]0;title\\x07:smile:"
DOWN = "down[red]\x1b[2J"
SHOWN_DOWN = "down[red]\\x1b[2J"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    lab = Lab()
    device = baseline_device("r1", image="hybrid", bits=1024, minute_seconds=5.0)
    assert device.load_config(f"ip domain name {DOMAIN}", merge=True) == []
    lab.add(device, "r1")
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def inventory(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "250")  # table cells on one line each
    folder = tmp_path / "inventory"
    folder.mkdir()
    address = lab.addresses["r1"]
    hosts = {
        NAME: {"hostname": address.host, "port": address.port},
        DOWN: {"hostname": "127.0.0.1", "port": free_port_block(1)},  # nothing listens
    }
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    defaults = {
        "username": "admin",
        "password": "admin",
        "data": {"secret": "admin", "timeout": 10, "known_hosts": str(tmp_path / "kh")},
    }
    (folder / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    return folder


def _check_inert(output: str) -> None:
    for raw in RAW:
        assert raw not in output, (raw, output)


PATHS = {"engine": ["--processes", "1"], "nornir": ["--driver", "netmiko"]}


@pytest.mark.parametrize("path", list(PATHS))
def test_state_shows_a_hostile_domain_and_names_inert(inventory: Path, path: str) -> None:
    result = runner.invoke(app, ["state", "-i", str(inventory), *PATHS[path]])
    assert result.exit_code == 1, result.output  # the host that is down
    _check_inert(result.output)
    assert f"{SHOWN_NAME}: r1.{SHOWN_DOMAIN} (" in result.output
    assert f"{SHOWN_DOWN}: error: 127.0.0.1:" in result.output

    as_json = runner.invoke(app, ["state", "-i", str(inventory), "--json", *PATHS[path]])
    _check_inert(as_json.output)
    data = json.loads(as_json.output)
    assert data[NAME]["domain"] == DOMAIN  # the data itself is kept, escaped as JSON
    assert data[NAME]["host_key_check"] == "accept-new"


def test_verify_table_and_details_are_inert(inventory: Path, tmp_path: Path) -> None:
    intent = tmp_path / "intent.yaml"
    intent.write_text("domain_name: lab.example.com\n")
    result = runner.invoke(app, ["verify", str(intent), "-i", str(inventory), "--processes", "1"])
    assert result.exit_code == 1, result.output
    _check_inert(result.output)
    assert SHOWN_NAME in result.output  # the table's host cell, markup shown as written
    assert f"{SHOWN_NAME}: FAIL domain: expected lab.example.com, found {SHOWN_DOMAIN}" in (
        result.output
    )
    assert f"{SHOWN_DOWN}: error: " in result.output


@pytest.mark.parametrize("path", list(PATHS))
def test_a_dry_run_diff_under_a_hostile_name(inventory: Path, tmp_path: Path, path: str) -> None:
    intent = tmp_path / "intent.yaml"
    intent.write_text("ssh: {version: 2, timeout: 60}\n")
    result = runner.invoke(
        app, ["apply", str(intent), "-i", str(inventory), "--dry-run", *PATHS[path]]
    )
    assert result.exit_code == 1, result.output  # the host that is down
    _check_inert(result.output)
    assert f"\n{SHOWN_NAME}\n! ip ssh: SSH server settings\n" in result.output
    assert "+ ip ssh time-out 60\n" in result.output


def test_host_key_check_off_is_said_by_state_and_verify(inventory: Path, tmp_path: Path) -> None:
    intent = tmp_path / "intent.yaml"
    intent.write_text("ssh: {version: 2}\n")
    args = ["-i", str(inventory), "--host", NAME, "--host-key-check", "off", "--processes", "1"]
    state = runner.invoke(app, ["state", *args])
    assert state.exit_code == 0, state.output
    assert f"{SHOWN_NAME}: warning: host key NOT checked (host_key_check=off)" in state.output
    verify = runner.invoke(app, ["verify", str(intent), *args])
    assert verify.exit_code == 1, verify.output  # the lab's 1.99: the warning comes anyway
    assert f"{SHOWN_NAME}: warning: host key NOT checked (host_key_check=off)" in verify.output
    checked = runner.invoke(app, ["state", *args[:4], "--processes", "1"])
    assert checked.exit_code == 0 and "NOT checked" not in checked.output


def test_the_drivers_debug_log_on_the_terminal_is_inert(inventory: Path) -> None:
    # IOS_SSH_DEBUG=1 shows the drivers' records, which hold what the router sent
    result = subprocess.run(
        [sys.executable, "-m", "ios_ssh.cli", "state", "-i", str(inventory), "--driver", "netmiko"],
        env={**os.environ, "IOS_SSH_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "netmiko DEBUG read_channel: " in result.stderr
    assert f"ip domain name {SHOWN_DOMAIN}" in result.stderr
    _check_inert(result.stdout + result.stderr)
