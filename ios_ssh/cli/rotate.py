"""`ios-ssh rotate password USER` and `ios-ssh rotate host-key`: a fleet-wide rotation,
each router through the same plan, revert window, fresh login, verify and report as
`apply` (ios_ssh.rotate), on the async engine. A new secret comes from an environment
variable, or is generated and written once to a file the user names (mode 0600, created
whole or not at all), never to the terminal."""

from __future__ import annotations

import os
import secrets as random_secrets
import string
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import inert, redact
from ..errors import IntentError
from ..rotate import Rotate
from ..secrets import secret_value_problem
from .app import app
from .common import (
    AlgorithmsOpt,
    ConcurrencyOpt,
    DaskOpt,
    GroupOpt,
    HostKeyOpt,
    HostOpt,
    HostTimeoutOpt,
    InventoryOpt,
    JsonOpt,
    KnownHostsOpt,
    ProcessesOpt,
    bad_input,
    connection_options,
    console,
    errors,
    finish,
    host_timeout_of,
    inventory_nornir,
)

rotate_app = typer.Typer(
    help="Rotate a password or the host key on every host, as a protected change.",
    no_args_is_help=True,
)
app.add_typer(rotate_app, name="rotate")

RevertOpt = Annotated[
    int, typer.Option("--revert-minutes", help="revert timer while a change is tried, 1-120")
]
SaveOpt = Annotated[bool, typer.Option("--save", help="write memory after a confirmed change")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="show the diff, send nothing")]
UnprotectedOpt = Annotated[
    bool,
    typer.Option(
        "--allow-unprotected",
        help="change routers that have no revert timer (12.2SX before SXI), unprotected",
    ),
]
# Generated secrets: letters and digits only (no character any IOS image or shell treats
# specially), 24 of them (about 143 bits).
ALPHABET = string.ascii_letters + string.digits
GENERATED_LENGTH = 24


def generate_secret() -> str:
    while True:
        value = "".join(random_secrets.choice(ALPHABET) for _ in range(GENERATED_LENGTH))
        if not secret_value_problem(value) and not value[0].isdigit():
            return value


def write_secret_file(path: Path, value: str) -> None:
    """Write `value` to `path`, mode 0600, created whole or not at all, never over an
    existing file: written to a private file beside it, then linked into place (link
    refuses an existing name, as O_EXCL does)."""
    folder = path.parent if str(path.parent) else Path(".")
    temporary = folder / f".{path.name}.{os.getpid()}.{random_secrets.token_hex(4)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(value + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _check_output_file(path: Path) -> None:
    if path.exists() or path.is_symlink():
        raise bad_input(f"--generate: {path} exists; name a new file (it is written once)")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise bad_input(f"--generate: {folder} is not a directory")
    if not os.access(folder, os.W_OK):
        raise bad_input(f"--generate: {folder} is not writable")


def _env_secret(option: str, name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise bad_input(f"{option}: environment variable {name} is not set")
    problem = secret_value_problem(value)
    if problem:  # never the value itself
        raise bad_input(f"{option}: the secret in ${name} {problem}")
    return value


def _run(
    spec: Rotate,
    title: str,
    secrets: dict[str, str],
    inventory: Path | None,
    host: list[str] | None,
    group: list[str] | None,
    options: dict[str, Any],
    engine: dict[str, Any],
    as_json: bool,
) -> None:
    from ..engine.fleet import Job
    from ..nornir.host import allows_unprotected, device_params_of
    from ..tasks import check_revert_minutes
    from .runs import run_engine_with_progress

    try:
        check_revert_minutes(options["revert_minutes"])
        intent = spec.intent()
    except IntentError as exc:
        raise bad_input(f"rotate: {exc.problems[0]}") from None
    connection = engine.pop("connection")
    # The hosts' device fields are checked up front; their own intents play no part.
    nornir = inventory_nornir(inventory, host, group, 4, None, connection)
    redact.register(secrets.values())
    options = {**options, "secrets": secrets, "rotate": spec.as_dict()}
    jobs = []
    for name, item in nornir.inventory.hosts.items():
        own = {**options, "allow_unprotected": True} if allows_unprotected(item) else options
        jobs.append(Job(name, "apply", device_params_of(item), intent, own))
    outcomes = run_engine_with_progress(jobs, title, console, as_json, **engine)
    finish({name: o.value for name, o in outcomes.items()}, title, as_json)


@rotate_app.command("password")
def password(
    user: Annotated[str, typer.Argument(help="the local user whose secret is rotated")],
    secret_env: Annotated[
        str | None,
        typer.Option("--secret-env", metavar="VAR", help="the new secret is in $VAR"),
    ] = None,
    generate: Annotated[
        Path | None,
        typer.Option(
            "--generate",
            metavar="FILE",
            help="generate the new secret and write it to FILE (a new file, mode 0600); it "
            "is never shown",
        ),
    ] = None,
    old_secret_env: Annotated[
        str | None,
        typer.Option(
            "--old-secret-env",
            metavar="VAR",
            help="the old secret, to prove it refused (the login's own when USER logs in)",
        ),
    ] = None,
    inventory: InventoryOpt = None,
    host: HostOpt = None,
    group: GroupOpt = None,
    dry_run: DryRunOpt = False,
    revert_minutes: RevertOpt = 5,
    save: SaveOpt = False,
    allow_unprotected: UnprotectedOpt = False,
    processes: ProcessesOpt = None,
    concurrency: ConcurrencyOpt = 100,
    dask_scheduler: DaskOpt = None,
    host_timeout: HostTimeoutOpt = None,
    as_json: JsonOpt = False,
    host_key_check: HostKeyOpt = None,
    known_hosts: KnownHostsOpt = None,
    ssh_algorithms: AlgorithmsOpt = None,
) -> None:
    """A new secret for USER on every host: the new value logs in, the old one is refused."""
    if (secret_env is None) == (generate is None):
        raise bad_input("rotate password: give exactly one of --secret-env VAR or --generate FILE")
    try:
        spec = Rotate("password", user, secret_env)
        spec.intent()  # USER checked as an intent's user name is, before anything else
    except IntentError as exc:
        raise bad_input(f"rotate password: {exc.problems[0]}") from None
    connection = connection_options(host_key_check, known_hosts, ssh_algorithms)
    engine = {
        "processes": processes,
        "concurrency": concurrency,
        "dask_scheduler": dask_scheduler,
        "host_timeout": host_timeout_of(host_timeout, None),
        "connection": connection,
    }
    found: dict[str, str] = {}
    if old_secret_env:
        found[f"old:{user}"] = _env_secret("--old-secret-env", old_secret_env)
    if secret_env:
        found[secret_env] = _env_secret("--secret-env", secret_env)
    options = {"dry_run": dry_run, "revert_minutes": revert_minutes, "save": save}
    options["allow_unprotected"] = allow_unprotected
    if generate is not None:
        _check_output_file(generate)
        inventory_nornir(inventory, host, group, 4, None, connection)  # before the file
        value = generate_secret()
        redact.register([value])
        try:
            write_secret_file(generate, value)
        except OSError as exc:
            raise bad_input(f"--generate: {generate}: {exc.strerror or exc}") from None
        found[f"user:{user}"] = value
        inert.echo(errors, f"new secret for {user} written to {generate} (mode 0600)")
    _run(spec, "rotate password", found, inventory, host, group, options, engine, as_json)


@rotate_app.command("host-key")
def host_key(
    modulus: Annotated[
        int | None,
        typer.Option(
            "--modulus",
            min=360,
            max=4096,
            help="bits of the new key (default: the served key's, at least 2048 and the "
            "image's minimum)",
        ),
    ] = None,
    inventory: InventoryOpt = None,
    host: HostOpt = None,
    group: GroupOpt = None,
    dry_run: DryRunOpt = False,
    revert_minutes: RevertOpt = 5,
    save: SaveOpt = False,
    allow_unprotected: UnprotectedOpt = False,
    processes: ProcessesOpt = None,
    concurrency: ConcurrencyOpt = 100,
    dask_scheduler: DaskOpt = None,
    host_timeout: HostTimeoutOpt = None,
    as_json: JsonOpt = False,
    host_key_check: HostKeyOpt = None,
    known_hosts: KnownHostsOpt = None,
    ssh_algorithms: AlgorithmsOpt = None,
) -> None:
    """A new RSA host key on every host, proven by the fresh login, then pinned in place
    of the old known_hosts entry."""
    connection = connection_options(host_key_check, known_hosts, ssh_algorithms)
    engine = {
        "processes": processes,
        "concurrency": concurrency,
        "dask_scheduler": dask_scheduler,
        "host_timeout": host_timeout_of(host_timeout, None),
        "connection": connection,
    }
    options = {"dry_run": dry_run, "revert_minutes": revert_minutes, "save": save}
    options["allow_unprotected"] = allow_unprotected
    spec = Rotate("host-key", modulus=modulus)
    _run(spec, "rotate host-key", {}, inventory, host, group, options, engine, as_json)
