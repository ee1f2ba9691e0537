"""A pending revert timer, from `show archive config rollback timer` (pure).

While a `configure terminal revert timer` change is unconfirmed, the router will restore
its earlier configuration when the timer fires: whatever is read meanwhile is about to
change. IOS answers `%No Rollback Confirmed Change pending` when nothing is pending, and
otherwise lists `Timer value`, `User`, `Timer type` (ios-behaviour.md section 8; the lab
and IOS 15.x also print when the timer was configured or reset). Images without the
feature (12.2SXH) answer `% Invalid input`: nothing pending that we could know of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

NO_PENDING = "No Rollback Confirmed Change pending"

_FIELD = re.compile(
    r"^\s*(?P<key>Timer value|User|Timer type|Time configured\s*\(or reset\))\s*:"
    r"\s*(?P<value>.*?)\s*$",
    re.MULTILINE,
)
_MINUTES = re.compile(r"^(\d+)\s*min")
_STARTED = "%H:%M:%S %Z %a %b %d %Y"


@dataclass(frozen=True)
class PendingRollback:
    """An unconfirmed change the router rolls back when its timer fires."""

    minutes: int | None  # the timer's length, None when not shown
    user: str  # who started it: only that user can `configure confirm`
    kind: str  # "absolute" or "idle" (restarted by activity)
    configured: str  # when it was set or reset, on the router's clock ('' if not shown)

    @property
    def rolls_back_at(self) -> str:
        """When an absolute timer fires, on the router's clock ('' when unknown)."""
        if self.minutes is None or not self.configured or self.kind == "idle":
            return ""
        try:
            started = datetime.strptime(self.configured, _STARTED)
        except ValueError:  # another clock format: say what the router said instead
            return ""
        zone = self.configured.split()[1]
        return f"{(started + timedelta(minutes=self.minutes)).strftime('%H:%M:%S')} {zone}"

    def describe(self) -> str:
        """One clause: whose change, and when the router rolls it back."""
        length = f"{self.minutes} min " if self.minutes is not None else ""
        who = f"by {self.user} " if self.user else ""
        if self.rolls_back_at:
            when = f"rolls back at {self.rolls_back_at} (router clock)"
        elif self.kind == "idle":
            when = "rolls back after that much idle time"
        elif self.configured:
            when = f"set at {self.configured}"
        else:
            when = "rolls back when it fires"
        return (
            f"a revert timer ({length}{self.kind or 'absolute'}) started {who}is pending: it {when}"
        )


def parse_rollback_timer(output: str) -> PendingRollback | None:
    """The pending rollback `output` shows, or None (nothing pending, or no such feature)."""
    if NO_PENDING in output or "Invalid input" in output:
        return None
    fields = {m["key"].split()[-1].strip("()"): m["value"] for m in _FIELD.finditer(output)}
    if "value" not in fields:  # no `Timer value` line: not an answer we know
        return None
    minutes = _MINUTES.match(fields["value"])
    return PendingRollback(
        minutes=int(minutes[1]) if minutes else None,
        user=_first_word(fields.get("User", "")),
        kind=_first_word(fields.get("type", "")) or "absolute",
        configured=fields.get("reset", ""),
    )


def _first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else ""
