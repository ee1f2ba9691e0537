"""Check and Report: what was expected, what was found, and the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class Report:
    """The result of apply or verify for one device. Truthiness is not used: read `.ok`."""

    host: str
    ok: bool = True
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
            f"Report(host={self.host!r}, ok={self.ok}, changed={self.changed}, "
            f"checks={passed}/{len(self.checks)} passed, refusals={len(self.refusals)}, "
            f"errors={len(self.errors)})"
        )

    def text(self) -> str:
        """A readable account, for a terminal or a log (never holds a secret)."""
        out = [repr(self)]
        out += [f"  refused: {r}" for r in self.refusals]
        out += [f"  error: {e}" for e in self.errors]
        if self.diff:
            out += ["  diff:"] + [f"    {line}" for line in self.diff.splitlines()]
        out += [f"  {c}" for c in self.checks]
        out += [f"  note: {n}" for n in self.notes]
        return "\n".join(out)
