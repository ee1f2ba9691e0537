"""The `ios-ssh` command. Exit codes: 0 success, 1 a check or parse failed, 2 bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import IntentError, ParseError
from .intent import SshIntent
from .parse import parse
from .render import render_text

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Push Secure Shell configuration to Cisco IOS / IOS-XE routers and prove it took effect.",
)

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _load_intent(path: Path) -> SshIntent:
    try:
        return SshIntent.from_yaml(path)
    except FileNotFoundError:
        typer.echo(f"intent: {path}: no such file", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except IntentError as exc:
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


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
def schema() -> None:
    """Print the intent's JSON schema."""
    typer.echo(json.dumps(SshIntent.json_schema(), indent=2))


@app.command("parse")
def parse_command(
    command: Annotated[str, typer.Argument(help="the IOS command, e.g. 'show ip ssh'")],
    output: Annotated[Path, typer.Argument(help="file with its output, or - for stdin")],
) -> None:
    """Parse saved device output into JSON records."""
    text = sys.stdin.read() if str(output) == "-" else output.read_text()
    try:
        records = parse(command, text)
    except ParseError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_FAILED) from None
    typer.echo(json.dumps(records, indent=2))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
