"""The inventory sharded over worker processes on this machine, each running the async
engine on its shard and sending each host's Outcome back as it ends.

Each worker has a pipe of its own. One multiprocessing.Queue shared by all of them has one
write lock: a worker killed while it held it (right after a send, before the release) left
every other worker blocked on it, unable to report or to exit, and the run waited forever.
With a pipe each, a dead worker closes only its own: its end of file (or its process
ending) says it is gone, and its unfinished hosts are reported lost.

What crosses the pipes is JSON text (engine.wire), never a pickle: the jobs with the
operator's known_hosts pins for their addresses (engine.trust), and each host's result,
checked on receipt; a first contact a worker made is pinned in the operator's file here.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from ..session.failures import quiet_drivers
from .jobs import Job, Outcome, lost_host, shards
from .shard import run_shard
from .trust import settle, ship
from .wire import End, WireError, decode

log = logging.getLogger("ios_ssh")


def _shard_main(
    texts: list[str],
    concurrency: int,
    host_timeout: float,
    writer: Connection,
) -> None:
    """A worker process: its shard on its own event loop; each host reported as it ends."""
    # A spawned process starts with no logging set up: as the command line does, driver
    # records stay off the terminal, or (IOS_SSH_DEBUG=1) are shown inert; and the legacy
    # key exchanges' finite-field DH warning, already named in the reports, is not repeated.
    quiet_drivers()
    warnings.filterwarnings("ignore", message=".*Diffie-Hellman over finite fields.*")
    try:
        run_shard(texts, concurrency, host_timeout, lambda text: writer.send_bytes(text.encode()))
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
    texts = dict(zip((id(job) for job in jobs), ship(jobs), strict=True))  # strict read first
    by_name = {job.name: job for job in jobs}
    workers = []
    for index, shard in enumerate(shards(jobs, count)):
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(
            target=_shard_main,
            args=([texts[id(job)] for job in shard], concurrency, host_timeout, writer),
            name=f"ios-ssh-shard-{index}",  # shard i: round-robin (jobs.shards)
            daemon=True,
        )
        process.start()
        writer.close()  # the worker holds the only writer: its end of file is ours
        workers.append(_Worker(process, reader, shard))
    results: dict[str, Outcome] = {}

    def record(name: str, outcome: Outcome) -> None:
        if name in by_name and name not in results:  # one terminal outcome per host
            results[name] = outcome
            if on_done is not None:
                on_done(name, outcome)

    def receive(text: bytes) -> None:
        try:
            message = decode(text.decode("utf-8", errors="replace"))
        except WireError as exc:
            log.warning("a worker process sent something other than a result: %s", exc)
            return
        if not isinstance(message, End) and message.name in by_name:
            job = by_name[message.name]
            record(message.name, settle(job, message.outcome, message.pins))

    live = list(workers)
    try:
        while live:
            ready = wait([w.reader for w in live] + [w.process.sentinel for w in live])
            for worker in [w for w in live if w.reader in ready or w.process.sentinel in ready]:
                ended = worker.process.sentinel in ready  # what it sent is in the pipe by now
                if _receive(worker, receive) and not ended:
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


def _receive(worker: _Worker, receive: Callable[[bytes], None]) -> bool:
    """Take what the worker has sent so far; False once its pipe is closed (the worker
    ended, or died, possibly in the middle of a message)."""
    try:
        while worker.reader.poll():
            receive(worker.reader.recv_bytes(MAX_MESSAGE))
    except (EOFError, OSError):
        return False
    return True


MAX_MESSAGE = 64 * 2**20  # bytes: a longer message ends the worker's pipe (OSError)


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
