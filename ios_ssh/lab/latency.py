"""WAN latency on demand: every byte a router sends reaches the client N ms later.

The delay is one-way, on the router's side only (`serve --latency-ms N [--jitter-ms J]`):
a command's round trip then costs at least N ms, as over a link with that much delay.
Order is kept: a write never overtakes an earlier one, whatever the jitter draws, and a
close waits for the data written before it.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Latency:
    ms: float = 0.0
    jitter_ms: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def __bool__(self) -> bool:
        return self.ms > 0 or self.jitter_ms > 0

    def draw(self) -> float:
        """One delay in seconds: N plus up to J of jitter."""
        return (self.ms + self.rng.uniform(0, self.jitter_ms)) / 1000


class DelayedWrites:
    """Writes handed to `sink` after a delay each, in order; `end` runs after the last."""

    def __init__(self, latency: Latency, sink: Any) -> None:
        self.latency = latency
        self._sink = sink
        self._loop = asyncio.get_running_loop()
        self._queue: deque[tuple[float, bytes]] = deque()
        self._last = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._end: Any = None

    def write(self, data: bytes) -> None:
        due = max(self._last, self._loop.time() + self.latency.draw())
        self._last = due
        self._queue.append((due, data))
        if self._timer is None:
            self._timer = self._loop.call_at(due, self._deliver)

    def end(self, action: Any) -> None:
        """Run `action` (close, abort) once what is queued has gone out."""
        if not self._queue:
            action()
        else:
            self._end = action

    def _deliver(self) -> None:
        self._timer = None
        now = self._loop.time()
        chunks = []
        while self._queue and self._queue[0][0] <= now:
            chunks.append(self._queue.popleft()[1])
        if chunks and not self._sink.is_closing():
            self._sink.write(b"".join(chunks))
        if self._queue:
            self._timer = self._loop.call_at(self._queue[0][0], self._deliver)
        elif self._end is not None:
            action, self._end = self._end, None
            action()


class DelayedStreamWriter:
    """An asyncio StreamWriter (telnet) whose writes and close go through the delay."""

    def __init__(self, writer: asyncio.StreamWriter, latency: Latency) -> None:
        self._writer = writer
        self._delayed = DelayedWrites(latency, writer)

    def write(self, data: bytes) -> None:
        self._delayed.write(data)

    def close(self) -> None:
        self._delayed.end(self._writer.close)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._writer, name)
