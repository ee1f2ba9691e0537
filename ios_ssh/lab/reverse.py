"""Reverse SSH: an SSH login that lands on a terminal server's tty line, and through the
cable on that line, on the console of the device behind it.

Two ways in, as the guide has them: a port set with `ip ssh port N rotary G [LAST]`
(port N serves rotary G, N+1 the next group, ...), or the ordinary SSH port with the user
name `user:LINE` or `user:rotaryG`. The first free line of the group with `transport
input ssh` is taken; its `login` settings decide the password check.
"""

from __future__ import annotations

import asyncio
import re

import asyncssh

from .auth import authenticate, effective
from .device import Device, LiveSession

_TARGET = re.compile(r"^(?P<user>[^:]*):(?:(?P<line>\d+)|rotary(?P<rotary>\d+))$")


def split_user(username: str) -> tuple[str, int | None, int | None] | None:
    """`lab:3` -> ('lab', 3, None); `lab:rotary1` -> ('lab', None, 1); else None."""
    match = _TARGET.match(username)
    if not match:
        return None
    line = int(match["line"]) if match["line"] else None
    rotary = int(match["rotary"]) if match["rotary"] else None
    return match["user"], line, rotary


def candidate_lines(
    device: Device, line: int | None = None, rotary: int | None = None
) -> list[int]:
    """Async lines that a reverse session may take, in order (busy ones included)."""
    out = []
    for number in range(1, device.async_lines + 1):
        if line is not None and number != line:
            continue
        if rotary is not None and effective(device, "tty", number, "rotary") != rotary:
            continue
        allowed = effective(device, "tty", number, "transport_input", ["none"])
        if "ssh" in allowed or "all" in allowed:  # type: ignore[operator]
            out.append(number)
    return out


def check_login(device: Device, username: str, password: str, lines: list[int]) -> bool:
    return bool(lines) and authenticate(device, username, password, "tty", lines[0])


def port_groups(device: Device) -> dict[int, int]:
    """TCP port -> rotary group, from every `ip ssh port` line."""
    out: dict[int, int] = {}
    for entry in device.config.ssh_ports:
        for offset, group in enumerate(entry.groups()):
            out[entry.port + offset] = group
    return out


async def bridge(
    device: Device,
    process: asyncssh.SSHServerProcess,
    lines: list[int],
    username: str,
    live: LiveSession,
) -> None:
    """Take the first free line and connect the client to what is cabled to it."""
    from .server import _SshTerminal, interact  # the line discipline lives with the server
    from .session import Session

    tty = None
    with device.lock:
        for number in lines:
            if number not in device.sessions:
                tty = number
                live.tty = number
                device.sessions[number] = live
                device.uses[number] = device.uses.get(number, 0) + 1
                break
    if tty is None:
        process.stdout.write("% All lines in use\r\n")
        process.exit(1)
        return
    try:
        target = device.consoles.get(tty)
        if target is None:  # nothing on the cable: the line stays open, silent
            while await process.stdin.read(4096):
                pass
            return
        console = Session(target, "", 1, tty=0, line_name="console")
        await interact(console, _SshTerminal(process))
    except (BrokenPipeError, ConnectionError, asyncssh.Error, asyncio.CancelledError):
        return
    finally:
        device.detach(tty)
        if not process.is_closing():
            process.exit(0)
