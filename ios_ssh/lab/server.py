"""The simulated router's SSH server: asyncssh around a `Session`, with IOS-like echo.

Echo is done here, character by character, rather than by asyncssh's line editor: IOS
echoes what is typed (scrapli waits for that echo before it sends return) but not a
password, and the session decides which.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncssh
from cryptography.hazmat.primitives import serialization

from .device import Device
from .session import Session


@dataclass
class Router:
    """One lab router: its device model and the credentials its vty lines accept."""

    name: str
    device: Device
    host_key: asyncssh.SSHKey | None = None

    def load_host_key(self) -> asyncssh.SSHKey:
        key = self.device.ssh_key()
        if key is None:
            raise RuntimeError(f"{self.name}: no RSA key, SSH is disabled")
        pem = key.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # A key object, not a file: asyncssh would re-read a file on every connection.
        self.host_key = asyncssh.import_private_key(pem)
        return self.host_key


class _SshServer(asyncssh.SSHServer):
    def __init__(self, router: Router) -> None:
        self.router = router

    def begin_auth(self, username: str) -> bool:
        return True  # every user must authenticate

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        user = self.router.device.users.get(username)
        return user is not None and user[2] == password


async def _run_shell(router: Router, process: asyncssh.SSHServerProcess) -> None:
    username = process.get_extra_info("username") or ""
    privilege = router.device.users.get(username, (1, "", ""))[0]
    session = Session(router.device, username, privilege)
    if process.command:  # `ssh router show ip ssh`: one command, then close
        process.stdout.write(_crlf(session.feed(process.command)) + "\r\n")
        process.exit(0)
        return
    process.stdout.write("\r\n" + session.prompt)
    buffer: list[str] = []
    last = ""
    try:
        while not process.stdin.at_eof() and not session.closed:
            chunk = await process.stdin.read(4096)
            if not chunk:
                break
            for char in chunk:
                if char == "\n" and last == "\r":
                    last = char
                    continue
                last = char
                if char in "\r\n":
                    line, buffer = "".join(buffer), []
                    output = await asyncio.to_thread(session.feed, line)
                    text = "\r\n" + (
                        _crlf(output) + ("" if output.endswith("\n") else "\r\n") if output else ""
                    )
                    if session.closed:
                        process.stdout.write(text)
                        break
                    process.stdout.write(text + session.prompt)
                elif char in "\x08\x7f":
                    if buffer:
                        buffer.pop()
                        if not session.hide_input:
                            process.stdout.write("\b \b")
                elif char == "\x1a":  # Ctrl-Z
                    buffer = []
                    output = session.feed("\x1a")
                    process.stdout.write("^Z\r\n" + _crlf(output) + session.prompt)
                elif char == "\x03":  # Ctrl-C
                    buffer = []
                    process.stdout.write("\r\n" + session.prompt)
                elif char.isprintable() or char == "\t":
                    buffer.append(char)
                    if not session.hide_input:
                        process.stdout.write(char)
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, asyncssh.SignalReceived):
        pass
    except (BrokenPipeError, ConnectionError):
        return
    process.exit(0)


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


async def start_ssh(router: Router, host: str = "127.0.0.1", port: int = 0) -> asyncssh.SSHAcceptor:
    """Listen for SSH on `host:port` (0: a free port) for `router`."""
    key = router.host_key or router.load_host_key()
    return await asyncssh.listen(
        host,
        port,
        server_host_keys=[key],
        server_factory=lambda: _SshServer(router),
        process_factory=lambda process: _run_shell(router, process),
        line_editor=False,
        encoding="utf-8",
        keepalive_interval=0,
        login_timeout=router.device.ssh_time_out,
    )
