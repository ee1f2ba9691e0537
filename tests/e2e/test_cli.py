"""The `ios-ssh` command over a lab fleet: apply, verify, state, exit codes, JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ios_ssh.cli import app
from ios_ssh.ports import free_port_block

pytestmark = pytest.mark.timeout(300)
REPO = Path(__file__).resolve().parents[2]
HARDENING = str(REPO / "inventory/intents/hardening.yaml")
runner = CliRunner()


def test_apply_dry_run_apply_again_verify_state(lab_inventory: Path) -> None:
    inv = ["--inventory", str(lab_inventory)]
    dry = runner.invoke(app, ["apply", HARDENING, *inv, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "+ ip ssh version 2" in dry.output and "dry run" in dry.output
    first = runner.invoke(app, ["apply", HARDENING, *inv, "--json"])
    assert first.exit_code == 0, first.output
    reports = json.loads(first.output)
    assert set(reports) == {"r1", "r2", "r3", "cs1"}
    assert all(r["ok"] and r["changed"] for r in reports.values())
    second = runner.invoke(app, ["apply", HARDENING, *inv, "--json", "--driver", "scrapli"])
    assert second.exit_code == 0, second.output
    assert not any(r["changed"] for r in json.loads(second.output).values())
    checked = runner.invoke(app, ["verify", HARDENING, *inv, "--host", "r1", "--host", "r2"])
    assert checked.exit_code == 0, checked.output
    assert "r1" in checked.output and "cs1" not in checked.output
    state = runner.invoke(app, ["state", *inv, "--group", "console-servers", "--json"])
    assert state.exit_code == 0, state.output
    assert json.loads(state.output)["cs1"]["ssh_version"] == "2.0"


def test_strict_checking_against_the_labs_known_hosts(
    lab_inventory: Path, lab_known_hosts: Path, tmp_path: Path
) -> None:
    """inventory/lab checks strictly against the file the lab wrote; an empty file given
    on the command line refuses every SSH host before any credential, naming the file."""
    inv = ["--inventory", str(lab_inventory)]
    assert lab_known_hosts.read_text().count("ssh-rsa") == 3  # r3 is factory-fresh: no key
    ok = runner.invoke(app, ["state", *inv, "--host", "r1", "--host", "cs1"])
    assert ok.exit_code == 0, ok.output
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    refused = runner.invoke(app, ["state", *inv, "--host", "r1", "--known-hosts", str(empty)])
    assert refused.exit_code == 1
    assert "host key: unknown (strict)" in refused.output and "empty_known_hosts" in refused.output
    assert empty.read_text() == ""
    bad = runner.invoke(app, ["state", *inv, "--host-key-check", "maybe"])
    assert bad.exit_code == 2 and "--host-key-check" in bad.output


def test_a_failing_host_does_not_stop_the_others(lab_inventory: Path) -> None:
    hosts = lab_inventory / "hosts.yaml"
    hosts.write_text(
        hosts.read_text()
        + "ghost:\n  hostname: 127.0.0.1\n  port: 9\n  groups: [lab]\n  data: {timeout: 3}\n"
    )
    result = runner.invoke(app, ["apply", HARDENING, "--inventory", str(lab_inventory), "--json"])
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert not reports["ghost"]["ok"] and reports["ghost"]["errors"]
    assert all(reports[name]["ok"] for name in ("r1", "r2", "r3", "cs1"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["apply", "nope.yaml"], "intent: nope.yaml: no such file"),
        (["apply", HARDENING, "--inventory", "/nonexistent"], "no hosts.yaml"),
        (
            ["apply", HARDENING, "--inventory", str(REPO / "inventory/lab"), "--host", "zz"],
            "--host: zz not in the inventory",
        ),
        (
            ["apply", HARDENING, "--inventory", str(REPO / "inventory/lab"), "--driver", "ansible"],
            "--driver: 'ansible' is not allowed",
        ),
        (
            [
                "apply",
                str(REPO / "inventory/intents/scp-aaa.yaml"),
                "--inventory",
                str(REPO / "inventory/lab"),
            ],
            "IOS_NETOPS_SECRET",
        ),
    ],
)
def test_bad_input_exits_2_before_any_connection(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IOS_NETOPS_SECRET", raising=False)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_bad_intent_exits_2_with_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("ssh:\n  timeout: 121\n")
    result = runner.invoke(app, ["apply", str(bad), "--inventory", str(REPO / "inventory/lab")])
    assert result.exit_code == 2 and "ssh.timeout: 121 is out of range 1-120" in result.output


def test_real_router_inventory_needs_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IOS_USERNAME", "IOS_PASSWORD", "IOS_ENABLE_SECRET"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(app, ["state", "--inventory", str(REPO / "inventory/example-real")])
    assert result.exit_code == 2
    assert "username_env names IOS_USERNAME, which is not set" in result.output


def test_lab_up_status_down(tmp_path: Path) -> None:
    exe = shutil.which("ios-ssh") or f"{sys.executable} -m ios_ssh.cli"
    env = {**os.environ, "IOS_SSH_LAB_STATE": str(tmp_path / "lab.json")}
    base = free_port_block(8)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*exe.split(), "lab", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    up = run("up", "--port", str(base))
    try:
        assert up.returncode == 0, up.stderr + up.stdout
        assert f"r1 127.0.0.1:{base} telnet=127.0.0.1:{base + 4}" in up.stdout
        pinned = (tmp_path / "lab.known_hosts").read_text()  # beside lab.json
        for port in (base, base + 1, base + 3):  # r3 is factory-fresh: no key yet
            assert f"[127.0.0.1]:{port} ssh-rsa " in pinned
        status = run("status")
        assert status.returncode == 0 and status.stdout.count(" up") == 4
        assert run("up", "--port", str(base)).returncode == 2  # already running
    finally:
        down = run("down")
    assert down.returncode == 0 and "stopped" in down.stdout
    assert run("status").returncode == 1


@pytest.mark.parametrize("driver", [[], ["--driver", "netmiko"]])
def test_state_json_names_a_failed_host_with_its_error(
    lab_inventory: Path, driver: list[str]
) -> None:
    """Before, a host that could not be read was left out of the JSON (exit code 1 alone
    said something failed); now it has its report, as apply --json gives it."""
    hosts = lab_inventory / "hosts.yaml"
    hosts.write_text(
        hosts.read_text()
        + "ghost:\n  hostname: 127.0.0.1\n  port: 9\n  groups: [lab]\n  data: {timeout: 3}\n"
    )
    inv = ["--inventory", str(lab_inventory), "--host", "r1", "--host", "ghost"]
    result = runner.invoke(app, ["state", *inv, *driver, "--json"])
    assert result.exit_code == 1, result.output
    read = json.loads(result.output)
    assert list(read) == ["r1", "ghost"]  # inventory order, every host
    assert read["r1"]["ssh_version"] in ("1.99", "2.0")
    ghost = read["ghost"]
    assert not ghost["ok"] and ghost["outcome"] == "failed-before-change", ghost
    (error,) = ghost["errors"]
    assert error.startswith("127.0.0.1:9: connect: connection refused"), error
    assert "\n" not in error and len(error) < 200
