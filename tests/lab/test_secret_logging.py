"""Secrets never reach a log: many threads at once under DEBUG logging, a netmiko
session_log, and logging is never switched off for the rest of the process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.inventory import nornir_from_hosts
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import running_lab
from ios_ssh.nornir import apply_ssh

from .devices import lab_device as _device

pytestmark = pytest.mark.timeout(300)
THREADS = 16
SECRET = "Zq8-unique-Secret-Value"
INTENT = SshIntent.from_dict(
    {
        "users": [{"name": "netops", "privilege": 15, "secret_env": "NETOPS_SECRET"}],
        "archive": {"path": "flash:archive"},
    }
)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.lock_ = threading.Lock()
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        with self.lock_:
            self.lines.append(text)


@pytest.fixture
def debug_logging() -> Iterator[_Collect]:
    root = logging.getLogger()
    handler, level = _Collect(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
def fleet() -> Iterator[Lab]:
    with running_lab(THREADS, bits=1024) as lab:
        yield lab


def test_sixteen_threads_applying_secrets_under_debug_log_no_secret(
    fleet: Lab, debug_logging: _Collect
) -> None:
    def one(name: str) -> ios_ssh.Report:
        return ios_ssh.apply(
            _device(fleet, name), INTENT, secrets={"NETOPS_SECRET": SECRET}, live=False
        )

    with ThreadPoolExecutor(THREADS) as pool:
        reports = list(pool.map(one, sorted(fleet.addresses)))
    assert all(r.ok and r.changed for r in reports), [r.text() for r in reports if not r.ok]
    assert debug_logging.lines, "the drivers logged nothing at DEBUG: the test proves nothing"
    assert any("secret 0 ***" in line for line in debug_logging.lines)
    leaked = [line for line in debug_logging.lines if SECRET in line]
    assert leaked == []
    assert logging.root.manager.disable == 0  # logging was never switched off
    logging.getLogger("after").debug("still logging")
    assert debug_logging.lines[-1] == "after still logging"


def test_a_netmiko_session_log_gets_the_secrets_masked(fleet: Lab, tmp_path: Path) -> None:
    log_file = tmp_path / "session.log"
    address = fleet.addresses["r1"]
    nornir = nornir_from_hosts(
        {
            "r1": {
                "hostname": address.host,
                "port": address.port,
                "username": "admin",
                "password": "admin",
                "data": {"secret": "admin"},
            }
        },
        workers=1,
    )
    options = nornir.inventory.hosts["r1"].connection_options["netmiko"]
    options.extras = {**(options.extras or {}), "session_log": str(log_file)}
    result = nornir.run(task=apply_ssh, intent=INTENT, secrets={"NETOPS_SECRET": SECRET})
    nornir.close_connections()
    report = result["r1"][0].result
    assert report.ok and report.changed, report.text()
    text = log_file.read_text()
    assert "username netops privilege 15 secret 0" in text  # the log did record the line
    assert SECRET not in text
