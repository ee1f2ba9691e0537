"""Live probes: what a new SSH client experiences (login, banner, host key, SCP, telnet).

These prove settings on the wire, not in the configuration text. They use asyncssh as an
independent client and never send configuration.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
import threading
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncssh

from .report import Check
from .session.params import DeviceParams

T = TypeVar("T")
PROBE_FILE = "ios-ssh-probe.txt"


def _run(coro_factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine from sync code, also when the caller already has an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro_factory())
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro_factory())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def _fingerprint(key: asyncssh.SSHKey) -> str:
    blob = key.public_data
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _connect_kwargs(params: DeviceParams, timeout: float) -> dict[str, object]:
    return {
        "host": params.host,
        "port": params.effective_ssh_port,
        "username": params.username,
        "known_hosts": None,  # the check below pins the key against the router's own word
        "login_timeout": timeout,
        "connect_timeout": timeout,
    }


def login_probe(
    params: DeviceParams, expected_sha256: str, expected_banner: str | None, timeout: float = 20
) -> list[Check]:
    """A fresh password login: works, shows the right banner and the key the router shows."""

    async def probe() -> tuple[str, str, str]:
        async with asyncssh.connect(
            password=params.password.get_secret_value(),
            preferred_auth=["keyboard-interactive", "password"],
            **_connect_kwargs(params, timeout),
        ) as conn:
            banner = conn.get_extra_info("server_version") or ""
            key = conn.get_server_host_key()
            result = await conn.run("show ip ssh", check=False, timeout=timeout)
            return banner, _fingerprint(key) if key else "", str(result.stdout or "")

    where = f"ssh {params.username}@{params.host}:{params.effective_ssh_port}"
    try:
        banner, fingerprint, output = _run(probe)
    except (TimeoutError, OSError, asyncssh.Error) as exc:
        return [Check("fresh ssh login", False, "login succeeds", f"failed: {_safe(exc)}", where)]
    checks = [
        Check(
            "fresh ssh login",
            "SSH Enabled" in output,
            "login and 'show ip ssh'",
            "logged in",
            where,
        ),
        Check(
            "host key",
            fingerprint == expected_sha256,
            expected_sha256 or "(router shows no key)",
            fingerprint,
            f"{where}: host key offered on the wire",
        ),
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
    return text[:500]


def pubkey_probe(
    params: DeviceParams, username: str, private_key: str | Path, timeout: float = 20
) -> Check:
    """A login as `username` with only this private key offered."""

    async def probe() -> str:
        key = _load_private_key(private_key)
        kwargs = _connect_kwargs(params, timeout)
        kwargs["username"] = username
        async with asyncssh.connect(
            client_keys=[key], preferred_auth=["publickey"], **kwargs
        ) as conn:
            result = await conn.run("show ip ssh", check=False, timeout=timeout)
            return str(result.stdout or "")

    where = f"ssh -i <key> {username}@{params.host}:{params.effective_ssh_port}"
    try:
        output = _run(probe)
    except (TimeoutError, OSError, ValueError, asyncssh.Error) as exc:
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

    async def probe() -> bytes:
        async with asyncssh.connect(
            password=params.password.get_secret_value(),
            preferred_auth=["keyboard-interactive", "password"],
            **_connect_kwargs(params, timeout),
        ) as conn:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                up, down = Path(tmp) / "up", Path(tmp) / "down"
                up.write_bytes(payload)
                await asyncssh.scp(str(up), (conn, f"{file_system}{name}"))
                await asyncssh.scp((conn, f"{file_system}{name}"), str(down))
                return down.read_bytes()

    where = f"scp to {params.username}@{params.host}:{file_system}{name} and back"
    try:
        got = _run(probe)
    except (TimeoutError, OSError, asyncssh.Error) as exc:
        return Check(
            "scp round trip", False, "upload and download", f"failed: {_safe(exc)}", where
        ), name
    return Check(
        "scp round trip", got == payload, f"{len(payload)} bytes back", f"{len(got)} bytes", where
    ), name


def telnet_refused_probe(host: str, port: int = 23, timeout: float = 5) -> Check:
    """The vty lines allow only SSH: a telnet connection must get no login prompt."""
    where = f"telnet {host} {port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            try:
                data = sock.recv(1024)
            except TimeoutError:
                data = b"?"
    except OSError:
        return Check("telnet refused", True, "no telnet login", "connection refused", where)
    refused = data == b"" or b"refused" in data.lower()
    found = "connection closed" if refused else "a telnet session was offered"
    return Check("telnet refused", refused, "no telnet login", found, where)


def reverse_probe(params: DeviceParams, port: int, timeout: float = 10) -> Check:
    """A login through reverse SSH port `port`: it must open a line (and show the prompt
    of the console behind it, when one answers)."""
    actual = port + params.reverse_port_offset

    async def probe() -> str:
        async with asyncssh.connect(
            params.host,
            actual,
            username=params.username,
            password=params.password.get_secret_value(),
            known_hosts=None,
            login_timeout=timeout,
            connect_timeout=timeout,
        ) as conn:
            proc = await conn.create_process(term_type="vt100")
            proc.stdin.write("\r")
            try:  # a console answers with its prompt; a silent line is still a line
                seen = await asyncio.wait_for(proc.stdout.readuntil(("#", ">", "% All lines")), 3)
            except (TimeoutError, asyncio.IncompleteReadError) as exc:
                seen = getattr(exc, "partial", "") or ""
            return str(seen)

    where = f"ssh -p {actual} {params.username}@{params.host} (reverse SSH port {port})"
    try:
        seen = _run(probe)
    except (OSError, asyncssh.Error, TimeoutError) as exc:
        return Check(
            f"reverse ssh port {port}", False, "a line opens", f"failed: {_safe(exc)}", where
        )
    if "% All lines in use" in seen:
        return Check(f"reverse ssh port {port}", False, "a line opens", "all lines in use", where)
    prompt = seen.strip().splitlines()[-1] if seen.strip() else "line open, no console prompt"
    return Check(f"reverse ssh port {port}", True, "a line opens", prompt, where)
