"""The simulated router's telnet server: just enough option negotiation for netmiko's
`cisco_ios_telnet` and scrapli's telnet transport, IOS's login dialogue, then the CLI."""

from __future__ import annotations

import asyncio

from .auth import authenticate, login_style, vty_allows
from .device import LiveSession
from .extras import shell_banners
from .faults import login_refused
from .latency import DelayedStreamWriter
from .server import Router, interact
from .session import DropSession, HangSession, Session

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA = 1, 3
LOGIN_TRIES = 3


class _TelnetTerminal:
    """Bytes with telnet commands in them <-> text."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self._pending = b""

    async def read(self) -> str:
        while True:
            data = await self.reader.read(4096)
            if not data:
                return ""
            text = self._strip(self._pending + data)
            if text:
                return text

    def _strip(self, data: bytes) -> str:
        out, i = bytearray(), 0
        while i < len(data):
            byte = data[i]
            if byte != IAC:
                if not (byte == 0 and out[-1:] == b"\r"):  # telnet's CR NUL is a CR
                    out.append(byte)
                i += 1
                continue
            if i + 1 >= len(data):
                break
            cmd = data[i + 1]
            if cmd == IAC:
                out.append(IAC)
                i += 2
            elif cmd in (WILL, WONT, DO, DONT):
                if i + 2 >= len(data):
                    break
                i += 3
            elif cmd == SB:
                end = data.find(bytes([IAC, SE]), i)
                if end < 0:
                    break
                i = end + 2
            else:
                i += 2
        self._pending = data[i:]
        return out.decode("utf-8", errors="replace")

    def write(self, text: str) -> None:
        self.writer.write(text.encode().replace(bytes([IAC]), bytes([IAC, IAC])))

    async def read_line(self, echo: bool) -> str | None:
        """One line of login input, echoed unless it is a password."""
        buffer: list[str] = []
        while True:
            chunk = await self.read()
            if not chunk:
                return None
            for char in chunk:
                if char in "\r\n":
                    return "".join(buffer)
                if char in "\x08\x7f":
                    if buffer:
                        buffer.pop()
                        if echo:
                            self.write("\b \b")
                elif char.isprintable():
                    buffer.append(char)
                    if echo:
                        self.write(char)


async def _login(router: Router, term: _TelnetTerminal) -> str | None:
    """IOS's 'User Access Verification'; the user name, or None when it fails."""
    device = router.device
    style = login_style(device)
    if style == "none":
        return ""
    term.write("\r\n\r\nUser Access Verification\r\n\r\n")
    for _ in range(LOGIN_TRIES):
        username = ""
        if style == "userpass":
            term.write("Username: ")
            username = await term.read_line(echo=True)
            if username is None:
                return None
            term.write("\r\n")
        term.write("Password: ")
        password = await term.read_line(echo=False)
        if password is None:
            return None
        term.write("\r\n")
        if not login_refused(device.faults) and await asyncio.to_thread(
            authenticate, device, username, password
        ):
            return username
        term.write("% Login invalid\r\n\r\n" if style == "userpass" else "% Bad passwords\r\n")
    return None


async def _handle(
    router: Router, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    device = router.device
    device.tick()
    if router.latency:  # WAN delay on what the router sends (latency.py)
        writer = DelayedStreamWriter(writer, router.latency)  # type: ignore[assignment]
    term = _TelnetTerminal(reader, writer)
    peer = (writer.get_extra_info("peername") or ("", 0))[0]
    tty = None
    try:
        if not vty_allows(device, "telnet"):
            return  # `transport input ssh`: the connection closes at once
        writer.write(bytes([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, SGA]))
        extras = device.config.extras
        term.write(shell_banners(extras, ("motd", "login")).replace("\n", "\r\n"))
        username = await _login(router, term)
        if username is None:
            return
        live = LiveSession(tty=-1, username=username, location=peer, proto="telnet")
        live.close = lambda: router.loop.call_soon_threadsafe(writer.close)
        tty = device.attach(live)
        if tty is None:
            term.write("% All lines are busy\r\n")
            return
        session = Session(
            device,
            username,
            device.privilege_of(username) if username else 1,
            tty=tty,
            line_name=f"vty{tty - device.tty_number('vty', 0)} ({peer})",
        )
        term.write(shell_banners(extras, ("exec",)).replace("\n", "\r\n"))
        await interact(session, term)
        device.monitors.discard(session)
    except (DropSession, ConnectionError, asyncio.IncompleteReadError):
        pass
    except HangSession:  # no reply, ever: wait for the client to give up
        while await reader.read(4096):
            pass
    except asyncio.CancelledError:  # the lab is stopping: end quietly
        pass
    finally:
        if tty is not None:
            device.detach(tty)
        writer.close()


async def start_telnet(router: Router, host: str = "127.0.0.1", port: int = 0) -> int:
    """Listen for telnet for `router`; returns the port."""
    server = await asyncio.start_server(lambda r, w: _handle(router, r, w), host, port)
    router.telnet_server = server
    return server.sockets[0].getsockname()[1]
