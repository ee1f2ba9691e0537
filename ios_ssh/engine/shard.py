"""A shard on a worker (a process of `--processes`, a Dask worker): its jobs arrive as
JSON text, are checked as the operator's own fields are, judged against the operator's
pins (engine.trust), run on this thread's event loop, and each host's result leaves as
JSON text the moment it ends (engine.wire)."""

from __future__ import annotations

import socket
from collections.abc import Callable

from ..errors import IosSshError
from .jobs import Job, Outcome, failed
from .runner import run_jobs_sending
from .trust import WorkerTrust
from .wire import Shipped, decode_job, encode_outcome, job_name


def run_shard(
    texts: list[str], concurrency: int, host_timeout: float, send: Callable[[str], None]
) -> None:
    """Run the shard; `send` gets each host's result (JSON text), from one thread, in the
    order they end. A job that does not decode, or whose credentials are not in this
    worker's environment, is reported failed before any connection."""
    shipped: list[Shipped] = []
    for text in texts:
        try:
            shipped.append(decode_job(text))
        except (IosSshError, ValueError) as exc:  # WireError, MissingCredential, fields
            name = job_name(text) or "?"
            why = f"on worker {socket.gethostname()}: {exc}"
            send(encode_outcome(name, Outcome(failed(name, why, 0.0, started=False))))
    with WorkerTrust(shipped) as trust:
        jobs = [trust.job(item) for item in shipped]
        by_name = {job.name: job for job in jobs}

        def out(item: tuple[str, Outcome]) -> None:
            name, outcome = item
            job: Job | None = by_name.get(name)
            pins = trust.pins(job) if job is not None else []
            send(trust.shown(encode_outcome(name, outcome, pins)))

        if jobs:
            run_jobs_sending(jobs, concurrency, host_timeout, out)
