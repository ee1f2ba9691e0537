"""The `ios-ssh` command. Exit codes: 0 all hosts pass, 1 any fails, 2 bad input.

One module per group of commands, each registering on `app`: `fleet_commands` (apply,
verify, state), `audit_command`, `lab_commands` (demo, lab), `tools` (validate, render,
schema, parse); `common` holds the shared options and checks, `runs` the progress bars,
tables and JSON of a fleet run; `rotate` (rotate password, rotate host-key)."""

from __future__ import annotations

import sys
import warnings

from .. import inert
from ..errors import IosSshError
from . import (  # noqa: F401 - registers
    audit_command,
    fleet_commands,
    intents_command,
    lab_commands,
    rotate,
    tools,
)
from .app import app, lab_app
from .common import EXIT_BAD_INPUT, EXIT_FAILED, console, errors

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "app", "console", "errors", "lab_app", "main"]


def main() -> None:
    # Nornir logs each failed host's traceback, paramiko a 21-line one when a port is not
    # SSH: the summary already says what failed, in one line. IOS_SSH_DEBUG=1 shows them.
    from ..session.failures import quiet_drivers

    quiet_drivers()
    # The legacy key exchanges old routers need use finite-field DH, which `cryptography`
    # warns about on every session: the report already names legacy algorithms and the fix.
    warnings.filterwarnings("ignore", message=".*Diffie-Hellman over finite fields.*")
    try:
        app()
    except IosSshError as exc:  # a library error that escaped: say it plainly
        inert.echo(errors, f"error: {exc}", lines=True)
        sys.exit(EXIT_FAILED)
