"""`ios-ssh audit`: option parsing; the work is in ios_ssh.audit.cli."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import (
    DriverOpt,
    GroupOpt,
    HostOpt,
    JsonOpt,
    NornirConfigOpt,
    WorkersOpt,
    check_output_paths,
    console,
)


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
    nornir_config: NornirConfigOpt = None,
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
    from ..audit.cli import run_audit

    # where the results go, before any router is read (or any file audited)
    check_output_paths(junit=junit, html=html, emit_intent=emit_intent)
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
        nornir_config=nornir_config,
    )
    raise typer.Exit(code)
