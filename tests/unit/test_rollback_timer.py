"""`show archive config rollback timer`: a pending rollback, or none (pure)."""

from __future__ import annotations

from ios_ssh.rollback_timer import parse_rollback_timer

PENDING = """Time configured(or reset): 10:16:19 UTC Tue Nov 24 2026
Timer value: 5 min
Timer type: absolute
User: admin
"""


def test_a_pending_absolute_timer_says_who_and_when() -> None:
    pending = parse_rollback_timer(PENDING)
    assert pending is not None
    assert (pending.minutes, pending.user, pending.kind) == (5, "admin", "absolute")
    assert pending.rolls_back_at == "10:21:19 UTC"
    assert pending.describe() == (
        "a revert timer (5 min absolute) started by admin is pending: it rolls back at "
        "10:21:19 UTC (router clock)"
    )


def test_nothing_pending_and_no_such_feature_are_none() -> None:
    assert parse_rollback_timer("%No Rollback Confirmed Change pending") is None
    invalid = "show archive config rollback timer\n                    ^\n% Invalid input detected at '^' marker."
    assert parse_rollback_timer(invalid) is None
    assert parse_rollback_timer("") is None


def test_the_fields_in_any_order_an_idle_timer_and_a_clock_we_cannot_read() -> None:
    idle = parse_rollback_timer("User: ops\nTimer type: idle\nTimer value: 3 min\n")
    assert idle is not None and idle.kind == "idle" and idle.rolls_back_at == ""
    assert "after that much idle time" in idle.describe()
    odd = parse_rollback_timer(
        "Time configured(or reset): *10:16:19.123 PST Nov 24\nTimer value: 2 min\n"
    )
    assert odd is not None and odd.rolls_back_at == "" and "set at *10:16:19.123" in odd.describe()
