"""How to reach host:port: straight, or through one SSH jump host (a bastion).

Every connection the tool makes to a router asks here: the offer read and the host-key
check (session.identity), netmiko (`sock=`), the async engine (asyncssh `tunnel=`), every
live probe, and the "telnet refused" check. scrapli's OpenSSH makes its own jump
(`scrapli_jump`), through the same bastion, held to the same known_hosts file.

A bastion is logged in to once per event loop and carries every router session of that
loop (one direct-tcpip channel each), not one login per router session. Its host key is
judged by session.identity, with the router's policy and known_hosts file, before any
credential is sent to it. Its credentials: `jump_key_file`, the agent or the default key
files (as OpenSSH's ProxyJump), or `jump_password`.

Sync callers get a socket: one end of a socketpair whose other end a background event
loop (one thread per process) pumps to and from the channel. Any client then runs over it
as over TCP: paramiko, the offer read, asyncssh itself (`sock=`).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import errno
import hashlib
import os
import shutil
import socket
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh

from ..errors import ConnectError
from ..message import compose
from .known_hosts import HostKey
from .params import DeviceParams, parse_jump

KEEPALIVE = 30.0  # seconds: a bastion idle between hosts stays up through NAT and firewalls


@dataclass(frozen=True)
class Jump:
    """One jump host: who logs in where, with which key (None: the agent or defaults)."""

    user: str
    host: str
    port: int
    key_file: Path | None

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.user}@{host}:{self.port}"


def jump_of(params: DeviceParams) -> Jump | None:
    if not params.jump_host:
        return None
    user, host, port = parse_jump(params.jump_host)
    return Jump(user, host, port, params.jump_key_file)


class JumpError(ConnectError):
    """The jump host itself failed (down, refused us, its key): every router behind it
    fails the same way, in one line naming the jump host."""


# --- errors ------------------------------------------------------------------------------


class _BastionDown(Exception):
    """Why a bastion login failed, shared by every host waiting on it (each host's error
    then names its own router)."""

    def __init__(self, kind: str, cause: str) -> None:
        super().__init__(cause)
        self.kind, self.cause = kind, cause


def _jump_error(params: DeviceParams, target: tuple[str, int], down: _BastionDown) -> JumpError:
    where = f"{target[0]}:{target[1]}"
    if down.kind == "host-key":  # the refusal names the jump host's host:port, and needs room
        return JumpError(compose(f"{where}: connect", f"jump host {down.cause}"), down.kind)
    return JumpError(
        compose(f"{where}: connect via jump host {jump_of(params)}", down.cause), down.kind
    )


def _cause(kind: str, jump: Jump, params: DeviceParams, exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return {
        "refused": "connection refused: is the jump host up, and is that its SSH port?",
        "timeout": f"no answer within {params.timeout:g} s: check its address and firewalls",
        "unreachable": f"cannot reach {jump.host!r}: check the name, DNS and routing",
        "auth": f"it refused user {jump.user!r}: check jump_key_file, the agent "
        "(SSH_AUTH_SOCK) or jump_password_env",
        "not-ssh": "not an SSH server: check the jump host's port",
        "algorithms": "no SSH algorithm in common with the jump host",
    }.get(kind, f"the jump host closed the connection ({text or type(exc).__name__})")


# --- the bastion connection, one per event loop --------------------------------------------


class _BastionClient(asyncssh.SSHClient):
    """Hands the bastion's host key to session.identity before any credential is sent."""

    def __init__(self, params: DeviceParams, jump: Jump) -> None:
        self.params, self.jump = params, jump
        self.refusal: ConnectError | None = None

    def validate_host_public_key(self, host: str, addr: str, port: int, key: Any) -> bool:
        from .identity import judge_jump

        try:
            judge_jump(self.params, self.jump.host, self.jump.port, HostKey(
                key.get_algorithm(), key.public_data
            ))  # fmt: skip
        except ConnectError as exc:
            self.refusal = exc
            return False
        return True


def _bastion_options(params: DeviceParams, jump: Jump) -> dict[str, Any]:
    password = params.jump_password.get_secret_value() or None
    return {
        "username": jump.user,
        "password": password,
        # as OpenSSH's ProxyJump: the given key, else the default files; and the agent
        "client_keys": [str(jump.key_file)] if jump.key_file else (),
        # the device's passphrase opens jump_key_file too (the agent needs none)
        "passphrase": (params.passphrase.get_secret_value() or None) if jump.key_file else None,
        "agent_path": (),
        "preferred_auth": ["publickey", "keyboard-interactive", "password"],
        "known_hosts": None if params.host_key_check == "off" else ([], [], []),
        "connect_timeout": params.timeout,
        "login_timeout": params.timeout,
        "keepalive_interval": KEEPALIVE,
        "config": [],  # never ~/.ssh/config behind the user's back
    }


def _key(params: DeviceParams, jump: Jump) -> tuple[object, ...]:
    """What makes two hosts' bastions the same connection: where, who, how, whose trust."""
    secret = hashlib.sha256(params.jump_password.get_secret_value().encode()).hexdigest()
    return (str(jump), jump.key_file, secret, params.host_key_check, params.known_hosts_file)


_loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[object, ...], Any]]
_loops = weakref.WeakKeyDictionary()
_loops_lock = threading.Lock()


async def _login(params: DeviceParams, jump: Jump) -> asyncssh.SSHClientConnection:
    from . import failures

    client = _BastionClient(params, jump)
    try:
        conn, _ = await asyncio.wait_for(
            asyncssh.create_connection(
                lambda: client, jump.host, jump.port, **_bastion_options(params, jump)
            ),
            params.timeout * 2,
        )
    except (OSError, TimeoutError, asyncssh.Error, ValueError) as exc:
        if client.refusal is not None:  # its key: refused before any credential went
            raise _BastionDown("host-key", str(client.refusal)) from None
        if isinstance(exc, asyncssh.KeyImportError | ValueError):  # never the key's text
            cause = f"cannot use jump_key_file: {type(exc).__name__}; check it and passphrase"
            raise _BastionDown("auth", cause) from None
        kind = failures.kind_of(exc) or "closed"
        raise _BastionDown(kind, _cause(kind, jump, params, exc)) from None
    return conn


async def bastion(params: DeviceParams, target: tuple[str, int]) -> asyncssh.SSHClientConnection:
    """This event loop's connection to the device's jump host: made on first use, shared
    by every later caller (and by those waiting for it meanwhile); made again when it
    closed. JumpError, naming `target`'s router and the jump host, when it cannot be had."""
    jump = jump_of(params)
    assert jump is not None
    with _loops_lock:  # the engine's loop and the background loop: two threads
        table = _loops.setdefault(asyncio.get_running_loop(), {})
    key = _key(params, jump)
    pending = table.get(key)
    if pending is not None and pending.done():
        if _usable(pending):
            return pending.result()
        pending = None  # failed before, or closed since: try again
    if pending is None:
        pending = asyncio.ensure_future(_login(params, jump))
        table[key] = pending
        pending.add_done_callback(lambda task: _forget_failed(table, key, task))
    try:
        return await asyncio.shield(pending)
    except _BastionDown as down:
        raise _jump_error(params, target, down) from None


def _usable(task: Any) -> bool:
    return bool(not task.cancelled() and task.exception() is None and not task.result().is_closed())


def _forget_failed(table: dict[tuple[object, ...], Any], key: object, task: Any) -> None:
    if table.get(key) is task and (task.cancelled() or task.exception() is not None):
        del table[key]


async def close_bastions() -> None:
    """Close this event loop's bastion connections (the end of a run)."""
    with _loops_lock:
        table = _loops.pop(asyncio.get_running_loop(), {})
    for pending in table.values():
        if pending.done() and _usable(pending):
            conn = pending.result()
            conn.close()
            with contextlib.suppress(TimeoutError, OSError, asyncssh.Error):
                await asyncio.wait_for(conn.wait_closed(), 5)
        elif not pending.done():
            pending.cancel()


def unreached(
    exc: asyncssh.ChannelOpenError, params: DeviceParams, host: str, port: int
) -> Exception:
    """The jump host could not open a channel to host:port: the error the same failure
    on a direct connection would be (refused, timed out, no route), saying who said it;
    a bastion that forwards nothing is a JumpError."""
    jump = jump_of(params)
    said = f"(said by jump host {jump})"
    reason = " ".join(str(exc.reason or "").split()).lower()
    if exc.code == asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED:
        return JumpError(
            compose(
                f"{host}:{port}: connect via jump host {jump}",
                "it does not forward connections: check AllowTcpForwarding and PermitOpen",
            ),
            "refused",
        )
    if "refused" in reason:
        return ConnectionRefusedError(errno.ECONNREFUSED, f"connection refused {said}")
    if "timed out" in reason:
        return TimeoutError(errno.ETIMEDOUT, f"connect timed out {said}")
    if "no route" in reason or "unreachable" in reason:
        return OSError(errno.EHOSTUNREACH, f"no route to host {said}")
    if "name" in reason or "resolve" in reason or "not known" in reason:
        return socket.gaierror(socket.EAI_NONAME, f"could not resolve {host!r} {said}")
    return ConnectionError(f"{exc.reason or 'channel open failed'} {said}")


async def open_channel(
    params: DeviceParams, host: str, port: int
) -> tuple[asyncssh.SSHReader[bytes], asyncssh.SSHWriter[bytes]]:
    """A direct-tcpip channel from this loop's bastion to host:port, as streams."""
    conn = await bastion(params, (host, port))
    try:
        return await asyncio.wait_for(conn.open_connection(host, port), params.timeout)
    except asyncssh.ChannelOpenError as exc:
        raise unreached(exc, params, host, port) from None
    except TimeoutError:
        conn.close()  # a jump host that stopped answering: the next caller logs in again
        raise TimeoutError(
            f"connect timed out (jump host {jump_of(params)} opened no channel in time)"
        ) from None


# --- sync callers: a socket over the channel -----------------------------------------------

_background: tuple[int, asyncio.AbstractEventLoop] | None = None
_background_lock = threading.Lock()
_pumps: set[asyncio.Task[None]] = set()


def _loop() -> asyncio.AbstractEventLoop:
    """The process's background loop for sync callers (one bastion login per process)."""
    global _background
    with _background_lock:
        if _background is None or _background[0] != os.getpid():  # none yet, or forked
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="ios-ssh-jump", daemon=True).start()
            _background = (os.getpid(), loop)
        return _background[1]


async def _pump(reader: Any, writer: Any) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError, asyncssh.Error, AttributeError, RuntimeError):
            writer.write_eof()
    except (OSError, asyncssh.Error, RuntimeError):
        writer.close()


async def _socket_to(params: DeviceParams, host: str, port: int) -> socket.socket:
    remote_reader, remote_writer = await open_channel(params, host, port)
    ours, theirs = socket.socketpair()
    try:
        local_reader, local_writer = await asyncio.open_connection(sock=ours)
    except BaseException:
        ours.close()
        theirs.close()
        remote_writer.close()
        raise

    async def both() -> None:
        down = asyncio.ensure_future(_pump(remote_reader, local_writer))
        await _pump(local_reader, remote_writer)
        # the caller closed its socket: it is done with the channel, whatever is in flight
        remote_writer.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(down, 5)
        local_writer.close()

    task = asyncio.ensure_future(both())
    _pumps.add(task)
    task.add_done_callback(_pumps.discard)
    return theirs


def connect(params: DeviceParams, host: str, port: int, timeout: float) -> socket.socket:
    """A connected socket to host:port for this device: TCP straight there, or a
    channel through its jump host. OSError as a TCP connect fails (refused, timed out, no
    route: what the jump host said); JumpError when the jump host itself fails."""
    if jump_of(params) is None:
        return socket.create_connection((host, port), timeout=timeout)
    future = asyncio.run_coroutine_threadsafe(_socket_to(params, host, port), _loop())
    try:
        sock = future.result(params.timeout * 3 + timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise TimeoutError(f"connect timed out (through jump host {jump_of(params)})") from None
    sock.settimeout(timeout)
    return sock


# --- scrapli: OpenSSH's own ProxyJump, through the same bastion ----------------------------

JUMP_ALIAS = "ios-ssh-jump"
_configs: Path | None = None


def scrapli_jump(params: DeviceParams) -> tuple[str, list[str]]:
    """An ssh_config for OpenSSH's jump and the options that use it: (config file, -o
    options). The jump is held to the same known_hosts file and check (StrictHostKeyChecking
    for both hops; the bastion's key was judged by session.identity first), logs in with a
    key or the agent only (BatchMode: a password prompt would meet scrapli, which types the
    router's password), and never jumps again."""
    jump = jump_of(params)
    assert jump is not None
    check = params.host_key_check != "off"
    lines = [
        f"Host {JUMP_ALIAS}",
        f"  HostName {jump.host}",
        f"  Port {jump.port}",
        f"  User {jump.user}",
        "  ProxyJump none",
        "  BatchMode yes",
        "  PasswordAuthentication no",
        "  KbdInteractiveAuthentication no",
        f"  ConnectTimeout {max(1, int(params.timeout))}",
        f"  StrictHostKeyChecking {'yes' if check else 'no'}",
        f'  UserKnownHostsFile "{params.known_hosts_file if check else "/dev/null"}"',
        "  GlobalKnownHostsFile /dev/null",
    ]
    if jump.key_file:
        lines.append(f'  IdentityFile "{jump.key_file}"')
    text = "\n".join(lines) + "\n"
    return str(_write_config(text)), ["-o", f"ProxyJump={JUMP_ALIAS}"]


def _write_config(text: str) -> Path:
    """The file for this config text, in the process's private directory (removed at
    exit); the same text is the same file."""
    global _configs
    with _background_lock:
        if _configs is None or not _configs.is_dir():
            _configs = Path(tempfile.mkdtemp(prefix="ios-ssh-jump-"))  # mode 0700
            atexit.register(shutil.rmtree, _configs, True)
        path = _configs / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.config"
        if not path.exists():
            partial = path.with_suffix(".tmp")
            partial.write_text(text)
            partial.chmod(0o600)
            partial.replace(path)
        return path
