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

    def cut(self) -> None:
        """From another thread: end the session at once, sending nothing (its host timed
        out). A read blocked in the session's own thread fails now, not at its timeout;
        the session's thread still owns the driver and closes it."""


def shut_down(sock: object) -> None:
    """Shut a socket down both ways (the peer sees the session end; a blocked read gets
    EOF); a socket already closed or not a socket is left alone."""
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
