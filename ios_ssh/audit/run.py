"""Audit runs: offline over backup files, or over DeviceStates read from routers."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..intent import SshIntent
from ..report import Report
from ..state import DeviceState
from .evaluate import captured_commands, evaluate, intent_findings, state_from_facts
from .facts import Facts, facts_from_outputs
from .model import PLATFORM_RULE, READ_RULE, Device, Finding, Results, Rule, Status
from .offline import InputError, iter_device_files, load_facts
from .rules import RuleSetError, load_rule_set


def rule_sets(names: Iterable[str]) -> tuple[list[Rule], bool]:
    """The rules of the named sets (`cis`, `stig`; `intent` adds verify's checks), and
    whether `intent` was asked for. Names may be comma-separated."""
    wanted = [n.strip().lower() for name in names for n in name.split(",") if n.strip()]
    if not wanted:
        raise RuleSetError("no rule set named; use --rules cis, stig or intent")
    rules: list[Rule] = []
    for name in dict.fromkeys(wanted):
        if name != "intent":
            rules += load_rule_set(name)  # raises RuleSetError for an unknown name
    return rules, "intent" in wanted


def audit_facts(facts: Facts, rules: list[Rule], intent: SshIntent | None) -> list[Finding]:
    findings = evaluate(facts, rules)
    if intent is not None:
        if facts.config is None:
            findings.append(
                Finding(
                    "intent",
                    "matches the intent",
                    "medium",
                    "not-assessable",
                    ("no running-config in the input",),
                )
            )
        else:
            state = state_from_facts(facts)
            findings += intent_findings(state, intent, captured_commands(facts))
    return findings


def audit_paths(paths: Iterable[Path], rules: list[Rule], intent: SshIntent | None) -> Results:
    """Every backup file under `paths`, keyed by hostname (file name when it has none)."""
    return {device.name: device.findings for device in iter_paths(paths, rules, intent)}


def iter_paths(
    paths: Iterable[Path], rules: list[Rule], intent: SshIntent | None
) -> Iterator[Device]:
    """Every backup file under `paths`, audited one at a time (constant memory): a file
    that cannot be read or is not an IOS configuration is one Device with the reason, and
    the others are audited all the same. Raises InputError, before the first Device, for a
    path that does not exist or a tree without a single file."""
    paths = list(paths)
    files = iter_device_files(paths)  # checks that every path exists
    first = next(files, None)
    if first is None:
        raise InputError("no configuration files in " + ", ".join(str(p) for p in paths))
    # Names must stay unique (JSON keys): a name seen before gets its file added. Only
    # hashes are kept (a collision, about 1 in 10**15 for 10**5 files, just adds the path).
    seen: set[int] = set()
    for path in itertools.chain([first], files):
        device = audit_file(path, rules, intent)
        if hash(device.name) in seen:
            device = device._replace(name=f"{device.name} ({path})")
        seen.add(hash(device.name))
        yield device


def audit_file(path: Path, rules: list[Rule], intent: SshIntent | None) -> Device:
    """One backup file as a Device: its findings, or the one finding that says why it has
    none. Never raises: whatever the file holds, the run goes on with the next one."""
    source = str(path)
    try:
        facts = load_facts(path)
    except InputError as exc:
        return _no_verdicts(path.name, source, READ_RULE, "fail", str(exc))
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the fleet; its text may quote
        # the file (a secret), so only its type is shown
        cause = f"{path}: the reader failed on this file ({type(exc).__name__}); please report it"
        return _no_verdicts(path.name, source, READ_RULE, "fail", cause)
    if facts.not_ios:
        reason = f"not an IOS configuration: {facts.not_ios}"
        return _no_verdicts(facts.name, source, PLATFORM_RULE, "not-assessable", reason)
    return Device(facts.name, audit_facts(facts, rules, intent), source)


def _no_verdicts(
    name: str, source: str, rule: tuple[str, str, str], status: Status, why: str
) -> Device:
    return Device(name, [Finding(*rule, status, (why,))], source, why)


def audit_state(state: DeviceState, rules: list[Rule], intent: SshIntent | None) -> list[Finding]:
    """A router read with `read_state`: the rules over its outputs, and the intent over
    the state itself (every command was read, so nothing is missing)."""
    facts = facts_from_outputs(state.hostname, state.raw)
    findings = evaluate(facts, rules)
    if intent is not None:
        findings += intent_findings(state, intent)
    return findings


def unreachable(error: str) -> list[Finding]:
    return [Finding("read", "the router could be read", "high", "fail", (error,))]


def results_from_reports(reports: dict[str, Report]) -> Results:
    """verify/apply Reports in the audit's shape, for the same HTML report."""
    results: Results = {}
    for host, report in reports.items():
        findings = [
            Finding(
                c.name,
                c.name,
                "medium",
                "pass" if c.ok else "fail",
                (c.evidence, f"expected {c.expected}, found {c.found}"),
            )
            for c in report.checks
        ]
        findings += [
            Finding("refused", "the plan was safe", "high", "fail", (r,)) for r in report.refusals
        ]
        findings += [Finding("error", "no errors", "high", "fail", (e,)) for e in report.errors]
        results[host] = findings
    return results
