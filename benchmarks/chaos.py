"""The chaos fleet at any size: N routers of mixed images, 10 % with seeded faults of every
kind, `ios-ssh apply hardening.yaml --json` over all, the same checks as
tests/lab/test_chaos.py (tests/lab/chaos_fleet.py), and the timings.

Run: python benchmarks/chaos.py [ROUTERS] [--workers N] [--seed N] [--driver netmiko|scrapli|async]
Exit 0 when every rule holds, 1 with the problems listed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.lab import chaos_fleet


def main() -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/chaos.py")
    parser.add_argument("routers", type=int, nargs="?", default=200)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    # async: the CLI's default engine (`--workers` hosts at a time, one process)
    parser.add_argument("--driver", choices=["netmiko", "scrapli", "async"], default="netmiko")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ios-ssh-chaos-") as tmp:
        started = time.monotonic()
        fleet = chaos_fleet.start(args.routers, args.seed, Path(tmp))
        up = time.monotonic() - started
        try:
            run = chaos_fleet.apply(fleet, args.workers, args.driver)
            chaos_fleet.wait_for_revert_window(fleet, run)
            problems = chaos_fleet.problems(fleet, run)
        finally:
            fleet.lab.close()
    outcomes = Counter(r["outcome"] for r in run.reports.values())
    slowest = max((r["seconds"] for r in run.reports.values()), default=0.0)
    print(
        f"{args.routers} routers ({len(fleet.faults)} faulty, seed {args.seed}), "
        f"{args.workers} workers, {args.driver}: lab up {up:.1f}s, apply {run.seconds:.1f}s "
        f"(bound {chaos_fleet.bound(args.routers, args.workers):.0f}s), slowest host "
        f"{slowest:.1f}s (bound {chaos_fleet.host_bound():.0f}s), exit {run.code}"
    )
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    for problem in problems:
        print(f"PROBLEM {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
