"""ios_ssh inside Nornir's own ecosystem (issue 23, item 2): nornir_utils' print_result
shows apply, verify and state results readably; the `ios_ssh` transform function gives ANY
inventory plugin (nornir_utils' YAMLInventory, a small dict plugin) ios_ssh's host handling,
pinned driver connections included, so an impostor router is refused on both; the CLI takes
a Nornir configuration file (`--nornir-config`) and converges a lab fleet strictly."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paramiko
import pytest
import yaml
from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from nornir.core.plugins.inventory import InventoryPluginRegister
from nornir_utils.plugins.functions import print_result
from typer.testing import CliRunner

from ios_ssh import DeviceState, Report, SshIntent
from ios_ssh.cli import app
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.nornir import apply_ssh, read_ssh_state, verify_ssh
from ios_ssh.session import open_session
from ios_ssh.session.known_hosts import KnownHosts

from .devices import lab_device

pytestmark = pytest.mark.timeout(180)
INTENT = SshIntent.from_dict(
    {"ssh": {"version": 2, "timeout": 45, "authentication_retries": 2}, "archive": {}}
)
ROUTERS = ("r1", "r2")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    """r1 and r2, and `impostor`: a lab router at an address whose pinned key is r1's."""
    lab = Lab()
    try:
        for name in (*ROUTERS, "impostor"):
            lab.add(baseline_device(name, bits=1024, minute_seconds=5.0), name)
        yield lab
    finally:
        lab.close()


@pytest.fixture
def pinned(lab: Lab, tmp_path: Path) -> Path:
    """r1's and r2's real keys (first contact), and r1's key for the impostor's address."""
    file = tmp_path / "pinned"
    for name in ROUTERS:
        open_session(lab_device(lab, name, known_hosts=str(file))).close()  # accept-new
    r1, impostor = lab.addresses["r1"], lab.addresses["impostor"]
    (key,) = KnownHosts(file).lookup(r1.host, r1.port)
    KnownHosts(file).add(impostor.host, impostor.port, key)
    return file


def _hosts(lab: Lab) -> dict[str, dict[str, Any]]:
    """The routers as Nornir hosts; credentials come from the environment (the transform)."""
    return {
        name: {
            "hostname": address.host,
            "port": address.port,
            "groups": ["lab"],
            "data": {"timeout": 10},
        }
        for name, address in lab.addresses.items()
    }


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("LAB_USER", "LAB_PASSWORD", "LAB_SECRET"):
        monkeypatch.setenv(name, "admin")
    return {"username_env": "LAB_USER", "password_env": "LAB_PASSWORD", "secret_env": "LAB_SECRET"}


def _yaml_inventory(lab: Lab, folder: Path) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    (folder / "hosts.yaml").write_text(yaml.safe_dump(_hosts(lab)))
    (folder / "groups.yaml").write_text(yaml.safe_dump({"lab": {"platform": "cisco_ios"}}))
    (folder / "defaults.yaml").write_text(yaml.safe_dump({}))
    return {
        "host_file": str(folder / "hosts.yaml"),
        "group_file": str(folder / "groups.yaml"),
        "defaults_file": str(folder / "defaults.yaml"),
    }


class DictInventory:
    """A minimal inventory plugin of our own: hosts from a dict, nothing of ios_ssh's."""

    def __init__(self, hosts: dict[str, dict[str, Any]]) -> None:
        self.hosts = hosts

    def load(self) -> Inventory:
        defaults = Defaults()
        hosts = Hosts()
        for name, spec in self.hosts.items():
            fields = {k: v for k, v in spec.items() if k != "groups"}
            hosts[name] = Host(name=name, defaults=defaults, **fields)
        return Inventory(hosts=hosts, groups=Groups(), defaults=defaults)


def _strict(credentials: dict[str, str], pinned: Path) -> dict[str, Any]:
    return {**credentials, "host_key_check": "strict", "known_hosts": str(pinned)}


def _nornir(plugin: str, options: dict[str, Any], transform: dict[str, Any]) -> Nornir:
    return InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": 3}},
        inventory={
            "plugin": plugin,
            "options": options,
            "transform_function": "ios_ssh",  # the entry point, as a user names it
            "transform_function_options": transform,
        },
        logging={"enabled": False},
    )


def test_print_result_shows_verify_apply_and_state(
    lab: Lab, pinned: Path, credentials: dict[str, str], tmp_path: Path, capsys: Any
) -> None:
    options = _yaml_inventory(lab, tmp_path / "inventory")
    nornir = _nornir("YAMLInventory", options, _strict(credentials, pinned))
    routers = nornir.filter(filter_func=lambda h: h.name in ROUTERS)

    before = routers.run(task=verify_ssh, intent=INTENT)
    print_result(before)
    printed = capsys.readouterr().out
    assert before.failed and all(isinstance(r[0].result, Report) for r in before.values())
    for name in ROUTERS:
        assert f"* {name} " in printed  # the host
    summary = "Report(host='127.0.0.1', ok=False, outcome='unchanged', changed=False"
    assert printed.count(summary) == 2
    assert "FAIL ssh time-out: expected 45, found 120" in printed  # the failing check
    assert "ERROR" in printed and "ok   " not in printed  # passed checks left out

    nornir.data.reset_failed_hosts()  # Nornir skips failed hosts in later runs
    applied = routers.run(task=apply_ssh, intent=INTENT)
    print_result(applied)
    printed = capsys.readouterr().out
    assert not applied.failed, [r[0].result.text() for r in applied.values()]
    assert printed.count("** changed : True") >= 2
    assert printed.count("outcome='converged', changed=True") == 2
    assert "+ ip ssh time-out 45" in printed  # the diff
    # Only the failures: a severity filter that print_result honours.
    print_result(applied, severity_level=logging.ERROR)
    assert "converged" not in capsys.readouterr().out

    state = routers.run(task=read_ssh_state)
    print_result(state)
    printed = capsys.readouterr().out
    assert all(isinstance(r[0].result, DeviceState) for r in state.values())
    for name in ROUTERS:
        assert f"hostname='{name}'" in printed
    assert "timeout=45" in printed

    impostor = nornir.filter(name="impostor").run(task=read_ssh_state)
    print_result(impostor)
    assert impostor.failed
    assert "host key: CHANGED" in capsys.readouterr().out


def test_a_dict_inventory_plugin_gets_pinned_driver_connections(
    lab: Lab, pinned: Path, credentials: dict[str, str]
) -> None:
    InventoryPluginRegister.register("DictInventory", DictInventory)
    nornir = _nornir("DictInventory", {"hosts": _hosts(lab)}, _strict(credentials, pinned))
    r1, impostor = nornir.inventory.hosts["r1"], nornir.inventory.hosts["impostor"]
    assert r1.username == "admin" and r1.password == "admin"  # from the environment
    extras = r1.get_connection_parameters("netmiko").extras
    assert extras["ssh_strict"] is True and extras["system_host_keys"] is False
    assert r1.get_connection_parameters("scrapli").extras["auth_strict_key"] is True

    # nornir_netmiko's own connection (not only ios_ssh's sessions) refuses the impostor.
    with pytest.raises(paramiko.SSHException, match="Host key for server .* does not match"):
        impostor.open_connection("netmiko", nornir.config)
    for driver in ("netmiko", "scrapli"):
        nornir.data.reset_failed_hosts()
        result = nornir.filter(name="impostor").run(task=apply_ssh, intent=INTENT, driver=driver)
        assert result.failed and "host key: CHANGED" in str(result["impostor"].exception)
    assert "ip ssh time-out 45" not in lab.routers["impostor"].device.running_text()

    done = nornir.filter(name="r2").run(task=verify_ssh, intent=SshIntent(), driver="scrapli")
    assert not done.failed, done["r2"][0].result.text()


def test_the_cli_converges_a_yaml_inventory_from_a_nornir_config(
    lab: Lab, pinned: Path, credentials: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "nornir.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "inventory": {
                    "plugin": "YAMLInventory",
                    "options": _yaml_inventory(lab, tmp_path / "inventory"),
                    "transform_function": "ios_ssh",
                    "transform_function_options": credentials,
                }
            }
        )
    )
    intent = tmp_path / "intent.yaml"
    intent.write_text("ssh:\n  version: 2\n  timeout: 50\narchive: {}\n")
    runner = CliRunner()
    strict = ["--nornir-config", str(config), "--host-key-check", "strict"]
    strict += ["--known-hosts", str(pinned)]

    applied = runner.invoke(app, ["apply", str(intent), *strict, "--json"])
    reports = json.loads(applied.output)
    assert applied.exit_code == 1, applied.output  # the impostor
    for name in ROUTERS:
        assert reports[name]["outcome"] == "converged", reports[name]
    assert not reports["impostor"]["ok"]
    assert "host key: CHANGED" in reports["impostor"]["errors"][0]
    assert "ip ssh time-out 50" not in lab.routers["impostor"].device.running_text()

    verified = runner.invoke(
        app, ["verify", str(intent), *strict, "--driver", "netmiko", "--host", "r1"]
    )
    assert verified.exit_code == 0, verified.output

    online = ["--nornir-config", str(config), "--host", "r1", "--host", "r2"]
    audited = runner.invoke(app, ["audit", *online, "--rules", "cis", "--json"])
    assert audited.exit_code in (0, 1), audited.output  # compliant or not: never bad input
    assert set(json.loads(audited.output)) == {"r1", "r2"}, audited.output

    both = runner.invoke(app, ["state", *strict, "--inventory", str(tmp_path)])
    assert both.exit_code == 2 and "give one of them, not both" in both.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("inventory: {plugin: NoSuchInventory}\n")
    bad = runner.invoke(app, ["state", "--nornir-config", str(broken)])
    assert bad.exit_code == 2 and "NoSuchInventory" in bad.output, bad.output
    assert "Traceback" not in bad.output and len(bad.output.strip().splitlines()) == 1
