"""`ios-ssh demo` and `ios-ssh lab up|down|status`: the embedded lab."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from .. import inert
from ..intent import SshIntent
from .app import app, lab_app
from .common import EXIT_FAILED, DriverOpt, WorkersOpt, bad_input, check_driver, console


@app.command()
def demo(
    workers: WorkersOpt = 4,
    driver: DriverOpt = "netmiko",
) -> None:
    """Start the embedded lab, apply the shipped hardening intent, verify, stop the lab."""
    import tempfile

    from ..demo import demo_nornir, intents_dir, start_demo_lab
    from ..nornir import apply_ssh, verify_ssh
    from .runs import details, report_of, run_with_progress, summary_table

    console.print("Starting the embedded lab (4 simulated IOS routers on 127.0.0.1)...")
    keys_dir = tempfile.TemporaryDirectory(prefix="ios-ssh-demo-")
    known_hosts = Path(keys_dir.name) / "known_hosts"  # the lab pins its routers' keys here
    lab, reverse_offset, seconds = start_demo_lab(known_hosts)
    try:
        for router in lab.routers:
            inert.echo(
                console,
                f"  {router.name}  ssh {router.host}:{router.ssh_port}  telnet {router.telnet_port}",
            )
        console.print(f"  ready in {seconds:.1f}s")
        inert.echo(console, f"  host keys: checked strictly against the lab's {known_hosts}")
        nornir = demo_nornir(lab.routers, workers, reverse_offset, known_hosts)
        intent = SshIntent.from_yaml(intents_dir() / "hardening.yaml")
        started = time.monotonic()
        applied = run_with_progress(
            nornir,
            apply_ssh,
            "applying",
            console,
            False,
            intent=intent,
            driver=check_driver(driver),
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
            inert.echo(console, line)
        ok = all(r.ok for r in reports.values()) and all(r.ok for r in verified.values())
    finally:
        lab.stop()
        keys_dir.cleanup()
        console.print("Lab stopped.")
    raise typer.Exit(0 if ok else EXIT_FAILED)


@lab_app.command("up")
def lab_up(port: Annotated[int, typer.Option(help="first port")] = 10001) -> None:
    """Start the demo lab in the background (matches inventory/lab)."""
    from .. import labctl

    try:
        routers = labctl.up(port)
    except RuntimeError as exc:
        raise bad_input(str(exc)) from None
    for router in routers:  # read back from the lab's state file
        inert.echo(
            console,
            f"{router.name} {router.host}:{router.ssh_port} telnet={router.host}:{router.telnet_port}",
        )
    inert.echo(console, f"host keys: {labctl.known_hosts_file()} (checked strictly)")
    inert.echo(
        console,
        f"inventory: {labctl.inventory_dir()} (the default of state, verify and apply "
        "when there is no ./inventory/lab)",
    )
    console.print("ready (ios-ssh lab down to stop)")


@lab_app.command("down")
def lab_down() -> None:
    """Stop the background lab."""
    from .. import labctl

    try:
        stopped = labctl.down()
    except labctl.LabStateError as exc:
        inert.echo(console, f"no lab was running: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    console.print("stopped" if stopped else "no lab was running")


@lab_app.command("status")
def lab_status() -> None:
    """Is the background lab running, and do its routers answer?"""
    from .. import labctl

    routers = labctl.status()
    if routers is None:
        console.print("no lab running")
        raise typer.Exit(EXIT_FAILED)
    for router, alive in routers:  # from the lab's state file
        inert.echo(
            console, f"{router.name} {router.host}:{router.ssh_port} {'up' if alive else 'DOWN'}"
        )
    raise typer.Exit(0 if all(alive for _, alive in routers) else EXIT_FAILED)
