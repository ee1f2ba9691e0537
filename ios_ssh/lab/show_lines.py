"""`show line`, `show line vty N` (and `console 0`, `aux 0`, a tty number), `show users [all]`.

Shapes from shared/reference/samples/:
- the `show line` table: 79-character rows, `Overruns` 7 wide (genieparser iosxe show_line
  1; RT01 17.15.1 `show line | include VTY`; muninn c3750x);
- one line's detail block after its row: muninn `show line console 0` on a 3750-X; the
  transports RT01 17.15.1 prints (`show line vty 0 | include transport`);
- `show users`: RT01 17.15.1 (`   0 con 0                idle                 00:00:03`,
  location after one space), idle as hh:mm:ss under a day, `1w6d` / `2w0d` beyond (muninn
  isr1100), `XdYYh` [U] between; `show users all` lists every line, the unused ones with
  no user and host (ntc-templates cisco_ios show_users all).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .device import Device

LINE_HEADER = "   Tty Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int"
USERS_HEADER = "    Line       User       Host(s)              Idle       Location"
USERS_INTERFACES = "  Interface    User               Mode         Idle     Peer Address"
_KINDS = {"CTY": "con", "TTY": "tty", "AUX": "aux", "VTY": "vty"}
_TRANSPORTS = ("telnet ssh", "telnet")  # the hybrid lab's (images.py Platform.transports)


def _setting(device: Device, typ: str, number: int, attr: str) -> object:
    blocks = device.config.setting_for(_KINDS[typ], number)
    return next((getattr(b, attr) for b in reversed(blocks) if getattr(b, attr)), None)


def line_row(device: Device, tty: int, typ: str, number: int, speed: str) -> str:
    rotary = _setting(device, typ, number, "rotary") or "-"
    acco = _setting(device, typ, number, "access_class_out") or "-"
    acci = _setting(device, typ, number, "access_class_in") or "-"
    active = "*" if tty in device.sessions else " "
    return (
        f"{active}{tty:>6} {typ} {speed:>11}  -    -  {rotary!s:>5} "
        f"{acco:>4} {acci:>4} {device.uses.get(tty, 0):>6} {0:>7} {'0/0':>7} {'-':>7}"
    )


def show_line(device: Device) -> str:
    rows = [line_row(device, *row) for row in device.line_rows()]
    return "\n".join([LINE_HEADER, *rows])


def show_one_line(device: Device, kind: str, number: int) -> str | None:
    """`show line vty 0` and the like: the line's row and its detail block; None when the
    router has no such line."""
    typ = {"con": "CTY", "aux": "AUX", "vty": "VTY", "tty": "TTY"}[kind]
    row = next((r for r in device.line_rows() if r[1] == typ and r[2] == number), None)
    if row is None:
        return None
    tty = row[0]
    live = device.sessions.get(tty)
    platform = device.image.platform
    output, preferred = platform.transports if platform is not None else _TRANSPORTS
    chosen = _setting(device, typ, number, "transport_preferred")
    inputs = _setting(device, typ, number, "transport_input")
    if inputs is None:
        inputs = ["none"] if typ == "CTY" else output.split()
    timeout = _setting(device, typ, number, "exec_timeout") or (10, 0)
    status = "Ready, Active" if live is not None else "Ready"
    since = _idle(device, time.monotonic() - live.started) if live is not None else "never"
    return "\n".join(
        [
            LINE_HEADER,
            line_row(device, *row),
            "",
            f'Line {tty}, Location: "", Type: ""',
            "Length: 24 lines, Width: 80 columns",
            "Baud rate (TX/RX) is 9600/9600, no parity, 2 stopbits, 8 databits",
            f"Status: {status}",
            "Capabilities: none",
            "Modem state: Ready",
            "Special Chars: Escape  Hold  Stop  Start  Disconnect  Activation",
            "                ^^x    none   -     -       none",
            "Timeouts:      Idle EXEC    Idle Session   Modem Answer  Session   Dispatch",
            (
                f"               {timeout[0] // 60:02d}:{timeout[0] % 60:02d}:{timeout[1]:02d}"
                "        never"
                "                        none     not set"
            ),
            "                            Idle Session Disconnect Warning",
            "                              never",
            "                            Login-sequence User Response",
            "                             00:00:30",
            "                            Autoselect Initial Wait",
            "                              not set",
            "Modem type is unknown.",
            "Session limit is not set.",
            f"Time since activation: {since}",
            "Editing is enabled.",
            "History is enabled, history size is 20.",
            "DNS resolution in show commands is enabled",
            "Full user help is disabled",
            f"Allowed input transports are {' '.join(inputs)}.",  # type: ignore[arg-type]
            f"Allowed output transports are {output}.",
            f"Preferred transport is {chosen or preferred}.",
            "No output characters are padded",
            "No special data dispatching characters",
        ]
    )


def _idle(device: Device, seconds: float) -> str:
    """IOS's idle time of `seconds` real seconds, counted in lab minutes."""
    total = int(seconds * 60 / device.minute_seconds)
    days, rest = divmod(total, 86400)
    if days >= 7:
        return f"{days // 7}w{days % 7}d"
    if days:
        return f"{days}d{rest // 3600:02d}h"
    hours, rest = divmod(rest, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def show_users(device: Device, own_tty: int | None, everyone: bool = False) -> str:
    """`show users`: the console and every line in use (`all`: every line there is)."""
    now = time.monotonic()
    out = [USERS_HEADER]
    wanted = [0, *sorted(device.sessions)]
    if everyone:
        wanted = [row[0] for row in device.line_rows()]
    for tty in wanted:
        live = device.sessions.get(tty)
        mark = "*" if tty == own_tty else " "
        kind, number = device.line_of(tty)
        head = f"{mark}{tty:>3} {kind} {number:<5}"
        if tty == own_tty:
            idle = "00:00:00"  # this line has just typed `show users`
        elif live is not None:
            idle = _idle(device, now - live.last_input)
        elif tty == 0:
            idle = _idle(device, now - device.console_input)
        else:
            idle = "00:00:00"
        if live is None and tty != 0:  # `all`: a line nobody is on
            out.append(f"{head} {'':<10} {'':<20} {idle:>8}")
            continue
        user = live.username if live else ""
        location = live.location if live else ""
        row = f"{head} {user:<10} {'idle':<20} {idle:>8} {location}".rstrip()
        out.append(row + ("   " if not location else ""))
    out += ["", USERS_INTERFACES, ""]
    return "\n".join(out)
