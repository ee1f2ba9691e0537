"""The async engine's event loops: uvloop's where installed, else asyncio's.

Both ends are asyncssh on an event loop, and asyncio's own loop is a good part of their
CPU per SSH session: with libuv's loop the lab's server spends about a fifth less per new
session (benchmarks/lab_sessions.py: 3.4 -> 2.7 ms on XE 17 with AES-GCM). The lab has
its own twin, ios_ssh.lab.loops: the simulator imports nothing of the library.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

try:
    import uvloop
except ImportError:  # Windows, or a platform without a wheel: asyncio's loop works the same
    uvloop = None  # type: ignore[assignment]

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    return uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on the loop of `new_event_loop`."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)
