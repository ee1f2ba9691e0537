"""Every way a session fails is one true line: ConnectError(kind) naming host:port, the
step and the fix, or a Report; never a driver's paragraphs, never a traceback (issue 14)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from nornir.core.task import Task

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.errors import ConnectError
from ios_ssh.inventory import load_inventory
from ios_ssh.lab import Lab, baseline_device, factory_device
from ios_ssh.nornir import apply_ssh
from ios_ssh.session import open_session

from .devices import lab_device

pytestmark = pytest.mark.timeout(180)
DRIVERS = ["netmiko", "scrapli"]
REPO = Path(__file__).resolve().parents[2]
SMALL = SshIntent.from_dict(
    {"ssh": {"version": 2, "timeout": 45}, "archive": {"path": "flash:archive"}}
)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", bits=1024, minute_seconds=5.0))
    lab.add(factory_device(image="hybrid"), "f1")  # telnet open: a telnet port to mistake
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback server that accepts and says nothing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    return port


def _device(lab: Lab, **extra: object) -> dict[str, object]:
    return lab_device(lab, **{"timeout": 4, **extra})


def _refused(device: dict[str, object], driver: str) -> ConnectError:
    with pytest.raises(ConnectError) as caught:
        open_session(device, driver)  # type: ignore[arg-type]
    return caught.value


def _one_line(error: BaseException, where: str, step: str) -> str:
    text = str(error)
    assert "\n" not in text and len(text) < 200, text
    assert text.startswith(f"{where}: {step}: "), text
    return text


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_closed_port(driver: str) -> None:
    port = _closed_port()
    device = {
        "host": "127.0.0.1",
        "port": port,
        "username": "nobody",
        "password": "wrong-password-1",
        "timeout": 4,
    }
    error = _refused(device, driver)
    assert error.kind == "refused"
    assert "connection refused" in _one_line(error, f"127.0.0.1:{port}", "connect")


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_wrong_password(lab: Lab, driver: str) -> None:
    error = _refused(_device(lab, password="wrong"), driver)
    assert error.kind == "auth"
    text = _one_line(error, f"127.0.0.1:{lab.addresses['r1'].port}", "login")
    assert "'admin'" in text and "password" in text and "wrong" not in text


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_wrong_enable_secret(lab: Lab, driver: str) -> None:
    """netmiko raised its ReadTimeout with paragraphs of hints, scrapli 'authentication
    failed': now both say the enable secret was refused."""
    error = _refused(_device(lab, secret="not-the-secret"), driver)
    assert error.kind == "enable"
    text = _one_line(error, f"127.0.0.1:{lab.addresses['r1'].port}", "enable")
    assert "enable secret was refused" in text and "not-the-secret" not in text
    report = ios_ssh.apply(_device(lab, secret="not-the-secret"), SMALL, driver)  # type: ignore[arg-type]
    assert report.outcome == "failed-before-change" and report.errors == [str(error)]


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_telnet_port_given_as_ssh(lab: Lab, driver: str) -> None:
    port = lab.addresses["f1"].telnet_port
    error = _refused(_device(lab, port=port), driver)
    assert error.kind == "not-ssh"
    assert "telnet" in _one_line(error, f"127.0.0.1:{port}", "connect")


def test_a_telnet_port_given_as_ssh_to_the_async_engine(lab: Lab) -> None:
    """asyncssh waits for a version line a telnet server never sends, then saw silence or
    a hang-up: the engine reported 'timeout' or 'closed', never what it was (issue 20)."""
    from ios_ssh.engine.aio_session import open_async
    from ios_ssh.session.params import DeviceParams

    port = lab.addresses["f1"].telnet_port
    params = DeviceParams.coerce(_device(lab, port=port, host_key_check="off"))
    with pytest.raises(ConnectError) as caught:
        asyncio.run(open_async(params))
    assert caught.value.kind == "not-ssh"
    assert "telnet" in _one_line(caught.value, f"127.0.0.1:{port}", "connect")


def test_a_client_without_the_routers_algorithms_names_its_offer() -> None:
    """The policy allows curve25519-sha256, which this router alone offers, but paramiko
    knows only its @libssh.org name: netmiko failed with IncompatiblePeer inside a
    NetmikoTimeoutException, read as 'no answer within 5 s' (issue 21). (OpenSSH and
    asyncssh know every name the policy does: tests/unit/test_failures_mapping.py.)"""
    from tests.lab.fake_ssh import fake_ssh_server

    policy = ["curve25519-sha256", "ssh-ed25519", "rsa-sha2-256", "aes128-ctr", "hmac-sha2-256"]
    with fake_ssh_server(kex_algs=["curve25519-sha256"]) as server:
        device = {
            "host": server.host,
            "port": server.port,
            "username": "nobody",
            "password": "wrong-password-1",
            "timeout": 5,
            "host_key_check": "off",
            "ssh_algorithms": policy,
        }
        error = _refused(device, "netmiko")
        assert not server.attempts.auth  # nothing was sent
    assert error.kind == "algorithms", error
    text = _one_line(error, f"{server.host}:{server.port}", "key exchange")
    assert "netmiko (paramiko) implements no kex the router offers (curve25519-sha256)" in text


@pytest.mark.parametrize("driver", DRIVERS)
def test_an_unresolvable_host(driver: str) -> None:
    """RFC 6761: `.invalid` never resolves, so no address is ever contacted."""
    device = {
        "host": "router.invalid",
        "username": "nobody",
        "password": "wrong-password-1",
        "timeout": 4,
    }
    error = _refused(device, driver)
    assert error.kind == "unreachable"
    assert "cannot resolve 'router.invalid'" in _one_line(error, "router.invalid:22", "connect")


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_silent_server(silent_port: int, driver: str) -> None:
    device = {
        "host": "127.0.0.1",
        "port": silent_port,
        "username": "nobody",
        "password": "wrong-password-1",
    }
    error = _refused({**device, "timeout": 2}, driver)
    assert error.kind == "timeout"
    text = _one_line(error, f"127.0.0.1:{silent_port}", "connect")
    assert "accepted the connection but sent nothing within 2 s" in text


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_drop_mid_push_is_a_report(lab: Lab, driver: str) -> None:
    """scrapli's ScrapliConnectionError escaped apply(); now the Report says the session
    was lost and that the revert timer restores the configuration."""
    device = lab.routers["r1"].device
    device.faults["drop"] = r"^ip ssh time-out"
    try:
        report = ios_ssh.apply(_device(lab), SMALL, driver, live=False)  # type: ignore[arg-type]
    finally:
        device.faults.pop("drop")
    assert not report.ok and report.outcome in ("reverting", "reverted"), report.text()
    lost = [e for e in report.errors if "session lost" in e]
    assert lost and "ip ssh time-out" in lost[0] and "the session dropped" in lost[0], report.errors
    assert all("\n" not in e for e in report.errors)
    _wait_for_revert(lab)


def _wait_for_revert(lab: Lab) -> None:
    """The lab's revert timer (5 s minutes) restores the config before the next test, and is
    gone: a later run would see the pending rollback and plan nothing."""
    device = lab.routers["r1"].device
    if device.revert is not None:  # the report is judged: the lab's timer may fire now
        device.revert.deadline = 0
        device.tick()
    for _ in range(400):
        if device.revert is None and "ip ssh time-out 45" not in device.running_body():
            return
        threading.Event().wait(0.1)
    raise AssertionError("the revert timer did not restore the configuration")


def _inventory(folder: Path, hosts: dict[str, dict[str, object]]) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (folder / "groups.yaml").write_text("{}\n")
    (folder / "defaults.yaml").write_text("{}\n")
    return folder


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_drop_mid_push_under_nornir_names_the_cause(
    lab: Lab, driver: str, tmp_path: Path
) -> None:
    """Under Nornir the same fault read `line vty 0 4: unexpected question:`."""
    address = lab.addresses["r1"]
    host = {
        "hostname": address.host,
        "port": address.port,
        "username": "admin",
        "password": "admin",
        "data": {"secret": "admin", "timeout": 4},
    }
    nornir = load_inventory(_inventory(tmp_path / "inv", {"r1": host}), 1)
    device = lab.routers["r1"].device
    device.faults["drop"] = r"^ip ssh time-out"

    def task(task: Task) -> object:
        return apply_ssh(task, SMALL, driver=driver)

    try:
        result = nornir.run(task=task)["r1"][0]
    finally:
        device.faults.pop("drop")
        nornir.close_connections(on_good=True, on_failed=True)
    assert result.exception is None, result.exception
    report = result.result
    assert report.outcome in ("reverting", "reverted"), report.text()
    assert not any("unexpected question" in e for e in report.errors), report.errors
    assert any("the session dropped" in e for e in report.errors), report.errors
    _wait_for_revert(lab)


@pytest.mark.parametrize("driver", DRIVERS)
def test_the_cli_on_a_telnet_port_prints_one_line_and_no_traceback(
    lab: Lab, driver: str, tmp_path: Path
) -> None:
    """paramiko printed a 21-line traceback on stderr when a host pointed at a telnet port."""
    port = lab.addresses["f1"].telnet_port
    host = {
        "hostname": "127.0.0.1",
        "port": port,
        "username": "admin",
        "password": "admin",
        "data": {"secret": "admin", "timeout": 4},
    }
    inventory = _inventory(tmp_path / "inv", {"f1": host})
    env = {k: v for k, v in os.environ.items() if k != "IOS_SSH_DEBUG"}
    done = subprocess.run(  # noqa: PLW1510 - the exit code is asserted
        [
            sys.executable,
            "-m",
            "ios_ssh.cli",
            "apply",
            str(REPO / "inventory/intents/hardening.yaml"),
        ]
        + ["--inventory", str(inventory), "--json", "--driver", driver],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip() == "", done.stderr
    report = json.loads(done.stdout)["f1"]
    assert report["outcome"] == "failed-before-change"
    (error,) = report["errors"]
    assert error.startswith(f"127.0.0.1:{port}: connect: not an SSH server"), error
