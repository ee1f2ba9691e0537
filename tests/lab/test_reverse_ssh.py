"""Reverse SSH: a console server's tty lines lead to other lab routers' consoles."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import asyncssh
import pytest

import ios_ssh
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.session import Session
from ios_ssh.ports import free_port_block

pytestmark = pytest.mark.timeout(120)
CS_CONFIG = [
    "line 1 2",
    "no exec",
    "login local",
    "transport input ssh",
    "line 1",
    "rotary 1",
    "line 2",
    "rotary 2",
    "exit",
    "ip ssh port 2001 rotary 1 2",
]


@pytest.fixture
def lab() -> Iterator[tuple[Lab, int]]:
    offset = free_port_block(2) - 2001
    lab = Lab()
    r1, r2 = (
        baseline_device("r1", image="hybrid", bits=1024),
        baseline_device("r2", image="hybrid", bits=1024),
    )
    cs1 = baseline_device("cs1", image="hybrid", bits=1024, async_lines=4)
    cs1.consoles = {1: r1, 2: r2}
    lab.add(r1), lab.add(r2)
    lab.add(cs1, reverse_offset=offset)
    session = Session(cs1, "console", 15)
    session.feed("configure terminal")
    for line in CS_CONFIG:
        assert session.feed(line) == "", line
    session.feed("end")
    for port in (2001 + offset, 2002 + offset):  # the listeners start on the lab's loop
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"port {port} never opened"
                time.sleep(0.05)
    try:
        yield lab, offset
    finally:
        lab.close()


async def _console(
    port: int, username: str = "admin", send: str = "\r"
) -> tuple[str, asyncssh.SSHClientConnection]:
    conn = await asyncssh.connect(
        "127.0.0.1", port, username=username, password="admin", known_hosts=None
    )
    proc = await conn.create_process(term_type="vt100")
    proc.stdin.write(send)
    text = await asyncio.wait_for(proc.stdout.readuntil(">"), 10)
    return text, conn


def test_port_n_lands_on_the_console_of_the_first_line_of_its_rotary(lab: tuple[Lab, int]) -> None:
    labs, offset = lab
    cs1 = labs.routers["cs1"].device

    async def run() -> tuple[str, str, str, str]:
        first, c1 = await _console(2001 + offset)
        second, c2 = await _console(2002 + offset)
        try:
            line = cs1.show_line()
            users = cs1.show_users(None)
            return first, second, line, users
        finally:
            c1.close()
            c2.close()

    first, second, line, users = asyncio.run(run())
    assert first.endswith("r1>") and second.endswith("r2>")
    rows = {r["tty"]: r for r in ios_ssh.parse("show line", line)}
    assert rows["1"]["active"] == "*" and rows["2"]["active"] == "*" and rows["1"]["rotary"] == "1"
    on_ttys = [u for u in ios_ssh.parse("show users", users) if u["type"] == "tty"]
    assert {u["number"] for u in on_ttys} == {"1", "2"} and {u["user"] for u in on_ttys} == {
        "admin"
    }


def test_user_line_and_user_rotary_on_the_normal_port(lab: tuple[Lab, int]) -> None:
    labs, _ = lab
    port = labs.addresses["cs1"].port

    async def run() -> tuple[str, str]:
        by_line, c1 = await _console(port, "admin:2")
        c1.close()
        await asyncio.sleep(0.2)
        by_rotary, c2 = await _console(port, "admin:rotary1")
        c2.close()
        return by_line, by_rotary

    by_line, by_rotary = asyncio.run(run())
    assert by_line.endswith("r2>") and by_rotary.endswith("r1>")


def test_a_busy_rotary_and_a_wrong_password(lab: tuple[Lab, int]) -> None:
    offset = lab[1]

    async def run() -> str:
        _, holder = await _console(2001 + offset)
        try:
            conn = await asyncssh.connect(
                "127.0.0.1", 2001 + offset, username="admin", password="admin", known_hosts=None
            )
            result = await conn.run(term_type="vt100", check=False, timeout=10)
            conn.close()
            return str(result.stdout)
        finally:
            holder.close()

    assert "% All lines in use" in asyncio.run(run())

    async def wrong() -> None:
        await asyncssh.connect(
            "127.0.0.1", 2001 + offset, username="admin", password="bad", known_hosts=None
        )

    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(wrong())


def test_a_port_the_machine_cannot_bind_is_reported_to_whoever_configured_it() -> None:
    offset = free_port_block(1) - 3001
    lab = Lab()
    cs1 = baseline_device("cs1", image="hybrid", bits=1024, async_lines=2)
    lab.add(cs1, reverse_offset=offset)
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 3001 + offset))
    squatter.listen()
    try:
        session = Session(cs1, "console", 15)
        session.feed("configure terminal")
        session.feed("line 1")
        session.feed("rotary 1")
        session.feed("exit")
        out = session.feed("ip ssh port 3001 rotary 1")
        assert out.startswith("%Error: ip ssh port 3001: cannot listen on"), out
        assert str(3001 + offset) in out
        assert "%SSH-3-PORT" in "\n".join(cs1.logbuf)
    finally:
        squatter.close()
        lab.close()


def test_picked_port_blocks_lie_outside_the_ephemeral_range() -> None:
    from ios_ssh.ports import ephemeral_range

    low, high = ephemeral_range()
    for _ in range(20):
        base = free_port_block(8)
        assert base + 7 < low or base > high, (base, low, high)
