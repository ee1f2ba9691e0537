"""From failing findings to one intent that fixes what the intent can express (pure).

Each failing rule contributes its `fix` fragment, and its `fix_lines` settings for every
line block that failed. Fragments are merged; where two rules ask for different values of
one setting, the stricter wins (the shorter time-out, the longer key). The result is
validated as an SshIntent, so it is ready for `ios-ssh apply --dry-run`.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..intent import SshIntent
from .model import Results, Rule

# Settings where a larger number is stricter; for every other number, smaller is.
_LARGER_IS_STRICTER = {"modulus", "dh_min_size"}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        have = out.get(key)
        if isinstance(value, dict) and isinstance(have, dict):
            out[key] = _merge(have, value)
        elif isinstance(value, int) and isinstance(have, int) and not isinstance(value, bool):
            out[key] = max(have, value) if key in _LARGER_IS_STRICTER else min(have, value)
        else:
            out[key] = value
    return out


def fix_intent(results: Results, rules: list[Rule]) -> tuple[dict[str, Any], list[str], list[str]]:
    """(intent data, rules it fixes, failing rules it cannot fix)."""
    by_id = {rule.id: rule for rule in rules}
    data: dict[str, Any] = {}
    lines: dict[str, dict[str, Any]] = {}
    fixed: list[str] = []
    manual: list[str] = []
    for findings in results.values():
        for finding in findings:
            if finding.status != "fail":
                continue
            rule = by_id.get(finding.rule)
            if rule is None or not rule.fixable:
                if finding.rule not in manual:
                    manual.append(finding.rule)
                continue
            if rule.fix:
                data = _merge(data, rule.fix)
            if rule.fix_lines:
                for block in finding.blocks:
                    lines[block] = _merge(lines.get(block, {"lines": block}), rule.fix_lines)
            if rule.id not in fixed:
                fixed.append(rule.id)
    if lines:
        # One intent serves every audited router, and a block one of them has (a Catalyst's
        # `vty 5 15`) is created on the others when applied, with their defaults: the
        # transport rules asked of that kind of line go with it, so it opens nothing.
        for block in lines.values():
            kind = str(block["lines"]).split()[0]
            for rule in rules:
                if rule.check == "line_transport_ssh" and kind in rule.params.get("kinds", []):
                    block.update(
                        {k: v for k, v in (rule.fix_lines or {}).items() if k not in block}
                    )
        data["lines"] = [lines[name] for name in sorted(lines)]
    if data:
        # apply refuses to change a router without a configuration archive (no revert
        # timer); with no path, each router gets its own file system's (disk0:archive on a
        # Sup720, bootflash:archive on IOS-XE).
        data["archive"] = {}
    if data.get("aaa"):
        # Under aaa new-model, `login local` on a line gives way to the login lists.
        for block in data.get("lines", []):
            block.pop("login", None)
    return data, fixed, manual


def fix_yaml(results: Results, rules: list[Rule]) -> str:
    """The fixing intent as YAML with a header that says what it fixes and what it cannot.
    Raises IntentError if the merged fragments do not make a valid intent."""
    data, fixed, manual = fix_intent(results, rules)
    SshIntent.from_dict(data)  # validate before anyone applies it
    head = [
        "# Written by `ios-ssh audit --emit-intent`: apply with `ios-ssh apply --dry-run` first."
    ]
    head.append(f"# Fixes: {', '.join(fixed) or 'nothing'}")
    if manual:
        head.append(f"# Not expressible as intent (fix by hand): {', '.join(manual)}")
    body = yaml.safe_dump(data, sort_keys=False) if data else "{}\n"
    return "\n".join(head) + "\n" + body
