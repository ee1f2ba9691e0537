"""Fleet speed: the safe flow on N lab routers against the naive push users run today.

On fresh labs of N baseline routers (`python -m ios_ssh.lab serve --latency-ms 20`), one
run each:
  1. ios-ssh apply of inventory/intents/hardening.yaml (safe flow + verify) with the async
     engine (the code `ios-ssh apply` runs by default), on --processes P;
  2. Nornir + nornir_netmiko, 20 workers, the naive push of the same lines: a show, the
     configuration lines, a show; no revert timer, no fresh login, no verify;
  3. raw asyncssh replaying exactly the sessions and lines ios-ssh typed on one router (the
     floor for our own work: the same bytes, no logic).
Prints wall time, client CPU per router, the lab's CPU per router (the lab shares the
machine's cores: with C client and L lab ms per router on 2 cores, the wall time is at least
max(C / processes, L, (C + L) / 2) per router, which bounds what --processes can gain),
SSH sessions and round trips per router, and ratios.
`--memory K` also measures the client's memory per router in flight with K at once.
`--jump` also runs 1. through a real OpenSSH jump host (Debian's sshd on a loopback port,
tests/bastion.py; it shares the machine's cores) and prints its ratio to the direct run.
Run: python benchmarks/fleet.py N [--processes P] [--latency-ms 20] [--memory 1000] [--jump]
     python benchmarks/fleet.py 0 --memory 1000   (the memory figure alone)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncssh

warnings.filterwarnings("ignore", "Diffie-Hellman over finite fields")

REPO = Path(__file__).resolve().parents[1]
HARDENING = REPO / "inventory/intents/hardening.yaml"
LINE = re.compile(r"^(?P<name>\S+) 127\.0\.0\.1:(?P<port>\d+) ")


class Ports(dict[str, int]):
    """A lab's routers, {name: ssh port}, and its server process's CPU so far."""

    pid: int = 0

    def server_cpu(self) -> float:
        """User + system CPU of the lab process (it serves every router), in seconds."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu() -> float:
    """User + system CPU of this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@contextmanager
def lab(count: int, latency_ms: float) -> Iterator[Ports]:
    """A fresh lab of `count` routers in its own process: {name: ssh port}."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ios_ssh.lab",
            "serve",
            "--count",
            str(count),
            "--port",
            "0",
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    ports = Ports()
    ports.pid = process.pid
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "ready":
            break
        match = LINE.match(line)
        if match:
            ports[match["name"]] = int(match["port"])
    try:
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=30)


def params(port: int, jump: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    from ios_ssh.session import DeviceParams

    return DeviceParams.coerce(
        {
            "host": "127.0.0.1",
            "port": port,
            "username": "admin",
            "password": "admin",
            "secret": "admin",
            "timeout": 60,
            **(jump or {}),
        }
    )


def run_ios_ssh(
    ports: dict[str, int], processes: int, concurrency: int, jump: dict[str, str] | None = None
) -> dict[str, float]:
    from ios_ssh.engine.fleet import Job, run_fleet
    from ios_ssh.intent import SshIntent

    intent = SshIntent.from_yaml(HARDENING)
    # each lab is new (new keys, maybe a port an earlier lab had): a known_hosts of its own
    os.environ["IOS_SSH_KNOWN_HOSTS"] = tempfile.mktemp(prefix="ios-ssh-bench-")
    jobs = [Job(name, "apply", params(port, jump), intent) for name, port in ports.items()]
    start, used = time.monotonic(), cpu()
    outcomes = run_fleet(jobs, processes=processes, concurrency=concurrency)
    wall, used = time.monotonic() - start, cpu() - used
    bad = [n for n, o in outcomes.items() if not o.value.ok or o.value.outcome != "converged"]
    if bad:
        print(f"  ios-ssh: {len(bad)} routers not converged:")
        for name in bad[:5]:
            value = outcomes[name].value
            print(f"    {name}: {value.outcome}: {' | '.join(value.errors) or value.text()}")
    return {
        "wall": wall,
        "cpu": used / len(ports),
        "sessions": sum(o.sessions for o in outcomes.values()) / len(ports),
        "round_trips": sum(o.round_trips for o in outcomes.values()) / len(ports),
        "lost": len(ports) - len(outcomes),
        "failed": len(bad),
    }


def record_script(port: int) -> tuple[list[list[tuple[str, ...]]], list[str]]:
    """The sessions and lines ios-ssh types on one baseline router, and the config lines."""
    from ios_ssh import SshIntent, flow
    from ios_ssh.engine.aio import Tally, run_async

    tally = Tally(record=True)
    report = asyncio.run(run_async(flow.apply(params(port), SshIntent.from_yaml(HARDENING)), tally))
    assert report.outcome == "converged", report.text()
    lines = [line[2:] for line in report.diff.splitlines() if line.startswith("+ ")]
    return tally.script, lines


def run_nornir(ports: dict[str, int], lines: list[str], workers: int) -> dict[str, float]:
    from nornir import InitNornir
    from nornir_netmiko.tasks import netmiko_send_command, netmiko_send_config

    with tempfile.TemporaryDirectory() as tmp:
        hosts = "".join(
            f"{name}:\n  hostname: 127.0.0.1\n  port: {port}\n  username: admin\n"
            f"  password: admin\n  platform: cisco_ios\n"
            "  connection_options:\n    netmiko:\n      extras: {secret: admin}\n"
            for name, port in ports.items()
        )
        Path(tmp, "hosts.yaml").write_text(hosts)
        nr = InitNornir(
            runner={"plugin": "threaded", "options": {"num_workers": workers}},
            inventory={"plugin": "SimpleInventory", "options": {"host_file": f"{tmp}/hosts.yaml"}},
            logging={"enabled": False},
        )

        def push(task):  # type: ignore[no-untyped-def]
            task.run(netmiko_send_command, command_string="show ip ssh")
            task.run(netmiko_send_config, config_commands=lines)
            task.run(netmiko_send_command, command_string="show ip ssh")

        start, used = time.monotonic(), cpu()
        result = nr.run(task=push)
        wall, used = time.monotonic() - start, cpu() - used
        nr.close_connections()
    failed = len(result.failed_hosts)
    # netmiko: session preparation (~4 round trips), 2 shows, config mode + lines + end
    return {
        "wall": wall,
        "cpu": used / len(ports),
        "sessions": 1.0,
        "round_trips": 4 + 2 + len(lines) + 2,
        "lost": 0,
        "failed": failed,
    }


async def _replay_one(port: int, script: list[list[tuple[str, ...]]]) -> int:
    from ios_ssh.engine.aio_session import CIPHERS_FIRST
    from ios_ssh.session.algorithms import asyncssh_options
    from ios_ssh.session.identity import ordered_policy
    from ios_ssh.session.platform import PROMPT, PROMPT_AT_END, QUESTION_AT_END

    prompts = re.compile(rf"(?:^|\n){PROMPT}")
    algorithms = asyncssh_options(ordered_policy(params(port), [], CIPHERS_FIRST))

    trips = 0
    for session in script:
        async with asyncssh.connect(
            "127.0.0.1",
            port,
            username="admin",
            password="admin",
            known_hosts=None,
            client_keys=None,
            agent_path=None,
            preferred_auth=["keyboard-interactive", "password"],
            **algorithms,  # the algorithms ios-ssh offers, in its order
        ) as conn:
            proc = await conn.create_process(term_type="vt100", term_size=(511, 24))
            for batch in [(), *session]:  # (): the login prompt
                proc.stdin.write("".join(text + "\n" for text in batch))
                buffer = ""
                while True:  # to the last reply's prompt (or question)
                    clean = buffer.replace("\r", "")
                    last = clean.rstrip(" ").rsplit("\n", 1)[-1]
                    if (last and QUESTION_AT_END.search(last + " ")) or (
                        len(prompts.findall(clean)) >= len(batch) and PROMPT_AT_END.search(clean)
                    ):
                        break
                    buffer += await proc.stdout.read(65536)
                trips += 1
    return trips


def _floor_shard(ports: list[int], script: list[list[tuple[str, ...]]], concurrency: int) -> int:
    async def main() -> list[int]:
        limit = asyncio.Semaphore(concurrency)

        async def one(port: int) -> int:
            async with limit:
                return await _replay_one(port, script)

        return list(await asyncio.gather(*(one(p) for p in ports)))

    return sum(asyncio.run(main()))


def run_floor(
    ports: dict[str, int], script: list[list[tuple[str, ...]]], concurrency: int, processes: int
) -> dict[str, float]:
    """The same sessions and lines, on as many processes as ios-ssh had."""
    import multiprocessing

    values = list(ports.values())
    shards = [values[i::processes] for i in range(processes)]
    start, used = time.monotonic(), cpu()
    if processes == 1:
        trips = _floor_shard(values, script, concurrency)
    else:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            trips = sum(pool.starmap(_floor_shard, [(s, script, concurrency) for s in shards]))
    wall, used = time.monotonic() - start, cpu() - used
    return {
        "wall": wall,
        "cpu": used / len(ports),
        "sessions": float(len(script)),
        "round_trips": trips / len(ports),
        "lost": 0,
        "failed": 0,
    }


def served(ports: Ports, contender, *args):  # type: ignore[no-untyped-def]
    """Run one contender; its row gains the lab's CPU per router while it ran."""
    before = ports.server_cpu()
    row = contender(*args)
    row["lab_cpu"] = (ports.server_cpu() - before) / len(ports)
    return row


def rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def memory_per_router(count: int, latency_ms: float) -> None:
    """Client memory per router in flight: RSS growth with `count` verifies at once."""
    from ios_ssh.engine.fleet import Job, run_jobs
    from ios_ssh.intent import SshIntent

    intent = SshIntent.from_yaml(HARDENING)
    with lab(count, latency_ms) as ports:
        jobs = [
            Job(name, "verify", params(port), intent, {"live": False})
            for name, port in ports.items()
        ]
        peak = 0

        async def main() -> None:
            nonlocal peak

            async def watch() -> None:
                nonlocal peak
                while True:
                    peak = max(peak, rss_kib())
                    await asyncio.sleep(0.05)

            watcher = asyncio.create_task(watch())
            outcomes = await run_jobs(jobs, concurrency=count)
            watcher.cancel()
            # baseline routers fail the hardening checks: what counts is that each was read
            read = sum(1 for o in outcomes.values() if getattr(o.value, "checks", None))
            errors = sum(1 for o in outcomes.values() if getattr(o.value, "errors", None))
            print(f"  {read}/{count} read and checked, {errors} with errors")

        import ios_ssh.engine.aio_session  # noqa: F401 - imports are not per-router memory

        before = rss_kib()
        asyncio.run(main())
        print(
            f"memory: {count} in flight: RSS {before} -> {peak} KiB, "
            f"{(peak - before) / count:.0f} KiB per router (target < 256)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("routers", type=int)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--concurrency", type=int, default=1000, help="ios-ssh, per process")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=20, help="Nornir + netmiko")
    parser.add_argument("--memory", type=int, default=0, help="also: memory with K in flight")
    parser.add_argument("--skip-nornir", action="store_true")
    parser.add_argument("--jump", action="store_true", help="also: through an OpenSSH jump host")
    args = parser.parse_args()
    os.environ["IOS_SSH_KNOWN_HOSTS"] = tempfile.mktemp(prefix="ios-ssh-bench-")
    n = args.routers
    if n == 0:  # `fleet.py 0 --memory K`: the memory figure alone
        memory_per_router(args.memory, args.latency_ms)
        return
    rows: dict[str, dict[str, float]] = {}
    with lab(1, args.latency_ms) as one:
        script, lines = record_script(one["r1"])
    with lab(n, args.latency_ms) as ports:
        rows[f"ios-ssh apply (async, {args.processes} proc)"] = served(
            ports, run_ios_ssh, ports, args.processes, args.concurrency
        )
    if args.jump:
        sys.path.insert(0, str(REPO))
        from tests.bastion import bastion

        with tempfile.TemporaryDirectory() as tmp, bastion(Path(tmp)) as jump:
            via = {"jump_host": jump.jump_host, "jump_key_file": str(jump.key_file)}
            with lab(n, args.latency_ms) as ports:
                rows[f"ios-ssh apply via jump host ({args.processes} proc)"] = served(
                    ports, run_ios_ssh, ports, args.processes, args.concurrency, via
                )
            time.sleep(1)  # its per-connection processes end and are waited for
            sshd = Path(f"/proc/{jump.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            used = sum(int(v) for v in sshd[11:15]) / os.sysconf("SC_CLK_TCK")  # + children
            print(
                f"  jump host: {jump.logins()} logins, {len(jump.channels())} channels, "
                f"sshd cpu {used / n * 1000:.1f} ms/rtr"
            )
    if not args.skip_nornir:
        with lab(n, args.latency_ms) as ports:
            rows[f"nornir+netmiko naive push ({args.workers} workers)"] = served(
                ports, run_nornir, ports, lines, args.workers
            )
    with lab(n, args.latency_ms) as ports:
        rows[f"raw asyncssh replay (floor, {args.processes} proc)"] = served(
            ports, run_floor, ports, script, args.concurrency, args.processes
        )
    print(f"\n{n} routers, latency {args.latency_ms:g} ms, {os.cpu_count()} cores")
    print(
        f"{'contender':48} {'wall s':>8} {'cpu ms/rtr':>10} {'lab ms/rtr':>10} {'sess/rtr':>8} "
        f"{'rt/rtr':>7} fail"
    )
    for name, row in rows.items():
        print(
            f"{name:48} {row['wall']:8.2f} {row['cpu'] * 1000:10.1f} "
            f"{row['lab_cpu'] * 1000:10.1f} {row['sessions']:8.1f} "
            f"{row['round_trips']:7.1f} {int(row['failed'] + row['lost'])}"
        )
    ours = next(iter(rows.values()))
    for name, row in list(rows.items())[1:]:
        print(f"ios-ssh wall / {name}: {ours['wall'] / row['wall']:.2f}x")
    via = next((row for name, row in rows.items() if "via jump host" in name), None)
    if via is not None:
        print(
            f"through the jump host / direct: wall {via['wall'] / ours['wall']:.2f}x, "
            f"client cpu {via['cpu'] / ours['cpu']:.2f}x"
        )
    if args.memory:
        memory_per_router(args.memory, args.latency_ms)


if __name__ == "__main__":
    main()
