"""What `ios-ssh audit` does, apart from option parsing: returns the exit code.

0: every assessable rule passes on every router; 1: some rule fails (or a router could
not be read); 2: bad input (unknown rule set, no files, an invalid intent, ...).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from ..errors import IntentError
from ..intent import SshIntent
from .fix import fix_yaml
from .html import write_html
from .model import Results, Rule
from .offline import InputError
from .output import exit_code, routers_table, rules_table, to_json, to_junit
from .rules import RuleSetError
from .run import audit_paths, audit_state, rule_sets, unreachable

BAD_INPUT = 2


class _Bad(Exception):
    pass


def run_audit(
    console: Console,
    *,
    paths: list[Path],
    rule_names: list[str],
    inventory: Path | None,
    intent_file: Path | None,
    hosts: list[str] | None,
    groups: list[str] | None,
    driver: str,
    workers: int,
    as_json: bool,
    junit: Path | None,
    html: Path | None,
    emit_intent: Path | None,
    nornir_config: Path | None = None,
) -> int:
    try:
        rules, wants_intent = rule_sets(rule_names)
        intent = _intent(intent_file, wants_intent)
        if inventory is not None and nornir_config is not None:
            raise _Bad("--nornir-config and --inventory: give one of them, not both")
        online = inventory or nornir_config
        if paths and online is not None:
            raise _Bad("give saved configs or --inventory (--nornir-config), not both")
        if not paths and online is None:
            raise _Bad(
                "nothing to audit: give config files/directories, or --inventory "
                "(or --nornir-config)"
            )
        if paths:
            results = audit_paths(paths, rules, intent)
            where = "offline"
        else:
            results = _online(
                console,
                inventory,
                hosts,
                groups,
                driver,
                workers,
                rules,
                intent,
                as_json,
                nornir_config,
            )
            where = "online"
    except (_Bad, RuleSetError, InputError) as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return BAD_INPUT
    title = f"ios-ssh audit ({', '.join(rule_names)}, {where})"
    _write(console, results, title, as_json, junit, html)
    if emit_intent is not None:
        try:
            emit_intent.write_text(fix_yaml(results, rules))
        except IntentError as exc:
            print(
                f"audit: --emit-intent: the fixes do not make a valid intent: {exc}",
                file=sys.stderr,
            )
            return BAD_INPUT
        if not as_json:
            console.print(f"fixing intent written to {emit_intent}", markup=False, highlight=False)
    return exit_code(results)


def _intent(path: Path | None, wanted: bool) -> SshIntent | None:
    if path is None:
        if wanted:
            raise _Bad("--rules intent needs --intent FILE")
        return None
    try:
        return SshIntent.from_yaml(path)
    except FileNotFoundError:
        raise _Bad(f"intent: {path}: no such file") from None
    except IntentError as exc:
        raise _Bad(f"{path}: {exc}") from None


def _online(
    console: Console,
    inventory: Path | None,
    hosts: list[str] | None,
    groups: list[str] | None,
    driver: str,
    workers: int,
    rules: list[Rule],
    intent: SshIntent | None,
    quiet: bool,
    nornir_config: Path | None = None,
) -> Results:
    """Read each router the way `ios-ssh state` does (read-only), then evaluate."""
    from ..cli.runs import HostFailure, report_of, run_with_progress
    from ..inventory import InventoryError, filter_hosts, load_inventory, load_nornir_config
    from ..nornir import read_ssh_state
    from ..nornir.host import intent_for_host

    if driver not in ("netmiko", "scrapli"):
        raise _Bad(f"--driver: {driver!r} is not allowed; use netmiko or scrapli")
    try:
        if nornir_config is not None:  # any inventory plugin, through Nornir's own file
            loaded = load_nornir_config(nornir_config, workers)
        else:
            assert inventory is not None
            loaded = load_inventory(inventory, workers)
        nornir = filter_hosts(loaded, hosts, groups)
    except InventoryError as exc:
        raise _Bad(f"inventory: {exc}") from None
    if not nornir.inventory.hosts:
        raise _Bad("inventory: no host matches --host/--group")
    # run_with_progress gives the routers their vty lines back when it ends.
    outcomes = run_with_progress(nornir, read_ssh_state, "reading", console, quiet, driver=driver)
    results: Results = {}
    for name, outcome in outcomes.items():
        if isinstance(outcome, HostFailure):
            results[name] = unreachable(report_of(outcome, name).errors[0])
            continue
        # The host's own intent (its ssh_intent data merged in), as apply and verify see it.
        host = nornir.inventory.hosts[name]
        wanted = intent_for_host(host, intent) if intent is not None else None
        results[name] = audit_state(outcome.result, rules, wanted)
    return results


def _write(
    console: Console,
    results: Results,
    title: str,
    as_json: bool,
    junit: Path | None,
    html: Path | None,
) -> None:
    if as_json:
        console.print_json(to_json(results))
    else:
        console.print(rules_table(results, title))
        console.print(routers_table(results))
    if junit is not None:
        junit.write_text(to_junit(results))
    if html is not None:
        write_html(html, results, title)
