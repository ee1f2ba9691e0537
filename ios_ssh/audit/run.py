"""Audit runs: offline over backup files, or over DeviceStates read from routers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..intent import SshIntent
from ..report import Report
from ..state import DeviceState
from .evaluate import captured_commands, evaluate, intent_findings, state_from_facts
from .facts import Facts, facts_from_outputs
from .model import Finding, Results, Rule
from .offline import InputError, device_files, load_facts
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
    paths = list(paths)
    files = device_files(paths)
    if not files:
        raise InputError("no configuration files in " + ", ".join(str(p) for p in paths))
    results: Results = {}
    for path in files:
        facts = load_facts(path)
        name = facts.name if facts.name not in results else f"{facts.name} ({path})"
        results[name] = audit_facts(facts, rules, intent)
    return results


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
