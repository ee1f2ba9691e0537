"""The one thing a driver must do: send a line, read until a prompt or a question."""

from __future__ import annotations

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
