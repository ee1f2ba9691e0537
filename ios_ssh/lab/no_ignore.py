"""The lab's SSH server sends no SSH_MSG_IGNORE of its own, as a Cisco-1.25 server sends none.

asyncssh puts an empty IGNORE packet before every packet it sends once the connection is
encrypted (RFC 4251 section 9.3.1's counter to the chosen-plaintext attack on CBC). No
router does, and it doubled what the lab encrypts and every client decrypts: of the 18
packets a login with one command cost the server, 9 were IGNOREs. The server's own
packets are unchanged; client connections in the same process keep asyncssh's behaviour.
"""

from __future__ import annotations

from typing import Any

from asyncssh.connection import SSHServerConnection
from asyncssh.constants import MSG_IGNORE

_plain_send_packet = SSHServerConnection.send_packet


def _send_packet(self: SSHServerConnection, pkttype: int, *args: bytes, **kwargs: Any) -> None:
    if pkttype == MSG_IGNORE and getattr(self, "_lab_sending", False):
        return  # asyncssh's padding packet, asked for from inside send_packet below
    self._lab_sending = True  # type: ignore[attr-defined]
    try:
        _plain_send_packet(self, pkttype, *args, **kwargs)
    finally:
        self._lab_sending = False  # type: ignore[attr-defined]


def install() -> None:
    """Every asyncssh server connection in this process: no IGNORE before each packet."""
    SSHServerConnection.send_packet = _send_packet  # type: ignore[method-assign]
