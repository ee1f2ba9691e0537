"""Check and Report: what was expected, what was found, and the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Check:
    """One thing verified on the router.

    Attributes:
        name: What was checked (`ssh.version`, `login.alice`, ...).
        ok: It was as expected.
        expected: What the intent asks for.
        found: What the router showed.
        evidence: The command output or probe that shows it.
    """

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
    """The result of apply or verify for one device.

    `ok` says whether the router is as the intent asks (and the change, if any, was
    confirmed); `outcome` says exactly what happened to it; `changed` means a change was
    confirmed on the router (outcome `converged`). A report is true exactly when it is
    ok, so `if report:` and `if report.ok:` mean the same (a failed report is never
    taken for a success); Nornir's `print_result` relies on that.

    Attributes:
        host: The router's name (or address).
        ok: The router is as the intent asks.
        outcome: What happened to the router, one of `Outcome`.
        revert: For `reverted`, how the change was undone; for `reverting`, when.
        protection: What could undo the change while it was tried (apply only).
        changed: A change was made and confirmed.
        diff: The configuration lines sent (or, in a dry run, that would be).
        checks: What was expected, what was found, and the evidence.
        refusals: Why the plan refused (nothing was sent).
        errors: One line each: host, step, cause and fix.
        notes: What the reader should know (lines left out on this image, say).
        seconds: How long the host took.
    """

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
        """The checks that did not pass."""
        return [c for c in self.checks if not c.ok]

    def __bool__(self) -> bool:
        # Truth is success, never mere existence: an object's default truth would make
        # `if report:` pass for a failed run. (It raised TypeError before; Nornir's
        # print_result calls bool() on every result, and so it could not print one.)
        return self.ok

    def __repr__(self) -> str:
        passed = sum(1 for c in self.checks if c.ok)
        return (
            f"Report(host={self.host!r}, ok={self.ok}, outcome={self.outcome!r}, "
            f"changed={self.changed}, "
            f"checks={passed}/{len(self.checks)} passed, refusals={len(self.refusals)}, "
            f"errors={len(self.errors)})"
        )

    def text(self, diff: bool = True, passed: bool = True) -> str:
        """A readable account, for a terminal or a log (never holds a secret); without
        the diff or the passed checks when asked (Nornir's print_result shows the diff
        itself)."""
        out = [repr(self)]
        if self.revert:
            out.append(f"  {self.outcome}: {self.revert}")
        out += [f"  refused: {r}" for r in self.refusals]
        out += [f"  error: {e}" for e in self.errors]
        if self.diff and diff:
            out += ["  diff:"] + [f"    {line}" for line in self.diff.splitlines()]
        out += [f"  {c}" for c in self.checks if passed or not c.ok]
        out += [f"  note: {n}" for n in self.notes]
        return "\n".join(out)
