"""The chaos fleet: N lab routers of mixed images, 10 % with seeded faults of every kind,
`ios-ssh apply hardening.yaml --json` over all, and what must hold afterwards (issue 14).

Shared by tests/lab/test_chaos.py (CI, 200 routers) and benchmarks/chaos.py (bigger runs).

The routers run in this process (`ios_ssh.lab`, one event loop, as `serve --image mixed`
builds them, faults drawn by `ios_ssh.lab.faults` from a faults map and a seed), so their
running-config is read directly, also on routers that refuse every login. The CLI runs in a
subprocess, as a user runs it: its stdout (JSON), stderr and exit code are what is checked.

12.2SX routers in the lab are 12.2(33)SXH8b: no revert timer, so ios_ssh refuses to change
them unprotected. Each gets `allow_unprotected: true` in its host data (read by
nornir.apply_ssh), and the faults that strike during a change (reject, drop, hang) go only
to routers with a revert timer: on an unprotected router they would leave lines behind by
design (outcome `partial`), which is not what this test is about.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml

from ios_ssh.lab import Lab
from ios_ssh.lab import faults as lab_faults
from ios_ssh.lab.__main__ import _write_known_hosts
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.images import mixed
from ios_ssh.lab.keypool import KeyPool
from ios_ssh.report import Outcome

REPO = Path(__file__).resolve().parents[2]
HARDENING = REPO / "inventory/intents/hardening.yaml"
FAULT_RATE = 0.10
# A lab minute as long as a real one: `--revert-minutes 1` must outlast a healthy host's
# change under load (the CLI is one process: 200 hosts share its CPU; 20 s was too short
# at 50 workers, measured).
MINUTE_SECONDS = 60.0
REVERT_MINUTES = 1
TIMEOUT = 8.0  # the device timeout: every wait of a session is bounded by it
SLOW_MS = 150
# Every fault kind the lab offers, and when it strikes in an apply of hardening.yaml:
# "login" (no session), "change" (mid-push, under the revert timer), "after" (at
# `configure confirm`), "none" (slow, or the echo in pieces: the change goes through).
SCENARIOS: list[tuple[str, dict[str, Any], str]] = [
    ("reject", {"reject": r"^ip ssh time-out"}, "change"),
    ("drop", {"drop": r"^ip ssh time-out"}, "change"),
    ("hang", {"hang": r"^ip ssh time-out"}, "change"),
    ("slow_ms", {"slow_ms": SLOW_MS}, "none"),
    ("echo_pieces", {"echo_pieces": 8}, "none"),  # a slow link: the echo comes in pieces
    ("auth", {"auth": "fail"}, "login"),
    ("reset_after_kex", {"reset_after_kex": True}, "login"),
    ("drop-at-confirm", {"drop": r"^configure confirm"}, "after"),
    # `configure confirm` refused: the change is still pending, never reported as kept
    ("reject-at-confirm", {"reject": r"^configure confirm"}, "after"),
    # baseline routers log in locally (no aaa new-model): servers down change nothing
    ("aaa_down", {"aaa_down": True}, "none"),
]
SCENARIOS_BY_NAME = {s[0]: s for s in SCENARIOS}
MID_CHANGE = {"change", "after"}  # needs a revert timer to come back exactly


@dataclass
class Fleet:
    lab: Lab
    images: dict[str, str]
    faults: dict[str, str]  # router -> scenario name
    before: dict[str, str]
    inventory: Path
    known_hosts: Path


def plan_faults(names: list[str], images: dict[str, str], seed: int) -> dict[str, str]:
    """10 % of the routers, drawn with `seed`, each given a scenario in turn (so every
    kind is present); mid-change faults only where a revert timer protects the change."""
    rng = random.Random(seed)
    count = max(len(SCENARIOS), round(len(names) * FAULT_RATE))
    chosen = rng.sample(names, count)
    protected = [n for n in chosen if images[n] != "ios12.2sx"]
    unprotected = [n for n in chosen if images[n] == "ios12.2sx"]
    out: dict[str, str] = {}
    for index in range(count):
        scenario, _, when = SCENARIOS[index % len(SCENARIOS)]
        pool = protected if when in MID_CHANGE or not unprotected else unprotected
        out[(pool or protected or unprotected).pop(0)] = scenario
    return out


def faults_file(plan: dict[str, str], path: Path) -> Path:
    """The faults map the lab reads (`serve --faults FILE`)."""
    spec = {name: dict(s[1]) for name, s in _by_name(plan).items()}
    path.write_text(yaml.safe_dump(spec))
    return path


def _by_name(plan: dict[str, str]) -> dict[str, tuple[str, dict[str, Any], str]]:
    return {name: SCENARIOS_BY_NAME[scenario] for name, scenario in plan.items()}


def start(count: int, seed: int, folder: Path) -> Fleet:
    names = [f"r{i}" for i in range(1, count + 1)]
    images = {name: mixed(i) for i, name in enumerate(names)}
    plan = plan_faults(names, images, seed)
    spec = lab_faults.load(faults_file(plan, folder / "faults.yaml"))
    lab = Lab()
    keys = KeyPool(count, 2048)
    for name in names:
        device = baseline_device(name, keys=keys, image=images[name], minute_seconds=MINUTE_SECONDS)
        device.faults = lab_faults.for_router(name, spec, seed)
        lab.add(device, name)
    known_hosts = folder / "known_hosts"
    _write_known_hosts(known_hosts, list(lab.routers.values()))
    before = {name: lab.routers[name].device.running_body() for name in names}
    inventory = _inventory(lab, images, folder / "inventory")
    return Fleet(lab, images, plan, before, inventory, known_hosts)


def _inventory(lab: Lab, images: dict[str, str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    hosts = {}
    for name, address in lab.addresses.items():
        data: dict[str, Any] = {"secret": "admin", "timeout": TIMEOUT}
        if images[name] == "ios12.2sx":
            data["allow_unprotected"] = True  # no revert timer on 12.2(33)SXH
        hosts[name] = {
            "hostname": address.host,
            "port": address.port,
            "username": "admin",
            "password": "admin",
            "data": data,
        }
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (folder / "groups.yaml").write_text("{}\n")
    (folder / "defaults.yaml").write_text("{}\n")
    return folder


@dataclass
class Run:
    reports: dict[str, dict[str, Any]]
    stderr: str
    code: int
    seconds: float


def apply(fleet: Fleet, workers: int, driver: str = "netmiko") -> Run:
    """`ios-ssh apply --json` over the fleet: `driver` netmiko/scrapli is the Nornir path
    with `workers` threads; `async` is the CLI's default engine, `workers` hosts at a time."""
    started = time.monotonic()
    engine = (
        ["--concurrency", str(workers), "--processes", "1"]
        if driver == "async"
        else ["--workers", str(workers), "--driver", driver]
    )
    done = subprocess.run(  # noqa: PLW1510 - the exit code is checked by the caller
        [sys.executable, "-m", "ios_ssh.cli", "apply", str(HARDENING)]
        + ["--inventory", str(fleet.inventory), "--json", *engine]
        + ["--revert-minutes", str(REVERT_MINUTES)]
        + ["--host-key-check", "strict", "--known-hosts", str(fleet.known_hosts)],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "IOS_SSH_DEBUG"},
        timeout=bound(len(fleet.images), workers) + 60,
    )
    seconds = time.monotonic() - started
    reports = json.loads(done.stdout) if done.stdout.strip() else {}
    return Run(reports, done.stderr, done.returncode, seconds)


def host_bound() -> float:
    """The longest one host may take: every wait is bounded by the device timeout. An apply
    opens at most ~4 sessions (change, fresh login, a new one at a lost confirm, verify),
    each with a connect, a key exchange and a login; a hang costs one timeout per step."""
    per_session = 3 * TIMEOUT  # connect + key exchange + login/enable
    return 4 * per_session + 6 * TIMEOUT + REVERT_MINUTES * MINUTE_SECONDS


def bound(count: int, workers: int) -> float:
    """The whole run: hosts go `workers` at a time, each within host_bound()."""
    waves = -(-count // workers)
    return waves * host_bound()


def wait_for_revert_window(fleet: Fleet, run: Run) -> None:
    """Until every router left `reverting` is back to its old configuration, at most one
    revert window (its timer started before the run ended)."""
    waiting = [n for n, r in run.reports.items() if r["outcome"] == "reverting"]
    deadline = time.monotonic() + REVERT_MINUTES * MINUTE_SECONDS + 5
    while waiting and time.monotonic() < deadline:
        devices = fleet.lab.routers
        waiting = [n for n in waiting if devices[n].device.running_body() != fleet.before[n]]
        time.sleep(0.5)


TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+File \"", re.MULTILINE)


def problems(fleet: Fleet, run: Run) -> list[str]:
    """Every way the run broke the rules; empty when all hold."""
    out: list[str] = []
    if run.code != 1:
        out.append(f"exit code {run.code}, expected 1")
    if TRACEBACK.search(run.stderr):
        out.append(f"a traceback on stderr: {run.stderr[-800:]}")
    if set(run.reports) != set(fleet.images):
        out.append(f"reports for {len(run.reports)} of {len(fleet.images)} hosts")
    scenarios = _by_name(fleet.faults)
    for name, report in run.reports.items():
        for error in report["errors"]:
            if "\n" in error or len(error) >= 200:
                out.append(f"{name}: error not one line under 200 characters: {error!r}")
        if report["seconds"] > host_bound():
            out.append(f"{name}: {report['seconds']:.1f}s, over the bound {host_bound():.0f}s")
        after = fleet.lab.routers[name].device.running_body()
        if name not in scenarios:
            if not (report["ok"] and report["outcome"] in ("converged", "unchanged")):
                out.append(f"{name} ({fleet.images[name]}): healthy but {_brief(report)}")
            continue
        scenario, _, when = scenarios[name]
        out += _faulty(name, scenario, when, report, fleet.before[name], after)
    return out


def _faulty(
    name: str, scenario: str, when: str, report: dict[str, Any], before: str, after: str
) -> list[str]:
    where = f"{name} ({scenario})"
    if report["outcome"] not in get_args(Outcome):
        return [f"{where}: no terminal outcome: {report['outcome']}"]
    confirmed = report["outcome"] == "converged" and report["changed"]
    if when == "none":
        if not report["ok"] or not confirmed:
            return [f"{where}: a slow router must still converge: {_brief(report)}"]
        return [] if after != before else [f"{where}: converged but the config did not change"]
    if report["ok"]:
        return [f"{where}: reported ok despite the fault: {_brief(report)}"]
    if not report["errors"] or not _names_cause(scenario, report["errors"]):
        return [f"{where}: the error does not name the cause: {report['errors']}"]
    if confirmed:  # the fault came after the confirm reached the router
        return [] if after != before else [f"{where}: converged but the config is unchanged"]
    if after != before:
        diff = sorted(set(after.splitlines()) ^ set(before.splitlines()))
        # A lost session leaves the archive lines the timer needed, and the report says so.
        said = "archive lines added for the revert timer stay" in report["revert"]
        if said and {line.strip().split()[0] for line in diff} <= {"archive", "path"}:
            return []
        return [f"{where}: {report['outcome']}, but the config differs: {diff[:6]}"]
    return []


CAUSE_WORDS = {
    "reject": "Invalid input",
    "drop": "session",
    "hang": "no prompt within",
    "auth": "refused user",
    "reset_after_kex": "closed the connection",
    "drop-at-confirm": "configure confirm",
    "reject-at-confirm": "configure confirm",
}


def _names_cause(scenario: str, errors: list[str]) -> bool:
    return any(CAUSE_WORDS[scenario] in e for e in errors)


def _brief(report: dict[str, Any]) -> str:
    return f"ok={report['ok']} outcome={report['outcome']} errors={report['errors'][:2]}"
