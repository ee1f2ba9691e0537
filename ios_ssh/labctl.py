"""`ios-ssh lab up|down|status`: the embedded lab as a background process.

The CLI starts `python -m ios_ssh.lab serve` as a child process and talks to it only
through its printed addresses and a PID file: the library does not import the simulator.

The state file is read as untrusted: `down` signals its PID only when that process is
really the lab it started (its command line is `... -m ios_ssh.lab serve ...` and it started
when `up` recorded), never whatever process has the PID now (a lab that died and left its
file, a PID the system reused, a file someone edited).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PORT = 10001
STATE_FILE = Path(
    os.environ.get("IOS_SSH_LAB_STATE", Path.home() / ".cache" / "ios-ssh" / "lab.json")
)
# The background lab's host keys, for strict checking (inventory/lab/defaults.yaml names it).
KNOWN_HOSTS = STATE_FILE.with_suffix(".known_hosts")
# The inventory `lab up` writes for the lab it started (its real ports, its known_hosts):
# `state`, `verify` and `apply` use it when given no --inventory and ./inventory/lab is absent.
INVENTORY = STATE_FILE.with_name(f"{STATE_FILE.stem}-inventory")


@dataclass(frozen=True)
class LabRouter:
    name: str
    host: str
    ssh_port: int
    telnet_port: int
    image: str = ""  # the image family the lab says the router runs


class LabProcess:
    """A running `python -m ios_ssh.lab serve`, with the routers it printed."""

    def __init__(self, proc: subprocess.Popen[str], routers: list[LabRouter]) -> None:
        self.proc, self.routers = proc, routers

    @classmethod
    def start(
        cls,
        topology: str = "demo",
        port: int = 0,
        state_dir: Path | None = None,
        minute_seconds: float | None = None,
        timeout: float = 180,
        log: Path | None = None,
        reverse_offset: int = 0,
        known_hosts: Path | None = None,
        extra_args: Sequence[str] = (),
    ) -> LabProcess:
        """Start the lab; its output goes to `log` (a pipe could fill up, or break when
        this process exits), which is read until the lab says `ready`."""
        cmd = [
            sys.executable,
            "-m",
            "ios_ssh.lab",
            "serve",
            "--topology",
            topology,
            "--port",
            str(port),
        ]
        if state_dir is not None:
            cmd += ["--state-dir", str(state_dir)]
        if minute_seconds is not None:
            cmd += ["--minute-seconds", str(minute_seconds)]
        if reverse_offset:
            cmd += ["--reverse-offset", str(reverse_offset)]
        if known_hosts is not None:  # the lab pins its routers' keys there before `ready`
            cmd += ["--known-hosts", str(known_hosts)]
        cmd += list(extra_args)  # e.g. --image mixed --count 4, --faults FILE, --latency-ms N
        if log is None:
            log = Path(tempfile.mkstemp(prefix="ios-ssh-lab-", suffix=".log")[1])
        with log.open("w") as sink:
            proc = subprocess.Popen(
                cmd,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = log.read_text().splitlines()
            if "ready" in lines:
                return cls(proc, routers_announced(lines))
            if proc.poll() is not None:
                raise RuntimeError(f"the lab did not start: {log.read_text().strip()[-500:]}")
            time.sleep(0.1)
        proc.kill()
        raise RuntimeError(f"the lab did not say 'ready' within {timeout:.0f} s (see {log})")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


_ROUTER_LINE = re.compile(r"\S+ \S+:\d+ telnet=\S+:\d+( |$)")


def routers_announced(lines: Sequence[str]) -> list[LabRouter]:
    """The routers the lab printed before `ready`. Only router lines count: anything else
    the process printed (a dependency's warning, say) stays in the log, not in the list."""
    before = lines[: lines.index("ready")] if "ready" in lines else lines
    return [_router(line) for line in before if _ROUTER_LINE.match(line)]


def _router(line: str) -> LabRouter:
    """`r1 127.0.0.1:10001 telnet=127.0.0.1:10005 image=xe17[ faults=...]`"""
    words = line.split()
    host, ssh_port = words[1].rsplit(":", 1)
    named = dict(word.split("=", 1) for word in words[3:] if "=" in word)
    return LabRouter(
        words[0], host, int(ssh_port), int(words[2].rsplit(":", 1)[1]), named.get("image", "")
    )


class LabStateError(RuntimeError):
    """The state file names a process that is not the lab; nothing was signalled."""


def _proc_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc; else `ps`'s
    lstart), or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]  # field 22, after the command's name
    except (OSError, IndexError):
        pass
    return _ps(pid, "lstart=")


def _proc_command(pid: int) -> list[str]:
    """The command line of process `pid` ([] if there is none)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return raw.decode(errors="replace").split("\0")
    except OSError:
        pass
    return (_ps(pid, "command=") or "").split()


def _ps(pid: int, field: str) -> str | None:
    try:
        out = subprocess.run(
            ["ps", "-o", field, "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _is_lab(pid: int, started: str | None) -> bool:
    """Process `pid` is a lab this module started (`python -m ios_ssh.lab serve`), and the
    same one `up` recorded (same start time), not a later process given the same PID."""
    words = _proc_command(pid)
    if not any(w == "ios_ssh.lab" for w in words) or "serve" not in words:
        return False
    return started is None or _proc_start(pid) == started


def _read_state() -> dict | None:
    """The state file's pid, start time and routers, checked; None (and the file removed)
    when there is none or it is not one `up` wrote."""
    if not STATE_FILE.exists():
        return None
    try:
        data = json.loads(STATE_FILE.read_text())
        pid, started = data["pid"], data.get("started")
        routers = [LabRouter(**item) for item in data["routers"]]
        valid = (
            type(pid) is int
            and pid > 1
            and (started is None or isinstance(started, str))
            and all(
                isinstance(r.name, str) and isinstance(r.host, str) and isinstance(r.image, str)
                and type(r.ssh_port) is int and type(r.telnet_port) is int
                for r in routers
            )
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        STATE_FILE.unlink(missing_ok=True)
        return None
    return {"pid": pid, "started": started, "routers": routers}


def up(port: int = DEFAULT_PORT, state_dir: Path | None = None) -> list[LabRouter]:
    if status() is not None:
        raise RuntimeError(f"a lab is already running (see {STATE_FILE}); 'ios-ssh lab down' first")
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    lab = LabProcess.start(
        "demo", port, state_dir, log=STATE_FILE.with_suffix(".log"), known_hosts=KNOWN_HOSTS
    )
    # Detach: the lab keeps running after this command returns.
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "pid": lab.proc.pid,
        "started": _proc_start(lab.proc.pid),
        "routers": [r.__dict__ for r in lab.routers],
    }
    STATE_FILE.write_text(json.dumps(state))
    write_inventory(lab.routers, INVENTORY, KNOWN_HOSTS)
    return lab.routers


def inventory_dir() -> Path:
    """Where `lab up` writes the running lab's inventory (`lab down` removes it)."""
    return INVENTORY


def running_inventory() -> Path | None:
    """The inventory of the lab `lab up` started, while that lab's process lives (a lab
    that died leaves none: its ports are gone)."""
    if not (INVENTORY / "hosts.yaml").is_file():
        return None
    try:
        os.kill(json.loads(STATE_FILE.read_text())["pid"], 0)
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(INVENTORY, ignore_errors=True)
        return None
    return INVENTORY


def write_inventory(routers: Sequence[LabRouter], folder: Path, known_hosts: Path) -> None:
    """A SimpleInventory folder for the demo lab as it runs (as inventory/lab, with the
    real ports): strict host keys against the lab's own known_hosts file."""
    import yaml

    hosts: dict[str, Any] = {}
    for router in routers:
        data: dict[str, Any] = {"telnet_port": router.telnet_port}
        host: dict[str, Any] = {"hostname": router.host, "port": router.ssh_port}
        groups = ["lab"]
        if router.name == "r3":  # factory-fresh: telnet only, the intent names it
            groups.append("factory")
            host["port"] = router.telnet_port
            data.update(transport="telnet", ssh_port=router.ssh_port)
            data["ssh_intent"] = {"hostname": "r3", "domain_name": "lab.example.com"}
        if router.name.startswith("cs"):
            groups.append("console-servers")
            data["ssh_intent_file"] = "console-server"  # the shipped intent, by name
        hosts[router.name] = {**host, "groups": groups, "data": data}
    groups_data = {
        "lab": {"username": "admin", "password": "admin", "data": {"secret": "admin"}},
        "factory": {},
        "console-servers": {},
    }
    defaults = {"data": {"host_key_check": "strict", "known_hosts": str(known_hosts)}}
    folder.mkdir(parents=True, exist_ok=True)
    header = "# Written by `ios-ssh lab up` for the lab it started; `lab down` removes it.\n"
    for name, content in (
        ("hosts.yaml", hosts),
        ("groups.yaml", groups_data),
        ("defaults.yaml", defaults),
    ):
        (folder / name).write_text(header + yaml.safe_dump(content, sort_keys=False))


def known_hosts_file() -> Path:
    """Where `lab up` writes its routers' host keys."""
    return KNOWN_HOSTS


def status() -> list[tuple[LabRouter, bool]] | None:
    data = _read_state()
    if data is None:
        return None
    if not _is_lab(data["pid"], data["started"]):  # it ended (its PID may be another's now)
        STATE_FILE.unlink(missing_ok=True)
        shutil.rmtree(INVENTORY, ignore_errors=True)  # its inventory is stale too
        return None
    out = []
    for router in data["routers"]:
        try:
            with socket.create_connection((router.host, router.ssh_port), timeout=2):
                alive = True
        except OSError:
            alive = False
        out.append((router, alive))
    return out


def down() -> bool:
    """Stop the background lab: True if it was running. LabStateError when the state file
    names a process that is not that lab (the file is removed, nothing is signalled)."""
    data = _read_state()
    if data is None:
        return False
    STATE_FILE.unlink(missing_ok=True)
    shutil.rmtree(INVENTORY, ignore_errors=True)
    pid = data["pid"]
    if not _is_lab(pid, data["started"]):
        if _proc_start(pid) is None:
            return False  # the lab ended on its own
        raise LabStateError(
            f"{STATE_FILE} named process {pid}, which is not the lab 'ios-ssh lab up' started: "
            "it was left alone"
        )
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return False
    return True
