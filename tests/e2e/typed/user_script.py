"""A user's script over the public API: `mypy --strict` must see its types (test_wheel)."""

from pathlib import Path
from typing import reveal_type

from nornir.core import Nornir
from nornir.core.task import AggregatedResult

import ios_ssh
from ios_ssh import DeviceState, Report, SshIntent, apply, read_state, verify
from ios_ssh.engine.fleet import Job, Outcome, run_fleet
from ios_ssh.errors import IosSshError
from ios_ssh.intents import names, path
from ios_ssh.inventory import load_inventory, transform
from ios_ssh.nornir import apply_ssh, read_ssh_state, verify_ssh

intent = SshIntent.from_yaml(path("hardening"))
device = {"host": "127.0.0.1", "port": 10001, "username": "admin", "password": "admin"}


def converge() -> bool:
    report = apply(device, intent, dry_run=True)
    checked = verify(device, intent)
    state = read_state(device)
    reveal_type(report)
    reveal_type(report.failed_checks)
    reveal_type(checked.outcome)
    reveal_type(state.image)
    reveal_type(names())
    return report.ok and checked.ok and state.ssh_enabled


def fleet(nr: Nornir) -> AggregatedResult:
    reveal_type(apply_ssh)
    reveal_type(load_inventory)
    reveal_type(transform)
    return nr.run(task=apply_ssh, intent=intent)


def engine(jobs: list[Job]) -> dict[str, Outcome]:
    out = run_fleet(jobs, processes=1)
    reveal_type(out)
    return out


try:
    converge()
except IosSshError as exc:
    print(exc, ios_ssh.__version__, Path("."), DeviceState, Report, read_ssh_state, verify_ssh)
