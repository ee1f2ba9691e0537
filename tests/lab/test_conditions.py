"""Operating conditions on demand: WAN latency, slow key generation, injected faults, and
`serve --image mixed`. A delay is checked by what has not arrived yet within half of it,
never by a stopwatch; upper bounds depend on the machine and are measured, not tested.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

from ios_ssh.lab import Lab, running_lab
from ios_ssh.lab import faults as lab_faults
from ios_ssh.lab.images import FAMILIES
from ios_ssh.lab.latency import Latency
from ios_ssh.lab.session import Session

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def lab() -> Iterator[Lab]:
    with running_lab(1, image="xe17") as lab:
        yield lab


class Shell:
    """An interactive asyncssh shell on a lab router: type a line, read to the prompt."""

    def __init__(
        self, conn: asyncssh.SSHClientConnection, process: asyncssh.SSHClientProcess
    ) -> None:
        self.conn, self.process = conn, process

    @classmethod
    async def open(cls, port: int) -> Shell:
        conn = await asyncssh.connect(
            "127.0.0.1", port, username="admin", password="admin", known_hosts=None
        )
        process = await conn.create_process(term_type="vt100")
        shell = cls(conn, process)
        await shell.read_to(">")
        return shell

    async def read_to(self, end: str) -> str:
        text = ""
        while not text.rstrip().endswith(end):
            chunk = await self.process.stdout.read(4096)
            if not chunk:
                raise ConnectionError(f"closed after {text!r}")
            text += chunk
        return text

    async def command(self, line: str) -> tuple[str, float]:
        """The reply to `line` and its round trip in seconds (typed to prompt)."""
        start = time.perf_counter()
        self.process.stdin.write(line + "\r")
        text = await self.read_to(">")
        return text, time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()


async def _round_trips(port: int, count: int) -> list[tuple[str, float]]:
    shell = await Shell.open(port)
    try:
        return [await shell.command("show clock") for _ in range(count)]
    finally:
        shell.close()


# -- latency ------------------------------------------------------------------------------
# Delays are proved by events, not a stopwatch: asyncio (and uvloop's millisecond timers)
# may fire a timer up to a clock tick early, so "at least 60 ms" measured 59.85 ms one run
# in three. What a delay of N guarantees: nothing arrives within N/2 of the router's
# write (without the delay, it would be there within milliseconds), and then it does.
DELAY_MS = 150


async def _delayed_replies(port: int, delay_ms: float, count: int) -> list[str]:
    """`show clock` `count` times: nothing (not even the echo) within half the delay, then
    the reply."""
    shell = await Shell.open(port)
    replies = []
    try:
        for _ in range(count):
            shell.process.stdin.write("show clock\r")
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(shell.process.stdout.read(1), delay_ms / 2000)
            replies.append(await shell.read_to(">"))
    finally:
        shell.close()
    return replies


def test_latency_delays_every_reply_over_ssh(lab: Lab) -> None:
    router = lab.routers["r1"]
    router.latency = Latency(DELAY_MS)
    assert all("UTC" in text for text in asyncio.run(_delayed_replies(router.port, DELAY_MS, 2)))


def test_jitter_keeps_the_order_of_what_the_router_sends(lab: Lab) -> None:
    router = lab.routers["r1"]
    router.latency = Latency(5, 40)

    async def run() -> str:
        shell = await Shell.open(router.port)
        try:
            shell.process.stdin.write("show version\r")  # echo, output and prompt in pieces
            return await shell.read_to(">")
        finally:
            shell.close()

    text = asyncio.run(run()).replace("\r", "")
    assert (
        "show version\nCisco IOS Software [IOSXE], Linux Software (X86_64BI_LINUX-ADVENTERPRISEK9-M)"
        ", Version 17.15.1, RELEASE SOFTWARE (fc4)\nTechnical Support:" in text
    )


def test_latency_delays_telnet_too(lab: Lab) -> None:
    router = lab.routers["r1"]
    router.device.load_config("line vty 0 4\n transport input ssh telnet", merge=True)
    router.latency = Latency(DELAY_MS)
    with socket.create_connection(("127.0.0.1", router.telnet_port), timeout=10) as sock:
        sock.settimeout(DELAY_MS / 2000)
        with pytest.raises(TimeoutError):
            sock.recv(16)  # the greeting is written at once, and held by the link
        sock.settimeout(10)
        assert sock.recv(16)


# -- key generation time -------------------------------------------------------------------
def test_keygen_seconds_make_generation_take_that_long(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.keygen_seconds = 0.3
    session = Session(device, "admin", 15)
    session.feed("configure terminal")
    start = time.perf_counter()
    out = session.feed("crypto key generate rsa label SLOW modulus 2048")
    assert "[OK]" in out and time.perf_counter() - start >= 0.3


# -- faults, one test per kind ---------------------------------------------------------------
def test_fault_reject(lab: Lab) -> None:
    lab.routers["r1"].device.faults = {"reject": r"^show clock"}
    text, _ = asyncio.run(_round_trips(lab.routers["r1"].port, 1))[0]
    assert "% Invalid input detected at '^' marker." in text


def test_fault_drop(lab: Lab) -> None:
    lab.routers["r1"].device.faults = {"drop": r"^show clock"}
    with pytest.raises((ConnectionError, asyncssh.Error)):
        asyncio.run(_round_trips(lab.routers["r1"].port, 1))


def test_fault_hang(lab: Lab) -> None:
    lab.routers["r1"].device.faults = {"hang": r"^show clock"}

    async def run() -> bool:
        shell = await Shell.open(lab.routers["r1"].port)
        try:
            shell.process.stdin.write("show clock\r")
            await shell.process.stdout.read(64)  # the echo of what was typed
            try:
                await asyncio.wait_for(shell.read_to(">"), 1.0)
            except TimeoutError:
                return not shell.conn.is_closed()  # silent, and still connected
            return False
        finally:
            shell.close()

    assert asyncio.run(run())


def test_fault_slow_ms(lab: Lab) -> None:
    lab.routers["r1"].device.faults = {"slow_ms": 120}
    text, seconds = asyncio.run(_round_trips(lab.routers["r1"].port, 1))[0]
    assert "UTC" in text and seconds >= 0.120


def test_fault_auth_fail_over_ssh_and_telnet(lab: Lab) -> None:
    router = lab.routers["r1"]
    router.device.faults = {"auth": "fail"}
    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(_round_trips(router.port, 1))
    router.device.load_config("line vty 0 4\n transport input ssh telnet", merge=True)
    with socket.create_connection(("127.0.0.1", router.telnet_port), timeout=10) as sock:
        sock.settimeout(5)
        seen = b""
        for answer in (b"admin\r", b"admin\r"):
            while not seen.rstrip().endswith((b"Username:", b"Password:")):
                seen += sock.recv(4096)
            sock.sendall(answer)
            seen = b""
        while b"% Login invalid" not in seen:
            seen += sock.recv(4096)


def test_fault_reset_after_kex(lab: Lab) -> None:
    router = lab.routers["r1"]
    router.device.faults = {"reset_after_kex": True}

    async def connect() -> None:
        async with asyncssh.connect(
            "127.0.0.1", router.port, username="admin", password="admin", known_hosts=None
        ):
            pass

    with pytest.raises((ConnectionError, asyncssh.Error)):
        asyncio.run(connect())
    router.device.faults = {}
    asyncio.run(connect())  # the same router, without the fault


# -- the faults file and serve -----------------------------------------------------------------
def test_faults_file_yaml_json_rate_and_seed(tmp_path: Path) -> None:
    spec = {"r1": {"reject": "^ip ssh"}, "*": {"rate": 0.5, "drop": "^crypto", "slow_ms": 10}}
    (tmp_path / "f.json").write_text(json.dumps(spec))
    (tmp_path / "f.yaml").write_text(
        "r1: {reject: '^ip ssh'}\n'*': {rate: 0.5, drop: '^crypto', slow_ms: 10}\n"
    )
    assert lab_faults.load(tmp_path / "f.json") == lab_faults.load(tmp_path / "f.yaml") == spec
    names = [f"r{i}" for i in range(2, 42)]
    first = {n: lab_faults.for_router(n, spec, seed=7) for n in names}
    assert first == {n: lab_faults.for_router(n, spec, seed=7) for n in names}  # reproducible
    hit = [n for n in names if first[n]]
    assert 0 < len(hit) < len(names)  # a rate, not all or nothing
    assert lab_faults.for_router("r1", spec, seed=7) == {"reject": "^ip ssh"}
    assert lab_faults.summary(first[hit[0]]) == "drop,slow_ms"
    (tmp_path / "bad.yaml").write_text("r1: {explode: true}\n")
    with pytest.raises(ValueError, match="unknown fault 'explode'"):
        lab_faults.load(tmp_path / "bad.yaml")


def _serve(*args: str) -> tuple[subprocess.Popen[str], list[list[str]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ios_ssh.lab", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in proc.stdout:  # type: ignore[union-attr]
        if line.strip() == "ready":
            return proc, lines
        lines.append(line.split())
    raise AssertionError(f"serve ended: {lines}")


def test_serve_mixed_count_8_serves_all_four_families_with_faults_on_their_lines(
    tmp_path: Path,
) -> None:
    (tmp_path / "faults.yaml").write_text("r3: {reject: '^ip ssh dh', auth: fail}\n")
    proc, lines = _serve(
        "--image", "mixed", "--count", "8", "--faults", str(tmp_path / "faults.yaml")
    )
    try:
        assert [words[0] for words in lines] == [f"r{i}" for i in range(1, 9)]
        images = [words[3] for words in lines]
        assert images == [f"image={f}" for f in FAMILIES * 2]
        assert lines[2][4:] == ["faults=reject,auth"] and all(
            len(w) == 4 for i, w in enumerate(lines) if i != 2
        )
        assert lines[0][1].startswith("127.0.0.1:") and lines[0][2].startswith("telnet=127.0.0.1:")
    finally:
        proc.terminate()
        proc.wait(15)


def test_serve_latency_ms_on_the_command_line() -> None:
    proc, lines = _serve("--latency-ms", "50", "--jitter-ms", "5", "--seed", "3")
    try:
        assert lines[0][3] == "image=xe17"  # serve's default image
        port = int(lines[0][1].rsplit(":", 1)[1])
        replies = asyncio.run(_delayed_replies(port, 50, 3))
        assert all("UTC" in text for text in replies)
    finally:
        proc.terminate()
        proc.wait(15)
