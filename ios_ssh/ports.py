"""Free loopback ports, picked at run time (the demo and the tests never assume a port)."""

from __future__ import annotations

import socket


def free_port_block(count: int, attempts: int = 50) -> int:
    """A first port P with P..P+count-1 all free on 127.0.0.1 just now."""
    for _ in range(attempts):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        held: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise RuntimeError(f"no block of {count} free ports on 127.0.0.1")
