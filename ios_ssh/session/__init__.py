"""Sessions to devices: one Conversation over a netmiko or scrapli Channel."""

from __future__ import annotations

from typing import Any

from .conversation import Conversation
from .params import DeviceParams, Driver


def open_session(device: DeviceParams | dict[str, Any], driver: Driver = "netmiko") -> Conversation:
    """Connect, enter privileged EXEC, and return a Conversation."""
    params = DeviceParams.coerce(device)
    if driver == "netmiko":
        from .netmiko_driver import NetmikoChannel

        conversation = Conversation(NetmikoChannel(params))
    elif driver == "scrapli":
        from .scrapli_driver import ScrapliChannel

        conversation = Conversation(ScrapliChannel(params))
    else:
        raise ValueError(f"driver: {driver!r} is not allowed; use 'netmiko' or 'scrapli'")
    conversation.send("")  # learn the prompt
    return conversation


__all__ = ["Conversation", "DeviceParams", "Driver", "open_session"]
