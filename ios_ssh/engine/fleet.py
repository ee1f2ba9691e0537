"""Many hosts: each host's flow on one event loop per process, a concurrency limit and a
per-host timeout; the inventory sharded over processes. Every host ends with a value: its
Report (or DeviceState), or a Report that says why there is none."""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import flow, loops
from ..errors import ConnectError, IntentError
from ..intent import SshIntent
from ..report import Report
from ..session.conversation import Steps
from ..session.failures import one_line
from ..session.params import DeviceParams
from ..state import DeviceState
from .aio import Tally, run_async
from .sync import Stop, run_sync

Kind = Literal["apply", "verify", "state"]
HOST_TIMEOUT = 900.0  # s: covers a Sup720's 2048-bit keygen (minutes) plus the checks
MAX_HOST_TIMEOUT = 86400.0  # s: a day; longer is a typo, not a router


@dataclass(frozen=True)
class Job:
    """One host's work, plain data (it crosses process and machine boundaries)."""

    name: str
    kind: Kind
    params: DeviceParams
    intent: SshIntent | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # apply/verify keywords


@dataclass
class Outcome:
    """One host's result and what it cost."""

    value: Report | DeviceState
    sessions: int = 0
    round_trips: int = 0
    seconds: float = 0.0


def steps_of(job: Job) -> Steps[Report | DeviceState]:
    if job.kind == "state":
        return _state(job.params)
    assert job.intent is not None
    if job.kind == "verify":
        return flow.verify(job.params, job.intent, **job.options)
    return flow.apply(job.params, job.intent, **job.options)


def _state(params: DeviceParams) -> Steps[DeviceState]:
    conv = yield from flow.protocol.opened(params, "netmiko")
    try:
        return (yield from flow.read_state(conv))
    finally:
        yield from flow.protocol.close(conv)


def failed(name: str, error: BaseException | str, seconds: float, *, started: bool) -> Report:
    """The Report of a host whose flow gave none: `started` says a change may have begun."""
    before = not started or isinstance(error, ConnectError | IntentError)
    return Report(
        name,
        ok=False,
        outcome="failed-before-change" if before else "unknown",
        errors=[one_line(error)],  # one line under 200: a driver's paragraphs cut
        seconds=seconds,
    )


async def run_one(job: Job, host_timeout: float = HOST_TIMEOUT) -> Outcome:
    tally, started, stop = Tally(), time.monotonic(), Stop()
    if job.params.transport == "telnet":  # factory routers: the sync runner, in a thread
        work = _in_thread(run_sync, steps_of(job), stop)
    else:
        work = run_async(steps_of(job), tally)
    try:
        value = await asyncio.wait_for(work, host_timeout)
    except TimeoutError:
        # a thread cannot be cancelled: its sessions are cut and its next step refused
        stop.stop(f"no result within {host_timeout:g} s")
        value = failed(
            job.name,
            f"no result within {host_timeout:g} s; its sessions were closed (a change under "
            "way is rolled back by the router's revert timer)",
            time.monotonic() - started,
            started=job.kind == "apply",
        )
    except Exception as exc:  # noqa: BLE001 - one host never stops the others
        value = failed(job.name, exc, time.monotonic() - started, started=job.kind == "apply")
    except asyncio.CancelledError:  # the run itself is stopping (Ctrl-C, a Dask cancel)
        stop.stop("the run was cancelled")
        raise
    return Outcome(value, tally.sessions, tally.round_trips, time.monotonic() - started)


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` in a daemon thread of its own. Unlike asyncio.to_thread (the loop's
    executor, which the loop waits for when it closes), a thread still logging in when
    its host timed out cannot hold the whole run up to that login's own timeout; the
    session it opens is cut as soon as it exists (Stop)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():  # timed out or cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def work() -> None:
        try:
            result, error = fn(*args), None
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="ios-ssh-sync-host", daemon=True).start()
    return await future


async def run_jobs(
    jobs: list[Job],
    concurrency: int = 100,
    host_timeout: float = HOST_TIMEOUT,
    on_done: Callable[[str, Outcome], None] | None = None,
) -> dict[str, Outcome]:
    """Every job on this event loop, at most `concurrency` at a time."""
    limit = asyncio.Semaphore(concurrency)

    async def one(job: Job) -> tuple[str, Outcome]:
        async with limit:
            outcome = await run_one(job, host_timeout)
        if on_done is not None:
            on_done(job.name, outcome)
        return job.name, outcome

    return dict(await asyncio.gather(*(one(job) for job in jobs)))


def run_jobs_sending(
    jobs: list[Job],
    concurrency: int,
    host_timeout: float,
    send: Callable[[tuple[str, Outcome]], None],
) -> dict[str, Outcome]:
    """`run_jobs` on an event loop of this thread, each host's (name, Outcome) handed to
    `send` as it ends, from another thread: a send that blocks (a full pipe, a Dask call)
    never stalls the loop's sessions. Returns once everything was sent."""
    outbox: queue.SimpleQueue[tuple[str, Outcome] | None] = queue.SimpleQueue()

    def sender() -> None:
        while (item := outbox.get()) is not None:
            send(item)

    thread = threading.Thread(target=sender, daemon=True)
    thread.start()
    try:
        return loops.run(run_jobs(jobs, concurrency, host_timeout, lambda n, o: outbox.put((n, o))))
    finally:
        outbox.put(None)
        thread.join()


def shards(jobs: list[Job], count: int) -> list[list[Job]]:
    """Round-robin, so each shard gets a like mix of the inventory."""
    return [s for s in (jobs[i::count] for i in range(count)) if s]


def run_fleet(
    jobs: list[Job],
    *,
    processes: int | None = None,
    concurrency: int = 100,
    host_timeout: float = HOST_TIMEOUT,
    on_done: Callable[[str, Outcome], None] | None = None,
    dask_scheduler: str | None = None,
) -> dict[str, Outcome]:
    """Run every job: in this process with `processes=1`, else sharded over that many
    processes (default: every core), or over the Dask cluster at `dask_scheduler`.
    `concurrency` is per process. A process that dies leaves its unfinished hosts with a
    terminal outcome, never missing."""
    if dask_scheduler:
        from .dask import run_on_dask

        return run_on_dask(
            jobs,
            dask_scheduler,
            concurrency=concurrency,
            host_timeout=host_timeout,
            on_done=on_done,
        )
    count = max(1, min(processes or os.cpu_count() or 1, len(jobs) or 1))
    if count == 1:
        return loops.run(run_jobs(jobs, concurrency, host_timeout, on_done))
    from .processes import run_on_processes

    return run_on_processes(
        jobs, count, concurrency=concurrency, host_timeout=host_timeout, on_done=on_done
    )


def lost_host(job: Job, why: str) -> Outcome:
    """A host whose worker died before it reported: never silently lost, never retried
    (a change may have begun: the router's revert timer undoes an unconfirmed one)."""
    text = (  # `why` is at most ~80 characters: this stays well under message.LIMIT
        f"{why} before this host finished; not retried: its revert timer rolls back an "
        "unconfirmed change; run apply again"
        if job.kind == "apply"
        else f"{why} before this host finished"
    )
    return Outcome(failed(job.name, text, 0.0, started=job.kind == "apply"))
