"""The lab's event loops: uvloop's where it is installed, asyncio's own otherwise.

A lab router's SSH server is asyncssh on an event loop; with libuv's loop the server
spends about a fifth less CPU per new session (benchmarks/lab_sessions.py: 3.4 -> 2.7 ms
on XE 17 with AES-GCM). The library's engine has its own twin, ios_ssh.loops: the
simulator imports nothing of the library (tests/unit/test_cli_and_api.py).
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
    """`asyncio.run` on the lab's kind of loop."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)
