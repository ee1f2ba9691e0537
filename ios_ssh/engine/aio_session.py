"""An IOS session over asyncssh: one connection that does the host-key check, the
algorithm policy, the login and the shell (pty, prompts as in session.platform).

The same policy as the sync sessions, from the same code: the algorithm choice is
`identity.negotiate_offer` over the server's own KEXINIT, the host key is judged by
`identity.judge` against the same known_hosts file before any password is sent (asyncssh
asks us through `validate_host_public_key`), and the result is the same `Identity`.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import asyncssh

from .. import redact
from ..errors import ConnectError, DeviceError
from ..session import algorithms, failures, login, route
from ..session.conversation import Dialog, Pipeline, Steps
from ..session.identity import Identity, judge, negotiate_offer, ordered_policy, pinned_keys
from ..session.known_hosts import HostKey
from ..session.offer import OfferError, parse_kexinit
from ..session.params import DeviceParams
from ..session.platform import PROMPT, PROMPT_AT_END, QUESTION_AT_END

# IOS wraps and scrolls lines longer than the terminal: a wide pty keeps every echo whole.
TERM_SIZE = (511, 24)
# Within the policy's set, AES-GCM first: IOS sends echo and output in many small packets,
# and asyncssh decrypts an AES-GCM packet in one call where chacha20-poly1305 takes three
# (profiled on the lab: chacha was 40% of the client's CPU).
CIPHERS_FIRST = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com")


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
        return negotiate_offer(self.params, self.pinned, offer, CIPHERS_FIRST)

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
    allowed = ordered_policy(params, pinned, CIPHERS_FIRST)
    return {
        **algorithms.asyncssh_options(allowed),
        **login.asyncssh_options(params),  # password, key file, agent: as netmiko's names
        "login_timeout": params.timeout,
        "connect_timeout": params.timeout,
        # off: nothing is checked (and the report says so); else every key goes to judge()
        "known_hosts": None if params.host_key_check == "off" else ([], [], []),
        # ssh_config_file was applied to the fields (HostName, Port, ProxyJump...): asyncssh
        # must not apply it again, nor read ~/.ssh/config
        "config": [],
    }


class AsyncChannel:
    """The shell of one connection: send a line, read to the next prompt or question."""

    def __init__(
        self, params: DeviceParams, conn: asyncssh.SSHClientConnection, process: Any
    ) -> None:
        self.params, self.conn, self.process = params, conn, process
        self.exchanges = 0  # lines typed on this session, set-up included
        self.buffer = ""  # received, not yet handed out (type-ahead replies)
        # what was typed, one tuple per round trip, when a benchmark records it
        self.sent: list[tuple[str, ...]] | None = None

    async def _more(self, deadline: float, timeout: float, after: str) -> None:
        """Read what the router sent next into the buffer; SessionLost on silence or EOF."""
        remaining = deadline - asyncio.get_running_loop().time()
        # the sync drivers' words: host:port, the command, what happened, one line
        if remaining <= 0:
            raise failures.session_lost(TimeoutError(), self.params, after, timeout)
        try:
            chunk = await asyncio.wait_for(self.process.stdout.read(65536), remaining)
        except TimeoutError:
            raise failures.session_lost(TimeoutError(), self.params, after, timeout) from None
        except (OSError, asyncssh.Error) as exc:
            raise failures.session_lost(exc, self.params, after, timeout, True) from None
        if not chunk:
            raise failures.session_lost(EOFError(), self.params, after, timeout, True)
        self.buffer += chunk.replace("\r\n", "\n").replace("\r", "\n")

    async def read_until_prompt(self, timeout: float, after: str = "") -> str:
        """Read to an IOS prompt or question at the end of what was sent."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            text = self.buffer
            last = text.rstrip(" ").rsplit("\n", 1)[-1]
            if PROMPT_AT_END.search(text) or (last and QUESTION_AT_END.search(last + " ")):
                self.buffer = ""
                return text
            await self._more(deadline, timeout, after)

    def _send(self, *texts: str) -> None:
        """Type these lines in one write: one round trip."""
        self.exchanges += 1
        if self.sent is not None:
            self.sent.append(texts)
        try:
            self.process.stdin.write("".join(text + "\n" for text in texts))
        except (OSError, asyncssh.Error, BrokenPipeError) as exc:
            lost = failures.session_lost(exc, self.params, texts[0], self.params.timeout, True)
            raise lost from None

    async def exchange(self, text: str, timeout: float) -> str:
        """What was printed after the echo of `text`, the final prompt or question included."""
        self._send(text)
        return _after_echo(await self.read_until_prompt(timeout, text))

    async def pipeline(self, texts: tuple[str, ...], timeout: float) -> list[str]:
        """Type every text at once; each reply as `exchange` gives it. IOS echoes the next
        typed-ahead line right after each prompt: a reply ends at the prompt that the next
        text's echo follows (the last one at the prompt that ends the stream)."""
        self._send(*texts)
        deadline = asyncio.get_running_loop().time() + timeout * len(texts)
        replies = []
        for index, text in enumerate(texts):
            if index == len(texts) - 1:
                replies.append(_after_echo(await self.read_until_prompt(timeout, text)))
                break
            follow = texts[index + 1]
            while True:
                end = _prompt_before(self.buffer, follow)
                if end is not None:
                    replies.append(_after_echo(self.buffer[:end]))
                    self.buffer = self.buffer[end:]
                    break
                await self._more(deadline, timeout, text)
        return replies

    async def close(self) -> None:
        self.conn.close()
        try:
            await asyncio.wait_for(self.conn.wait_closed(), 5)
        except (TimeoutError, OSError, asyncssh.Error):
            pass


def _after_echo(reply: str) -> str:
    """The echo is the first line (the typed text; a password is not echoed)."""
    _echo, newline, rest = reply.partition("\n")
    return rest if newline else reply


_PROMPT_START = re.compile(rf"(?:^|\n)({PROMPT})")


def _prompt_before(buffer: str, follow: str) -> int | None:
    """Where the prompt that the echo of `follow` follows ends, or None (not yet here)."""
    for match in _PROMPT_START.finditer(buffer):
        if buffer.startswith(follow, match.end()) and (
            buffer.startswith("\n", match.end() + len(follow))
            or len(buffer) > match.end() + len(follow)
        ):
            return match.end()
    return None


async def open_async(params: DeviceParams, *, record: bool = False) -> tuple[Dialog, AsyncChannel]:
    """Connect (host key judged before the password), open the shell, enter privileged
    EXEC and learn the prompt: a Dialog whose handle is the AsyncChannel."""
    if params.transport != "ssh":
        raise ConnectError(f"{params.host}: the async engine speaks SSH only (use --driver)")
    # a worker rebuilds its jobs from plain data (no validator runs): register them here too
    redact.register(params.secret_values())  # asyncssh logs its auth exchanges
    pinned = pinned_keys(params)
    client = _Client(params, pinned)
    host, port = params.host, params.effective_ssh_port
    # behind a jump host: a channel of this loop's one connection to it (session.route)
    tunnel = await route.bastion(params, (host, port)) if params.jump_host else ()
    try:
        conn, _ = await asyncio.wait_for(
            asyncssh.create_connection(
                lambda: client, host, port, tunnel=tunnel, **_options(params, pinned)
            ),
            params.timeout * 2,
        )
    except asyncssh.ChannelOpenError as exc:  # the jump host could not reach the router
        raise failures.connect_error(route.unreached(exc, params, host, port), params) from None
    except (OSError, TimeoutError, asyncssh.Error) as exc:
        raise await _connect_failure(exc, params, client) from None
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
        raise failures.connect_error(exc, params, "shell", params.effective_ssh_port) from None
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


async def _connect_failure(
    exc: BaseException, params: DeviceParams, client: _Client
) -> ConnectError:
    """Why the connection failed, in the sync drivers' words (a kind, the step, the fix)."""
    if client.refusal is not None:
        return client.refusal
    port = params.effective_ssh_port
    offer = None
    kexinit = getattr(client.conn, "_server_kexinit", b"") if client.conn else b""
    if kexinit:
        try:
            client.negotiated()  # the policy's own message when nothing was common
        except ConnectError as refusal:
            return refusal
        offer = parse_kexinit(kexinit)
    elif client.conn is not None and not getattr(client.conn, "_server_version", b""):
        # connected, but not a word of SSH: a telnet port is `not-ssh`, not the silence or
        # hang-up seen
        telnet = await asyncio.to_thread(failures.telnet_behind, params, port)
        if telnet is not None:
            return telnet
    return failures.connect_error(exc, params, "connect", port, offer, "asyncssh")


def _privileged(dialog: Dialog) -> Steps[None]:
    """Privileged EXEC and no paging, as the sync drivers' own session preparation does."""
    if dialog.prompt.endswith(">"):
        secret = (
            dialog.params.secret.get_secret_value() or dialog.params.password.get_secret_value()
        )
        try:  # IOS asks again after a wrong secret: the dialogue refuses that question
            yield from dialog.dialogue("enable", [("Password", secret)])
        except DeviceError:
            dialog.prompt = ""
        if not dialog.prompt.endswith("#"):
            where = f"{dialog.params.host}:{dialog.params.effective_ssh_port}"
            fix = "the enable secret was refused: check the device's secret"
            raise ConnectError(f"{where}: enable: {fix}", "enable")
    yield from dialog.run_many(["terminal length 0", "terminal width 0"])


async def drive(steps: Steps[Any]) -> Any:
    """A Dialog's steps over AsyncChannels (session set-up; flows use the runner)."""
    try:
        request = next(steps)
        while True:
            try:
                if isinstance(request, Pipeline):
                    raw = await request.dialog.handle.pipeline(request.texts, request.timeout)
                else:
                    raw = await request.dialog.handle.exchange(request.text, request.timeout)
            except Exception as exc:  # noqa: BLE001 - the steps decide
                request = steps.throw(exc)
                continue
            request = steps.send(raw)
    except StopIteration as stop:
        return stop.value
