"""Running a fleet for the command line: progress bars (Nornir runs and the async engine),
results, the summary table, details and JSON."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from typing import Any

from nornir.core import Nornir
from nornir.core.task import AggregatedResult, MultiResult, Result, Task
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import inert
from ..errors import ConnectError, IntentError
from ..report import Report
from ..session.failures import one_line, one_line_text
from ..state import DeviceState


@dataclasses.dataclass(frozen=True)
class HostFailure:
    """A task that raised instead of returning a Report, and how long it ran."""

    error: BaseException
    seconds: float


class _ProgressProcessor:
    """Nornir processor that advances a progress bar as hosts finish, and times each."""

    def __init__(self, progress: Progress, task_id: Any) -> None:
        self.progress, self.task_id = progress, task_id
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}

    def task_started(self, task: Task) -> None: ...
    def task_completed(self, task: Task, result: AggregatedResult) -> None: ...
    def subtask_instance_started(self, task: Task, host: Any) -> None: ...
    def subtask_instance_completed(self, task: Task, host: Any, result: MultiResult) -> None: ...

    def task_instance_started(self, task: Task, host: Any) -> None:
        self.started[host.name] = time.monotonic()

    def task_instance_completed(self, task: Task, host: Any, result: MultiResult) -> None:
        self.seconds[host.name] = time.monotonic() - self.started.get(host.name, time.monotonic())
        self.progress.advance(self.task_id)


def run_with_progress(
    nornir: Nornir,
    task: Callable[..., Result],
    label: str,
    console: Console,
    quiet: bool,
    **kwargs: Any,
) -> dict[str, Result | HostFailure]:
    """Run `task` on every host; a failure on one never stops the others."""
    hosts = list(nornir.inventory.hosts)
    with _progress(console, quiet) as progress:
        task_id = progress.add_task(label, total=len(hosts))
        timer = _ProgressProcessor(progress, task_id)
        try:
            results = nornir.with_processors([timer]).run(task=task, on_failed=True, **kwargs)
        finally:  # give the routers their vty lines back now, not at garbage collection
            nornir.close_connections(on_good=True, on_failed=True)
    out: dict[str, Result | HostFailure] = {}
    for name in hosts:
        first = results[name][0]
        if first.exception is not None:
            out[name] = HostFailure(first.exception, timer.seconds.get(name, 0.0))
        else:
            out[name] = first
    return out


def _progress(console: Console, quiet: bool) -> Progress:
    """The fleet progress bar, the same for the Nornir path and the async engine."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet,
    )


def run_engine_with_progress(
    jobs: list[Any],
    label: str,
    console: Console,
    quiet: bool,
    *,
    processes: int | None = None,
    concurrency: int = 100,
    dask_scheduler: str | None = None,
    host_timeout: float | None = None,
    dask_security: Any | None = None,
    dask_credentials: Any = "operator",
) -> dict[str, Any]:
    """Run engine Jobs (the async engine, on this machine's cores or a Dask cluster) with
    the same progress bar: {host: Outcome}."""
    from ..engine.fleet import HOST_TIMEOUT, run_fleet

    per_host = HOST_TIMEOUT if host_timeout is None else host_timeout
    with _progress(console, quiet) as progress:
        task_id = progress.add_task(label, total=len(jobs))

        def done(_name: str, _outcome: object) -> None:
            progress.advance(task_id)

        return run_fleet(
            jobs,
            processes=processes,
            concurrency=concurrency,
            host_timeout=per_host,
            on_done=done,
            dask_scheduler=dask_scheduler,
            dask_security=dask_security,
            dask_credentials=dask_credentials,
        )


def report_of(outcome: Result | HostFailure, host: str) -> Report:
    if isinstance(outcome, HostFailure):
        error = outcome.error
        before = isinstance(error, ConnectError | IntentError)
        return Report(
            host,
            ok=False,
            outcome="failed-before-change" if before else "unknown",
            errors=[one_line(error)],  # never a driver's paragraphs of hints
            seconds=outcome.seconds,
        )
    report = outcome.result
    if isinstance(report, Report):  # a device's refusal comes with its caret line
        report.errors = [one_line_text(error) for error in report.errors]
    return report


def summary_table(reports: dict[str, Report], title: str) -> Table:
    """One row per host; every cell is inert text (a host name with `[/]` or an escape
    sequence is shown as written, never obeyed)."""
    table = Table(title=inert.text(title))
    for column in ("host", "result", "outcome", "checks", "time"):
        table.add_column(column, justify="right" if column in ("checks", "time") else "left")
    for name, report in reports.items():
        if report.refusals:
            result = inert.text("refused", "yellow")
        elif report.errors:
            result = inert.text("error", "red")
        elif report.ok:
            result = inert.text("ok", "green")
        else:
            result = inert.text("FAILED", "red")
        passed = sum(1 for c in report.checks if c.ok)
        table.add_row(
            inert.text(name),
            result,
            inert.text(report.outcome),
            inert.text(f"{passed}/{len(report.checks)}"),
            inert.text(f"{report.seconds:.1f}s"),
        )
    return table


# How session.identity's note on an unchecked host key begins (host_key_check: off): a
# run that trusted a host it did not check says so on the terminal, pass or fail.
UNCHECKED_HOST_KEY = "host key NOT checked"


def details(reports: dict[str, Report]) -> list[str]:
    """Why each host that did not pass did not pass, and each host whose key was not
    checked (raw text: print it with inert.echo)."""
    lines: list[str] = []
    for name, report in reports.items():
        for note in report.notes:
            if note.startswith(UNCHECKED_HOST_KEY):
                lines.append(f"{name}: warning: {note}")
        if report.revert:
            lines.append(f"{name}: {report.outcome}: {report.revert}")
        for refusal in report.refusals:
            lines.append(f"{name}: refused: {refusal}")
        for error in report.errors:
            lines.append(f"{name}: error: {error}")
        for check in report.failed_checks:
            lines.append(f"{name}: {check}  [{check.evidence}]")
    return lines


def to_json(
    items: dict[str, Report | DeviceState], host_key_checks: dict[str, str] | None = None
) -> str:
    """The run as JSON; with `host_key_checks` (`state`: a DeviceState has no notes), each
    host also says how its host key was checked."""

    def encode(name: str, item: Any) -> Any:
        if isinstance(item, DeviceState):
            data = dataclasses.asdict(item)
            data.pop("raw", None)
        else:
            data = dataclasses.asdict(item)
        if host_key_checks is not None and name in host_key_checks:
            data["host_key_check"] = host_key_checks[name]
        return data

    return json.dumps(
        {name: encode(name, item) for name, item in items.items()}, indent=2, default=str
    )


def timed(start: float) -> float:
    return time.monotonic() - start
