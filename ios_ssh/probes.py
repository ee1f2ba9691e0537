"""Live probes: what a new SSH client experiences (login, banner, host key, SCP, telnet).

These prove settings on the wire, not in the configuration text. They use asyncssh as an
independent client and never send configuration.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid
from pathlib import Path
from typing import Any

import asyncssh

from .errors import ConnectError
from .report import Check
from .session import algorithms, failures, login, route
from .session.aio import run
from .session.identity import Identity, establish
from .session.known_hosts import shown
from .session.params import DeviceParams

PROBE_FILE = "ios-ssh-probe.txt"


_run = run


def _fingerprint(key: asyncssh.SSHKey) -> str:
    blob = key.public_data
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _trusting(identity: Identity) -> object:
    """asyncssh's known_hosts argument: exactly the key the identity check accepted (None
    only when host_key_check is off)."""
    if identity.key is None:
        return None
    return ([asyncssh.import_public_key(identity.key.openssh())], [], [])


def _connect_kwargs(
    params: DeviceParams, timeout: float, identity: Identity | None = None, port: int | None = None
) -> tuple[dict[str, object], Identity]:
    """asyncssh.connect arguments: the host key checked first (ConnectError if refused),
    then pinned for the connection itself; the device's algorithm policy and login (its
    password, key file or agent); no ssh_config (DeviceParams applied it). The connection
    itself is `_connect`'s: straight, or through the device's jump host."""
    identity = identity or establish(params)
    kwargs: dict[str, object] = {
        "host": params.host,
        "port": port or params.effective_ssh_port,
        **login.asyncssh_options(params),
        "known_hosts": _trusting(identity),
        "login_timeout": timeout,
        "connect_timeout": timeout,
        "config": [],
        **algorithms.asyncssh_options(
            algorithms.prefer_key_types(
                algorithms.resolve(params.ssh_algorithms),
                [identity.key.keytype] if identity.key else [],
            )
        ),
    }
    return kwargs, identity


def _connect(params: DeviceParams, kwargs: dict[str, object], **more: object) -> Any:
    """asyncssh.connect over session.route's socket to the probe's port (straight, or a
    channel of the device's jump host); call it inside the probe's coroutine."""
    port = int(kwargs["port"])  # type: ignore[call-overload]
    sock = route.connect(params, params.host, port, float(kwargs["connect_timeout"]))  # type: ignore[arg-type]
    sock.setblocking(False)
    return asyncssh.connect(sock=sock, **{**kwargs, **more})


def login_probe(
    params: DeviceParams, expected_sha256: str, expected_banner: str | None, timeout: float = 20
) -> list[Check]:
    """A fresh login (password, key or agent, as the device logs in): works, shows the
    right banner, and the key on the wire is the pinned one (and still the key the router
    says it serves: `expected_sha256`)."""
    where = f"ssh {params.username}@{params.host}:{params.effective_ssh_port}"
    try:
        kwargs, identity = _connect_kwargs(params, timeout)
    except ConnectError as exc:
        return [Check("fresh ssh login", False, "login succeeds", f"refused: {exc}", where)]

    async def probe() -> tuple[str, str, str, str]:
        async with _connect(params, kwargs) as conn:
            banner = conn.get_extra_info("server_version") or ""
            key = conn.get_server_host_key()
            # what asyncssh itself negotiated (it does not expose the key exchange)
            algs = f"cipher {conn.get_extra_info('send_cipher')}, MAC {conn.get_extra_info('send_mac')}"
            result = await conn.run("show ip ssh", check=False, timeout=timeout)
            return banner, _fingerprint(key) if key else "", str(result.stdout or ""), algs

    try:
        banner, fingerprint, output, negotiated = _run(probe)
    except (TimeoutError, OSError, asyncssh.Error, ConnectError) as exc:
        return [Check("fresh ssh login", False, "login succeeds", f"failed: {_safe(exc)}", where)]
    checks = [
        Check(
            "fresh ssh login",
            "SSH Enabled" in output,
            "login and 'show ip ssh'",
            "logged in",
            f"{where} ({negotiated})",
        ),
        host_key_check(identity, fingerprint, expected_sha256, where),
    ]
    if expected_banner:
        checks.append(
            Check(
                "ssh banner",
                banner.startswith(expected_banner),
                expected_banner + "...",
                banner,
                where,
            )
        )
    return checks


def host_key_check(identity: Identity, wire: str, router_says: str, where: str) -> Check:
    """The key on the wire equals the pinned known_hosts entry, and (where the router shows
    its key) the key the router says it serves."""
    says = f"; the router says it serves {router_says}" if router_says else ""
    if identity.key is None:
        return Check(
            "host key",
            bool(router_says) and wire == router_says,
            router_says or "(router shows no key)",
            wire,
            f"{where}: NOT pinned (host_key_check=off): only compared with the router's own word",
        )
    pinned = identity.key.fingerprint
    return Check(
        "host key",
        wire == pinned and (not router_says or router_says == pinned),
        f"{pinned} (pinned in {shown(identity.file or '')})",
        wire + (f", router says {router_says}" if router_says and router_says != wire else ""),
        f"{where}: key on the wire against the known_hosts entry{says}",
    )


def _load_private_key(private_key: str | Path) -> asyncssh.SSHKey:
    """Key text (PEM or OpenSSH) or a path to a key file, told apart by content alone:
    asking the file system whether key text "exists" fails on long base64 lines."""
    if isinstance(private_key, str) and "PRIVATE KEY-----" in private_key:
        return asyncssh.import_private_key(private_key)
    return asyncssh.read_private_key(Path(private_key).expanduser())


def _safe(exc: BaseException) -> str:
    """An error for a report: never key material, whatever the library put in it."""
    text = str(exc)
    if "PRIVATE KEY" in text or "-----BEGIN" in text:
        return f"{type(exc).__name__} (details withheld: they may hold key material)"
    kind = failures.kind_of(exc)  # the cause, named as ConnectError's kinds are
    line = failures.one_line(exc, limit=160)
    return f"{kind}: {line}" if kind else line


def pubkey_probe(
    params: DeviceParams, username: str, private_key: str | Path, timeout: float = 20
) -> Check:
    """A login as `username` with only this private key offered."""

    try:
        kwargs, _ = _connect_kwargs(params, timeout)
    except ConnectError as exc:
        where = f"ssh -i <key> {username}@{params.host}:{params.effective_ssh_port}"
        return Check(f"pubkey login {username}", False, "login with key", f"refused: {exc}", where)
    kwargs.update(username=username, password=None, agent_path=None, passphrase=None)

    async def probe() -> str:
        key = _load_private_key(private_key)
        async with _connect(
            params, kwargs, client_keys=[key], preferred_auth=["publickey"]
        ) as conn:
            result = await conn.run("show ip ssh", check=False, timeout=timeout)
            return str(result.stdout or "")

    where = f"ssh -i <key> {username}@{params.host}:{params.effective_ssh_port}"
    try:
        output = _run(probe)
    except (TimeoutError, OSError, ValueError, asyncssh.Error, ConnectError) as exc:
        return Check(
            f"pubkey login {username}", False, "login with key", f"failed: {_safe(exc)}", where
        )
    return Check(f"pubkey login {username}", "SSH" in output, "login with key", "logged in", where)


def scp_probe(
    params: DeviceParams, timeout: float = 30, *, file_system: str = "flash:"
) -> tuple[Check, str]:
    """Upload a file to the router's `file_system`, download it back, compare. Returns the
    check and the file name to delete afterwards (through the CLI, as an operator would)."""
    payload = f"ios_ssh probe {uuid.uuid4()}\n".encode()
    name = PROBE_FILE
    where = f"scp to {params.username}@{params.host}:{file_system}{name} and back"
    try:
        kwargs, _ = _connect_kwargs(params, timeout)
    except ConnectError as exc:
        return Check("scp round trip", False, "upload and download", f"refused: {exc}", where), name

    async def probe() -> bytes:
        async with _connect(params, kwargs) as conn:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                up, down = Path(tmp) / "up", Path(tmp) / "down"
                up.write_bytes(payload)
                await asyncssh.scp(str(up), (conn, f"{file_system}{name}"))
                await asyncssh.scp((conn, f"{file_system}{name}"), str(down))
                return down.read_bytes()

    try:
        got = _run(probe)
    except (TimeoutError, OSError, asyncssh.Error, ConnectError) as exc:
        return Check(
            "scp round trip", False, "upload and download", f"failed: {_safe(exc)}", where
        ), name
    return Check(
        "scp round trip", got == payload, f"{len(payload)} bytes back", f"{len(got)} bytes", where
    ), name


def telnet_refused_probe(params: DeviceParams | str, port: int = 23, timeout: float = 5) -> Check:
    """The vty lines allow only SSH: a telnet connection must get no login prompt. Through
    the device's jump host when it has one (a channel the bastion opens to the port; its
    refusal is the router's). `params` may be a bare host name (straight there)."""
    if isinstance(params, str):
        params = DeviceParams(host=params, username="-")
    where = f"telnet {params.host} {port}" + (
        f" (via jump host {params.jump_host})" if params.jump_host else ""
    )
    try:
        with route.connect(params, params.host, port, timeout) as sock:
            sock.settimeout(timeout)
            try:
                data = sock.recv(1024)
            except TimeoutError:
                data = b"?"
    except ConnectError as exc:  # the jump host failed: nothing is known of the router
        return Check("telnet refused", False, "no telnet login", f"not tried: {exc}", where)
    except OSError:
        return Check("telnet refused", True, "no telnet login", "connection refused", where)
    refused = data == b"" or b"refused" in data.lower()
    found = "connection closed" if refused else "a telnet session was offered"
    return Check("telnet refused", refused, "no telnet login", found, where)


def reverse_probe(params: DeviceParams, port: int, timeout: float = 10) -> Check:
    """A login through reverse SSH port `port`: it must open a line (and show the prompt
    of the console behind it, when one answers)."""
    actual = port + params.reverse_port_offset
    where = f"ssh -p {actual} {params.username}@{params.host} (reverse SSH port {port})"
    try:
        # The reverse port is the same router's SSH server: it must show the key pinned
        # for the router's SSH port.
        kwargs, _ = _connect_kwargs(params, timeout, port=actual)
    except ConnectError as exc:
        return Check(f"reverse ssh port {port}", False, "a line opens", f"refused: {exc}", where)

    async def probe() -> str:
        async with _connect(params, kwargs) as conn:
            proc = await conn.create_process(term_type="vt100")
            proc.stdin.write("\r")
            try:  # a console answers with its prompt; a silent line is still a line
                seen = await asyncio.wait_for(proc.stdout.readuntil(("#", ">", "% All lines")), 3)
            except (TimeoutError, asyncio.IncompleteReadError) as exc:
                seen = getattr(exc, "partial", "") or ""
            return str(seen)

    try:
        seen = _run(probe)
    except (OSError, asyncssh.Error, TimeoutError, ConnectError) as exc:
        return Check(
            f"reverse ssh port {port}", False, "a line opens", f"failed: {_safe(exc)}", where
        )
    if "% All lines in use" in seen:
        return Check(f"reverse ssh port {port}", False, "a line opens", "all lines in use", where)
    prompt = seen.strip().splitlines()[-1] if seen.strip() else "line open, no console prompt"
    return Check(f"reverse ssh port {port}", True, "a line opens", prompt, where)


# -- proofs of revocation and rotation (revocation.py decides what to prove) --------------


def _auth_refused(exc: BaseException) -> bool:
    """The router refused the credential itself (not the connection, nor a timeout)."""
    return isinstance(exc, asyncssh.DisconnectError) and (
        exc.code == asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE
    )


def _try_login(
    params: DeviceParams, name: str, where: str, works: bool, timeout: float, **auth: object
) -> Check:
    """A login with `auth` (a password, or client keys) that must work or be refused. A
    refusal passes only when the router itself refused the credential; a login the router
    accepts when it should not is the failing evidence; anything else cannot tell."""
    want = "login succeeds" if works else "login refused"
    try:
        kwargs, _ = _connect_kwargs(params, timeout)
    except ConnectError as exc:
        return Check(name, False, want, f"could not tell: {exc}", where)

    async def probe() -> str:
        async with asyncssh.connect(**{**kwargs, **auth}) as conn:
            result = await conn.run("show ip ssh", check=False, timeout=timeout)
            return str(result.stdout or "")

    try:
        _run(probe)
    except (TimeoutError, OSError, ValueError, asyncssh.Error) as exc:
        if _auth_refused(exc):
            found = "refused by the router (permission denied)"
            return Check(name, not works, want, found, where)
        return Check(name, False, want, f"could not tell: {_safe(exc)}", where)
    if works:
        return Check(name, True, want, "logged in", where)
    return Check(name, False, want, "logged in: the router still accepts it", where)


def password_proof_probe(
    params: DeviceParams, name: str, username: str, password: str, works: bool, timeout: float = 20
) -> Check:
    """A password login as `username` that must work (a rotated secret) or be refused (a
    removed user, a rotated secret's old value). The password is never shown."""
    where = f"ssh {username}@{params.host}:{params.effective_ssh_port} (password)"
    return _try_login(
        params,
        name,
        where,
        works,
        timeout,
        username=username,
        password=password,
        preferred_auth=["keyboard-interactive", "password"],
    )


def pubkey_proof_probe(
    params: DeviceParams,
    username: str,
    private_key: str | Path,
    allowed: frozenset[str],
    timeout: float = 20,
) -> Check:
    """A login as `username` with only this private key: it must work when the intent
    keeps its key-hash (`allowed`, MD5 as IOS stores it), else be refused (revoked)."""
    where = f"ssh -i <key> {username}@{params.host}:{params.effective_ssh_port}"
    try:
        key = _load_private_key(private_key)
    except (OSError, ValueError, asyncssh.Error) as exc:
        return Check(f"pubkey login {username}", False, "a key", f"failed: {_safe(exc)}", where)
    digest = hashlib.md5(key.public_data, usedforsecurity=False).hexdigest().upper()
    works = digest in allowed
    name = f"pubkey login {username}" if works else f"revoked key refused {username} ({digest})"
    return _try_login(
        params,
        name,
        where,
        works,
        timeout,
        username=username,
        client_keys=[key],
        preferred_auth=["publickey"],
    )


def login_key_hashes(params: DeviceParams) -> tuple[str, ...]:
    """The IOS key-hashes (MD5) of the keys this device's sessions log in with: the key
    file a device may name (`key_file`), for the removal-safety judgement (removals.py).
    () when it names none or the file cannot be read (then no key login is assumed)."""
    path = getattr(params, "key_file", None)  # a device field where key logins exist
    if not path:
        return ()
    try:
        key = asyncssh.read_private_key(Path(str(path)).expanduser())
    except (OSError, ValueError, asyncssh.Error):
        return ()
    return (hashlib.md5(key.public_data, usedforsecurity=False).hexdigest().upper(),)
