"""Lab scale: start-up time and memory per router, and new SSH sessions per second.

The routers run as `python -m ios_ssh.lab serve` does: one process, one event loop. The
load comes from a second process (asyncssh clients), so the figure is the server's.
A session is: TCP connect, key exchange, password auth, one command, close.
Run: python benchmarks/lab_sessions.py [ROUTERS] [SESSIONS] [CONCURRENCY] [--image NAME|all]
     [--latency-ms N] [--cipher NAME]
`--image all` measures each family in turn; the legacy ones (SHA-1 key exchange, finite-
field DH, CBC) are reported on their own lines: the client enables what they offer.
The client takes the image's own order of ciphers (XE 17: chacha20-poly1305 first, as
OpenSSH and asyncssh prefer it, ~2 ms of CPU a session on each side with asyncssh);
`--cipher` puts one first (paramiko, so netmiko, prefers aes128-ctr).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing as mp
import resource
import sys
import threading
import time
import warnings

import asyncssh

from ios_ssh.lab import loops
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.images import FAMILIES, IMAGES
from ios_ssh.lab.keypool import KeyPool
from ios_ssh.lab.latency import Latency
from ios_ssh.lab.server import Router, start_router

# The legacy families need finite-field DH, which cryptography flags as deprecated.
warnings.filterwarnings("ignore", "Diffie-Hellman over finite fields")

LEGACY = {"ios12.2sx", "ios15", "xe16"}  # SHA-1 key exchange: today's clients must opt in


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _client(
    ports: list[int], sessions: int, concurrency: int, image: str, cipher: str, out: mp.Queue
) -> None:
    # Accept exactly what the image offers (asyncssh's defaults lack group1-sha1 and CBC).
    profile = IMAGES[image]
    algs = {
        "kex_algs": list(profile.kex),
        "encryption_algs": sorted(profile.ciphers, key=lambda c: c != cipher),
        "mac_algs": list(profile.macs),
        "server_host_key_algs": list(profile.host_key_algs),
    }

    async def one(port: int) -> None:
        async with asyncssh.connect(
            "127.0.0.1", port, username="admin", password="admin", known_hosts=None, **algs
        ) as conn:
            result = await conn.run("show ip ssh", check=False)
            assert "SSH Enabled" in str(result.stdout)

    async def main() -> tuple[float, int]:
        limit = asyncio.Semaphore(concurrency)
        failures = 0

        async def bounded(port: int) -> None:
            nonlocal failures
            async with limit:
                try:
                    await one(port)
                except (OSError, asyncssh.Error, AssertionError):
                    failures += 1

        start = time.perf_counter()
        await asyncio.gather(*(bounded(ports[i % len(ports)]) for i in range(sessions)))
        return time.perf_counter() - start, failures

    cpu0 = time.process_time()
    elapsed, failures = loops.run(main())  # the load generator on the same kind of loop
    out.put((elapsed, failures, time.process_time() - cpu0))


def main(
    routers: int,
    sessions: int,
    concurrency: int,
    image: str = "xe17",
    latency_ms: float = 0,
    cipher: str = "",
) -> None:
    base = rss_mib()
    t0 = time.perf_counter()
    keys = KeyPool(routers, 2048)
    t1 = time.perf_counter()
    devices = [baseline_device(f"r{i}", keys=keys, image=image) for i in range(1, routers + 1)]
    t2 = time.perf_counter()
    loop = loops.new_event_loop()  # as `serve` runs them
    threading.Thread(target=loop.run_forever, daemon=True).start()
    started = []
    for device in devices:
        router = Router(device.config.hostname, device)
        router.latency = Latency(latency_ms)
        asyncio.run_coroutine_threadsafe(start_router(router), loop).result()
        started.append(router)
    gc.collect()  # as `serve` does once its routers are up
    gc.freeze()
    t3 = time.perf_counter()
    per_router = (rss_mib() - base) * 1024 / routers
    kind = "legacy " if image in LEGACY else ""
    print(
        f"== image {image} ({kind}{IMAGES[image].models}), latency {latency_ms:g} ms"
        + (f", client prefers {cipher}" if cipher else "")
    )
    print(
        f"{routers} routers: keys {t1 - t0:.1f} s (all cores), config {t2 - t1:.1f} s, "
        f"listen {t3 - t2:.1f} s; {per_router:.0f} KiB per router"
    )
    queue: mp.Queue = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(
        target=_client,
        args=([r.port for r in started], sessions, concurrency, image, cipher, queue),
    )
    cpu0 = time.process_time()
    proc.start()
    elapsed, failures, client_cpu = queue.get()
    server_cpu = time.process_time() - cpu0
    proc.join()
    print(
        f"{sessions} sessions, {concurrency} at a time, across {routers} routers: "
        f"{elapsed:.2f} s, {sessions / elapsed:.0f} sessions per second, {failures} failed; "
        f"server CPU {server_cpu * 1000 / sessions:.1f} ms per session "
        f"(client {client_cpu * 1000 / sessions:.1f} ms: both share the machine's cores)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("numbers", nargs="*", type=int, help="ROUTERS SESSIONS CONCURRENCY")
    parser.add_argument("--image", choices=[*IMAGES, "all"], default="xe17")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--cipher", default="", help="the client's first choice of cipher")
    args = parser.parse_args(sys.argv[1:])
    numbers = args.numbers + [1000, 1000, 32][len(args.numbers) :]
    # `all`: XE 17 first (the 300/s goal), then the legacy families on their own lines
    for name in (
        ["xe17", *(f for f in FAMILIES if f != "xe17")] if args.image == "all" else [args.image]
    ):
        main(*numbers[:3], image=name, latency_ms=args.latency_ms, cipher=args.cipher)
