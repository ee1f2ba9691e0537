"""Free loopback ports, picked at run time (the demo and the tests never assume a port).

A port picked now and bound later (by a lab child process, seconds on) must not come from
the kernel's ephemeral range: every outgoing connection of this machine, ours included,
takes its local port from there, and could take the picked port in the gap. So blocks are
picked below that range, at random, and checked free by binding each port once.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 20000  # above the well-known and most registered service ports


def ephemeral_range() -> tuple[int, int]:
    """The kernel's range for outgoing connections' local ports (Linux's default if unknown)."""
    try:
        low, high = (int(word) for word in _EPHEMERAL_RANGE.read_text().split())
        return low, high
    except (OSError, ValueError):
        return 32768, 60999


def _free(base: int, count: int) -> bool:
    held: list[socket.socket] = []
    try:
        for port in range(base, base + count):
            sock = socket.socket()
            held.append(sock)
            sock.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        for sock in held:
            sock.close()


def free_port_block(count: int, attempts: int = 200) -> int:
    """A first port P with P..P+count-1 all free on 127.0.0.1 just now, and all outside
    the ephemeral range, so that no outgoing connection takes one before it is bound."""
    low, high = ephemeral_range()
    spans = [(lo, hi) for lo, hi in ((_LOWEST, low - 1), (high + 1, 65535)) if hi - lo >= count]
    if not spans:
        spans = [(1024, 65535)]
    rng = random.SystemRandom()
    for _ in range(attempts):
        lo, hi = rng.choice(spans)
        base = rng.randint(lo, hi - count + 1)
        if _free(base, count):
            return base
    raise RuntimeError(f"no block of {count} free ports on 127.0.0.1 outside {low}-{high}")
