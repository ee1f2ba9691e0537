"""The router's own SSH client: `ssh [-v 2] [-c cipher] [-m hmac] -l user [-p port]
[-vrf name] host [command]`, a real SSH session from one lab router to another.

The CLI session is synchronous (it runs in a worker thread), so the client runs on an
event loop of its own in a thread of its own, and the session forwards lines to it.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from dataclasses import dataclass

import asyncssh

from .device import Device
from .endpoints import is_lab_router

QUIET_SECONDS = 0.3  # output is done when the remote side has been quiet this long
NO_MATCH = "% Server's public key does not match the key configured with ip ssh pubkey-chain"


@dataclass
class SshArgs:
    host: str
    user: str
    port: int = 22
    version: int = 2
    cipher: str | None = None
    hmac: str | None = None
    vrf: str | None = None
    command: str = ""


def parse_args(text: str) -> SshArgs | str:
    """`-l user -p 2222 host show ip ssh` -> SshArgs, or the IOS error to print."""
    words = text.split()
    opts: dict[str, str] = {}
    i = 0
    while i < len(words) and words[i].startswith("-"):
        flag = words[i]
        if flag not in ("-l", "-p", "-v", "-c", "-m", "-vrf") or i + 1 >= len(words):
            return "% Invalid input detected at '^' marker."
        opts[flag] = words[i + 1]
        i += 2
    if i >= len(words):
        return "% Incomplete command."
    if "-l" not in opts:
        return "% No user specified (use -l)"
    if opts.get("-v", "2") not in ("1", "2") or not opts.get("-p", "22").isdigit():
        return "% Invalid input detected at '^' marker."
    return SshArgs(
        host=words[i],
        user=opts["-l"],
        port=int(opts.get("-p", "22")),
        version=int(opts.get("-v", "2")),
        cipher=opts.get("-c"),
        hmac=opts.get("-m"),
        vrf=opts.get("-vrf"),
        command=" ".join(words[i + 1 :]),
    )


class RemoteSession:
    """A live SSH shell to another device, driven line by line."""

    def __init__(self, device: Device, args: SshArgs, password: str) -> None:
        self.device, self.args = device, args
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.conn: asyncssh.SSHClientConnection | None = None
        self.proc: asyncssh.SSHClientProcess | None = None
        self.closed = False
        self.opening = self._call(self._open(password))

    def _call(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _open(self, password: str) -> str:
        if not is_lab_router(self.args.host, self.args.port):
            # never a connection out of the lab (endpoints.py): as a router whose
            # destination does not answer
            raise OSError(
                f"{self.args.host} port {self.args.port} is not a router of this lab "
                "(the lab's ssh client reaches only its own routers)"
            )
        options: dict[str, object] = {}
        if self.args.cipher:
            options["encryption_algs"] = [self.args.cipher]
        if self.args.hmac:
            options["mac_algs"] = [self.args.hmac]
        self.conn = await asyncssh.connect(
            self.args.host,
            self.args.port,
            username=self.args.user,
            password=password,
            known_hosts=None,
            preferred_auth=["keyboard-interactive", "password"],
            **options,
        )
        refusal = self._host_key_refusal()
        if refusal:
            self.conn.close()
            self.closed = True
            return refusal
        if self.args.command:
            result = await self.conn.run(self.args.command, check=False)
            self.conn.close()
            self.closed = True
            return str(result.stdout or "").replace("\r\n", "\n").rstrip("\n")
        self.proc = await self.conn.create_process(term_type="vt100")
        return await self._read()

    def _host_key_refusal(self) -> str:
        """`ip ssh stricthostkeycheck`: the server's key must be one the chain lists."""
        config = self.device.config
        if not config.ssh_stricthostkeycheck or self.conn is None:
            return ""
        key = self.conn.get_server_host_key()
        digest = (
            hashlib.md5(key.public_data, usedforsecurity=False).hexdigest().upper() if key else ""
        )
        if digest not in config.pubkey_servers.get(self.args.host, []):
            return NO_MATCH
        return ""

    async def _read(self) -> str:
        assert self.proc is not None
        chunks: list[str] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = await asyncio.wait_for(self.proc.stdout.read(4096), QUIET_SECONDS)
            except TimeoutError:
                if chunks:
                    break
                continue
            if not chunk:
                self.closed = True
                break
            chunks.append(chunk)
        return "".join(chunks).replace("\r\n", "\n")

    def send(self, line: str) -> str:
        """One line to the remote shell; what it printed (its prompt included)."""
        if self.proc is None or self.closed:
            return ""

        async def exchange() -> str:
            assert self.proc is not None
            self.proc.stdin.write(line + "\r")
            out = await self._read()
            first, _, rest = out.partition("\n")
            return rest if first.strip() == line.strip() else out  # our terminal echoed it

        try:
            return self._call(exchange())
        except (OSError, asyncssh.Error, TimeoutError):
            self.closed = True
            return ""

    def close(self) -> None:
        if self.conn is not None:
            self.loop.call_soon_threadsafe(self.conn.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
