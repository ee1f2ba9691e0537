"""The async runner: drives a flow over asyncssh sessions, many hosts on one event loop.
I/O only; the logic is in ios_ssh.flow."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..flow.protocol import Call, Close, Exchange, Gather, Open, Protect
from ..session.conversation import Pipeline, Steps
from .aio_session import AsyncChannel, open_async

T = TypeVar("T")


@dataclass
class Tally:
    """What one host's flow cost: SSH sessions opened, round trips, calls made."""

    sessions: int = 0
    round_trips: int = 0
    calls: int = 0
    open: list[AsyncChannel] = field(default_factory=list)
    # With `record`, each session's typed lines (benchmarks replay them; may hold secrets)
    record: bool = False
    script: list[list[tuple[str, ...]]] = field(default_factory=list)


async def run_async(flow: Steps[T], tally: Tally | None = None) -> T:
    """Run `flow` to its end; each request's failure is thrown into the flow. Sessions
    the flow left open (cancelled, timed out) are closed on the way out."""
    tally = tally if tally is not None else Tally()
    try:
        request = next(flow)
        while True:
            try:
                result = await _do(request, tally)
            except Exception as exc:  # noqa: BLE001 - the flow decides; re-raised if not
                request = flow.throw(exc)
                continue
            request = flow.send(result)
    except StopIteration as stop:
        return stop.value
    finally:
        for channel in list(tally.open):
            await channel.close()
        tally.open.clear()
        _unwind(flow)


def _unwind(flow: Steps[Any]) -> None:
    """Run the `finally` blocks of a flow left mid-way (its host timed out, its task was
    cancelled) now. They ask to close sessions that are closed already, so each request is
    answered with None; left to the garbage collector, the first such request would be
    printed on stderr as "generator ignored GeneratorExit"."""
    if inspect.getgeneratorstate(flow) != inspect.GEN_SUSPENDED:
        return
    try:
        flow.throw(GeneratorExit())
        for _ in range(_CLEANUP_REQUESTS):
            flow.send(None)
    except (GeneratorExit, StopIteration):
        return
    except Exception:  # noqa: BLE001 - a cleanup step that wanted a real reply: it is over
        return
    with contextlib.suppress(RuntimeError):  # a flow that will not stop: Python's close
        flow.close()


_CLEANUP_REQUESTS = 64  # far more than any flow's `finally` blocks ask for


async def _do(request: object, tally: Tally) -> Any:
    if isinstance(request, Exchange):
        tally.round_trips += 1
        return await request.dialog.handle.exchange(request.text, request.timeout)
    if isinstance(request, Pipeline):
        tally.round_trips += 1
        return await request.dialog.handle.pipeline(request.texts, request.timeout)
    if isinstance(request, Open):
        tally.sessions += 1
        dialog, channel = await open_async(request.params, record=tally.record)
        if channel.sent is not None:
            tally.script.append(channel.sent)
        tally.round_trips += channel.exchanges + 1  # the login prompt, then set-up lines
        tally.open.append(channel)
        return dialog
    if isinstance(request, Close):
        channel = request.dialog.handle
        if channel in tally.open:
            tally.open.remove(channel)
        await channel.close()
        return None
    if isinstance(request, Protect):
        return None  # this runner keeps no session log that could hold a secret
    if isinstance(request, Call):
        tally.calls += 1
        return await _call(request)
    if isinstance(request, Gather):
        tally.calls += len(request.calls)
        return list(await asyncio.gather(*(_call(c) for c in request.calls)))
    raise TypeError(f"the async runner cannot do {request!r}")


async def _call(call: Call) -> Any:
    native = getattr(call.fn, "aio", None)
    if native is not None:
        return await native(*call.args, **call.kwargs)
    return await asyncio.to_thread(call.fn, *call.args, **call.kwargs)
