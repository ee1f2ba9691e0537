"""The inventory sharded over worker processes on this machine, each running the async
engine on its shard and sending each host's Outcome back as it ends.

Each worker has a pipe of its own. One multiprocessing.Queue shared by all of them has one
write lock: a worker killed while it held it (right after a send, before the release) left
every other worker blocked on it, unable to report or to exit, and the run waited forever.
With a pipe each, a dead worker closes only its own: its end of file (or its process
ending) says it is gone, and its unfinished hosts are reported lost.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from .jobs import Job, Outcome, lost_host, shards
from .runner import run_jobs_sending


def _shard_main(
    jobs: list[Job],
    concurrency: int,
    host_timeout: float,
    known_hosts: str | None,
    writer: Connection,
) -> None:
    """A worker process: its shard on its own event loop; each host reported as it ends."""
    if known_hosts:
        os.environ["IOS_SSH_KNOWN_HOSTS"] = known_hosts
    try:
        run_jobs_sending(jobs, concurrency, host_timeout, writer.send)
    finally:
        writer.close()  # after everything was sent


@dataclass
class _Worker:
    process: BaseProcess
    reader: Connection
    shard: list[Job]


def run_on_processes(
    jobs: list[Job],
    count: int,
    *,
    concurrency: int,
    host_timeout: float,
    on_done: Callable[[str, Outcome], None] | None = None,
) -> dict[str, Outcome]:
    """Run `jobs` in `count` worker processes: {host: Outcome} for every job, in order."""
    context = multiprocessing.get_context("spawn")  # no forked threads or event loops
    known_hosts = os.environ.get("IOS_SSH_KNOWN_HOSTS")
    workers = []
    for index, shard in enumerate(shards(jobs, count)):
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(
            target=_shard_main,
            args=(shard, concurrency, host_timeout, known_hosts, writer),
            name=f"ios-ssh-shard-{index}",  # shard i holds jobs[i::count]
            daemon=True,
        )
        process.start()
        writer.close()  # the worker holds the only writer: its end of file is ours
        workers.append(_Worker(process, reader, shard))
    results: dict[str, Outcome] = {}

    def record(name: str, outcome: Outcome) -> None:
        if name not in results:  # one terminal outcome per host
            results[name] = outcome
            if on_done is not None:
                on_done(name, outcome)

    live = list(workers)
    try:
        while live:
            ready = wait([w.reader for w in live] + [w.process.sentinel for w in live])
            for worker in [w for w in live if w.reader in ready or w.process.sentinel in ready]:
                ended = worker.process.sentinel in ready  # what it sent is in the pipe by now
                if _receive(worker, record) and not ended:
                    continue
                live.remove(worker)
                worker.process.join(timeout=5)
                why = worker_exit(worker.process.pid, worker.process.exitcode)
                for job in worker.shard:
                    record(job.name, lost_host(job, why))  # only those it did not report
                worker.reader.close()
    finally:
        for worker in live:  # left by an exception (on_done's, ^C): no unread work goes on
            worker.process.kill()
            worker.process.join(timeout=5)
    return {job.name: results[job.name] for job in jobs}


def _receive(worker: _Worker, record: Callable[[str, Outcome], None]) -> bool:
    """Record what the worker has sent so far; False once its pipe is closed (the worker
    ended, or died, possibly in the middle of a message)."""
    try:
        while worker.reader.poll():
            record(*worker.reader.recv())
    except (EOFError, OSError):
        return False
    return True


def worker_exit(pid: int | None, code: int | None) -> str:
    """How a worker process ended, as a report says it: its signal's name, or its code."""
    if code is None:
        return f"worker process {pid} stopped reporting"
    if code < 0:
        try:
            return f"worker process {pid} was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"worker process {pid} was killed by signal {-code}"
    return f"worker process {pid} exited with code {code}"
