"""What the engine's runners, worker processes and Dask workers share: plain data (a Job,
its Outcome, shards of a fleet) and the Reports of hosts that never gave one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import ConnectError, IntentError
from ..intent import SshIntent
from ..report import Report
from ..session.failures import one_line
from ..session.params import DeviceParams
from ..state import DeviceState

Kind = Literal["apply", "verify", "state"]
HOST_TIMEOUT = 900.0  # s: covers a Sup720's 2048-bit keygen (minutes) plus the checks
MAX_HOST_TIMEOUT = 86400.0  # s: a day; longer is a typo, not a router


@dataclass(frozen=True)
class Job:
    """One host's work, plain data (it crosses process and machine boundaries as JSON
    text: engine.wire).

    `secret_env` names, for credentials resolved on the worker from ITS environment
    (`run_fleet(..., dask_credentials="worker-env")`), the variable that holds each:
    `password`, `secret` (the device's), and `secrets.KEY` for `options["secrets"][KEY]`
    (an intent's user secret or line password). The job then carries the names only."""

    name: str
    kind: Kind
    params: DeviceParams
    intent: SshIntent | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # apply/verify keywords
    secret_env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """One host's result and what it cost."""

    value: Report | DeviceState
    sessions: int = 0
    round_trips: int = 0
    seconds: float = 0.0


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


def shards(jobs: list[Job], count: int) -> list[list[Job]]:
    """Round-robin, so each shard gets a like mix of the inventory; jobs that reach one
    address (host and SSH port) stay in one shard, where their first contacts are
    decided one after the other (session.identity), never on two workers at once."""
    groups: dict[tuple[str, int], list[Job]] = {}
    for job in jobs:
        groups.setdefault(address(job), []).append(job)
    parts: list[list[Job]] = [[] for _ in range(count)]
    for index, group in enumerate(groups.values()):
        parts[index % count] += group
    return [part for part in parts if part]


def address(job: Job) -> tuple[str, int]:
    """Where the job's SSH sessions go: its host (case folded) and SSH port."""
    return job.params.host.lower(), job.params.effective_ssh_port


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
