"""`python -m ios_ssh.lab serve --count N --port P`: run lab routers until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import signal

from .fleet import baseline_device
from .server import Router, start_ssh


async def _serve(count: int, port: int) -> None:
    acceptors = []
    for index in range(1, count + 1):
        router = Router(f"r{index}", baseline_device(f"r{index}"))
        acceptor = await start_ssh(router, port=(port + index - 1) if port else 0)
        acceptors.append(acceptor)
        print(f"{router.name} 127.0.0.1:{acceptor.sockets[0].getsockname()[1]}", flush=True)
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for acceptor in acceptors:
        acceptor.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ios_ssh.lab")
    sub = parser.add_subparsers(dest="action", required=True)
    serve = sub.add_parser("serve", help="start lab routers on 127.0.0.1")
    serve.add_argument("--count", type=int, default=1)
    serve.add_argument("--port", type=int, default=0, help="first port; 0 picks free ports")
    args = parser.parse_args()
    asyncio.run(_serve(args.count, args.port))


if __name__ == "__main__":
    main()
