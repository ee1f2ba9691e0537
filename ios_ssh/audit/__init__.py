"""Compliance audit: CIS and DISA STIG rules (and an intent) over routers or backups.

Rules are data (`rulesets/*.yaml`); checks are pure functions of Facts, which come from a
running-config and any show-command captures, read from a router or from saved files.
"""

from .evaluate import evaluate, intent_findings
from .facts import Facts, facts_from_outputs
from .fix import fix_intent, fix_yaml
from .html import html_report, write_html
from .model import Device, Finding, Outcome, Results, Rule
from .offline import InputError, load_facts
from .output import exit_code, to_json, to_junit
from .rules import RuleSetError, load_rule_set
from .run import (
    audit_facts,
    audit_file,
    audit_paths,
    audit_state,
    iter_paths,
    results_from_reports,
    rule_sets,
)

__all__ = [
    "Device",
    "Facts",
    "Finding",
    "InputError",
    "Outcome",
    "Results",
    "Rule",
    "RuleSetError",
    "audit_facts",
    "audit_file",
    "audit_paths",
    "audit_state",
    "evaluate",
    "exit_code",
    "facts_from_outputs",
    "fix_intent",
    "fix_yaml",
    "html_report",
    "intent_findings",
    "iter_paths",
    "load_facts",
    "load_rule_set",
    "results_from_reports",
    "rule_sets",
    "to_json",
    "to_junit",
    "write_html",
]
