"""The sync runner: drives a flow over netmiko or scrapli sessions (the Python API and
the Nornir tasks). I/O only; the logic is in ios_ssh.flow."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..errors import SessionLost
from ..flow.protocol import Call, Close, Exchange, Gather, Open, Protect
from ..session import open_session
from ..session.conversation import Pipeline, Steps, drive_sync, exchange_sync

T = TypeVar("T")


class Stop:
    """Lets another thread end a sync run (its host timed out): the sessions it has open
    are cut at once, and every request after that fails without touching the router."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._why = ""
        self._open: list[Any] = []  # the run's open channels

    def stop(self, why: str) -> None:
        with self._lock:
            self._why, channels = why, list(self._open)
        for channel in channels:
            _cut(channel)

    def check(self) -> None:
        with self._lock:
            why = self._why
        if why:
            raise SessionLost(f"stopped: {why}")

    def track(self, channel: Any, *, opened: bool) -> None:
        with self._lock:
            if opened:
                self._open.append(channel)
            elif channel in self._open:
                self._open.remove(channel)
            stopped = bool(self._why)
        if stopped and opened:  # opened while being stopped: cut it too
            _cut(channel)


def _cut(channel: Any) -> None:
    # off the caller's thread: ending scrapli's ssh process may wait on it
    cut = getattr(channel, "cut", None)
    if callable(cut):
        threading.Thread(target=cut, name="ios-ssh-cut", daemon=True).start()


def run_sync(flow: Steps[T], stop: Stop | None = None) -> T:
    """Run `flow` to its end; each request's failure is thrown into the flow. With `stop`,
    another thread can end the run (see Stop)."""
    if stop is None:
        return drive_sync(flow, _do)

    def do(request: object) -> Any:
        if isinstance(request, Close):  # closing a cut session is harmless: let it through
            stop.track(request.dialog.handle, opened=False)
            return _do(request)
        stop.check()
        reply = _do(request)
        if isinstance(request, Open):
            stop.track(reply.handle, opened=True)
        return reply

    return drive_sync(flow, do)


def _do(request: object) -> Any:
    if isinstance(request, Exchange | Pipeline):
        return exchange_sync(request)
    if isinstance(request, Open):
        return open_session(request.params, request.driver).dialog
    if isinstance(request, Close):
        request.dialog.handle.close()
        return None
    if isinstance(request, Protect):
        request.dialog.handle.protect(request.secrets)
        return None
    if isinstance(request, Call):
        return request.fn(*request.args, **request.kwargs)
    if isinstance(request, Gather):
        return _gather(request.calls)
    raise TypeError(f"the sync runner cannot do {request!r}")


def _gather(calls: tuple[Call, ...]) -> list[Any]:
    """The calls at once, each in its own thread (the live probes: a few per router)."""
    if len(calls) == 1:
        return [calls[0].fn(*calls[0].args, **calls[0].kwargs)]
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(c.fn, *c.args, **c.kwargs) for c in calls]
        return [f.result() for f in futures]
