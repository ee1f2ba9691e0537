"""From failing findings to one intent that fixes what the intent can express (pure).

Each failing rule contributes its `fix` fragment, and its `fix_lines` settings for every
line block that failed. Fragments are merged; where two rules ask for different values of
one setting, the stricter wins (the shorter time-out, the longer key). The result is
validated as an SshIntent, so it is ready for `ios-ssh apply --dry-run`.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from ..intent import LineIntent, SshIntent
from .model import Device, Finding, Results, Rule

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


_HEADER = "# Written by `ios-ssh audit --emit-intent`: apply with `ios-ssh apply --dry-run` first."


class FixCollector:
    """The fixing intent, gathered one device at a time (it grows with the distinct line
    blocks that fail, not with the fleet)."""

    def __init__(self, rules: list[Rule]) -> None:
        self.by_id = {rule.id: rule for rule in rules}
        self.data: dict[str, Any] = {}
        self.lines: dict[str, dict[str, Any]] = {}
        self.fixed: list[str] = []
        self.manual: list[str] = []
        self._names: dict[str, bool] = {}

    def add(self, device: Device) -> None:
        self.add_findings(device.findings)

    def add_findings(self, findings: list[Finding]) -> None:
        for finding in findings:
            if finding.status != "fail":
                continue
            rule = self.by_id.get(finding.rule)
            if rule is None or not rule.fixable:
                if finding.rule not in self.manual:
                    self.manual.append(finding.rule)
                continue
            if rule.fix:
                self.data = _merge(self.data, rule.fix)
            if rule.fix_lines:
                for block in finding.blocks:
                    if not self._nameable(block):  # `line 0/0/0 0/0/12`: no intent names it
                        manual = f"{rule.id} (line {block})"
                        if manual not in self.manual:
                            self.manual.append(manual)
                        continue
                    self.lines[block] = _merge(
                        self.lines.get(block, {"lines": block}), rule.fix_lines
                    )
                if not rule.fix and not any(map(self._nameable, finding.blocks)):
                    continue
            if rule.id not in self.fixed:
                self.fixed.append(rule.id)

    def _nameable(self, block: str) -> bool:
        """Whether an intent's `lines` can name this block (async ports by slot/port and
        blocks the reader could not place cannot)."""
        known = self._names.get(block)
        if known is None:
            try:
                LineIntent.model_validate({"lines": block})
                known = True
            except ValidationError:
                known = False
            self._names[block] = known
        return known

    def close(self) -> None:
        pass

    def intent(self) -> tuple[dict[str, Any], list[str], list[str]]:
        """(intent data, rules it fixes, failing rules it cannot fix)."""
        data = dict(self.data)
        if self.lines:
            # One intent serves every audited router, and a block one of them has (a
            # Catalyst's `vty 5 15`) is created on the others when applied, with their
            # defaults: the transport rules asked of that kind of line go with it, so it
            # opens nothing.
            blocks = {name: dict(block) for name, block in self.lines.items()}
            for block in blocks.values():
                kind = str(block["lines"]).split()[0]
                for rule in self.by_id.values():
                    if rule.check == "line_transport_ssh" and kind in rule.params.get("kinds", []):
                        fix = rule.fix_lines or {}
                        block.update({k: v for k, v in fix.items() if k not in block})
            data["lines"] = [blocks[name] for name in sorted(blocks)]
        if data:
            # apply refuses to change a router without a configuration archive (no revert
            # timer); with no path, each router gets its own file system's (disk0:archive on
            # a Sup720, bootflash:archive on IOS-XE).
            data["archive"] = {}
        if data.get("aaa"):
            # Under aaa new-model, `login local` on a line gives way to the login lists.
            for block in data.get("lines", []):
                block.pop("login", None)
        return data, list(self.fixed), list(self.manual)

    def yaml(self) -> str:
        """The fixing intent as YAML with a header that says what it fixes and what it
        cannot. Raises IntentError if the merged fragments do not make a valid intent."""
        data, fixed, manual = self.intent()
        SshIntent.from_dict(data)  # validate before anyone applies it
        head = [_HEADER]
        head.append(f"# Fixes: {', '.join(fixed) or 'nothing'}")
        if manual:
            head.append(f"# Not expressible as intent (fix by hand): {', '.join(manual)}")
        body = yaml.safe_dump(data, sort_keys=False) if data else "{}\n"
        return "\n".join(head) + "\n" + body


def fix_intent(results: Results, rules: list[Rule]) -> tuple[dict[str, Any], list[str], list[str]]:
    """(intent data, rules it fixes, failing rules it cannot fix)."""
    collector = FixCollector(rules)
    for findings in results.values():
        collector.add_findings(findings)
    return collector.intent()


def fix_yaml(results: Results, rules: list[Rule]) -> str:
    """The fixing intent as YAML with a header that says what it fixes and what it cannot.
    Raises IntentError if the merged fragments do not make a valid intent."""
    collector = FixCollector(rules)
    for findings in results.values():
        collector.add_findings(findings)
    return collector.yaml()
