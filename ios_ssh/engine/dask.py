"""Past one machine: shards of the inventory run by the async engine on Dask workers.

Each shard is one Dask task; its worker runs `run_jobs` on it and sends each host's plain
result back through a Dask Queue as it finishes (the progress bar moves per host). A
worker that dies takes only its unfinished hosts with it: each of those gets a terminal
Report saying so. Dask would re-run the task elsewhere; a Dask Variable marks each shard
as started, so a re-run refuses instead of applying a second time without the plan
saying so (the next `ios-ssh apply` plans from what the routers then hold).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from .jobs import HOST_TIMEOUT, Job, Outcome, lost_host, shards
from .runner import run_jobs_sending

STARTED = "started"


def _run_shard(
    jobs: list[Job], run: str, index: int, concurrency: int, host_timeout: float
) -> dict[str, Outcome] | str:
    """On a worker: the shard, once. Each host's Outcome goes to the run's Queue."""
    from distributed import Queue, Variable

    mark = Variable(f"ios-ssh-{run}-{index}")
    try:
        mark.get(timeout=0)
        return "rerun refused"  # this shard already started on a worker that died
    except TimeoutError:
        mark.set(STARTED)
    results: Queue = Queue(f"ios-ssh-{run}")
    # The engine's event loop runs in this thread; another one talks to the scheduler.
    return run_jobs_sending(jobs, concurrency, host_timeout, results.put)


def run_on_dask(
    jobs: list[Job],
    scheduler: str,
    *,
    concurrency: int = 100,
    host_timeout: float = HOST_TIMEOUT,
    shard_count: int | None = None,
    on_done: Callable[[str, Outcome], None] | None = None,
) -> dict[str, Outcome]:
    """Run `jobs` on the Dask cluster at `scheduler` (tcp://host:port): {host: Outcome}
    for every job, in the jobs' order. Shards: one per worker thread unless given."""
    from distributed import Client, Queue

    run = uuid.uuid4().hex
    with Client(scheduler, timeout=30) as client:
        threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
        parts = shards(jobs, shard_count or max(1, threads))
        inbox: Queue = Queue(f"ios-ssh-{run}", client=client)
        futures = [
            client.submit(
                _run_shard,
                part,
                run,
                index,
                concurrency,
                host_timeout,
                pure=False,
                key=f"ios-ssh-{run}-{index}",
            )
            for index, part in enumerate(parts)
        ]
        shard_of = {job.name: index for index, part in enumerate(parts) for job in part}
        results: dict[str, Outcome] = {}

        def record(name: str, outcome: Outcome) -> None:
            if name in shard_of and name not in results:
                results[name] = outcome
                if on_done is not None:
                    on_done(name, outcome)

        while len(results) < len(jobs):
            try:
                name, outcome = inbox.get(timeout=0.5)
                record(name, outcome)
                continue
            except TimeoutError:
                pass
            for index, future in enumerate(futures):
                if not future.done():
                    continue
                value: Any = None
                if future.status == "finished":
                    value = future.result()
                    why = worker_died(rerun_refused=value == "rerun refused")
                else:
                    why = worker_died(future.exception())
                while True:  # what the worker sent before it ended
                    try:
                        record(*inbox.get(timeout=0.2))
                    except TimeoutError:
                        break
                for job in parts[index]:
                    if isinstance(value, dict) and job.name in value:
                        record(job.name, value[job.name])
                    elif job.name not in results:
                        record(job.name, lost_host(job, why))
        for future in futures:
            future.cancel()
    return {job.name: results[job.name] for job in jobs}


def worker_died(error: BaseException | None = None, *, rerun_refused: bool = False) -> str:
    """Why a shard's hosts have no result, short: a Dask error's own text (KilledWorker's
    runs to a paragraph) is left to the Dask logs, its class named."""
    if rerun_refused:
        return "its Dask worker died (Dask's re-run was refused: no second apply)"
    return f"its Dask worker died ({type(error).__name__})" if error else "its Dask worker died"
