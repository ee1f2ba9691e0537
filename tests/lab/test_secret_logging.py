"""No secret reaches a log, in any form, on any driver path.

Lab routers with their own login password and enable secret (canaries holding every
character `re.escape` and `repr` treat specially) are changed at once from many threads,
everything logging at DEBUG: the Python API over netmiko and scrapli, SSH and telnet; the
Nornir plugin (Nornir logs the task's `secrets=` before any task runs); the async engine;
and the `ios-ssh` command with IOS_SSH_DEBUG=1 on each path. Some routers echo typed text a
few characters at a time (the lab's `echo_pieces` fault: a slow link), so the drivers that
log each read see a secret split over records. Every record, every netmiko session log and
the command's whole output is searched for each secret in every form a driver writes
(plain, `re.escape`d, str and bytes reprs, JSON) and for any piece of one."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

import ios_ssh
from ios_ssh import SshIntent, redact
from ios_ssh.engine.fleet import Job, run_fleet
from ios_ssh.inventory import nornir_from_hosts
from ios_ssh.lab import Lab, baseline_device
from ios_ssh.lab.keypool import KeyPool
from ios_ssh.nornir import apply_ssh
from ios_ssh.session import DeviceParams
from ios_ssh.session.failures import DRIVER_LOGGERS

pytestmark = pytest.mark.timeout(600)
REPO = Path(__file__).resolve().parents[2]
# Each holds a backslash, both quotes and characters re.escape escapes.
LOGIN = "Lg1-Canary.4f1a$x\\'\"(l)"
ENABLE = "En2-Canary.9b2c$y\\'\"(e)"
USER = "Us3-Canary.7d3e$z\\'\"(u)"  # the intent's user secret: typed in configuration
NORNIR_USER = "Nr4-Canary.2a9f$w\\'\"(n)"  # given only in nornir.run(..., secrets=)
CLI_USER = "Cl5-Canary.5c1b$v\\'\"(c)"  # from the environment, for the command
SECRETS = (LOGIN, ENABLE, USER, NORNIR_USER, CLI_USER)
PIECE = 6  # the longest piece of a secret that may show: none at all is expected
INTENT = {
    "users": [{"name": "netops", "privilege": 15, "secret_env": "NETOPS_SECRET"}],
    "archive": {"path": "flash:archive"},
}
CREDENTIALS = "\n".join(
    [
        f"username ops privilege 1 secret 0 {LOGIN}",
        f"enable secret 0 {ENABLE}",
        "line vty 0 4",
        " transport input ssh telnet",
    ]
)
# name: (driver, transport, echo in pieces); one router per host of every path
API = {
    "api-nm-ssh": ("netmiko", "ssh", True),
    "api-nm-tel": ("netmiko", "telnet", True),
    "api-sc-ssh": ("scrapli", "ssh", True),
    "api-sc-tel": ("scrapli", "telnet", False),
}
NORNIR = {
    "nr-nm-ssh": ("netmiko", "ssh", True),
    "nr-nm-tel": ("netmiko", "telnet", False),
    "nr-sc-ssh": ("scrapli", "ssh", False),
    "nr-sc-tel": ("scrapli", "telnet", True),
}
ENGINE = {"en-ssh": ("engine", "ssh", True), "en-tel": ("engine", "telnet", True)}
CLI = {
    "cli-nm-ssh": ("netmiko", "ssh", True),
    "cli-nm-tel": ("netmiko", "telnet", False),
    "cli-sc-ssh": ("scrapli", "ssh", False),
    "cli-sc-tel": ("scrapli", "telnet", True),
    "cli-en-ssh": ("engine", "ssh", True),
    "cli-en-tel": ("engine", "telnet", False),
}
ROUTERS = {**API, **NORNIR, **ENGINE, **CLI}


def leaks(text: str) -> list[str]:
    """Each form of each secret found in `text`, and each piece of one (PIECE long)."""
    found = []
    for secret in SECRETS:
        for form in redact.forms(secret):
            pieces = {form[i : i + PIECE] for i in range(len(form) - PIECE + 1)}
            found += [f"{secret!r} as {piece!r}" for piece in pieces if piece in text]
    return sorted(set(found))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.lock_ = threading.Lock()
        self.setFormatter(logging.Formatter("%(thread)d %(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)  # the traceback too, as a handler prints it
        with self.lock_:
            self.lines.append(text)


@pytest.fixture
def debug_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Collect]:
    monkeypatch.setenv("IOS_SSH_DEBUG", "1")
    root = logging.getLogger()
    handler, level = _Collect(), root.level
    drivers = {name: logging.getLogger(name).level for name in DRIVER_LOGGERS}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in DRIVER_LOGGERS:  # as IOS_SSH_DEBUG=1 sets them (an earlier test may not)
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for name, old in drivers.items():
            logging.getLogger(name).setLevel(old)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    lab = Lab()
    keys = KeyPool(len(ROUTERS), 1024)
    try:
        for name, (_, _, pieces) in ROUTERS.items():
            device = baseline_device(
                name, image="hybrid", bits=1024, minute_seconds=10.0, keys=keys
            )
            assert device.load_config(CREDENTIALS, merge=True) == []
            if pieces:
                device.faults = {"echo_pieces": PIECE - 1}  # a piece shorter than the check's
            lab.add(device, name)
        yield lab
    finally:
        lab.close()


def _device(lab: Lab, name: str, transport: str, known_hosts: Path) -> dict[str, Any]:
    address = lab.addresses[name]
    device: dict[str, Any] = {
        "host": address.host,
        "port": address.port,
        "username": "ops",
        "password": LOGIN,
        "secret": ENABLE,
        "known_hosts": str(known_hosts),
        "timeout": 20,
    }
    if transport == "telnet":  # the fresh login and checks go over SSH
        device.update(
            device_type="cisco_ios_telnet", port=address.telnet_port, ssh_port=address.port
        )
    return device


def test_no_secret_in_any_log_from_any_path_in_many_threads(
    lab: Lab, debug_logging: _Collect, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "known_hosts"
    intent = SshIntent.from_dict(INTENT)
    session_logs: list[Path] = []

    def api(name: str) -> list[ios_ssh.Report]:
        driver, transport, _ = API[name]
        device = _device(lab, name, transport, known_hosts)
        if driver == "netmiko":
            session_logs.append(tmp_path / f"{name}.log")
            # every session of the host (the change, the fresh login) appends to it
            device["netmiko_options"] = {
                "session_log": str(session_logs[-1]),
                "session_log_file_mode": "append",
            }
        return [
            ios_ssh.apply(
                device, intent, driver=driver, secrets={"NETOPS_SECRET": USER}, live=False
            )
        ]

    def nornir(driver: str) -> list[ios_ssh.Report]:
        hosts = {}
        for name, (own, transport, _) in NORNIR.items():
            if own != driver:
                continue
            device = _device(lab, name, transport, known_hosts)
            hosts[name] = {
                "hostname": device["host"],
                "port": device["port"],
                "username": "ops",
                "password": LOGIN,
                "data": {
                    "secret": ENABLE,
                    "known_hosts": str(known_hosts),
                    "timeout": 20,
                    **(
                        {"transport": "telnet", "ssh_port": device["ssh_port"]}
                        if transport == "telnet"
                        else {}
                    ),
                },
            }
        fleet = nornir_from_hosts(hosts, workers=2)
        for name in hosts:
            if driver == "netmiko":
                options = fleet.inventory.hosts[name].connection_options["netmiko"]
                session_logs.append(tmp_path / f"{name}.log")
                options.extras = {**(options.extras or {}), "session_log": str(session_logs[-1])}
        result = fleet.run(
            task=apply_ssh, intent=intent, driver=driver, secrets={"NETOPS_SECRET": NORNIR_USER}
        )
        fleet.close_connections()
        return [result[name][0].result for name in hosts]

    def engine() -> list[ios_ssh.Report]:
        jobs = [
            Job(
                name,
                "apply",
                DeviceParams.coerce(_device(lab, name, transport, known_hosts)),
                intent,
                {"secrets": {"NETOPS_SECRET": USER}, "live": False},
            )
            for name, (_, transport, _) in ENGINE.items()
        ]
        return [outcome.value for outcome in run_fleet(jobs, processes=1).values()]  # type: ignore[misc]

    work: list[Callable[[], list[ios_ssh.Report]]] = [
        *(lambda n=name: api(n) for name in API),
        lambda: nornir("netmiko"),
        lambda: nornir("scrapli"),
        engine,
    ]
    with ThreadPoolExecutor(len(work)) as pool:
        reports = [r for batch in pool.map(lambda run: run(), work) for r in batch]
    assert len(reports) == len(API) + len(NORNIR) + len(ENGINE)
    assert all(r.ok and r.changed for r in reports), [r.text() for r in reports if not r.ok]

    lines = debug_logging.lines
    threads = {line.split(" ", 1)[0] for line in lines}
    assert len(threads) >= 8, "the records came from few threads: the test proves less"
    for driver in ("netmiko", "paramiko", "scrapli", "asyncssh", "nornir"):
        assert any(f" {driver}" in line for line in lines), f"{driver} logged nothing"
    # the masks did work: typed secrets, re.escape'd patterns and split reads
    text = "\n".join(lines)
    assert "secret 0 ***" in text and "read_channel: " in text and "read: b'" in text
    assert any(line.endswith(("***", "***'")) for line in lines if "read" in line)
    assert leaks(text) == []
    assert len(session_logs) == 4
    for log in session_logs:
        written = log.read_text()
        assert "secret 0" in written  # the session log did record the typed line
        assert leaks(written) == [], log.name
    assert logging.root.manager.disable == 0  # logging was never switched off
    logging.getLogger("after").debug("still logging")
    assert lines[-1].endswith("after DEBUG still logging")


def _inventory(lab: Lab, folder: Path, known_hosts: Path, names: list[str]) -> Path:
    folder.mkdir()
    hosts: dict[str, Any] = {}
    for name in names:
        _, transport, _ = CLI[name]
        device = _device(lab, name, transport, known_hosts)
        data: dict[str, Any] = {"timeout": 20}
        if transport == "telnet":
            data.update(transport="telnet", ssh_port=device["ssh_port"])
        hosts[name] = {"hostname": device["host"], "port": device["port"], "data": data}
        if CLI[name][0] == "netmiko":
            extras = {"session_log": str(folder / f"{name}.log"), "session_log_file_mode": "append"}
            hosts[name]["connection_options"] = {"netmiko": {"extras": extras}}
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    defaults = {
        "username": "ops",
        "data": {
            "password_env": "LAB_LOGIN",
            "secret_env": "LAB_ENABLE",
            "known_hosts": str(known_hosts),
            "host_key_check": "accept-new",
        },
    }
    (folder / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    return folder


def test_no_secret_in_the_commands_debug_output_on_any_path(lab: Lab, tmp_path: Path) -> None:
    intent = tmp_path / "intent.yaml"
    intent.write_text(yaml.safe_dump(INTENT))
    known_hosts = tmp_path / "known_hosts"
    env = {
        **os.environ,
        "IOS_SSH_DEBUG": "1",
        "LAB_LOGIN": LOGIN,
        "LAB_ENABLE": ENABLE,
        "NETOPS_SECRET": CLI_USER,
        "COLUMNS": "200",
    }
    runs = {
        "netmiko": ["--driver", "netmiko"],
        "scrapli": ["--driver", "scrapli"],
        "engine": ["--processes", "1"],  # in the command's own process: its log is shown
    }
    started = {}
    for path, options in runs.items():
        names = [n for n, (driver, _, _) in CLI.items() if driver == path]
        folder = _inventory(lab, tmp_path / path, known_hosts, names)
        started[path] = (
            folder,
            subprocess.Popen(
                [sys.executable, "-m", "ios_ssh.cli", "apply", str(intent), "-i", str(folder)]
                + options,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=tmp_path,
            ),
        )
    outputs = {}
    for path, (folder, process) in started.items():
        output = outputs[path] = process.communicate(timeout=300)[0]
        assert process.returncode == 0, output[-3000:]
        assert "converged" in output
        assert " DEBUG " in output and "secret 0 ***" in output, path  # the drivers' log
        assert leaks(output) == [], path
        for log in folder.glob("*.log"):
            assert "secret 0" in log.read_text()
            assert leaks(log.read_text()) == [], log
    # Nornir logs the task's arguments, secrets= included, before any task runs
    assert "Running task 'apply_ssh' with args" in outputs["netmiko"]
