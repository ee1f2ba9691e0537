"""Many hosts: the inventory's Jobs run on this process's event loop, sharded over
worker processes, or on a Dask cluster. Every host ends with a value: its Report (or
DeviceState), or a Report that says why there is none.

The plain data is in `jobs`, the event-loop runner in `runner`; `processes` and `dask`
import those, never this module."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Literal

from .. import loops
from .jobs import HOST_TIMEOUT, MAX_HOST_TIMEOUT, Job, Kind, Outcome, failed, lost_host, shards
from .runner import run_jobs, run_jobs_sending, run_one, steps_of
from .trust import check_files
from .wire import check_secret_env, decode_job, encode_job

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
    dask_security: Any | None = None,
    dask_credentials: Literal["operator", "worker-env"] = "operator",
) -> dict[str, Outcome]:
    """Run every job: in this process with `processes=1`, else sharded over that many
    processes (default: every core), or over the Dask cluster at `dask_scheduler`.
    `concurrency` is per process. A process that dies leaves its unfinished hosts with a
    terminal outcome, never missing.

    Dask: secret values cross only `tls://` with mutual TLS (`dask_security`, Dask's
    `Security`; else Dask's own TLS configuration); over `tcp://` a job that carries one
    is refused before anything is sent (engine.dask.DaskBoundaryError).
    `dask_credentials="worker-env"` declares that no job carries a secret value: each is
    named in `Job.secret_env` and read on the worker from its own environment.

    Every known_hosts file is read strictly first (KnownHostsError names a bad line);
    workers judge host keys against the operator's pins, and their first contacts are
    pinned in the operator's file by this process (engine.trust)."""
    for job in jobs:
        check_secret_env(job)
    if dask_scheduler:
        from .dask import run_on_dask  # Dask is an optional extra

        return run_on_dask(
            jobs,
            dask_scheduler,
            concurrency=concurrency,
            host_timeout=host_timeout,
            on_done=on_done,
            security=dask_security,
            credentials=dask_credentials,
        )
    count = max(1, min(processes or os.cpu_count() or 1, len(jobs) or 1))
    if count == 1:
        check_files(jobs)  # a bad known_hosts line: an error now, not after a change
        here = [decode_job(encode_job(job)).job if job.secret_env else job for job in jobs]
        return loops.run(run_jobs(here, concurrency, host_timeout, on_done))
    from .processes import run_on_processes

    return run_on_processes(
        jobs, count, concurrency=concurrency, host_timeout=host_timeout, on_done=on_done
    )
