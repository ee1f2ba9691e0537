"""Running Jobs on one event loop: each host's flow with its own timeout, at most
`concurrency` at a time; telnet hosts on the sync runner in a thread of their own."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from .. import flow, loops
from ..report import Report
from ..session import route
from ..session.conversation import Steps
from ..session.params import DeviceParams
from ..state import DeviceState
from .aio import Tally, run_async
from .jobs import HOST_TIMEOUT, Job, Outcome, failed
from .sync import Stop, run_sync


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

    try:
        return dict(await asyncio.gather(*(one(job) for job in jobs)))
    finally:
        await route.close_bastions()  # the jump hosts this loop's sessions went through


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
