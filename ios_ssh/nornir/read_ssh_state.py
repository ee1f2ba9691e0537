"""Nornir task: a host's SSH state (DeviceState)."""

from __future__ import annotations

from nornir.core.task import Result, Task

from ..session import Driver
from ..tasks import read_state
from .host import conversation, device_params


def read_ssh_state(task: Task, driver: Driver = "netmiko") -> Result:
    """Read the task's host's SSH state (the show commands of `ios_ssh.read_state`).

    Args:
        task: The Nornir task.
        driver: `netmiko` or `scrapli`.

    Returns:
        A Result whose `result` is the DeviceState; nothing is changed.
    """
    with conversation(task, driver, device_params(task)) as (conv, params):
        state = read_state(params, driver, session=conv)
    return Result(host=task.host, result=state, changed=False)
