"""The `ios-ssh` Typer application and its sub-applications (commands register on them)."""

from __future__ import annotations

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Push Secure Shell configuration to Cisco IOS / IOS-XE routers and prove it took effect.",
)
lab_app = typer.Typer(
    help="The embedded IOS lab (simulated routers on 127.0.0.1).", no_args_is_help=True
)
app.add_typer(lab_app, name="lab")
