"""`python -m ios_ssh.lab serve --count N --port P`: run lab routers until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from .fleet import baseline_device
from .keypool import KeyPool
from .server import Router, start_router


async def _serve(args: argparse.Namespace) -> None:
    routers = []
    keys = KeyPool(args.count, args.bits)
    for index in range(1, args.count + 1):
        name = f"r{index}"
        state = args.state_dir / name if args.state_dir else None
        device = baseline_device(name, bits=args.bits, state_dir=state, keys=keys)
        router = Router(name, device, port=(args.port + index - 1) if args.port else 0)
        await start_router(router)
        routers.append(router)
        print(f"{name} 127.0.0.1:{router.port}", flush=True)
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for router in routers:
        await router.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ios_ssh.lab")
    sub = parser.add_subparsers(dest="action", required=True)
    serve = sub.add_parser("serve", help="start lab routers on 127.0.0.1")
    serve.add_argument("--count", type=int, default=1)
    serve.add_argument("--port", type=int, default=0, help="first port; 0 picks free ports")
    serve.add_argument("--state-dir", type=Path, help="keep each router's saved state here")
    serve.add_argument("--bits", type=int, default=2048, help="RSA modulus of new routers")
    args = parser.parse_args()
    asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
