"""What the commands share: consoles, options, input checks, and running a fleet."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..errors import IntentError
from ..intent import SshIntent
from ..secrets import secret_key, secret_value_problem

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
console = Console(stderr=False)
errors = Console(stderr=True)

InventoryOpt = Annotated[
    Path, typer.Option("--inventory", "-i", help="Nornir SimpleInventory folder")
]
HostOpt = Annotated[list[str] | None, typer.Option("--host", help="only these hosts (repeat)")]
GroupOpt = Annotated[list[str] | None, typer.Option("--group", help="only hosts in these groups")]
DriverOpt = Annotated[str, typer.Option("--driver", help="netmiko or scrapli")]
EngineDriverOpt = Annotated[
    str | None,
    typer.Option(
        "--driver", help="netmiko or scrapli: the sync Nornir path (default: the async engine)"
    ),
]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=200, help="hosts at a time")]
ProcessesOpt = Annotated[
    int | None,
    typer.Option("--processes", min=1, help="async engine: processes (default: all cores)"),
]
ConcurrencyOpt = Annotated[
    int,
    typer.Option(
        "--concurrency", min=1, max=10000, help="async engine: hosts at a time per process"
    ),
]
HostTimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--host-timeout",
        metavar="SECONDS",
        help="async engine: give up on a host after SECONDS, up to 86400 (default: 900)",
    ),
]
DaskOpt = Annotated[
    str | None,
    typer.Option("--dask-scheduler", help="run the async engine on this Dask cluster (tcp://...)"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]
HostKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--host-key-check",
        help="strict | accept-new | off (default: the inventory's, else accept-new)",
    ),
]
KnownHostsOpt = Annotated[
    Path | None,
    typer.Option("--known-hosts", help="known_hosts file (default: ~/.ssh/known_hosts)"),
]
AlgorithmsOpt = Annotated[
    str | None,
    typer.Option("--ssh-algorithms", help="modern | legacy-ok (default: legacy-ok)"),
]

JumpHostOpt = Annotated[
    str | None,
    typer.Option(
        "--jump-host",
        metavar="[USER@]HOST[:PORT]",
        help="reach every router through this SSH jump host (bastion); 'none': straight",
    ),
]
KeyFileOpt = Annotated[
    Path | None,
    typer.Option("--key-file", help="log in with this private key (passphrase: --inventory's)"),
]
AgentOpt = Annotated[
    bool | None,
    typer.Option("--allow-agent/--no-agent", help="log in with the keys of ssh-agent"),
]


def bad_input(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def load_intent(path: Path) -> SshIntent:
    try:
        return SshIntent.from_yaml(path)
    except IntentError as exc:
        if len(exc.problems) == 1 and exc.problems[0].startswith(f"{path}: "):
            raise bad_input(f"intent: {exc.problems[0]}") from None  # the file itself
        raise bad_input(f"{path}: {exc}") from None


def check_driver(value: str) -> str:
    if value not in ("netmiko", "scrapli"):
        raise bad_input(f"--driver: {value!r} is not allowed; use netmiko or scrapli")
    return value


def host_timeout_of(value: float | None, driver: str | None) -> float:
    """The per-host timeout of the async engine; the Nornir path has none to honour."""
    from ..engine.fleet import HOST_TIMEOUT, MAX_HOST_TIMEOUT

    if value is None:
        return HOST_TIMEOUT
    if driver is not None:
        raise bad_input(
            "--host-timeout: the async engine only; the Nornir path (--driver) cannot stop a "
            "host's thread: drop --driver or --host-timeout"
        )
    if not 0 < value <= MAX_HOST_TIMEOUT:  # also refuses nan
        raise bad_input(f"--host-timeout: {value:g} is out of range: more than 0, at most 86400 s")
    return value


def ask_secrets(intent: SshIntent) -> dict[str, str]:
    """Each secret the intent names: from the environment, else asked for (never echoed)."""
    found: dict[str, str] = {}
    wanted = [secret_key(u.secret_env, u.name) for u in intent.users]
    wanted += [line.password_env for line in intent.lines if line.password_env]
    for name in wanted:
        value = os.environ.get(name)
        if not value and sys.stdin.isatty():
            value = getpass.getpass(f"{name}: ")
        if not value:
            raise bad_input(f"secret {name}: not in the environment and no terminal to ask on")
        problem = secret_value_problem(value)
        if problem:  # never the value itself
            raise bad_input(f"secret {name}: {problem}")
        found[name] = value
    return found


def connection_options(
    host_key_check: str | None,
    known_hosts: Path | None,
    ssh_algorithms: str | None,
    jump_host: str | None = None,
    key_file: Path | None = None,
    allow_agent: bool | None = None,
) -> dict[str, Any]:
    """The CLI's connection options; they win over the inventory's."""
    from ..session.params import parse_jump

    if host_key_check not in (None, "strict", "accept-new", "off"):
        raise bad_input(f"--host-key-check: {host_key_check!r}: use strict, accept-new or off")
    if ssh_algorithms not in (None, "modern", "legacy-ok"):
        raise bad_input(f"--ssh-algorithms: {ssh_algorithms!r}: use modern or legacy-ok")
    if jump_host is not None and jump_host.lower() != "none":
        try:
            parse_jump(jump_host)
        except ValueError as exc:
            raise bad_input(f"--jump-host: {jump_host!r}: {exc}") from None
    if key_file is not None and not key_file.expanduser().is_file():
        raise bad_input(f"--key-file: {key_file} does not exist")
    return {
        "host_key_check": host_key_check,
        "known_hosts": str(known_hosts.expanduser()) if known_hosts else None,
        "ssh_algorithms": ssh_algorithms,
        "jump_host": jump_host,
        "key_file": str(key_file.expanduser()) if key_file else None,
        "allow_agent": allow_agent,
    }


def inventory_nornir(
    inventory: Path,
    hosts: list[str] | None,
    groups: list[str] | None,
    workers: int,
    intent: SshIntent | None = None,
    connection: dict[str, Any] | None = None,
) -> Any:
    """The filtered inventory, with every host's device fields (and, given an intent, its
    resolved intent) checked before any connection: all problems at once, exit 2."""
    from ..inventory import InventoryError, filter_hosts, load_inventory
    from ..nornir.host import preflight

    try:
        nornir = filter_hosts(load_inventory(inventory, workers, connection), hosts, groups)
    except InventoryError as exc:
        raise bad_input(f"inventory: {exc}") from None
    if not nornir.inventory.hosts:
        raise bad_input(
            f"inventory: {'no host matches --host/--group' if hosts or groups else 'no hosts'}"
        )
    problems = preflight(nornir.inventory.hosts.values(), intent)
    if problems:
        raise bad_input(
            "inventory: no host was contacted:\n" + "\n".join(f"  {p}" for p in problems)
        )
    return nornir


def run_engine(
    nornir: Any,
    kind: str,
    intent: SshIntent | None,
    options: dict[str, Any],
    label: str,
    quiet: bool,
    processes: int | None,
    concurrency: int,
    dask_scheduler: str | None,
    host_timeout: float,
) -> dict[str, Any]:
    """Run the async engine over the filtered inventory: {host: Report or DeviceState}."""
    from ..engine.fleet import Job
    from ..nornir.host import allows_unprotected, device_params_of, intent_for_host
    from .runs import run_engine_with_progress

    def options_for(host: Any) -> dict[str, Any]:
        if kind != "apply" or not allows_unprotected(host):
            return options
        return {**options, "allow_unprotected": True}  # this host's protection choice

    jobs = [
        Job(
            name,
            kind,  # type: ignore[arg-type]
            device_params_of(h),
            intent_for_host(h, intent) if intent is not None else None,
            options_for(h),
        )
        for name, h in nornir.inventory.hosts.items()
    ]
    outcomes = run_engine_with_progress(
        jobs,
        label,
        console,
        quiet,
        processes=processes,
        concurrency=concurrency,
        dask_scheduler=dask_scheduler,
        host_timeout=host_timeout,
    )
    return {name: outcome.value for name, outcome in outcomes.items()}


def finish(
    reports: dict[str, Any],
    title: str,
    as_json: bool,
    show_diff: bool = False,
    html: Path | None = None,
) -> None:
    from .runs import details, summary_table, to_json

    if html is not None:
        from ..audit import results_from_reports, write_html

        write_html(html, results_from_reports(reports), f"ios-ssh {title}")

    if as_json:
        console.print_json(to_json(reports))
    else:
        if show_diff:
            for name, report in reports.items():
                if report.diff:
                    console.print(f"[bold]{name}[/]")
                    console.print(report.diff, markup=False, highlight=False, soft_wrap=True)
        console.print(summary_table(reports, title))
        for line in details(reports):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(0 if all(r.ok for r in reports.values()) else EXIT_FAILED)
