"""`ios-ssh apply`, `verify` and `state`: a fleet through the async engine or Nornir."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .. import inert, redact
from ..errors import IntentError
from ..report import Report
from .app import app
from .common import (
    EXIT_FAILED,
    AgentOpt,
    AlgorithmsOpt,
    ConcurrencyOpt,
    DaskCredentialsOpt,
    DaskOpt,
    DaskTlsCaOpt,
    DaskTlsCertOpt,
    DaskTlsKeyOpt,
    EngineDriverOpt,
    GroupOpt,
    HostKeyOpt,
    HostOpt,
    HostTimeoutOpt,
    IntentArg,
    InventoryOpt,
    JsonOpt,
    JumpHostOpt,
    KeyFileOpt,
    KnownHostsOpt,
    NornirConfigOpt,
    PrivateKeyOpt,
    ProcessesOpt,
    RevokedSecretOpt,
    WorkersOpt,
    ask_secrets,
    bad_input,
    check_driver,
    check_output_paths,
    console,
    finish,
    fleet_options,
    load_intent,
    open_fleet,
    print_json,
    proof_inputs,
    run_engine,
    worker_secret_names,
)


@app.command()
def apply(
    intent: IntentArg,
    inventory: InventoryOpt = None,
    nornir_config: NornirConfigOpt = None,
    host: HostOpt = None,
    group: GroupOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show the diff, send nothing")] = False,
    driver: EngineDriverOpt = None,
    workers: WorkersOpt = 4,
    processes: ProcessesOpt = None,
    concurrency: ConcurrencyOpt = 100,
    dask_scheduler: DaskOpt = None,
    dask_tls_ca_file: DaskTlsCaOpt = None,
    dask_tls_cert: DaskTlsCertOpt = None,
    dask_tls_key: DaskTlsKeyOpt = None,
    dask_credentials: DaskCredentialsOpt = "operator",
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
    private_key: PrivateKeyOpt = None,
    revoked_secret_env: RevokedSecretOpt = None,
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
    check_output_paths(html=html)
    loaded = load_intent(intent)
    fleet = open_fleet(loaded, **fleet_options(locals()))
    nornir, dask, per_host = fleet.nornir, fleet.dask, fleet.host_timeout
    names = worker_secret_names(loaded) if dask.worker_env else None
    # the proof inputs are the operator's: over tcp:// the Dask boundary refuses them
    private_keys, revoked = proof_inputs(private_key, revoked_secret_env, loaded)
    secrets = {**({} if dask.worker_env else ask_secrets(loaded)), **revoked}
    if driver is None:  # the async engine
        options = {"dry_run": dry_run, "secrets": secrets, "save": save}
        options["private_keys"] = private_keys
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
            dask,
            per_host,
            names,
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
        private_keys=private_keys,
    )
    reports = {name: report_of(outcome, name) for name, outcome in results.items()}
    finish(reports, "dry run" if dry_run else "apply", as_json, show_diff=dry_run, html=html)


@app.command()
def verify(
    intent: IntentArg,
    inventory: InventoryOpt = None,
    nornir_config: NornirConfigOpt = None,
    host: HostOpt = None,
    group: GroupOpt = None,
    driver: EngineDriverOpt = None,
    workers: WorkersOpt = 4,
    processes: ProcessesOpt = None,
    concurrency: ConcurrencyOpt = 100,
    dask_scheduler: DaskOpt = None,
    dask_tls_ca_file: DaskTlsCaOpt = None,
    dask_tls_cert: DaskTlsCertOpt = None,
    dask_tls_key: DaskTlsKeyOpt = None,
    dask_credentials: DaskCredentialsOpt = "operator",
    host_timeout: HostTimeoutOpt = None,
    as_json: JsonOpt = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="also write the HTML report to this file")
    ] = None,
    host_key_check: HostKeyOpt = None,
    known_hosts: KnownHostsOpt = None,
    ssh_algorithms: AlgorithmsOpt = None,
    private_key: PrivateKeyOpt = None,
    revoked_secret_env: RevokedSecretOpt = None,
    jump_host: JumpHostOpt = None,
    key_file: KeyFileOpt = None,
    allow_agent: AgentOpt = None,
) -> None:
    """Check every host against INTENT (configuration and live probes); changes nothing."""
    from ..nornir import verify_ssh
    from .runs import report_of, run_with_progress

    check_output_paths(html=html)
    loaded = load_intent(intent)
    fleet = open_fleet(loaded, **fleet_options(locals()))
    nornir, dask, per_host = fleet.nornir, fleet.dask, fleet.host_timeout
    wanted = {u.secret_env for u in loaded.users if u.secret_env}
    secrets = {} if dask.worker_env else {k: v for k, v in os.environ.items() if k in wanted}
    names = {f"secrets.{name}": name for name in wanted} if dask.worker_env else None
    private_keys, revoked = proof_inputs(private_key, revoked_secret_env, loaded)
    secrets.update(revoked)
    redact.register(secrets.values())  # before Nornir logs the task's arguments
    if driver is None:  # the async engine
        reports = run_engine(
            nornir,
            "verify",
            loaded,
            {"secrets": secrets, "private_keys": private_keys},
            "verifying",
            as_json,
            processes,
            concurrency,
            dask,
            per_host,
            names,
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
        private_keys=private_keys,
    )
    finish({n: report_of(o, n) for n, o in results.items()}, "verify", as_json, html=html)


@app.command()
def state(
    inventory: InventoryOpt = None,
    nornir_config: NornirConfigOpt = None,
    host: HostOpt = None,
    group: GroupOpt = None,
    driver: EngineDriverOpt = None,
    workers: WorkersOpt = 4,
    processes: ProcessesOpt = None,
    concurrency: ConcurrencyOpt = 100,
    dask_scheduler: DaskOpt = None,
    dask_tls_ca_file: DaskTlsCaOpt = None,
    dask_tls_cert: DaskTlsCertOpt = None,
    dask_tls_key: DaskTlsKeyOpt = None,
    dask_credentials: DaskCredentialsOpt = "operator",
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
    from ..nornir.host import device_params_of
    from .runs import HostFailure, report_of, run_with_progress, to_json

    fleet = open_fleet(None, **fleet_options(locals()))
    nornir, dask, per_host = fleet.nornir, fleet.dask, fleet.host_timeout
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
            dask,
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
    # A read whose host key was not checked (host_key_check: off) says so.
    checks = {n: device_params_of(h).host_key_check for n, h in nornir.inventory.hosts.items()}
    if as_json:
        print_json(to_json(read, checks))
    else:
        for name, item in read.items():
            if isinstance(item, Report):  # one line per error, never a driver's paragraphs
                lines = [f"{name}: error: {e}" for e in item.errors or [item.outcome]]
            else:
                lines = [f"{name}: {item.summary()}"]
                if checks.get(name) == "off":
                    lines.append(
                        f"{name}: warning: host key NOT checked (host_key_check=off): "
                        "the identity of the router read was not verified"
                    )
            for line in lines:
                inert.echo(console, line)
    raise typer.Exit(EXIT_FAILED if failed else 0)
