"""A real OpenSSH jump host for the tests and benchmarks: Debian's `sshd -D -f CONFIG` on a
free loopback port, with its own host key, one authorized key for the current user,
`AllowTcpForwarding yes` and a DEBUG1 log that records each forwarded channel
("server_request_direct_tcpip: ... target 127.0.0.1 port N"). Stopped by its PID.

Also `ssh-agent -D -a SOCKET` with keys added by `ssh-add`, stopped by its PID.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
CHANNEL = re.compile(
    r"server_request_direct_tcpip: originator \S* port \d+, target (\S+) port (\d+)"
)
AUTH = re.compile(r"userauth|Accepted \w+ for|Failed \w+ for|Postponed \w+ for")


def keygen(path: Path, kind: str = "ed25519", passphrase: str = "") -> Path:
    """A fresh key pair: `path` (private, 0600) and `path.pub`."""
    bits = ["-b", "2048"] if kind == "rsa" else []
    subprocess.run(
        [
            "ssh-keygen",
            "-q",
            "-t",
            kind,
            *bits,
            "-N",
            passphrase,
            "-C",
            "ios-ssh-test",
            "-f",
            str(path),
        ],
        check=True,
    )
    return path


def _free_port() -> int:
    from ios_ssh.ports import free_port_block

    return free_port_block(1)


@dataclass
class Bastion:
    """A running sshd: where it listens, who may log in with which key, its log."""

    host: str
    port: int
    user: str
    key_file: Path  # the client key its authorized_keys holds
    host_key: Path
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def jump_host(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def channels(self) -> list[tuple[str, int]]:
        """Every direct-tcpip channel the bastion opened, as (host, port), in order."""
        return [(m[1], int(m[2])) for m in CHANNEL.finditer(self.log_text())]

    def logins(self) -> int:
        """How many clients logged in to the bastion."""
        return len(re.findall(r"Accepted publickey for", self.log_text()))

    def key_exchanges(self) -> int:
        """How many clients got as far as the key exchange."""
        return self.log_text().count("SSH2_MSG_KEXINIT received")

    def auth_lines(self) -> list[str]:
        """Every log line about an authentication: a credential offered, taken or refused."""
        return [line for line in self.log_text().splitlines() if AUTH.search(line)]

    def stop(self) -> None:
        """The listener and every connection's own sshd process (they call setsid, so they
        are found as its descendants): a jump host that went down, not one that only
        stopped listening (OpenSSH keeps established sessions up then)."""
        for pid in [*_descendants(self.process.pid), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _descendants(pid: int) -> list[int]:
    """The processes under `pid` (from /proc), deepest first."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found = children + found
        frontier = children
    return found


def _privsep_dir() -> None:
    """sshd run by root needs its privilege separation directory (made by the package's
    service script, which a container never runs)."""
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)


@contextmanager
def bastion(folder: Path, client_key: Path | None = None) -> Iterator[Bastion]:
    """An OpenSSH jump host in `folder`, accepting `client_key` (made if not given)."""
    if not Path(SSHD).exists():
        raise RuntimeError(f"{SSHD} is missing: install Debian's openssh-server")
    folder.mkdir(parents=True, exist_ok=True)
    host_key = keygen(folder / "ssh_host_ed25519_key")
    client_key = client_key or keygen(folder / "bastion_user_key")
    authorized = folder / "authorized_keys"
    authorized.write_text(Path(f"{client_key}.pub").read_text())
    log, port = folder / "sshd.log", _free_port()
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {authorized}",
                "AuthenticationMethods publickey",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "UsePAM no",
                "StrictModes no",
                "AllowTcpForwarding yes",
                "PermitOpen any",
                "X11Forwarding no",
                "PermitTTY no",
                "MaxStartups 200:30:400",
                "LogLevel DEBUG1",
                "",
            ]
        )
    )
    _privsep_dir()
    process = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    running = Bastion("127.0.0.1", port, _user(), client_key, host_key, log, process)
    try:
        _wait_listening(running)
        yield running
    finally:
        running.stop()


def restart(old: Bastion, folder: Path) -> Bastion:
    """The same sshd configuration started again (after `stop`), same port and keys."""
    process = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(folder / "sshd_config")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=old.log.open("ab"),
    )
    running = Bastion(old.host, old.port, old.user, old.key_file, old.host_key, old.log, process)
    _wait_listening(running)
    return running


def _user() -> str:
    import getpass

    return getpass.getuser()


def _wait_listening(running: Bastion) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise RuntimeError(f"sshd exited: {running.log_text()[-2000:]}")
        if "Server listening on" in running.log_text():
            return
        time.sleep(0.02)
    raise RuntimeError(f"sshd did not start: {running.log_text()[-2000:]}")


@dataclass
class Agent:
    socket: Path
    process: subprocess.Popen[bytes]

    def add(self, key: Path) -> None:
        env = {**os.environ, "SSH_AUTH_SOCK": str(self.socket)}
        subprocess.run(["ssh-add", "-q", str(key)], env=env, check=True, capture_output=True)


@contextmanager
def agent(folder: Path) -> Iterator[Agent]:
    """`ssh-agent -D -a SOCKET`, stopped by its PID."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "agent.sock"
    process = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while not path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("ssh-agent did not start")
            time.sleep(0.01)
        yield Agent(path, process)
    finally:
        process.terminate()
        process.wait(10)


def closed_port() -> int:
    """A loopback port nothing listens on (a stopped bastion's)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port
