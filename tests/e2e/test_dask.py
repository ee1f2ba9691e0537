"""The inventory over a Dask cluster, as a user starts one: `dask scheduler` and two
`dask worker` processes on 127.0.0.1 (ports picked at run time). Each worker runs the
async engine on its shard; a worker killed mid-run leaves every host with a terminal
outcome, and its shard is not applied a second time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest

from ios_ssh import SshIntent
from ios_ssh.engine.fleet import run_fleet
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.keypool import KeyPool
from ios_ssh.ports import free_port_block
from ios_ssh.report import Outcome, Report

from .jobs import apply_jobs

pytestmark = pytest.mark.timeout(300)
DASK = str(Path(sys.executable).with_name("dask"))
HOSTS = [f"r{i}" for i in range(1, 7)]
TERMINAL = set(get_args(Outcome))


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [DASK, *args], stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


@pytest.fixture
def cluster(tmp_path: Path, temporary_known_hosts: Path) -> Iterator[tuple[str, list]]:
    port = free_port_block(1)
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _start(
        ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        tmp_path / "scheduler.log",
    )
    workers = [
        _start(
            [
                "worker",
                address,
                "--host",
                "127.0.0.1",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--name",
                f"w{i}",
            ],
            tmp_path / f"worker{i}.log",
        )
        for i in (1, 2)
    ]
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:  # both workers registered
            try:
                with Client(address, timeout=5) as client:
                    if len(client.scheduler_info()["workers"]) == 2:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.5)
        yield address, workers
    finally:
        for process in [*workers, scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*workers, scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class CountingKeys:
    """The lab's key source, counting key generations (a second apply would show here)."""

    def __init__(self) -> None:
        self.pool = KeyPool(0, 2048)
        self.count = 0

    def take(self, bits: int) -> object:
        self.count += 1
        return self.pool.take(bits)


def _lab(keygen_seconds: float = 0.0) -> tuple[Lab, dict[str, CountingKeys]]:
    lab, keys = Lab(), {name: CountingKeys() for name in HOSTS}
    for name in HOSTS:
        lab.add(
            baseline_device(
                name,
                image="xe16",
                bits=1024,
                keygen_seconds=keygen_seconds,
                minute_seconds=2.0,
                keys=keys[name],  # type: ignore[arg-type]
            )
        )
    for counter in keys.values():
        counter.count = 0  # the start-up key does not count
    return lab, keys


HARDENING = SshIntent.from_yaml(
    Path(__file__).resolve().parents[2] / "inventory/intents/hardening.yaml"
)


def test_two_workers_converge_the_inventory(
    cluster: tuple[str, list], temporary_known_hosts: Path
) -> None:
    address, _ = cluster
    lab, _keys = _lab()
    try:
        done: list[str] = []
        outcomes = run_fleet(
            apply_jobs(lab, HOSTS, HARDENING, temporary_known_hosts),
            dask_scheduler=address,
            concurrency=2,
            on_done=lambda name, _o: done.append(name),
        )
    finally:
        lab.close()
    assert sorted(done) == sorted(HOSTS)  # the progress bar moves once per host
    for outcome in outcomes.values():
        assert isinstance(outcome.value, Report)
        assert outcome.value.outcome == "converged" and outcome.value.ok, outcome.value.text()


def test_a_worker_killed_mid_run_leaves_every_host_terminal_and_nothing_applied_twice(
    cluster: tuple[str, list], temporary_known_hosts: Path
) -> None:
    address, workers = cluster
    lab, keys = _lab(keygen_seconds=4.0)  # each change waits on its key generation
    intent = SshIntent.from_dict(
        {
            **HARDENING.model_dump(exclude_unset=True),
            "rsa": {"modulus": 2048, "regenerate": "always"},
        }
    )
    killed = False

    def kill_one_worker(_name: str, _outcome: object) -> None:
        nonlocal killed
        if not killed:  # one host has finished: the other shard is mid-run
            killed = True
            os.killpg(workers[1].pid, signal.SIGKILL)

    try:
        outcomes = run_fleet(
            apply_jobs(lab, HOSTS, intent, temporary_known_hosts),
            dask_scheduler=address,
            concurrency=1,
            on_done=kill_one_worker,
        )
    finally:
        lab.close()
    assert set(outcomes) == set(HOSTS)  # none lost
    reports = {n: o.value for n, o in outcomes.items()}
    assert all(isinstance(r, Report) and r.outcome in TERMINAL for r in reports.values())
    lost = [r for r in reports.values() if any("Dask worker" in e for e in r.errors)]
    assert lost, {n: r.text() for n, r in reports.items()}  # type: ignore[union-attr]
    for report in lost:
        assert not report.ok and report.outcome in ("unknown", "failed-before-change")
        assert "not retried" in report.errors[0]
    assert any(r.outcome == "converged" for r in reports.values())  # the other worker's
    # no router generated keys twice: the dead worker's shard was not re-run elsewhere
    assert all(counter.count <= 1 for counter in keys.values()), {
        n: c.count for n, c in keys.items()
    }
