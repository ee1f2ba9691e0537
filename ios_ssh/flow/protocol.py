"""What a flow asks its runner to do, besides a Dialog's `Exchange` (h11's style: the flow
yields a request and is sent its result, or has the runner's exception thrown in).

A runner answers every request type here; it holds no logic of the flow itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..session.conversation import Dialog, Exchange, Steps
from ..session.params import DeviceParams, Driver


@dataclass(frozen=True)
class Open:
    """Open a session (host key checked first, privileged EXEC, prompt learned): a Dialog,
    or ConnectError thrown in. `driver` picks the sync driver; the async runner has one."""

    params: DeviceParams
    driver: Driver = "netmiko"


@dataclass(frozen=True)
class Close:
    dialog: Dialog


@dataclass(frozen=True)
class Protect:
    """Keep these values out of the session's own log (SessionLogError if it cannot)."""

    dialog: Dialog
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class Call:
    """A blocking I/O call outside the sessions (a live probe, a key exchange): the sync
    runner calls `fn(*args)`; the async runner awaits `fn.aio(*args)` when `fn` has one,
    else runs `fn` in a thread."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Gather:
    """Several Calls at once (the live probes): their results, in order."""

    calls: tuple[Call, ...]


def opened(params: DeviceParams, driver: Driver) -> Steps[Dialog]:
    dialog = yield Open(params, driver)
    return dialog


def close(dialog: Dialog) -> Steps[None]:
    yield Close(dialog)


def protect(dialog: Dialog, secrets: Iterable[str]) -> Steps[None]:
    yield Protect(dialog, tuple(secrets))


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Steps[Any]:
    result = yield Call(fn, args, kwargs)
    return result


def gather(calls: Iterable[Call]) -> Steps[list[Any]]:
    calls = tuple(calls)
    if not calls:
        return []
    results = yield Gather(calls)
    return list(results)


__all__ = ["Call", "Close", "Dialog", "Exchange", "Gather", "Open", "Protect", "Steps"]
