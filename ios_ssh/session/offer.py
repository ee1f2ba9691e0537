"""What an SSH server offers: its version line and its KEXINIT lists (RFC 4253 7.1).

Both travel in clear before any key exchange, so reading them needs no credentials and
sends none. With them the policy refuses a router up front with a clear message, and the
report can name the algorithms the session negotiates whatever the client library.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from .algorithms import Algorithms

MSG_KEXINIT = 20
PSEUDO = ("ext-info-", "kex-strict-")  # RFC 8308 / OpenSSH markers, not algorithms


@dataclass(frozen=True)
class Offer:
    banner: str
    algorithms: Algorithms


class OfferError(OSError):
    pass


class NotSsh(OfferError):
    """Something answered on the port, but not an SSH server (a telnet port, say)."""


TELNET_IAC = 0xFF  # RFC 854: a telnet server opens with option negotiation


def parse_kexinit(payload: bytes) -> Algorithms:
    """The name-lists of a KEXINIT payload: kex, host key, ciphers and MACs (c->s)."""
    if not payload or payload[0] != MSG_KEXINIT:
        raise OfferError("the server's first packet is not KEXINIT")
    pos, lists = 17, []  # message byte + 16-byte cookie
    for _ in range(10):
        if pos + 4 > len(payload):
            raise OfferError("truncated KEXINIT")
        (size,) = struct.unpack(">I", payload[pos : pos + 4])
        text = payload[pos + 4 : pos + 4 + size].decode("ascii", errors="replace")
        lists.append(tuple(n for n in text.split(",") if n and not n.startswith(PSEUDO)))
        pos += 4 + size
    return Algorithms(kex=lists[0], host_key=lists[1], ciphers=lists[2], macs=lists[4])


def _read_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OfferError("the server closed the connection during the handshake")
        data += chunk
    return data


def _recv(sock: socket.socket, timeout: float, silent: bool) -> bytes:
    try:
        return sock.recv(1024)
    except TimeoutError:
        if silent:  # accepted, then nothing: not what an SSH server does
            raise TimeoutError(
                f"the server accepted the connection but sent nothing within {timeout:g} s"
            ) from None
        raise


def read_offer(host: str, port: int, timeout: float, given: socket.socket | None = None) -> Offer:
    """Connect (or use `given`, connected to host:port: session.route's), send a version
    line, read the server's version and KEXINIT, hang up."""
    with given or socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(b"SSH-2.0-ios_ssh_offer\r\n")
        buffer = b""
        for _ in range(64):  # RFC 4253 4.2: other lines may come before the version
            while b"\n" not in buffer:
                chunk = _recv(sock, timeout, silent=not buffer)
                if not chunk:
                    raise OfferError("the server closed the connection before its version")
                if not buffer and chunk[0] == TELNET_IAC:
                    raise NotSsh("the server opened with telnet negotiation, not an SSH version")
                buffer += chunk
                if len(buffer) > 8192:
                    raise OfferError("no SSH version line")
            line, _, buffer = buffer.partition(b"\n")
            if line.startswith(b"SSH-"):
                break
        else:
            raise OfferError("no SSH version line")
        banner = line.rstrip(b"\r").decode("ascii", errors="replace")
        if not banner.startswith(("SSH-2.0-", "SSH-1.99-")):
            raise OfferError(f"the server speaks only SSH protocol 1 ({banner})")
        header = (buffer + _read_exact(sock, max(0, 5 - len(buffer))))[:5]
        rest = buffer[5:]
        length, padding = struct.unpack(">IB", header)
        if not 5 <= length <= 65536:
            raise OfferError("implausible packet length in the handshake")
        body = rest + _read_exact(sock, max(0, length - 1 - len(rest)))
        return Offer(banner, parse_kexinit(body[: length - 1 - padding]))
