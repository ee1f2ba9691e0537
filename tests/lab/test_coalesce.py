"""The lab's write coalescing: one socket write per loop turn, order kept, nothing lost."""

from __future__ import annotations

import asyncio

from ios_ssh.lab.coalesce import CoalescingTransport


class _RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.events: list[str] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)
        self.events.append("write")

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True
        self.events.append("close")

    def abort(self) -> None:
        self.closing = True
        self.events.append("abort")

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 22) if name == "peername" else default


def _run(scenario) -> _RecordingTransport:
    inner = _RecordingTransport()

    async def main() -> None:
        await scenario(CoalescingTransport(inner))  # type: ignore[arg-type]

    asyncio.run(main())
    return inner


def test_writes_of_one_turn_leave_as_one_in_order() -> None:
    async def scenario(transport: CoalescingTransport) -> None:
        transport.write(b"KEXINIT ")
        transport.write(b"REPLY ")
        transport.write(b"NEWKEYS")
        await asyncio.sleep(0)
        transport.write(b"EXT-INFO")
        await asyncio.sleep(0)

    inner = _run(scenario)
    assert inner.writes == [b"KEXINIT REPLY NEWKEYS", b"EXT-INFO"]


def test_close_and_abort_send_what_is_pending_first() -> None:
    async def closing(transport: CoalescingTransport) -> None:
        transport.write(b"DISCONNECT")
        transport.close()
        await asyncio.sleep(0)

    async def aborting(transport: CoalescingTransport) -> None:
        transport.write(b"DISCONNECT")
        transport.abort()
        await asyncio.sleep(0)

    for scenario, last in ((closing, "close"), (aborting, "abort")):
        inner = _run(scenario)
        assert inner.writes == [b"DISCONNECT"]
        assert inner.events == ["write", last]


def test_nothing_is_written_to_a_closed_transport_and_the_rest_is_delegated() -> None:
    async def scenario(transport: CoalescingTransport) -> None:
        transport.write(b"late")
        transport._transport.closing = True  # type: ignore[attr-defined]
        await asyncio.sleep(0)
        assert transport.get_extra_info("peername") == ("127.0.0.1", 22)

    assert _run(scenario).writes == []
