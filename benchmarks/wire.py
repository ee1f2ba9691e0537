"""What the worker boundary costs per host (issue 20): a job shipped as JSON with the
operator's pins for its address, decoded and checked on the worker, its result encoded
there and checked field by field on receipt.

Against a baseline in the same run: the same jobs and results through pickle (what
crossed before). Prints microseconds per host for each, and the ratio. A first contact
made on a worker then costs the operator one append and fsync of its known_hosts file,
as an accept-new first contact always has at home (measured apart).
Run: python benchmarks/wire.py [N]   (N hosts, default 1000)
"""

from __future__ import annotations

import pickle
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

from ios_ssh import SshIntent
from ios_ssh.engine.jobs import Job, Outcome
from ios_ssh.engine.trust import WorkerTrust, settle, ship
from ios_ssh.engine.wire import Pin, decode, decode_job, encode_outcome
from ios_ssh.report import Check, Report
from ios_ssh.session import DeviceParams
from ios_ssh.session.known_hosts import HostKey, KnownHosts

REPO = Path(__file__).resolve().parents[1]


def main(count: int) -> None:
    intent = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
    keys = []
    for _ in range(8):
        key = asyncssh.generate_private_key("ssh-ed25519")
        keys.append(HostKey(key.get_algorithm(), key.public_data))
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "known_hosts"
        store = KnownHosts(file)
        for index in range(count // 2):  # half the fleet pinned already
            store.add("10.0.0.1", 10000 + index, keys[index % 8])
        jobs = [
            Job(
                f"r{index}",
                "apply",
                DeviceParams(
                    host="10.0.0.1",
                    port=10000 + index,
                    username="admin",
                    password="admin",
                    known_hosts=str(file),
                ),
                intent,
                {"secrets": {}, "revert_minutes": 5},
            )
            for index in range(count)
        ]
        report = Report("r", outcome="converged", changed=True, notes=["n" * 120] * 6)
        report.checks = [Check(f"check {i}", True, "x" * 40, "x" * 40, "e" * 80) for i in range(14)]

        started = time.perf_counter()
        for job in jobs:
            pickle.loads(pickle.dumps(job))
            pickle.loads(pickle.dumps((job.name, Outcome(report, 2, 22, 1.0))))
        baseline = (time.perf_counter() - started) / count

        started = time.perf_counter()
        shipped = [decode_job(text, environ={}) for text in ship(jobs)]
        with WorkerTrust(shipped) as trust:
            worked = [trust.job(item) for item in shipped]
            for index, job in enumerate(worked):
                pins = trust.pins(job)
                text = trust.shown(encode_outcome(job.name, Outcome(report, 2, 22, 1.0), pins))
                received = decode(text)
                settle(jobs[index], received.outcome, received.pins)  # type: ignore[union-attr]
        wire = (time.perf_counter() - started) / count

        started = time.perf_counter()
        for index in range(count // 2, count):  # first contacts made on workers
            pin = Pin("10.0.0.1", 10000 + index, (keys[index % 8],))
            settle(jobs[index], Outcome(report), (pin,))
        first = (time.perf_counter() - started) / (count - count // 2)
    print(f"{count} hosts: pickle {baseline * 1e6:.0f} us/host, JSON wire {wire * 1e6:.0f} us/host")
    print(f"ratio {wire / baseline:.1f}x the pickle baseline")
    print(f"a worker's first contact pinned by the operator: {first * 1e6:.0f} us (its fsync)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
