"""The SSH endpoints this lab serves, and the only ones the routers' own `ssh` client may
reach. A lab router's `ssh -l user -p PORT HOST` makes a real connection from the lab's
process: left open, anyone with a login on a lab router could use it to reach any address
the lab's machine can (the operator's network, a metadata service), and the lab would be a
relay. So the client connects only to an address and port of a router this process serves
(its SSH port or an `ip ssh port` rotary port); host names are not looked up (a lookup
would itself leave the lab).
"""

from __future__ import annotations

import ipaddress
import threading
import weakref
from typing import Any

_lock = threading.Lock()
_routers: weakref.WeakSet[Any] = weakref.WeakSet()  # server.Router, by duck type


def serving(router: Any) -> None:
    with _lock:
        _routers.add(router)


def stopped(router: Any) -> None:
    with _lock:
        _routers.discard(router)


def _ports(router: Any) -> set[int]:
    offset = int(getattr(router, "reverse_offset", 0))
    return {router.port} | {port + offset for port in getattr(router, "reverse_acceptors", {})}


def is_lab_router(host: str, port: int) -> bool:
    """`host:port` is an SSH endpoint of a router this lab serves."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    with _lock:
        routers = list(_routers)
    return any(
        ipaddress.ip_address(router.host) == address and port in _ports(router)
        for router in routers
    )
