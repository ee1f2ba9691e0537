"""What the commands share: consoles, options, input checks, and running a fleet."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .. import inert, redact
from ..errors import IntentError
from ..intent import SshIntent
from ..secrets import secret_key, secret_value_problem, server_keys

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
console = Console(stderr=False)
errors = Console(stderr=True)

InventoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--inventory",
        "-i",
        help="Nornir SimpleInventory folder (default: ./inventory/lab, else the one "
        "`ios-ssh lab up` wrote)",
    ),
]
NornirConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--nornir-config",
        help="a Nornir configuration file: its inventory plugin (NetBox, Nautobot, "
        "YAMLInventory, ...) instead of --inventory",
    ),
]
IntentArg = Annotated[
    Path,
    typer.Argument(help="intent YAML file, or a shipped intent by name (ios-ssh intents)"),
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
    typer.Option(
        "--dask-scheduler",
        help="run the async engine on this Dask cluster (tls://HOST:PORT with mutual TLS; "
        "tcp:// only when no secret would cross: --dask-credentials worker-env)",
    ),
]
DaskTlsCaOpt = Annotated[
    Path | None,
    typer.Option("--dask-tls-ca-file", help="Dask mutual TLS: the cluster's CA certificate(s)"),
]
DaskTlsCertOpt = Annotated[
    Path | None,
    typer.Option("--dask-tls-cert", help="Dask mutual TLS: this client's certificate"),
]
DaskTlsKeyOpt = Annotated[
    Path | None,
    typer.Option("--dask-tls-key", help="Dask mutual TLS: this client's private key"),
]
DaskCredentialsOpt = Annotated[
    str,
    typer.Option(
        "--dask-credentials",
        help="operator: the jobs carry the credentials (tls:// only); worker-env: each "
        "worker reads them from its own environment (password_env, secret_env and the "
        "intent's secret_env name the variables); no secret leaves this machine",
    ),
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


PrivateKeyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--private-key",
        metavar="USER=FILE",
        help="verify logs in as USER with this key: it must work if the intent keeps the key, "
        "and be refused if the intent removes it (repeat)",
    ),
]
RevokedSecretOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--revoked-secret-env",
        metavar="USER=VAR",
        help="the old secret of a user the intent removes is in $VAR: verify proves the "
        "router refuses it (repeat)",
    ),
]


def proof_inputs(
    private_key: list[str] | None, revoked: list[str] | None, intent: SshIntent
) -> tuple[dict[str, str], dict[str, str]]:
    """`--private-key USER=FILE` and `--revoked-secret-env USER=VAR`, checked before any
    connection: (private keys by user, secrets by `user:NAME`)."""
    keys: dict[str, str] = {}
    for item in private_key or []:
        user, _, path = item.partition("=")
        if not user or not path:
            raise bad_input(f"--private-key: {item!r}: use USER=FILE")
        if not Path(path).expanduser().is_file():
            raise bad_input(f"--private-key: {path}: no such file")
        keys[user] = str(Path(path).expanduser())
    found: dict[str, str] = {}
    kept = {u.name for u in intent.present_users}
    for item in revoked or []:
        user, _, name = item.partition("=")
        if not user or not name:
            raise bad_input(f"--revoked-secret-env: {item!r}: use USER=VAR")
        if user in kept:
            raise bad_input(f"--revoked-secret-env: the intent keeps user {user!r}")
        value = os.environ.get(name, "")
        if not value:
            raise bad_input(f"--revoked-secret-env: environment variable {name} is not set")
        found[f"user:{user}"] = value
    return keys, found


def bad_input(message: str) -> typer.Exit:
    # names and values from files and inventories: shown, never obeyed by the terminal
    typer.echo(inert.inert(message, lines=True), err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def output_path_problem(path: Path) -> str | None:
    """Why a report could not be written to `path` (checked before any router is touched:
    found after an apply, the report of a change already made would be lost), or None."""
    if path.is_dir():
        return "is a directory"
    parent = path.parent
    if not parent.exists():
        return f"directory {parent} does not exist"
    if not parent.is_dir():
        return f"{parent} is not a directory"
    if path.exists():
        if not os.access(path, os.W_OK):
            return "is not writable"
    elif not os.access(parent, os.W_OK | os.X_OK):
        return f"directory {parent} is not writable"
    return None


def check_output_paths(**paths: Path | None) -> None:
    """Each output option's path (`html=...`: --html), or exit 2 naming the first bad one."""
    for option, path in paths.items():
        if path is not None and (problem := output_path_problem(path.expanduser())):
            raise bad_input(f"--{option.replace('_', '-')}: {path}: {problem}")


def load_intent(given: Path) -> SshIntent:
    """The intent at a path, or the shipped one of that name (`hardening`)."""
    from ..intents import IntentNotFound
    from ..intents import path as intent_path

    try:
        path = intent_path(given)
    except IntentNotFound as exc:
        raise bad_input(f"intent: {exc}") from None
    try:
        return SshIntent.from_yaml(path)
    except IntentError as exc:
        if len(exc.problems) == 1 and exc.problems[0].startswith(f"{path}: "):
            raise bad_input(f"intent: {exc.problems[0]}") from None  # the file itself
        raise bad_input(f"{given}: {exc}") from None


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
    wanted = [secret_key(u.secret_env, u.name) for u in intent.present_users]
    wanted += [line.password_env for line in intent.lines if line.password_env]
    wanted += [s.key_env for _, servers in server_keys(intent) for s in servers if s.key_env]
    # an absent user's old secret (to prove it refused) is taken when set, never asked for
    for user in intent.users:
        old = os.environ.get(user.secret_env or "") if user.state == "absent" else None
        if old and not secret_value_problem(old):
            found[secret_key(user.secret_env, user.name)] = old
    for name in wanted:
        value = os.environ.get(name)
        if not value and sys.stdin.isatty():
            value = getpass.getpass(f"{name}: ")
        if not value:
            raise bad_input(f"secret {name}: not in the environment and no terminal to ask on")
        redact.register([value])  # before Nornir logs the task's arguments (IOS_SSH_DEBUG)
        problem = secret_value_problem(value)
        if problem:  # never the value itself
            raise bad_input(f"secret {name}: {problem}")
        found[name] = value
    return found


@dataclass(frozen=True)
class DaskSettings:
    """Where and how the async engine runs on Dask (None: on this machine)."""

    scheduler: str | None = None
    security: Any | None = None
    credentials: str = "operator"

    @property
    def worker_env(self) -> bool:
        return self.credentials == "worker-env"


def dask_settings(
    scheduler: str | None,
    ca_file: Path | None,
    cert: Path | None,
    key: Path | None,
    credentials: str,
    driver: str | None,
) -> DaskSettings:
    """The Dask options checked before the inventory is read: one line and exit 2 for a
    combination that cannot work (TLS files without tls://, a missing one, ...)."""
    tls = {"--dask-tls-ca-file": ca_file, "--dask-tls-cert": cert, "--dask-tls-key": key}
    given = [option for option, value in tls.items() if value is not None]
    if credentials not in ("operator", "worker-env"):
        raise bad_input(f"--dask-credentials: {credentials!r}: use operator or worker-env")
    if scheduler is None:
        if given or credentials != "operator":
            used = given[0] if given else "--dask-credentials"
            raise bad_input(f"{used}: only with --dask-scheduler")
        return DaskSettings()
    if driver is not None:
        raise bad_input("--dask-scheduler: the async engine only: drop --driver")
    from ..engine.dask import DaskBoundaryError, tls_security

    scheme = scheduler.split("://", 1)[0].lower() if "://" in scheduler else "tcp"
    if given and scheme != "tls":
        raise bad_input(f"{given[0]}: for a tls:// scheduler; {scheduler!r} is {scheme}://")
    security = None
    if given:
        try:
            security = tls_security(*(str(v) if v else None for v in tls.values()))
        except DaskBoundaryError as exc:
            raise bad_input(str(exc)) from None
    return DaskSettings(scheduler, security, credentials)


def worker_secret_names(intent: SshIntent) -> dict[str, str]:
    """With worker-env credentials: `secret_env` entries for each secret the intent names
    (read on the worker). A user without a secret_env cannot be: exit 2, naming it."""
    names: dict[str, str] = {}
    for index, user in enumerate(intent.users):
        if not user.secret_env:
            raise bad_input(
                f"users[{index}] ({user.name}): no secret_env; with --dask-credentials "
                "worker-env every secret comes from a variable on the worker"
            )
        names[f"secrets.{user.secret_env}"] = user.secret_env
    for line in intent.lines:
        if line.password_env:
            names[f"secrets.{line.password_env}"] = line.password_env
    return names


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


LAB_INVENTORY = Path("inventory/lab")


def default_inventory() -> Path:
    """./inventory/lab (in a checkout), else the inventory `ios-ssh lab up` wrote."""
    from ..labctl import inventory_dir, running_inventory

    if (LAB_INVENTORY / "hosts.yaml").is_file():
        return LAB_INVENTORY
    written = running_inventory()
    if written is not None:
        return written
    raise bad_input(
        f"inventory: no --inventory given, and neither ./{LAB_INVENTORY} nor "
        f"{inventory_dir()} (written by `ios-ssh lab up` while its lab runs) exists"
    )


def inventory_nornir(
    inventory: Path | None,
    hosts: list[str] | None,
    groups: list[str] | None,
    workers: int,
    intent: SshIntent | None = None,
    connection: dict[str, Any] | None = None,
    nornir_config: Path | None = None,
    worker_credentials: bool = False,
) -> Any:
    """The filtered inventory (a SimpleInventory folder, or any inventory plugin through
    a Nornir configuration file), with every host's device fields (and, given an intent,
    its resolved intent) and every known_hosts file checked before any connection: all
    problems at once, exit 2. `worker_credentials`: passwords and secrets are left to the
    Dask workers' environments (only the variables' names are read here)."""
    from ..inventory import InventoryError, filter_hosts, load_inventory, load_nornir_config
    from ..nornir.host import preflight
    from ..session.identity import KnownHostsError

    if nornir_config is not None and inventory is not None:
        raise bad_input("--nornir-config and --inventory: give one of them, not both")
    if nornir_config is None and inventory is None:
        inventory = default_inventory()
    try:
        if nornir_config is not None:
            loaded = load_nornir_config(nornir_config, workers, connection, worker_credentials)
        else:
            assert inventory is not None
            loaded = load_inventory(inventory, workers, connection, worker_credentials)
        nornir = filter_hosts(loaded, hosts, groups)
    except KnownHostsError as exc:  # read for the drivers' options: one line, the file's
        raise bad_input(str(exc)) from None
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
    check_known_hosts(nornir)
    return nornir


def check_known_hosts(nornir: Any) -> None:
    """Every known_hosts file the hosts use, read strictly now: a bad line is one error
    naming the file and the line, before any router is touched (exit 2)."""
    from ..nornir.host import device_params_of
    from ..session.identity import KnownHostsError, check_file

    files = {
        params.known_hosts_file
        for params in map(device_params_of, nornir.inventory.hosts.values())
        if params.host_key_check != "off"
    }
    for file in sorted(files):
        try:
            check_file(file)
        except KnownHostsError as exc:
            raise bad_input(str(exc)) from None


def run_engine(
    nornir: Any,
    kind: str,
    intent: SshIntent | None,
    options: dict[str, Any],
    label: str,
    quiet: bool,
    processes: int | None,
    concurrency: int,
    dask: DaskSettings,
    host_timeout: float,
    secret_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the async engine over the filtered inventory: {host: Report or DeviceState}.
    With worker-env credentials, each job names the variables a worker reads: the host's
    password_env and secret_env, and `secret_names` (the intent's)."""
    from ..engine.dask import DaskBoundaryError
    from ..engine.fleet import Job
    from ..nornir.host import allows_unprotected, device_params_of, intent_for_host
    from .runs import run_engine_with_progress

    def options_for(host: Any) -> dict[str, Any]:
        if kind != "apply" or not allows_unprotected(host):
            return options
        return {**options, "allow_unprotected": True}  # this host's protection choice

    def names_for(host: Any) -> dict[str, str]:
        if not dask.worker_env:
            return {}
        own = {f: host.get(f"{f}_env") for f in ("password", "secret") if host.get(f"{f}_env")}
        return {**own, **(secret_names or {})}

    jobs = [
        Job(
            name,
            kind,  # type: ignore[arg-type]
            device_params_of(h),
            intent_for_host(h, intent) if intent is not None else None,
            options_for(h),
            names_for(h),
        )
        for name, h in nornir.inventory.hosts.items()
    ]
    try:
        outcomes = run_engine_with_progress(
            jobs,
            label,
            console,
            quiet,
            processes=processes,
            concurrency=concurrency,
            dask_scheduler=dask.scheduler,
            dask_security=dask.security,
            dask_credentials=dask.credentials,
            host_timeout=host_timeout,
        )
    except DaskBoundaryError as exc:  # refused before anything was sent, or no scheduler
        raise bad_input(str(exc)) from None
    return {name: outcome.value for name, outcome in outcomes.items()}


def print_json(text: str) -> None:
    """JSON on the console: every non-ASCII character escaped, so a C1 control (the 8-bit
    CSI) or a bidirectional override from a router stays an escape (rich's default keeps
    them raw)."""
    console.print_json(text, ensure_ascii=True)


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
        print_json(to_json(reports))
    else:
        if show_diff:
            for name, report in reports.items():
                if report.diff:
                    inert.echo(console, name, "bold")
                    inert.echo(console, report.diff, lines=True)
        console.print(summary_table(reports, title))
        for line in details(reports):
            inert.echo(console, line)
    raise typer.Exit(0 if all(r.ok for r in reports.values()) else EXIT_FAILED)


# The options apply, verify and state share, by their parameter names: `open_fleet` takes
# them from a command's arguments (`fleet_options(locals())`), so the three commands check
# them in one place and in one order.
FLEET_OPTIONS = (
    "inventory", "nornir_config", "host", "group", "workers", "driver", "host_timeout",
    "dask_scheduler", "dask_tls_ca_file", "dask_tls_cert", "dask_tls_key", "dask_credentials",
    "host_key_check", "known_hosts", "ssh_algorithms", "jump_host", "key_file", "allow_agent",
)  # fmt: skip


def fleet_options(arguments: dict[str, Any]) -> dict[str, Any]:
    """The shared fleet options among a command's arguments."""
    return {name: arguments[name] for name in FLEET_OPTIONS}


@dataclass(frozen=True)
class Fleet:
    """A fleet command's checked options: the filtered inventory (every host's fields, and
    its intent when there is one, checked), where it runs, and each host's time limit."""

    nornir: Any
    dask: DaskSettings
    host_timeout: float


def open_fleet(intent: SshIntent | None, **options: Any) -> Fleet:
    """Check the shared options, then the inventory, before any router is contacted; each
    problem is one line and exit 2 (`bad_input`)."""
    driver = options["driver"]
    per_host = host_timeout_of(options["host_timeout"], driver)
    dask = dask_settings(
        options["dask_scheduler"],
        options["dask_tls_ca_file"],
        options["dask_tls_cert"],
        options["dask_tls_key"],
        options["dask_credentials"],
        driver,
    )
    connection = connection_options(
        options["host_key_check"],
        options["known_hosts"],
        options["ssh_algorithms"],
        options["jump_host"],
        options["key_file"],
        options["allow_agent"],
    )
    nornir = inventory_nornir(
        options["inventory"],
        options["host"],
        options["group"],
        options["workers"],
        intent,
        connection,
        options["nornir_config"],
        worker_credentials=dask.worker_env,
    )
    return Fleet(nornir, dask, per_host)
