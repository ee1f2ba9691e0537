"""The async runner's edges: a flow cut off mid-way (a host timed out) still runs its
`finally` blocks, at once and without noise on stderr."""

from __future__ import annotations

import asyncio
import gc
import sys
from typing import Any

import pytest

from ios_ssh.engine.aio import run_async
from ios_ssh.flow.protocol import Call, Close


async def _forever() -> None:
    await asyncio.sleep(3600)


def _hang() -> None:  # the sync form is never called: the runner awaits `.aio`
    raise AssertionError


_hang.aio = _forever  # type: ignore[attr-defined]


def test_a_timed_out_flow_runs_its_cleanup_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    cleanup: list[Any] = []
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    def flow() -> Any:
        try:
            yield Call(_hang)
        finally:  # as the flows close their sessions
            cleanup.append((yield Close(None)))  # type: ignore[arg-type]

    with pytest.raises(TimeoutError):
        asyncio.run(asyncio.wait_for(run_async(flow()), 0.05))
    assert cleanup == [None]  # unwound by the runner, not left to the garbage collector
    gc.collect()
    assert unraisable == []
