"""An IOS session over asyncssh: one connection that does the host-key check, the
algorithm policy, the login and the shell (pty, prompts as in session.platform).

The same policy as the sync sessions, from the same code: the algorithm choice is
`identity.negotiate_offer` over the server's own KEXINIT, the host key is judged by
`identity.judge` against the same known_hosts file before any password is sent (asyncssh
asks us through `validate_host_public_key`), and the result is the same `Identity`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncssh

from ..errors import ConnectError, SessionLost
from ..session import algorithms
from ..session.conversation import Dialog, Exchange, Steps
from ..session.identity import Identity, judge, negotiate_offer, pinned_keys
from ..session.known_hosts import HostKey
from ..session.offer import OfferError, parse_kexinit
from ..session.params import DeviceParams
from ..session.platform import PROMPT_AT_END, QUESTION_AT_END

# IOS wraps and scrolls lines longer than the terminal: a wide pty keeps every echo whole.
TERM_SIZE = (511, 24)


class _Client(asyncssh.SSHClient):
    """Hands the server's host key to `identity.judge` during the key exchange."""

    def __init__(self, params: DeviceParams, pinned: list[HostKey]) -> None:
        self.params, self.pinned = params, pinned
        self.conn: asyncssh.SSHClientConnection | None = None
        self.identity: Identity | None = None
        self.refusal: ConnectError | None = None

    def connection_made(self, conn: asyncssh.SSHClientConnection) -> None:
        self.conn = conn

    def negotiated(self) -> algorithms.Algorithms:
        payload = getattr(self.conn, "_server_kexinit", b"")  # the server's offer, as sent
        try:
            offer = parse_kexinit(payload)
        except OfferError as exc:
            raise ConnectError(f"{self.params.host}: no key exchange offer: {exc}") from None
        return negotiate_offer(self.params, self.pinned, offer)

    def banner(self) -> str:
        version = getattr(self.conn, "_server_version", b"")
        return version.decode("ascii", errors="replace") if isinstance(version, bytes) else ""

    def validate_host_public_key(self, host: str, addr: str, port: int, key: Any) -> bool:
        try:
            wire = HostKey(key.get_algorithm(), key.public_data)
            self.identity = judge(self.params, self.pinned, wire, self.negotiated(), self.banner())
        except ConnectError as exc:
            self.refusal = exc
            return False
        return True


def _options(params: DeviceParams, pinned: list[HostKey]) -> dict[str, Any]:
    allowed = algorithms.prefer_key_types(
        algorithms.resolve(params.ssh_algorithms), [k.keytype for k in pinned]
    )
    options: dict[str, Any] = {
        **algorithms.asyncssh_options(allowed),
        "username": params.username,
        "password": params.password.get_secret_value(),
        "preferred_auth": ["keyboard-interactive", "password"],
        "client_keys": None,
        "agent_path": None,
        "login_timeout": params.timeout,
        "connect_timeout": params.timeout,
        # off: nothing is checked (and the report says so); else every key goes to judge()
        "known_hosts": None if params.host_key_check == "off" else ([], [], []),
    }
    config = params.scrapli_options.get("ssh_config_file") or params.netmiko_options.get(
        "ssh_config_file"
    )
    options["config"] = [str(Path(config).expanduser())] if isinstance(config, str) else []
    return options


class AsyncChannel:
    """The shell of one connection: send a line, read to the next prompt or question."""

    def __init__(
        self, params: DeviceParams, conn: asyncssh.SSHClientConnection, process: Any
    ) -> None:
        self.params, self.conn, self.process = params, conn, process
        self.exchanges = 0  # round trips on this session, set-up included
        self.sent: list[str] | None = None  # what was typed, when a benchmark records it

    async def read_until_prompt(self, timeout: float, after: str = "") -> str:
        """Read to an IOS prompt or question at the end; SessionLost on silence or EOF."""
        buffer = ""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            text = buffer.replace("\r\n", "\n").replace("\r", "\n")
            last = text.rstrip(" ").rsplit("\n", 1)[-1]
            if PROMPT_AT_END.search(text) or (last and QUESTION_AT_END.search(last + " ")):
                return text
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise SessionLost(f"no prompt within {timeout:.0f} s after {after!r}")
            try:
                chunk = await asyncio.wait_for(self.process.stdout.read(65536), remaining)
            except TimeoutError:
                raise SessionLost(f"no prompt within {timeout:.0f} s after {after!r}") from None
            except (OSError, asyncssh.Error) as exc:
                raise SessionLost(f"session dropped after {after!r}: {exc}") from None
            if not chunk:
                raise SessionLost(f"session dropped after {after!r}: connection closed")
            buffer += chunk

    async def exchange(self, text: str, timeout: float) -> str:
        """What was printed after the echo of `text`, the final prompt or question included."""
        self.exchanges += 1
        if self.sent is not None:
            self.sent.append(text)
        try:
            self.process.stdin.write(text + "\n")
        except (OSError, asyncssh.Error, BrokenPipeError) as exc:
            raise SessionLost(f"session dropped before {text!r}: {exc}") from None
        out = await self.read_until_prompt(timeout, text)
        # The echo is the first line (the typed text; a password is not echoed).
        _echo, newline, rest = out.partition("\n")
        return rest if newline else out

    async def close(self) -> None:
        self.conn.close()
        try:
            await asyncio.wait_for(self.conn.wait_closed(), 5)
        except (TimeoutError, OSError, asyncssh.Error):
            pass


async def open_async(params: DeviceParams, *, record: bool = False) -> tuple[Dialog, AsyncChannel]:
    """Connect (host key judged before the password), open the shell, enter privileged
    EXEC and learn the prompt: a Dialog whose handle is the AsyncChannel."""
    if params.transport != "ssh":
        raise ConnectError(f"{params.host}: the async engine speaks SSH only (use --driver)")
    where = f"{params.host}:{params.effective_ssh_port}"
    pinned = pinned_keys(params)
    client = _Client(params, pinned)
    try:
        conn, _ = await asyncio.wait_for(
            asyncssh.create_connection(
                lambda: client, params.host, params.effective_ssh_port, **_options(params, pinned)
            ),
            params.timeout * 2,
        )
    except (OSError, TimeoutError, asyncssh.Error) as exc:
        if client.refusal is not None:
            raise client.refusal from None
        if client.conn is not None and getattr(client.conn, "_server_kexinit", b""):
            client.negotiated()  # raises the policy's own message when nothing was common
        if isinstance(exc, asyncssh.PermissionDenied):
            raise ConnectError(f"{where}: authentication failed") from None
        raise ConnectError(f"{where}: {exc or type(exc).__name__}") from None
    identity = client.identity
    if identity is None:  # host_key_check=off: nothing judged, the policy still applies
        identity = Identity(
            params.host,
            params.effective_ssh_port,
            "off",
            None,
            None,
            False,
            client.negotiated(),
            client.banner(),
        )
    try:
        process = await conn.create_process(
            term_type="vt100", term_size=TERM_SIZE, encoding="utf-8", errors="replace"
        )
    except (OSError, asyncssh.Error) as exc:
        conn.close()
        raise ConnectError(f"{where}: no shell: {exc}") from None
    channel = AsyncChannel(params, conn, process)
    channel.sent = [] if record else None
    dialog = Dialog(params, channel)
    dialog.identity = identity
    try:
        first = await channel.read_until_prompt(params.timeout, "login")
        dialog.prompt = first.rstrip().rsplit("\n", 1)[-1].strip()
        await drive(_privileged(dialog))
    except Exception:
        await channel.close()
        raise
    return dialog, channel


def _privileged(dialog: Dialog) -> Steps[None]:
    """Privileged EXEC and no paging, as the sync drivers' own session preparation does."""
    if dialog.prompt.endswith(">"):
        secret = (
            dialog.params.secret.get_secret_value() or dialog.params.password.get_secret_value()
        )
        yield from dialog.dialogue("enable", [("Password", secret)])
        if not dialog.prompt.endswith("#"):
            raise ConnectError(f"{dialog.params.host}: enable failed")
    yield from dialog.run("terminal length 0", check=False)
    yield from dialog.run("terminal width 0", check=False)


async def drive(steps: Steps[Any]) -> Any:
    """A Dialog's steps over AsyncChannels (session set-up; flows use the runner)."""
    try:
        request = next(steps)
        while True:
            assert isinstance(request, Exchange), request
            try:
                raw = await request.dialog.handle.exchange(request.text, request.timeout)
            except Exception as exc:  # noqa: BLE001 - the steps decide
                request = steps.throw(exc)
                continue
            request = steps.send(raw)
    except StopIteration as stop:
        return stop.value
