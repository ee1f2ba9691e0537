"""Nornir task: check a host against an SSH intent; changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nornir.core.task import Result, Task

from ..intent import SshIntent
from ..session import Driver
from ..tasks import verify
from .host import conversation, device_params, host_intent


def verify_ssh(
    task: Task,
    intent: SshIntent | str | Path | None = None,
    driver: Driver = "netmiko",
    secrets: Mapping[str, str] | None = None,
    live: bool = True,
    private_keys: Mapping[str, str | Path] | None = None,
) -> Result:
    with conversation(task, driver, device_params(task)) as (conv, params):
        report = verify(
            params,
            host_intent(task, intent),
            driver,
            secrets=secrets,
            live=live,
            session=conv,
            private_keys=private_keys,
        )
    return Result(host=task.host, result=report, changed=False, failed=not report.ok)
