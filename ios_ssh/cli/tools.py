"""Commands that touch no device: validate, render, schema, parse."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import inert
from ..errors import ParseError
from ..intent import SshIntent
from ..parse import parse
from ..render import render_text
from ..yamlfile import YamlProblem, read_text
from .app import app
from .common import EXIT_FAILED, IntentArg, bad_input, load_intent


@app.command()
def validate(intent: IntentArg) -> None:
    """Check an intent against IOS limits and the guide's rules; touches no device."""
    load_intent(intent)
    typer.echo(f"{intent}: valid")


@app.command()
def render(intent: IntentArg) -> None:
    """Print the IOS configuration lines an intent stands for (secrets shown by source)."""
    typer.echo(render_text(load_intent(intent)), nl=False)


@app.command()
def schema(
    markdown: Annotated[bool, typer.Option("--markdown", help="the reference table")] = False,
) -> None:
    """Print the intent's JSON schema (or, with --markdown, the README's reference table)."""
    if markdown:
        from ..intent_doc import intent_reference

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
        raise bad_input(f"output: {exc}") from None
    try:
        records = parse(command, text)
    except ParseError as exc:
        typer.echo(inert.inert(str(exc), lines=True), err=True)
        raise typer.Exit(EXIT_FAILED) from None
    typer.echo(json.dumps(records, indent=2))
