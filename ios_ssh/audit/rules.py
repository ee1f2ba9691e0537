"""Rule sets as data: `rulesets/<name>.yaml` in this package, loaded and checked once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from .checks import CHECKS
from .model import SEVERITIES, Rule

RULE_SETS = ("cis", "stig")  # `intent` is built from an intent file, not loaded
_FIELDS = {"id", "title", "severity", "reads", "check", "params", "fix", "fix_lines", "note"}
_FIELDS |= {"also", "vuln"}  # references for readers


class RuleSetError(ValueError):
    pass


@cache
def load_rule_set(name: str) -> tuple[Rule, ...]:
    """The rules of `name` (cis, stig), validated: a typo in a rule file fails loudly."""
    if name not in RULE_SETS:
        raise RuleSetError(f"no rule set {name!r}; known: {', '.join(RULE_SETS)}, intent")
    text = resources.files(__package__).joinpath("rulesets", f"{name}.yaml").read_text()
    data = yaml.safe_load(text)
    return tuple(_rule(name, item) for item in data["rules"])


def benchmark(name: str) -> str:
    text = resources.files(__package__).joinpath("rulesets", f"{name}.yaml").read_text()
    return str(yaml.safe_load(text)["benchmark"])


def _rule(ruleset: str, item: dict[str, Any]) -> Rule:
    where = f"{ruleset}: {item.get('id', '?')}"
    unknown = set(item) - _FIELDS
    if unknown:
        raise RuleSetError(f"{where}: unknown fields {sorted(unknown)}")
    if item["check"] not in CHECKS:
        raise RuleSetError(f"{where}: no check function {item['check']!r}")
    if item["severity"] not in SEVERITIES:
        raise RuleSetError(f"{where}: severity {item['severity']!r} is not one of {SEVERITIES}")
    return Rule(
        id=item["id"],
        title=item["title"],
        severity=item["severity"],
        reads=tuple(item["reads"]),
        check=item["check"],
        params=dict(item.get("params") or {}),
        fix=item.get("fix"),
        fix_lines=item.get("fix_lines"),
        ruleset=ruleset,
        note=item.get("note", ""),
    )
