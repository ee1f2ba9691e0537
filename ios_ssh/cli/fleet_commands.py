"""`ios-ssh apply`, `verify` and `state`: a fleet through the async engine or Nornir."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import IntentError
from ..report import Report
from .app import app
from .common import (
    EXIT_FAILED,
    AgentOpt,
    AlgorithmsOpt,
    ConcurrencyOpt,
    DaskOpt,
    EngineDriverOpt,
    GroupOpt,
    HostKeyOpt,
    HostOpt,
    HostTimeoutOpt,
    InventoryOpt,
    JsonOpt,
    JumpHostOpt,
    KeyFileOpt,
    KnownHostsOpt,
    ProcessesOpt,
    WorkersOpt,
    ask_secrets,
    bad_input,
    check_driver,
    connection_options,
    console,
    finish,
    host_timeout_of,
    inventory_nornir,
    load_intent,
    run_engine,
)


@app.command()
def apply(
    intent: Annotated[Path, typer.Argument(help="intent YAML file")],
    inventory: InventoryOpt = Path("inventory/lab"),
    host: HostOpt = None,
    group: GroupOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show the diff, send nothing")] = False,
    driver: EngineDriverOpt = None,
    workers: WorkersOpt = 4,
    processes: ProcessesOpt = None,
    concurrency: ConcurrencyOpt = 100,
    dask_scheduler: DaskOpt = None,
    host_timeout: HostTimeoutOpt = None,
    save: Annotated[
        bool, typer.Option("--save", help="write memory after a confirmed change")
    ] = False,
    revert_minutes: Annotated[
        int, typer.Option("--revert-minutes", help="revert timer while a change is tried, 1-120")
    ] = 5,
    allow_unprotected: Annotated[
        bool,
        typer.Option(
            "--allow-unprotected",
            help="change routers that have no revert timer (12.2SX before SXI), unprotected; "
            "per host: allow_unprotected in its data",
        ),
    ] = False,
    checkpoint: Annotated[
        bool,
        typer.Option(
            "--checkpoint",
            help="without a revert timer (12.2SXH): restore a running-config copy on a failure",
        ),
    ] = False,
    reload_in: Annotated[
        int | None,
        typer.Option(
            "--reload-in",
            min=1,
            max=1440,
            help="with --checkpoint: reload in N minutes unless the fresh login works",
        ),
    ] = None,
    as_json: JsonOpt = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="also write the HTML report to this file")
    ] = None,
    host_key_check: HostKeyOpt = None,
    known_hosts: KnownHostsOpt = None,
    ssh_algorithms: AlgorithmsOpt = None,
    jump_host: JumpHostOpt = None,
    key_file: KeyFileOpt = None,
    allow_agent: AgentOpt = None,
) -> None:
    """Converge every host to INTENT, safely (revert timer, fresh-login check), and verify."""
    from ..nornir import apply_ssh
    from ..tasks import check_revert_minutes
    from .runs import report_of, run_with_progress

    try:
        check_revert_minutes(revert_minutes)
    except IntentError as exc:
        raise bad_input(f"--revert-minutes: {exc.problems[0].split(': ', 1)[1]}") from None
    per_host = host_timeout_of(host_timeout, driver)
    loaded = load_intent(intent)
    connection = connection_options(
        host_key_check, known_hosts, ssh_algorithms, jump_host, key_file, allow_agent
    )
    nornir = inventory_nornir(inventory, host, group, workers, loaded, connection)
    secrets = ask_secrets(loaded)
    if driver is None:  # the async engine
        options = {"dry_run": dry_run, "secrets": secrets, "save": save}
        options["revert_minutes"] = revert_minutes
        options.update(
            checkpoint=checkpoint, reload_minutes=reload_in, allow_unprotected=allow_unprotected
        )
        reports = run_engine(
            nornir,
            "apply",
            loaded,
            options,
            "applying",
            as_json,
            processes,
            concurrency,
            dask_scheduler,
            per_host,
        )
        finish(reports, "dry run" if dry_run else "apply", as_json, show_diff=dry_run, html=html)
    results = run_with_progress(
        nornir,
        apply_ssh,
        "applying",
        console,
        as_json,
        intent=loaded,
        driver=check_driver(driver),
        dry_run=dry_run,
        secrets=secrets,
        save=save,
        revert_minutes=revert_minutes,
        allow_unprotected=allow_unprotected,
        checkpoint=checkpoint,
        reload_minutes=reload_in,
    )
    reports = {name: report_of(outcome, name) for name, outcome in results.items()}
    finish(reports, "dry run" if dry_run else "apply", as_json, show_diff=dry_run, html=html)


@app.command()
def verify(
    intent: Annotated[Path, typer.Argument(help="intent YAML file")],
    inventory: InventoryOpt = Path("inventory/lab"),
    host: HostOpt = None,
    group: GroupOpt = None,
    driver: EngineDriverOpt = None,
    workers: WorkersOpt = 4,
    processes: ProcessesOpt = None,
    concurrency: ConcurrencyOpt = 100,
    dask_scheduler: DaskOpt = None,
    host_timeout: HostTimeoutOpt = None,
    as_json: JsonOpt = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="also write the HTML report to this file")
    ] = None,
    host_key_check: HostKeyOpt = None,
    known_hosts: KnownHostsOpt = None,
    ssh_algorithms: AlgorithmsOpt = None,
    jump_host: JumpHostOpt = None,
    key_file: KeyFileOpt = None,
    allow_agent: AgentOpt = None,
) -> None:
    """Check every host against INTENT (configuration and live probes); changes nothing."""
    from ..nornir import verify_ssh
    from .runs import report_of, run_with_progress

    per_host = host_timeout_of(host_timeout, driver)
    loaded = load_intent(intent)
    connection = connection_options(
        host_key_check, known_hosts, ssh_algorithms, jump_host, key_file, allow_agent
    )
    nornir = inventory_nornir(inventory, host, group, workers, loaded, connection)
    secrets = {k: v for k, v in os.environ.items() if k in {u.secret_env for u in loaded.users}}
    if driver is None:  # the async engine
        reports = run_engine(
            nornir,
            "verify",
            loaded,
            {"secrets": secrets},
            "verifying",
            as_json,
            processes,
            concurrency,
            dask_scheduler,
            per_host,
        )
        finish(reports, "verify", as_json, html=html)
    results = run_with_progress(
        nornir,
        verify_ssh,
        "verifying",
        console,
        as_json,
        intent=loaded,
        driver=check_driver(driver),
        secrets=secrets,
    )
    finish({n: report_of(o, n) for n, o in results.items()}, "verify", as_json, html=html)


@app.command()
def state(
    inventory: InventoryOpt = Path("inventory/lab"),
    host: HostOpt = None,
    group: GroupOpt = None,
    driver: EngineDriverOpt = None,
    workers: WorkersOpt = 4,
    processes: ProcessesOpt = None,
    concurrency: ConcurrencyOpt = 100,
    dask_scheduler: DaskOpt = None,
    host_timeout: HostTimeoutOpt = None,
    as_json: JsonOpt = False,
    host_key_check: HostKeyOpt = None,
    known_hosts: KnownHostsOpt = None,
    ssh_algorithms: AlgorithmsOpt = None,
    jump_host: JumpHostOpt = None,
    key_file: KeyFileOpt = None,
    allow_agent: AgentOpt = None,
) -> None:
    """Read each host's SSH state."""
    from ..nornir import read_ssh_state
    from .runs import HostFailure, report_of, run_with_progress, to_json

    per_host = host_timeout_of(host_timeout, driver)
    connection = connection_options(
        host_key_check, known_hosts, ssh_algorithms, jump_host, key_file, allow_agent
    )
    nornir = inventory_nornir(inventory, host, group, workers, connection=connection)
    if driver is None:  # the async engine: a DeviceState, or a Report saying why not
        read = run_engine(
            nornir,
            "state",
            None,
            {},
            "reading",
            as_json,
            processes,
            concurrency,
            dask_scheduler,
            per_host,
        )
    else:
        results = run_with_progress(
            nornir, read_ssh_state, "reading", console, as_json, driver=check_driver(driver)
        )
        read = {
            n: report_of(o, n) if isinstance(o, HostFailure) else o.result
            for n, o in results.items()
        }
    # A host that could not be read has its Report (as apply and verify give it), never
    # nothing: the JSON names every host of the inventory.
    failed = {n: o for n, o in read.items() if isinstance(o, Report)}
    if as_json:
        console.print_json(to_json(read))
    else:
        for name, item in read.items():
            if isinstance(item, Report):  # one line per error, never a driver's paragraphs
                lines = [f"{name}: error: {e}" for e in item.errors or [item.outcome]]
            else:
                lines = [f"{name}: {item.summary()}"]
            for line in lines:
                console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FAILED if failed else 0)
