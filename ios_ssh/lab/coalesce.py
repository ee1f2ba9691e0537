"""One socket write per event-loop turn for the lab's SSH server connections.

asyncssh writes every SSH packet to its transport on its own: a login with one command
costs the server ~20 `send` calls and the client as many wake-ups. A router answers a
client's flight of packets (KEXINIT, ECDH reply + NEWKEYS, ...) as one TCP segment; the
lab does the same by gathering what a connection writes while the loop handles one
event and sending it when that turn ends. Order is kept; close and abort send what is
pending first, as they would have found it already sent. A router with WAN latency
(latency.py) hands each gathered write to its delay line instead of the socket.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncssh

from .latency import DelayedWrites


class CoalescingTransport:
    """A transport proxy that joins the writes of one loop turn into one."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._loop = asyncio.get_running_loop()
        self._pending: list[bytes] = []
        self.delay: DelayedWrites | None = None

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)

    def flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if self.delay is not None:
            self.delay.write(data)
        elif not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        if self.delay is not None:
            self.delay.end(self._transport.close)
        else:
            self._transport.close()

    def abort(self) -> None:
        self.flush()
        if self.delay is not None:
            self.delay.end(self._transport.abort)
        else:
            self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


_plain_connection_made = asyncssh.connection.SSHServerConnection.connection_made


def _coalesced_connection_made(
    conn: asyncssh.connection.SSHServerConnection, transport: asyncio.BaseTransport
) -> None:
    coalescing = CoalescingTransport(transport)  # type: ignore[arg-type]
    _plain_connection_made(conn, coalescing)  # type: ignore[arg-type]
    # The server object exists now (asyncssh made it above); its router may have latency.
    latency = getattr(getattr(conn, "_owner", None), "latency", None)
    if latency:
        coalescing.delay = DelayedWrites(latency, transport)


def install() -> None:
    """Make every asyncssh server connection in this process coalesce its writes."""
    asyncssh.connection.SSHServerConnection.connection_made = _coalesced_connection_made  # type: ignore[method-assign]
