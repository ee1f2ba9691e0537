"""Reaching routers as enterprise networks do (issue 21): through a real OpenSSH jump host,
and logging in with a key file or through ssh-agent instead of a password.

A mixed lab (one router per image family) in this process, so that each router counts
the TCP connections it accepts, and a Debian `sshd` jump host whose DEBUG1 log records
every channel it forwards: the routers accepted exactly as many connections as the jump
host forwarded to them, so every connection the tool made went through it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ios_ssh.cli import app
from ios_ssh.lab import Lab, running_lab
from tests.bastion import Agent, Bastion, agent, bastion, keygen, restart

pytestmark = pytest.mark.timeout(300)
REPO = Path(__file__).resolve().parents[2]
HARDENING = str(REPO / "inventory/intents/hardening.yaml")
ENGINE = ["--processes", "1"]  # the default engine, on one event loop (one bastion login)
DRIVERS = {"engine": ENGINE, "netmiko": ["--driver", "netmiko"], "scrapli": ["--driver", "scrapli"]}
runner = CliRunner()


class Counting(set[Any]):
    """A router's set of live connections that also counts every one it accepted."""

    accepted = 0

    def add(self, item: Any) -> None:
        self.accepted += 1
        super().add(item)


@dataclass
class Net:
    lab: Lab
    jump: Bastion
    known_hosts: Path
    folder: Path

    def accepted(self) -> dict[int, int]:
        """{ssh port: connections accepted so far}, for every router."""
        return {r.port: r.connections.accepted for r in self.lab.routers.values()}  # type: ignore[attr-defined]

    def ssh_ports(self) -> set[int]:
        return {r.port for r in self.lab.routers.values()}


def _pin(path: Path, host: str, port: int, public: str) -> None:
    kind, blob = public.split()[:2]
    with path.open("a") as file:
        file.write(f"[{host}]:{port} {kind} {blob}\n")


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    folder = tmp_path_factory.mktemp("reach")
    with running_lab(4, image="mixed") as lab, bastion(folder / "bastion") as jump:
        known_hosts = folder / "known_hosts"
        known_hosts.touch()
        for router in lab.routers.values():
            router.connections = Counting(router.connections)
            key = router.current_host_key()
            assert key is not None
            _pin(known_hosts, router.host, router.port, key.export_public_key().decode())
        # the operator checked the jump host's key out of band and pinned it (strict)
        _pin(known_hosts, jump.host, jump.port, Path(f"{jump.host_key}.pub").read_text())
        net = Net(lab, jump, known_hosts, folder)
        try:
            yield net
        finally:  # a test restarts the jump host: that sshd is stopped here, by its PID
            if net.jump is not jump:
                net.jump.stop()


def _inventory(net: Net, name: str, password: bool = True, **defaults: object) -> Path:
    """A Nornir SimpleInventory of the lab; `defaults` go to every host's data."""
    folder = net.folder / name
    folder.mkdir(exist_ok=True)
    hosts = {}
    for router in net.lab.routers.values():
        data: dict[str, object] = {"secret": "admin", "telnet_port": router.telnet_port}
        if router.device.image.name == "ios12.2sx":  # no revert timer: the user's choice
            data["allow_unprotected"] = True
        host: dict[str, object] = {"hostname": router.host, "port": router.port}
        host["username"] = "admin"
        if password:
            host["password"] = "admin"
        hosts[router.name] = {**host, "data": data}
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    data = {"host_key_check": "strict", "known_hosts": str(net.known_hosts), **defaults}
    (folder / "defaults.yaml").write_text(yaml.safe_dump({"data": data}))
    return folder


def _run(*args: str) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def _json(*args: str) -> dict[str, dict[str, Any]]:
    result = _run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _only_forwarded(net: Net, before: dict[int, int], channels: int) -> dict[int, int]:
    """{ssh port: connections accepted since `before`}, having checked that every one of
    them (offer reads, host-key checks, sessions, fresh logins) is one the jump host
    forwarded to that router since its `channels`-th channel: none went around it."""
    forwarded: dict[int, int] = {}
    for _, port in net.jump.channels()[channels:]:
        forwarded[port] = forwarded.get(port, 0) + 1
    accepted = {port: n - before[port] for port, n in net.accepted().items()}
    assert all(n > 0 for n in accepted.values()), accepted
    assert {p: n for p, n in forwarded.items() if p in net.ssh_ports()} == accepted
    return accepted


@pytest.mark.parametrize("driver", list(DRIVERS))
def test_the_fleet_converges_through_the_jump_host(net: Net, driver: str) -> None:
    """apply and verify of the hardening intent, every family, through the bastion: given
    on the command line (engine, scrapli) or in the inventory (netmiko)."""
    before, logins = net.accepted(), net.jump.logins()
    channels = len(net.jump.channels())
    key = str(net.jump.key_file)
    if driver == "netmiko":  # the inventory's own jump host
        folder = _inventory(net, driver, jump_host=net.jump.jump_host, jump_key_file=key)
        via: list[str] = []
    else:
        folder = _inventory(net, driver, jump_key_file=key)
        via = ["--jump-host", net.jump.jump_host]
    applied = _json("apply", HARDENING, "-i", folder, *via, *DRIVERS[driver])
    assert {r["outcome"] for r in applied.values()} <= {"converged", "unchanged"}, applied
    assert all(r["ok"] for r in applied.values()), applied
    checked = _json("verify", HARDENING, "-i", folder, *via, *DRIVERS[driver])
    assert all(r["ok"] for r in checked.values()), checked
    accepted = _only_forwarded(net, before, channels)
    if driver == "engine":
        # per run, one bastion login carries every session of the engine's event loop
        # (and one of the process's background loop, for the sync "telnet refused" check)
        logged_in = net.jump.logins() - logins
        assert logged_in <= 2 * 2 < sum(accepted.values()), (logged_in, accepted)


@pytest.mark.parametrize("driver", list(DRIVERS))
def test_a_stopped_jump_host_fails_every_host_in_one_line(net: Net, driver: str) -> None:
    folder = _inventory(net, f"down-{driver}", jump_key_file=str(net.jump.key_file))
    before = net.accepted()
    net.jump.stop()
    try:
        result = _run("state", "-i", folder, "--jump-host", net.jump.jump_host, *DRIVERS[driver])
    finally:
        net.jump = restart(net.jump, net.folder / "bastion")
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert sorted(line.split(":")[0] for line in lines) == sorted(net.lab.routers), result.output
    for line in lines:
        assert len(line) < 200 + len("r1: error: "), line
        assert f"connect via jump host {net.jump.jump_host}: connection refused" in line, line
    assert net.accepted() == before  # no router was contacted another way


@pytest.mark.parametrize("driver", ["engine", "netmiko", "scrapli"])
def test_a_jump_host_whose_key_changed_gets_no_credential(net: Net, driver: str) -> None:
    """The jump host's pinned key is not the one it shows: refused at the key exchange,
    before the client offers any key or password to it."""
    known_hosts = net.folder / f"changed-{driver}.known_hosts"
    lines = [
        line
        for line in net.known_hosts.read_text().splitlines(keepends=True)
        if not line.startswith(f"[{net.jump.host}]:{net.jump.port} ")
    ]
    known_hosts.write_text("".join(lines))
    impostor = keygen(net.folder / f"impostor-{driver}")
    _pin(known_hosts, net.jump.host, net.jump.port, Path(f"{impostor}.pub").read_text())
    folder = _inventory(net, f"changed-{driver}", jump_key_file=str(net.jump.key_file))
    auth_before, kex_before = len(net.jump.auth_lines()), net.jump.key_exchanges()
    result = _run(
        "state",
        "-i",
        folder,
        "--known-hosts",
        known_hosts,
        "--jump-host",
        net.jump.jump_host,
        *DRIVERS[driver],
    )
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(lines) == len(net.lab.routers), result.output
    for line in lines:
        assert "CHANGED" in line and f"{net.jump.host}:{net.jump.port}" in line, line
        assert "jump host" in line, line
    # the clients reached its key exchange, and offered it no key, no password after it
    assert net.jump.key_exchanges() > kex_before
    assert net.jump.auth_lines()[auth_before:] == []


def test_a_first_contact_pins_the_jump_host_as_it_pins_routers(net: Net) -> None:
    """accept-new: the jump host's key, unknown, is pinned in the same file as the routers'
    (then held to it strictly), by the same decision (session.identity)."""
    from ios_ssh.session.known_hosts import KnownHosts

    known_hosts = net.folder / "first-contact.known_hosts"
    folder = _inventory(net, "first-contact", jump_key_file=str(net.jump.key_file))
    options = ["--known-hosts", known_hosts, "--jump-host", net.jump.jump_host, *ENGINE]
    first = _run("state", "-i", folder, "--host-key-check", "accept-new", *options)
    assert first.exit_code == 0, first.output
    pins = KnownHosts(known_hosts)
    assert [k.keytype for k in pins.lookup(net.jump.host, net.jump.port)] == ["ssh-ed25519"]
    assert all(pins.lookup(r.host, r.port) for r in net.lab.routers.values())
    again = _run("state", "-i", folder, "--host-key-check", "strict", *options)
    assert again.exit_code == 0, again.output


# --- the tool's own login: a key file, or ssh-agent, no password ------------------------

KEYED = ["r2", "r3", "r4"]  # 12.2SX (r1) has no `ip ssh pubkey-chain`


@pytest.fixture(scope="module")
def operator_key(net: Net) -> Path:
    """An RSA key (IOS pubkey-chain takes ssh-rsa) that the routers accept for admin:
    put there by an apply with the password, as an operator moves to keys."""
    key = keygen(net.folder / "operator_rsa", "rsa", passphrase="key-Passphrase-7")
    intent = net.folder / "operator-key.yaml"
    public = Path(f"{key}.pub").read_text().strip()
    intent.write_text(
        yaml.safe_dump(
            {"ssh": {"pubkey_users": [{"username": "admin", "keys": [public]}]}, "archive": {}}
        )
    )
    folder = _inventory(net, "with-password")
    hosts = [arg for name in KEYED for arg in ("--host", name)]
    applied = _json("apply", intent, "-i", folder, *hosts, *ENGINE)
    assert all(r["ok"] for r in applied.values()), applied
    return key


def _no_password(net: Net, name: str, **defaults: object) -> Path:
    folder = _inventory(net, name, password=False, **defaults)
    hosts = yaml.safe_load((folder / "hosts.yaml").read_text())
    assert all("password" not in h for h in hosts.values())
    return folder


@pytest.mark.parametrize("driver", list(DRIVERS))
def test_apply_and_verify_with_a_key_file_and_no_password(
    net: Net, operator_key: Path, driver: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IOS_SSH_TEST_PASSPHRASE", "key-Passphrase-7")
    folder = _no_password(
        net, f"key-{driver}", key_file=str(operator_key), passphrase_env="IOS_SSH_TEST_PASSPHRASE"
    )
    hosts = [arg for name in KEYED for arg in ("--host", name)]
    applied = _json("apply", HARDENING, "-i", folder, *hosts, *DRIVERS[driver])
    assert all(r["ok"] for r in applied.values()), applied
    checked = _json("verify", HARDENING, "-i", folder, *hosts, *DRIVERS[driver])
    assert all(r["ok"] for r in checked.values()), checked
    assert "key-Passphrase-7" not in json.dumps([applied, checked])
    if driver == "engine":  # the key is what logs in: another one is refused
        other = keygen(net.folder / "not-the-operator", "rsa")
        result = _run("state", "-i", folder, "--host", "r2", "--key-file", other, *ENGINE)
        assert result.exit_code == 1 and "login: the router refused user" in result.output, (
            result.output
        )


@pytest.mark.parametrize("driver", list(DRIVERS))
def test_apply_and_verify_through_the_agent_and_the_jump_host(
    net: Net, operator_key: Path, driver: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual enterprise case: ssh-agent holds the operator's keys, for the jump host
    and for the routers; no password, no key file anywhere in the inventory."""
    with agent(net.folder / f"agent-{driver}") as running:
        _add(running, operator_key, "key-Passphrase-7")
        running.add(net.jump.key_file)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(running.socket))
        folder = _no_password(net, f"agent-{driver}", allow_agent=True)
        hosts = [arg for name in KEYED for arg in ("--host", name)]
        via = ["--jump-host", net.jump.jump_host]
        applied = _json("apply", HARDENING, "-i", folder, *hosts, *via, *DRIVERS[driver])
        assert all(r["ok"] for r in applied.values()), applied
        checked = _json("verify", HARDENING, "-i", folder, *hosts, *via, *DRIVERS[driver])
        assert all(r["ok"] for r in checked.values()), checked


def _add(running: Agent, key: Path, passphrase: str) -> None:
    """ssh-add of an encrypted key: the passphrase given as ssh-add asks for it."""
    import os
    import subprocess

    env = {**os.environ, "SSH_AUTH_SOCK": str(running.socket), "SSH_ASKPASS_REQUIRE": "force"}
    askpass = running.socket.parent / "askpass.sh"
    askpass.write_text(f"#!/bin/sh\necho '{passphrase}'\n")
    askpass.chmod(0o700)
    env["SSH_ASKPASS"] = str(askpass)
    env["DISPLAY"] = ":0"
    subprocess.run(
        ["ssh-add", "-q", str(key)],
        env=env,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    listed = subprocess.run(["ssh-add", "-l"], env=env, capture_output=True, text=True, check=True)
    assert re.search(r"RSA", listed.stdout), listed.stdout


def _route_inventory(net: Net, name: str, group: dict[str, object]) -> Path:
    """Hosts known by name only (no address, no port), members of group `site`, whose
    data (`group`) says how to reach them: Nornir resolves it from the group."""
    folder = net.folder / name
    folder.mkdir(exist_ok=True)
    hosts: dict[str, object] = {}
    for router in net.lab.routers.values():
        data: dict[str, object] = {"secret": "admin", "telnet_port": router.telnet_port}
        hosts[router.name] = {
            "hostname": router.name,
            "username": "admin",
            "password": "admin",
            "groups": ["site"],
            "data": data,
        }
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (folder / "groups.yaml").write_text(yaml.safe_dump({"site": {"data": group}}))
    data = {"host_key_check": "strict", "known_hosts": str(net.known_hosts)}
    (folder / "defaults.yaml").write_text(yaml.safe_dump({"data": data}))
    return folder


def _through_the_jump_host(net: Net, run: Any) -> dict[str, dict[str, Any]]:
    """`run()`'s JSON, having checked that every connection a router accepted meanwhile
    is one the jump host forwarded to it."""
    before, channels = net.accepted(), len(net.jump.channels())
    states: dict[str, dict[str, Any]] = run()
    _only_forwarded(net, before, channels)
    return states


@pytest.mark.parametrize("driver", list(DRIVERS))
def test_an_ssh_config_in_group_data_names_address_port_and_jump_host(
    net: Net, driver: str
) -> None:
    """The routers' ssh_config, as OpenSSH users keep it: each router by name with its
    HostName, Port and ProxyJump, and the jump host's own entry (HostName, Port, User,
    IdentityFile); given once, in the group's data. Strict host keys hold for both hops."""
    jump = net.jump
    entries = [
        (
            f"Host bastion\n  HostName {jump.host}\n  Port {jump.port}\n  User {jump.user}\n"
            f"  IdentityFile {jump.key_file}\n"
        )
    ]
    for router in net.lab.routers.values():
        entries.append(
            f"Host {router.name}\n  HostName {router.host}\n  Port {router.port}\n"
            "  ProxyJump bastion\n"
        )
    config = net.folder / f"ssh_config-{driver}"
    config.write_text("".join(entries))
    folder = _route_inventory(net, f"ssh-config-{driver}", {"ssh_config_file": str(config)})
    states = _through_the_jump_host(net, lambda: _json("state", "-i", folder, *DRIVERS[driver]))
    assert sorted(states) == sorted(net.lab.routers), states
    for name, state in states.items():
        assert state["config"]["hostname"] == name, state


def test_a_jump_host_in_group_data_carries_the_group(net: Net) -> None:
    folder = _route_inventory(
        net,
        "group-jump",
        {"jump_host": net.jump.jump_host, "jump_key_file": str(net.jump.key_file)},
    )
    hosts = yaml.safe_load((folder / "hosts.yaml").read_text())
    for name, router in net.lab.routers.items():  # addresses given, the route is the group's
        hosts[name].update(hostname=router.host, port=router.port)
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    states = _through_the_jump_host(net, lambda: _json("state", "-i", folder, *ENGINE))
    assert sorted(states) == sorted(net.lab.routers), states
