"""Nornir task: a host's SSH state (DeviceState)."""

from __future__ import annotations

from nornir.core.task import Result, Task

from ..session import Driver
from ..tasks import read_state
from .host import conversation, device_params


def read_ssh_state(task: Task, driver: Driver = "netmiko") -> Result:
    params = device_params(task)
    state = read_state(params, driver, session=conversation(task, driver, params))
    return Result(host=task.host, result=state, changed=False)
