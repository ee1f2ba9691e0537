"""Sessions to devices: one Conversation over a netmiko or scrapli Channel."""

from __future__ import annotations

from typing import Any

from .. import redact
from ..errors import ConnectError
from .conversation import Conversation
from .identity import Identity, establish
from .params import DeviceParams, Driver


def open_session(device: DeviceParams | dict[str, Any], driver: Driver = "netmiko") -> Conversation:
    """Connect, enter privileged EXEC, and return a Conversation.

    A telnet device that refuses telnet but has an `ssh_port` (a finished migration) is
    reached over SSH instead.
    """
    params = DeviceParams.coerce(device)
    # The drivers log the login and enable exchanges: mask these wherever they are logged.
    redact.register(params.secret_values())
    try:
        return _open(params, driver)
    except ConnectError:
        if params.transport != "telnet" or params.ssh_port is None:
            raise
    return _open(params.for_ssh(), driver)


def _open(params: DeviceParams, driver: Driver) -> Conversation:
    # The host key is checked before any driver sends a user name (telnet has none).
    identity = establish(params) if params.transport == "ssh" else None
    if driver == "netmiko":
        from .netmiko_driver import NetmikoChannel

        conversation = Conversation(NetmikoChannel(params))
    elif driver == "scrapli":
        from .scrapli_driver import ScrapliChannel

        conversation = Conversation(ScrapliChannel(params))
    else:
        raise ValueError(f"driver: {driver!r} is not allowed; use 'netmiko' or 'scrapli'")
    conversation.identity = identity
    conversation.send("")  # learn the prompt
    return conversation


__all__ = ["Conversation", "DeviceParams", "Driver", "Identity", "establish", "open_session"]
