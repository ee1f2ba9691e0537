"""Check and Report: what was expected, what was found, and the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    expected: str
    found: str
    evidence: str = ""

    def __str__(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        return f"{mark} {self.name}: expected {self.expected}, found {self.found}"


# What happened to the router, exactly one per report (README: "Outcomes").
Outcome = Literal[
    "converged",  # the change was made and confirmed
    "unchanged",  # nothing was sent that changed the configuration (also dry runs, verify)
    "refused",  # the plan or the tool refused before changing anything
    "reverted",  # a change was tried and undone; `revert` says how
    "reverting",  # a change is not confirmed: the router rolls back at `revert`'s time
    "failed-before-change",  # no session, or a failure before anything was changed
    "partial",  # unprotected (allow_unprotected): lines before the failure stay
    "unknown",  # the session was lost with no protection and no way to tell
]


@dataclass
class Report:
    """The result of apply or verify for one device. Truthiness is not used: read `.ok`.

    `changed` means a change was confirmed on the router (outcome `converged`)."""

    host: str
    ok: bool = True
    outcome: Outcome = "unchanged"
    revert: str = ""  # reverted: how (revert now, timer, checkpoint); reverting: when
    protection: str = ""  # what could undo the change while it was tried (apply only)
    changed: bool = False
    diff: str = ""
    checks: list[Check] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def __bool__(self) -> bool:  # pragma: no cover - guard against `if report:`
        raise TypeError("use report.ok, not the report itself, as a condition")

    def __repr__(self) -> str:
        passed = sum(1 for c in self.checks if c.ok)
        return (
            f"Report(host={self.host!r}, ok={self.ok}, outcome={self.outcome!r}, "
            f"changed={self.changed}, "
            f"checks={passed}/{len(self.checks)} passed, refusals={len(self.refusals)}, "
            f"errors={len(self.errors)})"
        )

    def text(self) -> str:
        """A readable account, for a terminal or a log (never holds a secret)."""
        out = [repr(self)]
        if self.revert:
            out.append(f"  {self.outcome}: {self.revert}")
        out += [f"  refused: {r}" for r in self.refusals]
        out += [f"  error: {e}" for e in self.errors]
        if self.diff:
            out += ["  diff:"] + [f"    {line}" for line in self.diff.splitlines()]
        out += [f"  {c}" for c in self.checks]
        out += [f"  note: {n}" for n in self.notes]
        return "\n".join(out)
