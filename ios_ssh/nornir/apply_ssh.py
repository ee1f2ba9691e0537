"""Nornir task: converge a host to an SSH intent, safely, and verify."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nornir.core.task import Result, Task

from ..intent import SshIntent
from ..session import Driver
from ..tasks import apply
from .host import allows_unprotected, conversation, device_params, host_intent


def apply_ssh(
    task: Task,
    intent: SshIntent | str | Path | None = None,
    driver: Driver = "netmiko",
    dry_run: bool | None = None,
    secrets: Mapping[str, str] | None = None,
    save: bool = False,
    revert_minutes: int = 5,
    allow_unprotected: bool = False,
    checkpoint: bool = False,
    reload_minutes: int | None = None,
    private_keys: Mapping[str, str | Path] | None = None,
) -> Result:
    """Result: `changed`, `diff` and `failed` from the Report, which is `result`."""
    with conversation(task, driver, device_params(task)) as (conv, params):
        report = apply(
            params,
            host_intent(task, intent),
            driver,
            dry_run=task.is_dry_run(dry_run),
            secrets=secrets,
            save=save,
            revert_minutes=revert_minutes,
            allow_unprotected=allow_unprotected or allows_unprotected(task.host),
            session=conv,
            checkpoint=checkpoint,
            reload_minutes=reload_minutes,
            private_keys=private_keys,
        )
    return Result(
        host=task.host,
        result=report,
        changed=report.changed,
        diff=report.diff,
        failed=not report.ok,
    )
