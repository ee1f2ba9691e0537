"""The inventory sharded over worker processes (`run_fleet(processes=2)`): a worker killed
mid-run leaves every host with exactly one terminal outcome. What it had already reported
stands; its unfinished hosts are reported lost, saying how it died; the other worker's
hosts converge; the run ends at once instead of waiting on the hung routers."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

from ios_ssh import SshIntent
from ios_ssh.engine.fleet import Job, run_fleet
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.report import Report
from ios_ssh.session import DeviceParams
from ios_ssh.session.known_hosts import HostKey, KnownHosts

from ..lab.fake_ssh import fake_ssh_server
from .jobs import apply_jobs

pytestmark = pytest.mark.timeout(120)
REPO = Path(__file__).resolve().parents[2]
HARDENING = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
HOSTS = [f"r{i}" for i in range(1, 7)]  # two shards, round-robin: r1 r3 r5 | r2 r4 r6
HUNG = {"r4", "r6"}  # in shard 1: they log in, then never answer a show command


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    for name in HOSTS:
        device = baseline_device(name, image="xe16", bits=1024, minute_seconds=2.0)
        if name in HUNG:
            device.faults = {"hang": "^show"}
        lab.add(device)
    try:
        yield lab
    finally:
        lab.close()


def test_a_worker_killed_mid_run_loses_only_its_unfinished_hosts(
    lab: Lab, temporary_known_hosts: Path
) -> None:
    reported: list[str] = []
    killed: list[int] = []

    def on_done(name: str, _outcome: object) -> None:
        reported.append(name)
        if name == "r2":  # shard 1 has reported its healthy host; r4 and r6 still hang
            (worker,) = [
                p for p in multiprocessing.active_children() if p.name == "ios-ssh-shard-1"
            ]
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGKILL)
            killed.append(worker.pid)

    started = time.monotonic()
    outcomes = run_fleet(
        apply_jobs(lab, HOSTS, HARDENING, temporary_known_hosts), processes=2, on_done=on_done
    )
    elapsed = time.monotonic() - started

    assert killed, "shard 1 never reported r2"
    assert elapsed < 60, elapsed  # the hung routers alone would hold it for 900 s
    assert Counter(reported) == Counter(HOSTS)  # each host once: none missing, none twice
    assert list(outcomes) == HOSTS
    reports = {name: outcome.value for name, outcome in outcomes.items()}
    assert all(isinstance(r, Report) for r in reports.values())
    texts = {name: r.text() for name, r in reports.items()}  # type: ignore[union-attr]
    for name in HUNG:
        report = reports[name]
        assert isinstance(report, Report)
        assert not report.ok and report.outcome == "unknown", texts[name]
        (error,) = report.errors
        assert "\n" not in error and len(error) < 200, error
        assert error.startswith(f"worker process {killed[0]} was killed by SIGKILL"), error
        assert "not retried" in error
    for name in sorted(set(HOSTS) - HUNG):  # the other shard, and shard 1's finished r2
        report = reports[name]
        assert isinstance(report, Report)
        assert report.ok and report.outcome == "converged", texts[name]


def test_worker_processes_judge_by_the_operators_pins_and_the_operator_pins(
    temporary_known_hosts: Path,
) -> None:
    """Issue 20: a key the operator's file marks as changed is refused in a worker process
    (no password sent); the first contacts the workers make are pinned in the operator's
    file by the operator, and the reports name that file."""
    lab = Lab()
    for name in ("r1", "r2"):
        lab.add(baseline_device(name, image="xe16", bits=2048, minute_seconds=2.0))
    try:
        with fake_ssh_server() as impostor:
            pinned = asyncssh.generate_private_key("ssh-ed25519")
            KnownHosts(temporary_known_hosts).add(
                impostor.host, impostor.port, HostKey(pinned.get_algorithm(), pinned.public_data)
            )
            jobs = apply_jobs(lab, ["r1", "r2"], HARDENING, temporary_known_hosts)
            jobs.append(
                Job(
                    "impostor",
                    "apply",
                    DeviceParams(
                        host=impostor.host,
                        port=impostor.port,
                        username="admin",
                        password="the-password",
                        timeout=10,  # its known_hosts: the operator's default ($IOS_SSH_...)
                    ),
                    HARDENING,
                )
            )
            outcomes = run_fleet(jobs, processes=2)
            assert impostor.attempts.connections >= 1 and impostor.attempts.auth == []
    finally:
        lab.close()
    refused = outcomes["impostor"].value
    assert isinstance(refused, Report) and refused.outcome == "failed-before-change"
    assert (
        "host key: CHANGED" in refused.errors[0] and str(temporary_known_hosts) in refused.errors[0]
    )
    store = KnownHosts(temporary_known_hosts)
    for name in ("r1", "r2"):
        report = outcomes[name].value
        assert isinstance(report, Report) and report.outcome == "converged", report.text()
        address = lab.addresses[name]
        assert len(store.lookup(address.host, address.port)) == 1
        assert any(f"pinned in {temporary_known_hosts}" in n for n in report.notes)
