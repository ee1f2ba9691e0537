"""The sync runner: drives a flow over netmiko or scrapli sessions (the Python API and
the Nornir tasks). I/O only; the logic is in ios_ssh.flow."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..flow.protocol import Call, Close, Exchange, Gather, Open, Protect
from ..session import open_session
from ..session.conversation import Pipeline, Steps, drive_sync, exchange_sync

T = TypeVar("T")


def run_sync(flow: Steps[T]) -> T:
    """Run `flow` to its end; each request's failure is thrown into the flow."""
    return drive_sync(flow, _do)


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
