"""What a lab router puts on the wire: a router's packets, not asyncssh's extras.

A router echoes a pasted line and answers it in a few packets, and sends no SSH_MSG_IGNORE
of its own; the lab once sent one packet per echoed character and an IGNORE before each
packet (~1,000 packets for one configuration login), which every client paid to decrypt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncssh
import pytest
from asyncssh.connection import SSHClientConnection, SSHConnection
from asyncssh.constants import MSG_IGNORE

from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", bits=1024))
    try:
        yield lab
    finally:
        lab.close()


class _Counting(asyncssh.SSHClientSession[str]):
    def __init__(self) -> None:
        self.packets: list[str] = []
        self.arrived = asyncio.Event()

    def data_received(self, data: str, datatype: asyncssh.DataType) -> None:
        self.packets.append(data)
        self.arrived.set()


async def _session(port: int, lines: str) -> list[str]:
    """The data packets after the login prompt for `lines` typed in one write."""
    async with asyncssh.connect(
        "127.0.0.1", port, username="admin", password="admin", known_hosts=None
    ) as conn:
        chan, session = await conn.create_session(_Counting, term_type="vt100")
        while not "".join(session.packets).rstrip().endswith(">"):  # r1>
            session.arrived.clear()
            await asyncio.wait_for(session.arrived.wait(), 10)
        session.packets.clear()
        chan.write(lines)
        while "".join(session.packets).count("r1>") < lines.count("\n"):
            session.arrived.clear()
            await asyncio.wait_for(session.arrived.wait(), 10)
        chan.close()
        return session.packets


def test_a_pasted_line_is_echoed_and_answered_in_few_packets_with_no_ignores(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    ignored = []  # IGNORE packets the client received (the server's own are not counted)
    handlers = SSHConnection._packet_handlers
    plain = handlers[MSG_IGNORE]

    def count(conn: SSHConnection, *args: object) -> object:
        if isinstance(conn, SSHClientConnection):
            ignored.append(1)
        return plain(conn, *args)

    monkeypatch.setitem(handlers, MSG_IGNORE, count)
    packets = asyncio.run(_session(lab.addresses["r1"].port, "terminal length 0\nshow ip ssh\n"))
    text = "".join(packets)
    assert "terminal length 0\r\n" in text and "SSH Enabled" in text  # the same bytes
    # per line: its echo, then its reply and the prompt (not a packet per character)
    assert len(packets) <= 4, packets
    assert ignored == []
