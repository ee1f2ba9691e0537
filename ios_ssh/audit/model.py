"""What an audit rule is, and what evaluating it on one device yields (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Status = Literal["pass", "fail", "not-assessable"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "not-assessable")
SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Rule:
    """One benchmark item: `check` names a function in `audit.checks`, `params` its
    arguments; `fix` is the intent fragment that makes it pass (None: the intent cannot
    express the fix), `fix_lines` the settings a failing line block needs."""

    id: str
    title: str
    severity: str
    reads: tuple[str, ...]
    check: str
    params: dict[str, Any] = field(default_factory=dict)
    fix: dict[str, Any] | None = None
    fix_lines: dict[str, Any] | None = None
    ruleset: str = ""
    note: str = ""

    @property
    def fixable(self) -> bool:
        return self.fix is not None or self.fix_lines is not None


class Outcome(NamedTuple):
    """What a check found. `blocks` names the failing line blocks (`vty 0 4`, `con 0`),
    so a per-block fix knows where to go. (A tuple: tens of thousands are made per second.)"""

    status: Status
    evidence: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()


@dataclass(slots=True)
class Finding:
    rule: str
    title: str
    severity: str
    status: Status
    evidence: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "status": self.status,
            "evidence": list(self.evidence),
        }


# device name -> its findings, in rule order
Results = dict[str, list[Finding]]


class Device(NamedTuple):
    """One audited device as the outputs receive it, one at a time. `source`: the file it
    came from ("" for a router read online). `problem`: why it has no verdicts ("" when
    audited): the file could not be read, or is not an IOS configuration; its one finding
    (`read` or `platform`) says so in every output."""

    name: str
    findings: list[Finding]
    source: str = ""
    problem: str = ""


# What a device without verdicts gets, in place of its rules.
READ_RULE = ("read", "the input could be read", "high")
PLATFORM_RULE = ("platform", "an IOS / IOS-XE configuration", "medium")
