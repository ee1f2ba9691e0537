"""Lab scale: start-up time and memory per router, and new SSH sessions per second.

Everything runs on 127.0.0.1 in one process and one event loop, as `serve` does.
Run: python benchmarks/lab_sessions.py [ROUTERS] [SESSIONS]
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time

import asyncssh

from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.server import Router, start_ssh


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(routers: int, sessions: int) -> None:
    base = rss_mib()
    started = time.perf_counter()
    devices = [baseline_device(f"r{i}") for i in range(1, routers + 1)]
    keys_done = time.perf_counter()
    acceptors = [await start_ssh(Router(d.hostname, d)) for d in devices]
    ports = [a.sockets[0].getsockname()[1] for a in acceptors]
    listening = time.perf_counter()
    print(
        f"routers {routers}: keys {keys_done - started:.2f} s, listen {listening - keys_done:.2f} s, "
        f"{(rss_mib() - base) * 1024 / routers:.0f} KiB per router"
    )

    async def one(port: int) -> None:
        async with asyncssh.connect(
            "127.0.0.1", port, username="admin", password="admin", known_hosts=None
        ) as conn:
            result = await conn.run("show ip ssh", check=False)
            assert "SSH Enabled" in str(result.stdout)

    limit = asyncio.Semaphore(32)

    async def bounded(port: int) -> None:
        async with limit:
            await one(port)

    start = time.perf_counter()
    await asyncio.gather(*(bounded(ports[i % len(ports)]) for i in range(sessions)))
    elapsed = time.perf_counter() - start
    print(
        f"{sessions} sessions (connect, password auth, one command) in {elapsed:.2f} s: "
        f"{sessions / elapsed:.0f} per second (client and server share this process)"
    )
    for acceptor in acceptors:
        acceptor.close()


if __name__ == "__main__":
    asyncio.run(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 20,
            int(sys.argv[2]) if len(sys.argv) > 2 else 200,
        )
    )
