"""An impostor SSH server for the tests: accepts any password and records every
authentication attempt, with a minimal IOS-like shell (`fake#`) so a client that gets
through can open a session. Runs its own event loop in a thread (the drivers are sync)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncssh


@dataclass
class Attempts:
    """What the server was told: (method, username, secret) per attempt."""

    auth: list[tuple[str, str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    connections: int = 0

    @property
    def secrets(self) -> list[str]:
        return [secret for _, _, secret in self.auth]


class _Server(asyncssh.SSHServer):
    def __init__(self, attempts: Attempts) -> None:
        self.attempts = attempts

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.attempts.connections += 1

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        self.attempts.auth.append(("password", username, password))
        return True

    def kbdint_auth_supported(self) -> bool:
        return True

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str) -> Any:
        return "", "", "", [("Password: ", False)]

    def validate_kbdint_response(self, username: str, responses: Any) -> bool:
        self.attempts.auth.append(("keyboard-interactive", username, "".join(responses)))
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        self.attempts.auth.append(("publickey", username, key.get_fingerprint()))
        return True


async def _shell(process: asyncssh.SSHServerProcess, attempts: Attempts) -> None:
    if process.command is not None:  # an exec request (the login probe's `show ip ssh`)
        attempts.lines.append(process.command)
        process.stdout.write("SSH Enabled - version 2.0\r\n")
        process.exit(0)
        return
    process.stdout.write("\r\nfake#")
    try:
        while True:
            line = await process.stdin.readline()
            if not line:
                break
            attempts.lines.append(line.rstrip("\r\n"))
            process.stdout.write("fake#")  # the line editor echoed the line and its newline
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, ConnectionError):
        pass
    process.exit(0)


@dataclass
class FakeServer:
    host: str
    port: int
    key: asyncssh.SSHKey
    attempts: Attempts


@contextmanager
def fake_ssh_server(
    key: asyncssh.SSHKey | None = None,
    host_key_algs: list[str] | None = None,
    other_keys: tuple[asyncssh.SSHKey, ...] = (),
    **algorithms: Any,
) -> Iterator[FakeServer]:
    """Listen on 127.0.0.1, port 0; `algorithms` go to asyncssh.listen (kex_algs, ...).
    `host_key_algs` limits what the server's KEXINIT offers for its key (['ssh-rsa'] as
    on 12.2SX), which asyncssh's signature_algs alone does not."""
    key = key or asyncssh.generate_private_key("ssh-rsa", 2048)
    (keypair,) = asyncssh.load_keypairs([key])
    if host_key_algs:
        keypair.host_key_algorithms = [a.encode() for a in host_key_algs]
    attempts = Attempts()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box: dict[str, Any] = {}

    async def start() -> None:
        box["server"] = await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[keypair, *other_keys],
            server_factory=lambda: _Server(attempts),
            process_factory=lambda process: _shell(process, attempts),
            line_editor=True,
            encoding="utf-8",
            **algorithms,
        )

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(30)
    server = box["server"]
    try:
        yield FakeServer("127.0.0.1", server.sockets[0].getsockname()[1], key, attempts)
    finally:

        async def stop() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
