"""A Report as a Nornir Result that nornir_utils' print_result shows readably.

print_result prints a result's `diff`, its `result` when true (a Report is true when ok:
its one-line summary) and its `stdout`: here, for a failed report, the summary and what
failed (refusals, errors, failing checks, notes), and for an ok one only its notes. A
failed report has severity ERROR, so `print_result(r, severity_level=logging.ERROR)`
shows just the failures."""

from __future__ import annotations

import logging

from nornir.core.task import Result, Task

from ..report import Report


def report_result(task: Task, report: Report, changed: bool) -> Result:
    """The Nornir Result of apply_ssh or verify_ssh: `result` is the Report itself."""
    if report.ok:
        stdout = "\n".join(f"  note: {n}" for n in report.notes) or None
    else:
        stdout = report.text(diff=False, passed=False)
    return Result(
        host=task.host,
        result=report,
        changed=changed,
        diff=report.diff,
        failed=not report.ok,
        severity_level=logging.INFO if report.ok else logging.ERROR,
        stdout=stdout,
    )
