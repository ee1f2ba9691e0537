"""The `ios-ssh` command. Exit codes: 0 all hosts pass, 1 any fails, 2 bad input."""

from __future__ import annotations

import getpass
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .errors import IntentError, IosSshError, ParseError
from .intent import SshIntent
from .parse import parse
from .render import render_text
from .report import Report
from .secrets import secret_key, secret_value_problem
from .yamlfile import YamlProblem, read_text

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Push Secure Shell configuration to Cisco IOS / IOS-XE routers and prove it took effect.",
)
lab_app = typer.Typer(
    help="The embedded IOS lab (simulated routers on 127.0.0.1).", no_args_is_help=True
)
app.add_typer(lab_app, name="lab")

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


def _bad(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _load_intent(path: Path) -> SshIntent:
    try:
        return SshIntent.from_yaml(path)
    except IntentError as exc:
        if len(exc.problems) == 1 and exc.problems[0].startswith(f"{path}: "):
            raise _bad(f"intent: {exc.problems[0]}") from None  # the file itself
        raise _bad(f"{path}: {exc}") from None


def _driver(value: str) -> str:
    if value not in ("netmiko", "scrapli"):
        raise _bad(f"--driver: {value!r} is not allowed; use netmiko or scrapli")
    return value


def _host_timeout(value: float | None, driver: str | None) -> float:
    """The per-host timeout of the async engine; the Nornir path has none to honour."""
    from .engine.fleet import HOST_TIMEOUT, MAX_HOST_TIMEOUT

    if value is None:
        return HOST_TIMEOUT
    if driver is not None:
        raise _bad(
            "--host-timeout: the async engine only; the Nornir path (--driver) cannot stop a "
            "host's thread: drop --driver or --host-timeout"
        )
    if not 0 < value <= MAX_HOST_TIMEOUT:  # also refuses nan
        raise _bad(f"--host-timeout: {value:g} is out of range: more than 0, at most 86400 s")
    return value


def _secrets(intent: SshIntent) -> dict[str, str]:
    """Each secret the intent names: from the environment, else asked for (never echoed)."""
    found: dict[str, str] = {}
    wanted = [secret_key(u.secret_env, u.name) for u in intent.users]
    wanted += [line.password_env for line in intent.lines if line.password_env]
    for name in wanted:
        value = os.environ.get(name)
        if not value and sys.stdin.isatty():
            value = getpass.getpass(f"{name}: ")
        if not value:
            raise _bad(f"secret {name}: not in the environment and no terminal to ask on")
        problem = secret_value_problem(value)
        if problem:  # never the value itself
            raise _bad(f"secret {name}: {problem}")
        found[name] = value
    return found


def _connection(
    host_key_check: str | None, known_hosts: Path | None, ssh_algorithms: str | None
) -> dict[str, Any]:
    """The CLI's connection options; they win over the inventory's."""
    if host_key_check not in (None, "strict", "accept-new", "off"):
        raise _bad(f"--host-key-check: {host_key_check!r}: use strict, accept-new or off")
    if ssh_algorithms not in (None, "modern", "legacy-ok"):
        raise _bad(f"--ssh-algorithms: {ssh_algorithms!r}: use modern or legacy-ok")
    return {
        "host_key_check": host_key_check,
        "known_hosts": str(known_hosts.expanduser()) if known_hosts else None,
        "ssh_algorithms": ssh_algorithms,
    }


def _nornir(
    inventory: Path,
    hosts: list[str] | None,
    groups: list[str] | None,
    workers: int,
    intent: SshIntent | None = None,
    connection: dict[str, Any] | None = None,
) -> Any:
    """The filtered inventory, with every host's device fields (and, given an intent, its
    resolved intent) checked before any connection: all problems at once, exit 2."""
    from .inventory import InventoryError, filter_hosts, load_inventory
    from .nornir.host import preflight

    try:
        nornir = filter_hosts(load_inventory(inventory, workers, connection), hosts, groups)
    except InventoryError as exc:
        raise _bad(f"inventory: {exc}") from None
    if not nornir.inventory.hosts:
        raise _bad(
            f"inventory: {'no host matches --host/--group' if hosts or groups else 'no hosts'}"
        )
    problems = preflight(nornir.inventory.hosts.values(), intent)
    if problems:
        raise _bad("inventory: no host was contacted:\n" + "\n".join(f"  {p}" for p in problems))
    return nornir


def _engine(
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
    from .engine.fleet import Job
    from .fleet import run_engine_with_progress
    from .nornir.host import allows_unprotected, device_params_of, intent_for_host

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


def _finish(
    reports: dict[str, Any],
    title: str,
    as_json: bool,
    show_diff: bool = False,
    html: Path | None = None,
) -> None:
    from .fleet import details, summary_table, to_json

    if html is not None:
        from .audit import results_from_reports, write_html

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
) -> None:
    """Converge every host to INTENT, safely (revert timer, fresh-login check), and verify."""
    from .fleet import report_of, run_with_progress
    from .nornir import apply_ssh
    from .tasks import check_revert_minutes

    try:
        check_revert_minutes(revert_minutes)
    except IntentError as exc:
        raise _bad(f"--revert-minutes: {exc.problems[0].split(': ', 1)[1]}") from None
    per_host = _host_timeout(host_timeout, driver)
    loaded = _load_intent(intent)
    connection = _connection(host_key_check, known_hosts, ssh_algorithms)
    nornir = _nornir(inventory, host, group, workers, loaded, connection)
    secrets = _secrets(loaded)
    if driver is None:  # the async engine
        options = {"dry_run": dry_run, "secrets": secrets, "save": save}
        options["revert_minutes"] = revert_minutes
        options.update(
            checkpoint=checkpoint, reload_minutes=reload_in, allow_unprotected=allow_unprotected
        )
        reports = _engine(
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
        _finish(reports, "dry run" if dry_run else "apply", as_json, show_diff=dry_run, html=html)
    results = run_with_progress(
        nornir,
        apply_ssh,
        "applying",
        console,
        as_json,
        intent=loaded,
        driver=_driver(driver),
        dry_run=dry_run,
        secrets=secrets,
        save=save,
        revert_minutes=revert_minutes,
        allow_unprotected=allow_unprotected,
        checkpoint=checkpoint,
        reload_minutes=reload_in,
    )
    reports = {name: report_of(outcome, name) for name, outcome in results.items()}
    _finish(reports, "dry run" if dry_run else "apply", as_json, show_diff=dry_run, html=html)


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
) -> None:
    """Check every host against INTENT (configuration and live probes); changes nothing."""
    from .fleet import report_of, run_with_progress
    from .nornir import verify_ssh

    per_host = _host_timeout(host_timeout, driver)
    loaded = _load_intent(intent)
    connection = _connection(host_key_check, known_hosts, ssh_algorithms)
    nornir = _nornir(inventory, host, group, workers, loaded, connection)
    secrets = {k: v for k, v in os.environ.items() if k in {u.secret_env for u in loaded.users}}
    if driver is None:  # the async engine
        reports = _engine(
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
        _finish(reports, "verify", as_json, html=html)
    results = run_with_progress(
        nornir,
        verify_ssh,
        "verifying",
        console,
        as_json,
        intent=loaded,
        driver=_driver(driver),
        secrets=secrets,
    )
    _finish({n: report_of(o, n) for n, o in results.items()}, "verify", as_json, html=html)


@app.command()
def audit(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="saved configs: files or directories (Oxidized/RANCID layouts)"),
    ] = None,
    rules: Annotated[
        list[str], typer.Option("--rules", help="cis, stig, intent (repeat or comma-separate)")
    ] = ["cis"],  # noqa: B006 - typer needs a list default
    inventory: Annotated[
        Path | None, typer.Option("--inventory", "-i", help="audit these routers online")
    ] = None,
    intent: Annotated[
        Path | None, typer.Option("--intent", help="intent YAML for --rules intent")
    ] = None,
    host: HostOpt = None,
    group: GroupOpt = None,
    driver: DriverOpt = "netmiko",
    workers: WorkersOpt = 4,
    as_json: JsonOpt = False,
    junit: Annotated[Path | None, typer.Option("--junit", help="write JUnit XML here")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="write the HTML report here")] = None,
    emit_intent: Annotated[
        Path | None, typer.Option("--emit-intent", help="write an intent that fixes the failures")
    ] = None,
) -> None:
    """Audit routers (online, -i) or saved configs (offline) against CIS / STIG / an intent."""
    from .audit.cli import run_audit

    code = run_audit(
        console,
        paths=paths or [],
        rule_names=rules,
        inventory=inventory,
        intent_file=intent,
        hosts=host,
        groups=group,
        driver=driver,
        workers=workers,
        as_json=as_json,
        junit=junit,
        html=html,
        emit_intent=emit_intent,
    )
    raise typer.Exit(code)


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
) -> None:
    """Read each host's SSH state."""
    from .fleet import HostFailure, report_of, run_with_progress, to_json
    from .nornir import read_ssh_state

    per_host = _host_timeout(host_timeout, driver)
    connection = _connection(host_key_check, known_hosts, ssh_algorithms)
    nornir = _nornir(inventory, host, group, workers, connection=connection)
    if driver is None:  # the async engine: a DeviceState, or a Report saying why not
        read = _engine(
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
            nornir, read_ssh_state, "reading", console, as_json, driver=_driver(driver)
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


@app.command()
def demo(
    workers: WorkersOpt = 4,
    driver: DriverOpt = "netmiko",
) -> None:
    """Start the embedded lab, apply the shipped hardening intent, verify, stop the lab."""
    import tempfile

    from .demo import demo_nornir, intents_dir, start_demo_lab
    from .fleet import details, report_of, run_with_progress, summary_table
    from .nornir import apply_ssh, verify_ssh

    console.print("Starting the embedded lab (4 simulated IOS routers on 127.0.0.1)...")
    keys_dir = tempfile.TemporaryDirectory(prefix="ios-ssh-demo-")
    known_hosts = Path(keys_dir.name) / "known_hosts"  # the lab pins its routers' keys here
    lab, reverse_offset, seconds = start_demo_lab(known_hosts)
    try:
        for router in lab.routers:
            console.print(
                f"  {router.name}  ssh {router.host}:{router.ssh_port}  telnet {router.telnet_port}"
            )
        console.print(f"  ready in {seconds:.1f}s")
        console.print(
            f"  host keys: checked strictly against the lab's {known_hosts}", soft_wrap=True
        )
        nornir = demo_nornir(lab.routers, workers, reverse_offset, known_hosts)
        intent = SshIntent.from_yaml(intents_dir() / "hardening.yaml")
        started = time.monotonic()
        applied = run_with_progress(
            nornir, apply_ssh, "applying", console, False, intent=intent, driver=_driver(driver)
        )
        reports = {n: report_of(o, n) for n, o in applied.items()}
        console.print(
            summary_table(reports, f"apply hardening.yaml ({time.monotonic() - started:.1f}s)")
        )
        again = run_with_progress(
            nornir, verify_ssh, "verifying", console, False, intent=intent, driver=driver
        )
        verified = {n: report_of(o, n) for n, o in again.items()}
        console.print(summary_table(verified, "verify (fresh reads and live probes)"))
        for line in details(reports) + details(verified):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        ok = all(r.ok for r in reports.values()) and all(r.ok for r in verified.values())
    finally:
        lab.stop()
        keys_dir.cleanup()
        console.print("Lab stopped.")
    raise typer.Exit(0 if ok else EXIT_FAILED)


@lab_app.command("up")
def lab_up(port: Annotated[int, typer.Option(help="first port")] = 10001) -> None:
    """Start the demo lab in the background (matches inventory/lab)."""
    from . import labctl

    try:
        routers = labctl.up(port)
    except RuntimeError as exc:
        raise _bad(str(exc)) from None
    for router in routers:
        console.print(
            f"{router.name} {router.host}:{router.ssh_port} telnet={router.host}:{router.telnet_port}"
        )
    console.print(f"host keys: {labctl.known_hosts_file()} (inventory/lab checks them strictly)")
    console.print("ready (ios-ssh lab down to stop)")


@lab_app.command("down")
def lab_down() -> None:
    """Stop the background lab."""
    from . import labctl

    console.print("stopped" if labctl.down() else "no lab was running")


@lab_app.command("status")
def lab_status() -> None:
    """Is the background lab running, and do its routers answer?"""
    from . import labctl

    routers = labctl.status()
    if routers is None:
        console.print("no lab running")
        raise typer.Exit(EXIT_FAILED)
    for router, alive in routers:
        console.print(f"{router.name} {router.host}:{router.ssh_port} {'up' if alive else 'DOWN'}")
    raise typer.Exit(0 if all(alive for _, alive in routers) else EXIT_FAILED)


@app.command()
def validate(intent: Annotated[Path, typer.Argument(help="intent YAML file")]) -> None:
    """Check an intent against IOS limits and the guide's rules; touches no device."""
    _load_intent(intent)
    typer.echo(f"{intent}: valid")


@app.command()
def render(intent: Annotated[Path, typer.Argument(help="intent YAML file")]) -> None:
    """Print the IOS configuration lines an intent stands for (secrets shown by source)."""
    typer.echo(render_text(_load_intent(intent)), nl=False)


@app.command()
def schema(
    markdown: Annotated[bool, typer.Option("--markdown", help="the reference table")] = False,
) -> None:
    """Print the intent's JSON schema (or, with --markdown, the README's reference table)."""
    if markdown:
        from .intent_doc import intent_reference

        typer.echo(intent_reference(), nl=False)
        return
    typer.echo(json.dumps(SshIntent.json_schema(), indent=2))


@app.command("parse")
def parse_command(
    command: Annotated[str, typer.Argument(help="the IOS command, e.g. 'show ip ssh'")],
    output: Annotated[Path, typer.Argument(help="file with its output, or - for stdin")],
) -> None:
    """Parse saved device output into JSON records."""
    try:
        text = sys.stdin.read() if str(output) == "-" else read_text(output)
    except YamlProblem as exc:
        raise _bad(f"output: {exc}") from None
    try:
        records = parse(command, text)
    except ParseError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_FAILED) from None
    typer.echo(json.dumps(records, indent=2))


def main() -> None:
    # Nornir logs each failed host's traceback, paramiko a 21-line one when a port is not
    # SSH: the summary already says what failed, in one line. IOS_SSH_DEBUG=1 shows them.
    from .session.failures import quiet_drivers

    quiet_drivers()
    # The legacy key exchanges old routers need use finite-field DH, which `cryptography`
    # warns about on every session: the report already names legacy algorithms and the fix.
    warnings.filterwarnings("ignore", message=".*Diffie-Hellman over finite fields.*")
    try:
        app()
    except IosSshError as exc:  # a library error that escaped: say it plainly
        errors.print(f"error: {exc}", markup=False)
        sys.exit(EXIT_FAILED)


if __name__ == "__main__":
    main()
