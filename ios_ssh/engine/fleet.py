"""Many hosts: the inventory's Jobs run on this process's event loop, sharded over
worker processes, or on a Dask cluster. Every host ends with a value: its Report (or
DeviceState), or a Report that says why there is none.

The plain data is in `jobs`, the event-loop runner in `runner`; `processes` and `dask`
import those, never this module."""

from __future__ import annotations

import os
from collections.abc import Callable

from .. import loops
from .jobs import HOST_TIMEOUT, MAX_HOST_TIMEOUT, Job, Kind, Outcome, failed, lost_host, shards
from .runner import run_jobs, run_jobs_sending, run_one, steps_of

__all__ = [
    "HOST_TIMEOUT", "MAX_HOST_TIMEOUT", "Job", "Kind", "Outcome", "failed", "lost_host",
    "run_fleet", "run_jobs", "run_jobs_sending", "run_one", "shards", "steps_of",
]  # fmt: skip


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
        from .dask import run_on_dask  # Dask is an optional extra

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
