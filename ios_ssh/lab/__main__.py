"""`python -m ios_ssh.lab serve`: run lab routers on 127.0.0.1 until SIGINT or SIGTERM.

Prints `NAME 127.0.0.1:SSH_PORT telnet=127.0.0.1:TELNET_PORT image=IMAGE[ faults=K,..]`
per router, then `ready` (after writing `--known-hosts FILE`, when given). With `--port P`,
SSH ports are P..P+N-1 and telnet ports P+N..P+2N-1; `--port 0` picks free ones.
`--image`, `--latency-ms`, `--keygen-seconds` and `--faults` set each router's family and
operating conditions (README, "Images, latency and faults"); `--tacacs-users` is the
TACACS+ directory every router asks (remote_aaa.py; RADIUS goes to a real server).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import signal
from pathlib import Path

from . import faults, loops, remote_aaa
from .fleet import lab_address
from .images import DEFAULT_IMAGE, IMAGES
from .keypool import KeyPool
from .latency import Latency
from .ping import Network
from .server import Router, start_router
from .topology import TOPOLOGIES, cable


async def _serve(args: argparse.Namespace) -> None:
    specs = TOPOLOGIES[args.topology](args.count)
    fault_map = faults.load(args.faults) if args.faults else {}
    keys = KeyPool(sum(1 for s in specs if s.kind != "factory"), 2048)
    images = {spec.name: spec.image_for(i, args.image) for i, spec in enumerate(specs)}
    devices = {
        spec.name: spec.build(
            keys=keys,
            state_dir=args.state_dir / spec.name if args.state_dir else None,
            minute_seconds=args.minute_seconds,
            image=images[spec.name],
            keygen_seconds=args.keygen_seconds,
            address=lab_address(index + 1),
        )
        for index, spec in enumerate(specs)
    }
    directory = remote_aaa.load_tacacs_users(args.tacacs_users) if args.tacacs_users else None
    network = Network()  # which lab addresses answer a ping
    for name, device in devices.items():
        device.faults = faults.for_router(name, fault_map, args.seed)
        device.tacacs_users = directory  # one TACACS+ directory for the whole lab
        network.add(device)
    cable(specs, devices)  # console servers' lines lead to the other routers' consoles
    routers = []
    for index, spec in enumerate(specs):
        device = devices[spec.name]
        ssh_port = args.port + index if args.port else 0
        telnet_port = args.port + len(specs) + index if args.port else 0
        router = Router(spec.name, device, port=ssh_port, reverse_offset=args.reverse_offset)
        # Jitter draws are seeded per router: a run with the same --seed repeats itself.
        router.latency = Latency(
            args.latency_ms, args.jitter_ms, random.Random(f"{args.seed}:{spec.name}")
        )
        await start_router(router, telnet_port=telnet_port)
        routers.append(router)
        injected = faults.summary(device.faults)
        print(
            f"{spec.name} 127.0.0.1:{router.port} telnet=127.0.0.1:{router.telnet_port}"
            f" image={device.image.name}" + (f" faults={injected}" if injected else ""),
            flush=True,
        )
    if args.known_hosts:
        _write_known_hosts(args.known_hosts, routers)
    # The routers' start-up objects live as long as the lab: out of the collector's way
    # (each full collection walked them all; 1,000 routers: ~0.7 ms more per session).
    gc.collect()
    gc.freeze()
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for router in routers:
        await router.stop()


def _write_known_hosts(path: Path, routers: list[Router]) -> None:
    """OpenSSH known_hosts lines for the routers' SSH ports and their start-up keys (a
    factory router has none yet), written atomically: clients can then check strictly."""
    lines = []
    for router in routers:
        key = router.current_host_key()
        if key is not None:
            public = key.export_public_key("openssh").decode().split()
            lines.append(f"[{router.host}]:{router.port} {public[0]} {public[1]} {router.name}\n")
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text("".join(lines))
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ios_ssh.lab")
    sub = parser.add_subparsers(dest="action", required=True)
    serve = sub.add_parser("serve", help="start lab routers on 127.0.0.1")
    serve.add_argument("--count", type=int, default=1, help="routers (uniform topology)")
    serve.add_argument("--topology", choices=sorted(TOPOLOGIES), default="uniform")
    serve.add_argument("--port", type=int, default=0, help="first port; 0 picks free ports")
    serve.add_argument(
        "--reverse-offset",
        type=int,
        default=0,
        help="`ip ssh port N` listens on N + offset (keeps reverse SSH ports apart)",
    )
    serve.add_argument("--state-dir", type=Path, help="keep each router's saved state here")
    serve.add_argument(
        "--minute-seconds",
        type=float,
        default=60.0,
        help="seconds in an IOS minute (revert and reload timers); shrink for tests",
    )
    serve.add_argument(
        "--image",
        choices=[*IMAGES, "mixed"],
        default=DEFAULT_IMAGE,
        help="image family of every router (mixed: the four families in turn)",
    )
    serve.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay on every byte a router sends"
    )
    serve.add_argument("--jitter-ms", type=float, default=0.0, help="up to this much more")
    serve.add_argument(
        "--keygen-seconds",
        type=_keygen_seconds,
        default=0.0,
        help="seconds an RSA key generation takes, or 'realistic' (the image's figure)",
    )
    serve.add_argument("--faults", type=Path, help="YAML or JSON map: router name -> faults")
    serve.add_argument(
        "--tacacs-users",
        type=Path,
        help="YAML map name -> {password, privilege}: the (simulated) TACACS+ server that "
        "answers every router whose login list names a TACACS+ group",
    )
    serve.add_argument("--seed", type=int, default=0, help="seed for fault rates and jitter")
    serve.add_argument(
        "--known-hosts",
        type=Path,
        help="write an OpenSSH known_hosts file for the routers' SSH ports (start-up keys)",
    )
    args = parser.parse_args(argv)
    try:
        loops.run(_serve(args))
    except (ValueError, TypeError) as exc:  # a bad faults or users file: say what
        parser.error(str(exc))


def _keygen_seconds(text: str) -> float | str:
    if text == "realistic":
        return text
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("0 or more, or 'realistic'")
    return value


if __name__ == "__main__":
    main()
