"""A sync run another thread stops (its host timed out in the async engine): the sessions
it has open are cut, one it opens later is cut as soon as it exists, and its next step is
refused. tests/lab/test_cut_sessions.py shows each driver's cut ending a blocked read."""

from __future__ import annotations

import threading
from typing import Any

from ios_ssh.engine.sync import Stop, run_sync
from ios_ssh.errors import SessionLost
from ios_ssh.flow.protocol import Call


class _Channel:
    def __init__(self) -> None:
        self.was_cut = threading.Event()

    def cut(self) -> None:
        self.was_cut.set()


def test_after_stop_the_next_step_fails_without_being_done() -> None:
    stop, done = Stop(), []

    def first() -> str:
        stop.stop("no result within 3 s")  # as the engine does when the host times out
        return "first"

    def flow() -> Any:
        done.append((yield Call(first)))
        try:
            yield Call(done.append, ("second",))
        except SessionLost as exc:
            return str(exc)
        return "not stopped"

    assert run_sync(flow(), stop) == "stopped: no result within 3 s"
    assert done == ["first"]  # the second call never ran


def test_stop_cuts_the_open_sessions_and_any_opened_after() -> None:
    stop = Stop()
    open_one, closed_one, late_one = _Channel(), _Channel(), _Channel()
    stop.track(open_one, opened=True)
    stop.track(closed_one, opened=True)
    stop.track(closed_one, opened=False)  # the flow closed it: nothing to cut
    stop.stop("no result within 3 s")
    assert open_one.was_cut.wait(5)
    stop.track(late_one, opened=True)  # its login was under way at the stop
    assert late_one.was_cut.wait(5)
    assert not closed_one.was_cut.is_set()


def test_without_stop_a_run_is_as_before() -> None:
    def flow() -> Any:
        return (yield Call(lambda: 7))

    assert run_sync(flow()) == 7
