"""A sync run another thread stops (its host timed out in the async engine): the session's
socket is shut down so a blocked read ends now, and the run's next step is refused."""

from __future__ import annotations

import socket
import threading
import time
from types import SimpleNamespace
from typing import Any

from ios_ssh.engine.sync import Stop, run_sync
from ios_ssh.errors import SessionLost
from ios_ssh.flow.protocol import Call
from ios_ssh.session.channel import cut


def test_cut_ends_a_read_blocked_in_another_thread() -> None:
    ours, router = socket.socketpair()
    with ours, router:
        telnet = SimpleNamespace(sock=ours)  # netmiko's telnet: conn.remote_conn.sock
        channel = SimpleNamespace(conn=SimpleNamespace(remote_conn=telnet))
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(ours.recv(100)))
        reader.start()
        time.sleep(0.2)
        started = time.monotonic()
        cut(channel)
        reader.join(timeout=5)
        assert not reader.is_alive()
        assert got == [b""] and time.monotonic() - started < 1  # EOF, at once
        assert router.recv(100) == b""  # the router sees the session end


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


def test_without_stop_a_run_is_as_before() -> None:
    def flow() -> Any:
        return (yield Call(lambda: 7))

    assert run_sync(flow()) == 7
