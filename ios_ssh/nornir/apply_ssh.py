"""Nornir task: converge a host to an SSH intent, safely, and verify."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nornir.core.task import Result, Task

from ..intent import SshIntent
from ..session import Driver
from ..tasks import apply
from .host import allows_unprotected, conversation, device_params, host_intent
from .result import report_result


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
    """Converge the task's host to an SSH intent, safely, and verify (`ios_ssh.apply` over
    the host's nornir_netmiko or nornir_scrapli connection).

    Args:
        task: The Nornir task (its host's data gives `ssh_intent`, `ssh_intent_file`,
            `allow_unprotected` and the connection settings).
        intent: The intent (a model or a YAML path); None: the host's `ssh_intent_file`.
            The host's `ssh_intent` data is merged over it (defaults < groups < host).
        driver: `netmiko` or `scrapli`.
        dry_run: Plan and show the diff, send nothing (None: Nornir's own dry_run).
        secrets: The values of the secrets the intent names (default: the environment).
        save: `write memory` after the change is confirmed.
        revert_minutes: The revert timer while the change is tried, 1-120.
        allow_unprotected: Change a router that has no revert timer, unprotected.
        checkpoint: Without a revert timer: restore a running-config copy on a failure.
        reload_minutes: With `checkpoint`: `reload in N` unless the fresh login works.

    Returns:
        A Result whose `result` is the Report, with its `changed`, `diff` and
            `failed` (and, for print_result, the failures as `stdout`, severity ERROR).
    """
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
    return report_result(task, report, changed=report.changed)
