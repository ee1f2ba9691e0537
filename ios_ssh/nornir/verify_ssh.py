"""Nornir task: check a host against an SSH intent; changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nornir.core.task import Result, Task

from ..intent import SshIntent
from ..session import Driver
from ..tasks import verify
from .host import conversation, device_params, host_intent
from .result import report_result


def verify_ssh(
    task: Task,
    intent: SshIntent | str | Path | None = None,
    driver: Driver = "netmiko",
    secrets: Mapping[str, str] | None = None,
    live: bool = True,
    private_keys: Mapping[str, str | Path] | None = None,
) -> Result:
    """Check the task's host against an SSH intent (configuration and, when `live`, the
    wire: logins, algorithms, refused transports); changes nothing.

    Args:
        task: The Nornir task.
        intent: The intent (a model or a YAML path); None: the host's `ssh_intent_file`.
        driver: `netmiko` or `scrapli`.
        secrets: The values of the secrets the intent names, for the login probes.
        live: Also probe on the wire (fresh logins, SCP, reverse SSH).

    Returns:
        A Result whose `result` is the Report (`failed` when it is not ok).
    """
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
    return report_result(task, report, changed=False)
