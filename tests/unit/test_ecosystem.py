"""The pieces that fit ios_ssh into a user's world, without a router: shipped intents by
name, the inventory `lab up` writes and the default inventory, Nornir configuration files,
the transform function, and a report's truth."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from nornir.core.inventory import ConnectionOptions, Defaults, Host
from typer.testing import CliRunner

from ios_ssh import Report, intents, labctl
from ios_ssh.cli import app
from ios_ssh.inventory import InventoryError, finish_host, load_inventory, load_nornir_config
from ios_ssh.inventory import transform as ios_ssh_transform
from ios_ssh.labctl import LabRouter
from ios_ssh.nornir import transform
from ios_ssh.nornir.host import intent_for_host

runner = CliRunner()


def test_shipped_intents_by_name_and_by_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert intents.names() == ["console-server", "full", "hardening", "scp-aaa"]
    assert intents.path("hardening") == intents.directory() / "hardening.yaml"
    assert intents.path("hardening.yaml") == intents.path("hardening")
    own = tmp_path / "hardening"
    own.write_text("ssh: {timeout: 30}\n")
    monkeypatch.chdir(tmp_path)
    assert intents.path("hardening") == Path("hardening")  # a path wins over a name
    with pytest.raises(intents.IntentNotFound, match=r"^nope: no such file, .*shipped: con"):
        intents.path("nope")
    with pytest.raises(intents.IntentNotFound):
        intents.path("sub/hardening.yaml")  # a path, not a name: never the shipped one
    listed = runner.invoke(app, ["intents"])
    assert (
        listed.exit_code == 0 and "hardening        SSH hardening for any router" in listed.output
    )


def _routers(base: int) -> list[LabRouter]:
    return [
        LabRouter(name, "127.0.0.1", base + i, base + 4 + i)
        for i, name in enumerate(("r1", "r2", "r3", "cs1"))
    ]


def test_the_inventory_lab_up_writes_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, known_hosts = tmp_path / "state" / "lab-inventory", tmp_path / "lab.known_hosts"
    state = tmp_path / "state" / "lab.json"
    monkeypatch.setattr(labctl, "INVENTORY", folder)
    monkeypatch.setattr(labctl, "STATE_FILE", state)
    monkeypatch.chdir(tmp_path)  # no ./inventory/lab here
    missing = runner.invoke(app, ["state"])
    assert missing.exit_code == 2
    one_line = (
        "inventory: no --inventory given, and neither ./inventory/lab nor "
        f"{folder} (written by `ios-ssh lab up` while its lab runs) exists"
    )
    assert missing.output.strip() == one_line

    # A lab that died (no such process) leaves no default: its inventory goes.
    labctl.write_inventory(_routers(20001), folder, known_hosts)
    dead = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1
    state.write_text(json.dumps({"pid": dead, "routers": []}))
    assert runner.invoke(app, ["state"]).output.strip() == one_line
    assert not folder.exists()

    labctl.write_inventory(_routers(20001), folder, known_hosts)
    state.write_text(json.dumps({"pid": os.getpid(), "routers": []}))  # a live process
    nornir = load_inventory(folder)
    assert sorted(nornir.inventory.hosts) == ["cs1", "r1", "r2", "r3"]
    r1, r3, cs1 = (nornir.inventory.hosts[n] for n in ("r1", "r3", "cs1"))
    assert (r1.port, r1.get("host_key_check"), r1.get("known_hosts")) == (
        20001,
        "strict",
        str(known_hosts),
    )
    assert r3.port == 20007 and r3.get("ssh_port") == 20003  # telnet first, then SSH
    console = intent_for_host(cs1, None)  # `console-server`, by name, from the wheel
    assert console.reverse_ssh and console.lines
    # Given no --inventory, state uses it: the hosts are there (and refuse: no lab runs).
    dry = runner.invoke(app, ["state", "--host", "r1", "--json"])
    assert dry.exit_code == 1 and '"r1"' in dry.output


def _config(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "nornir.yaml"
    file.write_text(text)
    return file


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- a list\n", "expected a Nornir configuration"),
        ("inventory: {plugin: SimpleInventory}\nrunners: {}\n", "runners: not a Nornir config"),
        ("inventory: {plugin: NoSuchInventory}\n", "NoSuchInventory"),
        (
            "inventory:\n  plugin: YAMLInventory\n  options: {host_file: /nonexistent/h.yaml}\n",
            "/nonexistent/h.yaml",
        ),
    ],
)
def test_a_bad_nornir_config_is_one_line(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(InventoryError) as raised:
        load_nornir_config(_config(tmp_path, text))
    message = str(raised.value)
    assert problem in message and "\n" not in message, message


def _host(**data: object) -> Host:
    return Host(
        name="edge1",
        hostname="192.0.2.10",
        username="netops",
        data=dict(data),
        defaults=Defaults(),
        connection_options={
            "netmiko": ConnectionOptions(extras={"global_delay_factor": 2}),
        },
    )


def test_the_transform_fills_what_the_inventory_leaves_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDGE_PASSWORD", "s3cret-value")
    known = tmp_path / "known_hosts"
    host = _host(host_key_check="accept-new")
    assert transform is ios_ssh_transform
    transform(host, password_env="EDGE_PASSWORD", host_key_check="strict", known_hosts=str(known))
    assert host.password == "s3cret-value"
    assert host.get("host_key_check") == "accept-new"  # the host's own wins over the option
    extras = host.get_connection_parameters("netmiko").extras
    assert extras["global_delay_factor"] == 2  # the user's extra
    assert extras["system_host_keys"] is False and "alt_key_file" in extras  # pinned
    # Again (the CLI over a config's transform): from the inventory's options, not ours.
    host.data["host_key_check"] = "strict"
    finish_host(host)
    assert host.get_connection_parameters("netmiko").extras["ssh_strict"] is True
    assert host.get_connection_parameters("netmiko").extras["global_delay_factor"] == 2

    with pytest.raises(InventoryError, match="password_env names EDGE_MISSING, which is not set"):
        transform(_host(), password_env="EDGE_MISSING")
    weak = _host()
    weak.connection_options["netmiko"] = ConnectionOptions(extras={"ssh_strict": False})
    with pytest.raises(InventoryError, match="ssh_strict is set by ios_ssh"):
        transform(weak)


def test_a_config_file_runs_the_transform_for_every_host(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts.yaml"
    hosts.write_text(yaml.safe_dump({"edge1": {"hostname": "192.0.2.10", "username": "netops"}}))
    text = yaml.safe_dump(
        {"inventory": {"plugin": "YAMLInventory", "options": {"host_file": str(hosts)}}}
    )
    nornir = load_nornir_config(_config(tmp_path, text), connection={"host_key_check": "strict"})
    host = nornir.inventory.hosts["edge1"]
    assert host.get("host_key_check") == "strict"  # the CLI's option
    assert host.get_connection_parameters("scrapli").extras["auth_strict_key"] is True


def test_a_report_is_true_exactly_when_ok() -> None:
    assert Report("r1", ok=True)
    assert not Report("r1", ok=False, outcome="refused")
    failed = Report("r1", ok=False, outcome="failed-before-change", errors=["x: refused"])
    assert failed.text(passed=False).splitlines()[1] == "  error: x: refused"
