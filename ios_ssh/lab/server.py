"""The simulated router's SSH server: asyncssh around a `Session`, with IOS-like echo.

Echo is done here, character by character, rather than by asyncssh's line editor: IOS
echoes what is typed (scrapli waits for that echo before it sends return) but not a
password, and the session decides which.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time

import asyncssh
from cryptography.hazmat.primitives import serialization

from . import coalesce, dhcache, endpoints, legacy_wire, no_ignore
from .auth import authenticate, vty_allows
from .device import Device, LiveSession
from .extras import login_banner, shell_banners
from .faults import login_refused
from .images import Image
from .latency import Latency
from .reverse import bridge, candidate_lines, check_login, port_groups, split_user
from .scp import FlashSFTPServer
from .session import DropSession, HangSession, Session


class Router:
    """One lab router: a device and the listener that serves it."""

    def __init__(
        self,
        name: str,
        device: Device,
        host: str = "127.0.0.1",
        port: int = 0,
        reverse_offset: int = 0,
    ) -> None:
        self.name = name
        self.device = device
        self.host = host
        self.port = port
        self.acceptor: asyncssh.SSHAcceptor | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._key_seen: object = None
        self.host_key: asyncssh.SSHKey | None = None
        self._keypair: asyncssh.SSHKeyPair | None = None
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.telnet_server: asyncio.base_events.Server | None = None
        self.telnet_port: int | None = None
        self._kex: list[str] = []
        # `ip ssh port N` listens on N + reverse_offset (tests shift it into free ports).
        self.reverse_offset = reverse_offset
        self.reverse_acceptors: dict[int, asyncssh.SSHAcceptor] = {}
        self._loop_thread = 0
        self._replace_sync: asyncio.Future[list[str]] | None = None
        self.latency = Latency()  # WAN delay on everything the router sends (latency.py)

    def current_host_key(self) -> asyncssh.SSHKey | None:
        """The router's SSH key as an asyncssh key object, converted once per key."""
        key = self.device.ssh_key()
        if key is None:
            return None
        if self._key_seen is not key.private:
            pem = key.private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            # A key object, not a file: asyncssh would re-read a file on every connection.
            # The key was checked when generated; checking it again costs 50 ms a router.
            self.host_key = asyncssh.import_private_key(pem, unsafe_skip_rsa_key_validation=True)
            # The first signature with a key builds OpenSSL's Montgomery tables (about as
            # much again as a signature): do it now rather than in a client's key exchange.
            self.host_key.sign(b"warm-up", b"rsa-sha2-256")
            self._key_seen = key.private
            self._keypair = None
        return self.host_key

    def host_keypair(self) -> asyncssh.SSHKeyPair | None:
        """The host key as offered: only the image's host key algorithms (asyncssh would
        offer every RSA signature it knows, ssh-rsa-sha224@ssh.com and all)."""
        key = self.current_host_key()
        if key is None:
            return None
        if self._keypair is None:
            pair = asyncssh.load_keypairs([key])[0]
            algs = [a.encode() for a in self.device.image.host_key_algs]
            pair.host_key_algorithms = algs
            pair.sig_algorithms = algs
            self._keypair = pair
        return self._keypair

    # -- hooks the device calls (from any thread) ----------------------------------------
    def _on_keys(self) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._refresh_host_key)

    def _refresh_host_key(self) -> None:
        key = self.host_keypair()
        if key is None:
            return
        for acceptor in [self.acceptor, *self.reverse_acceptors.values()]:
            if acceptor is not None:
                acceptor.update(server_host_keys=[key])

    def _on_replace(self) -> None:
        """The configuration was replaced: serve the key it implies and listen on its
        reverse-SSH ports. Scheduled, never waited for (the caller holds the device lock,
        which the loop may be waiting for)."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._resync_after_replace)

    def _resync_after_replace(self) -> None:
        self._refresh_host_key()
        task = asyncio.ensure_future(self.sync_reverse_ports())
        self._replace_sync = task  # held until done (the loop keeps only a weak reference)

    def _on_config(self) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._sync_options)

    def _sync_options(self) -> None:
        """Options new connections get: the KEX methods follow `ip ssh dh min size`."""
        kex = kex_for(self.device.image, self.device.config.ssh_dh_min)
        if self.acceptor is not None and kex != self._kex:
            self._kex = kex
            self.acceptor.update(kex_algs=kex)

    def _on_ports(self) -> list[str]:
        if self.loop is None:
            return []
        future = asyncio.run_coroutine_threadsafe(self.sync_reverse_ports(), self.loop)
        if threading.get_ident() != self._loop_thread:
            # From a CLI worker: the command returns once its port listens, as on IOS,
            # and a port that could not be bound is reported to that session.
            return future.result(10)
        return []

    async def sync_reverse_ports(self) -> list[str]:
        """One listener per `ip ssh port` TCP port; gone ones closed. Returns an error
        line per port that could not be bound."""
        problems: list[str] = []
        wanted = port_groups(self.device)
        for port in list(self.reverse_acceptors):
            if port not in wanted:
                self.reverse_acceptors.pop(port).close()
        for port, group in wanted.items():
            if port in self.reverse_acceptors:
                continue
            try:
                self.reverse_acceptors[port] = await _listen(
                    self, port + self.reverse_offset, reverse_group=group
                )
            except OSError as exc:  # the port is taken on this machine: say so, go on
                message = f"cannot listen on {port + self.reverse_offset}: {exc.strerror or exc}"
                self.device.syslog(f"%SSH-3-PORT: {message}")
                problems.append(f"%Error: ip ssh port {port}: {message}")
        return problems

    def _on_timers(self) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._schedule_tick)

    def _schedule_tick(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        deadline = self.device.next_deadline()
        if deadline is not None:
            delay = max(0.0, deadline - time.monotonic()) + 0.01
            self._timer = self.loop.call_later(delay, self._tick)

    def _tick(self) -> None:
        self.device.tick()
        self._schedule_tick()

    # -- lifecycle -----------------------------------------------------------------------
    async def stop(self) -> None:
        endpoints.stopped(self)
        if self._timer is not None:
            self._timer.cancel()
        if self.acceptor is not None:
            self.acceptor.close()
            await self.acceptor.wait_closed()
        for acceptor in self.reverse_acceptors.values():
            acceptor.close()
        for conn in list(self.connections):
            conn.close()
        if self.telnet_server is not None:
            self.telnet_server.close()


class _SshServer(asyncssh.SSHServer):
    def __init__(self, router: Router, reverse_group: int | None = None) -> None:
        self.router = router
        self.reverse_group = reverse_group
        self.conn: asyncssh.SSHServerConnection | None = None
        self.failures = 0
        self.number = -1
        self._login_timer: asyncio.TimerHandle | None = None

    @property
    def latency(self) -> Latency:
        return self.router.latency  # read by coalesce when the connection starts

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.router.connections.add(conn)
        device = self.router.device
        device.tick()
        # No key, or no vty that takes SSH: IOS closes the connection at once.
        takes_ssh = self.reverse_group is not None or vty_allows(device, "ssh")
        if not device.ssh_enabled or not takes_ssh:
            conn.abort()
            return
        peer = (conn.get_extra_info("peername") or ("", 0))[0]
        self.number = device.next_ssh_connection()
        device.ssh_event(self.number, f"Session request from {peer}")
        # `ip ssh time-out`: the client has this long to authenticate.
        self._login_timer = asyncio.get_running_loop().call_later(
            device.config.ssh_time_out, conn.close
        )

    def banner_version(self) -> str:
        return self.router.device.version_text

    def auth_completed(self) -> None:
        if self._login_timer is not None:
            self._login_timer.cancel()
        username = self.conn.get_extra_info("username") if self.conn else ""
        self.router.device.ssh_event(self.number, f"authentication successful for {username}")

    def _failed(self) -> None:
        """`ip ssh authentication-retries N`: N retries after the first try, then close."""
        self.failures += 1
        self.router.device.ssh_event(self.number, f"authentication failed ({self.failures})")
        if self.failures > self.router.device.config.ssh_retries and self.conn is not None:
            self.conn.disconnect(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures"
            )

    def connection_lost(self, exc: Exception | None) -> None:
        self.router.connections.discard(self.conn)
        if self.number >= 0:
            self.router.device.ssh_event(self.number, "Session disconnected")
        if self._login_timer is not None:
            self._login_timer.cancel()

    def begin_auth(self, username: str) -> bool:
        # Key exchange is done when the client asks to authenticate: a `reset_after_kex`
        # fault resets the connection here.
        if self.router.device.faults.get("reset_after_kex") and self.conn is not None:
            self.conn.abort()
            return True
        banner = login_banner(self.router.device.config.extras)
        if banner and self.conn is not None:  # SSH-2: the login banner before the password
            self.conn.send_auth_banner(_crlf(banner))
        return True  # every user must authenticate

    def password_auth_supported(self) -> bool:
        return True

    def reverse_lines(self, username: str) -> list[int] | None:
        """The tty lines this login may land on; None for an ordinary vty login."""
        device = self.router.device
        if self.reverse_group is not None:
            return candidate_lines(device, rotary=self.reverse_group)
        target = split_user(username)
        if target is None:
            return None
        return candidate_lines(device, line=target[1], rotary=target[2])

    async def validate_password(self, username: str, password: str) -> bool:
        lines = self.reverse_lines(username)
        device = self.router.device
        if login_refused(device.faults):
            ok = False
        elif lines is None:
            # A login list may ask a RADIUS server: off the event loop the lab shares.
            ok = await asyncio.to_thread(authenticate, device, username, password)
        else:
            user = (split_user(username) or (username,))[0]
            ok = check_login(device, user, password, lines)
        if not ok:
            self._failed()
        return ok

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # IOS compares the MD5 of the offered key blob with the pubkey-chain's key-hash.
        device = self.router.device
        digest = hashlib.md5(key.public_data, usedforsecurity=False).hexdigest().upper()
        if login_refused(device.faults) or key.get_algorithm() not in device.image.pubkey_key_types:
            return False  # a key type this image's chain does not take (images.py)
        return digest in device.config.pubkey_users.get(username, [])


async def _run_shell(router: Router, process: asyncssh.SSHServerProcess) -> None:
    device = router.device
    conn = process.channel.get_connection()
    username = process.get_extra_info("username") or ""
    peer = process.get_extra_info("peername") or ("", 0)
    live = LiveSession(
        tty=-1,
        username=username,
        location=peer[0],
        cipher=conn.get_extra_info("send_cipher") or "",
        mac=conn.get_extra_info("send_mac") or "",
        close=lambda: router.loop.call_soon_threadsafe(conn.close),
    )
    server = conn.get_owner()
    lines = server.reverse_lines(username) if isinstance(server, _SshServer) else None
    if lines is not None:
        target = split_user(username)
        live.username = target[0] if target else username
        await bridge(device, process, lines, live.username, live)
        return
    tty = device.attach(live)
    if tty is None:
        process.stdout.write("% All lines are busy\r\n")
        process.exit(1)
        return
    session = Session(
        device,
        username,
        device.privilege_of(username),
        tty=tty,
        line_name=f"vty{tty - device.tty_number('vty', 0)} ({peer[0]})",
    )
    try:
        if process.command:  # `ssh router show ip ssh`: one command, then close
            output = await asyncio.to_thread(session.feed, process.command)
            process.stdout.write(_crlf(output) + "\r\n")
            return
        process.stdout.write(_crlf(shell_banners(device.config.extras)))
        await interact(session, _SshTerminal(process))
    except DropSession:
        conn.abort()
        return
    except HangSession:  # no reply, ever: wait for the client to give up
        await conn.wait_closed()
        return
    except (BrokenPipeError, ConnectionError, asyncssh.Error):
        return
    finally:
        device.detach(tty)
        device.monitors.discard(session)
        if not process.is_closing():
            process.exit(0)


class _SshTerminal:
    def __init__(self, process: asyncssh.SSHServerProcess) -> None:
        self.process = process

    async def read(self) -> str:
        while True:
            try:
                return await self.process.stdin.read(4096)
            except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, asyncssh.SignalReceived):
                continue

    def write(self, text: str) -> None:
        self.process.stdout.write(text)


ECHO_PIECE_PAUSE = 0.03  # longer than a driver's poll of the channel (netmiko: 10 ms)


async def interact(session: Session, term) -> None:
    """The IOS line discipline: echo, backspace, Ctrl-Z, Ctrl-C, one line at a time.

    What a received chunk makes the router send is gathered and sent as one write: an
    SSH packet per echoed character cost the lab (and every client) ~1,000 packets per
    login of a configuration push. The bytes and their order are the same.
    """
    pending: list[str] = []
    write = pending.append

    def flush() -> None:
        if pending:
            term.write("".join(pending))
            pending.clear()

    write("\r\n" + session.prompt)
    buffer: list[str] = []
    last = ""
    # a slow link (fault echo_pieces: N): the echo goes out N characters at a time
    faults = getattr(getattr(session, "device", None), "faults", None) or {}
    pieces = int(faults.get("echo_pieces") or 0)
    while not session.closed:
        flush()
        chunk = await term.read()
        if not chunk:
            break
        for char in chunk:
            if char == "\n" and last == "\r":
                last = char
                continue
            last = char
            if char in "\r\n":
                line, buffer = "".join(buffer), []
                flush()  # the echo goes out before the command runs, as on a router
                # Key generation can take seconds: keep the event loop (other routers) free.
                output = await asyncio.to_thread(session.feed, line)
                text = "\r\n"
                if output:
                    text += _crlf(output)
                    if session.prompt and not output.endswith("\n"):
                        text += "\r\n"
                if session.closed:
                    write(text)
                    flush()
                    return
                write(text + session.prompt)
            elif char in "\x08\x7f":
                if buffer:
                    buffer.pop()
                    if not session.hide_input:
                        write("\b \b")
            elif char == "\x1a":  # Ctrl-Z
                buffer = []
                write("^Z\r\n" + _crlf(session.feed("\x1a")) + session.prompt)
            elif char == "\x03":  # Ctrl-C
                buffer = []
                write("\r\n" + session.prompt)
            elif char.isprintable() or char == "\t":
                buffer.append(char)
                if not session.hide_input:
                    write(char)
                    if pieces and len(buffer) % pieces == 0:
                        flush()
                        await asyncio.sleep(ECHO_PIECE_PAUSE)
    flush()


SERVER_VERSION = "Cisco-1.25"  # IOS: SSH-2.0-Cisco-1.25


def _announce_ios_version(conn: asyncssh.SSHServerConnection) -> None:
    """Send the banner IOS sends for its `ip ssh version`: SSH-2.0, SSH-1.99 (both), or
    SSH-1.5 (version 1 only, which an SSH-2 client cannot use: the lab then hangs up).

    asyncssh always announces SSH-2.0, so the lab replaces that one step of its server
    handshake; the version string also enters the key-exchange hash, so it is recorded.
    """
    owner = getattr(conn, "_owner", None)
    shown = owner.banner_version() if isinstance(owner, _SshServer) else "2.0"
    version = f"SSH-{shown}-".encode() + conn._version
    conn._server_version = version
    conn.set_extra_info(server_version=version.decode("ascii"))
    conn._send(version + b"\r\n")
    if shown == "1.5":
        asyncio.get_running_loop().call_later(0.2, conn.abort)


asyncssh.connection.SSHServerConnection._send_version = _announce_ios_version  # type: ignore[method-assign]
# 12.2SX, 15.x and XE 16 advertise no ext-info-s / strict KEX and send no EXT_INFO.
legacy_wire.install(
    lambda owner: isinstance(owner, _SshServer) and not owner.router.device.image.kex_extensions
)
coalesce.install()
dhcache.install()
no_ignore.install()

_PLACEHOLDER: list[asyncssh.SSHKey] = []


def _placeholder_key() -> asyncssh.SSHKey:
    """asyncssh needs a host key to listen; a keyless router never completes a handshake."""
    if not _PLACEHOLDER:
        _PLACEHOLDER.append(asyncssh.generate_private_key("ssh-ed25519"))
    return _PLACEHOLDER[0]


# DH groups by modulus size; `ip ssh dh min size` removes the smaller ones. The elliptic
# curve methods are not Diffie-Hellman groups and stay, and so does group exchange (the
# client asks for a size).
_DH_BITS = {
    "diffie-hellman-group1-sha1": 1024,
    "diffie-hellman-group14-sha1": 2048,
    "diffie-hellman-group14-sha256": 2048,
    "diffie-hellman-group16-sha512": 4096,
}


def kex_for(image: Image, dh_min: int | None) -> list[str]:
    """The image's key exchange methods that `ip ssh dh min size` (or its default) allows;
    an image without the command (12.2SX) offers all of its own."""
    minimum = dh_min or image.dh_default or 0
    return [k for k in image.kex if _DH_BITS.get(k, minimum) >= minimum]


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


async def start_router(router: Router, telnet_port: int = 0) -> None:
    """Listen for SSH on the router's address (port 0: a free port)."""
    router.loop = asyncio.get_running_loop()
    router._loop_thread = threading.get_ident()
    device = router.device
    device.on_key_change.append(router._on_keys)
    device.on_config_change.append(router._on_config)
    device.on_port_change.append(router._on_ports)
    device.on_replace.append(router._on_replace)
    device.on_timer_change.append(router._on_timers)
    from .telnet import start_telnet  # telnet builds on this module

    router.telnet_port = await start_telnet(router, router.host, telnet_port)
    # A router without keys still listens: it refuses SSH connections until it has one.
    router.acceptor = await _listen(router, router.port)
    router.port = router.acceptor.sockets[0].getsockname()[1]
    await router.sync_reverse_ports()
    endpoints.serving(router)  # the routers' own ssh client may reach it (endpoints.py)


async def _listen(
    router: Router, port: int, reverse_group: int | None = None
) -> asyncssh.SSHAcceptor:
    device = router.device
    key = router.host_keypair() or _placeholder_key()
    return await asyncssh.listen(
        router.host,
        port,
        server_host_keys=[key],
        server_factory=lambda: _SshServer(router, reverse_group),
        process_factory=lambda process: _run_shell(router, process),
        sftp_factory=lambda chan: FlashSFTPServer(chan, device),
        allow_scp=True,
        line_editor=False,
        encoding="utf-8",
        kex_algs=kex_for(device.image, device.config.ssh_dh_min),
        encryption_algs=list(device.image.ciphers),
        mac_algs=list(device.image.macs),
        signature_algs=list(device.image.host_key_algs),
        compression_algs=["none"],
        server_version=SERVER_VERSION,
        login_timeout=3600,  # the per-connection timer follows `ip ssh time-out`
    )
