"""The one thing a driver must do: send a line, read until a prompt or a question."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterable
from typing import Protocol

from .params import DeviceParams


class Channel(Protocol):
    params: DeviceParams

    def exchange(self, text: str, timeout: float) -> str:
        """Send `text` and return, read until an IOS prompt or question; return what was
        printed after the echo, the final prompt or question included."""

    def protect(self, secrets: Iterable[str]) -> None:
        """Keep these values out of the driver's own session log, or refuse (raise
        SessionLogError) when that log cannot hide them."""

    def close(self) -> None: ...


def cut(channel: object) -> None:
    """End a sync session from another thread, at once: its socket is shut down, so a read
    blocked in the session's own thread ends now (with EOF) instead of at its timeout.
    Nothing is sent: the session's thread still owns the driver and cleans up after it."""
    sock = _socket_of(getattr(channel, "conn", None))
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        return
    transport = getattr(getattr(channel, "conn", None), "transport", None)
    with contextlib.suppress(Exception):  # scrapli's system transport: its ssh process
        transport.close()  # type: ignore[union-attr]


def _socket_of(conn: object) -> socket.socket | None:
    remote = getattr(conn, "remote_conn", None)  # netmiko: telnetlib.Telnet or paramiko
    if isinstance(getattr(remote, "sock", None), socket.socket):
        return remote.sock  # type: ignore[union-attr]
    get_transport = getattr(remote, "get_transport", None)  # paramiko's Channel
    if callable(get_transport):
        sock = getattr(get_transport(), "sock", None)
        return sock if isinstance(sock, socket.socket) else None
    wrapped = getattr(getattr(getattr(conn, "transport", None), "socket", None), "sock", None)
    return wrapped if isinstance(wrapped, socket.socket) else None  # scrapli's telnet
