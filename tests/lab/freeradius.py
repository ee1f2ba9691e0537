"""A real RADIUS server for the lab's routers: Debian's FreeRADIUS, in the foreground
(`freeradius -X -d DIR`), on a free loopback port, with a configuration and a users file
written here. Started and stopped by its PID; ready when it says "Ready to process
requests" (read from its output, no sleeping)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ios_ssh.ports import free_port_block

EXE = shutil.which("freeradius") or (
    "/usr/sbin/freeradius" if Path("/usr/sbin/freeradius").exists() else None
)
IN_CI = os.environ.get("CI", "").lower() == "true"

_CONF = """\
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
confdir = {dir}
raddbdir = {dir}
logdir = {dir}
run_dir = {dir}
libdir = /usr/lib/freeradius
pidfile = {dir}/radiusd.pid
name = radiusd
max_request_time = 5
cleanup_delay = 1
max_requests = 256
hostname_lookups = no
log {{
  destination = stdout
}}
security {{
  allow_core_dumps = no
}}
thread pool {{
  start_servers = 1
  max_servers = 2
  min_spare_servers = 1
  max_spare_servers = 2
}}
client lab {{
  ipaddr = 127.0.0.1
  secret = {secret}
}}
modules {{
  files {{
    filename = {dir}/users
  }}
  pap {{
  }}
}}
server default {{
  listen {{
    type = auth
    ipaddr = 127.0.0.1
    port = {port}
  }}
  authorize {{
    files
    pap
  }}
  authenticate {{
    pap
  }}
}}
"""


def require_freeradius() -> str:
    """The executable; skipped where it is missing, except in CI, where it must be."""
    if EXE is None:
        if IN_CI:
            pytest.fail("CI must have freeradius (.ci/run installs it)")
        pytest.skip("Debian's freeradius is not installed (CI installs it)")
    return EXE


@contextmanager
def freeradius(folder: Path, secret: str, users: dict[str, tuple[str, int]]) -> Iterator[int]:
    """FreeRADIUS answering `users` (name: (password, privilege)); yields its auth port."""
    exe = require_freeradius()
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port_block(1)
    (folder / "radiusd.conf").write_text(_CONF.format(dir=folder, secret=secret, port=port))
    (folder / "dictionary").write_text("")  # Debian's own dictionaries are included anyway
    (folder / "users").write_text(
        "".join(
            f'{name} Cleartext-Password := "{password}"\n'
            f'\tCisco-AVPair = "shell:priv-lvl={level}"\n'
            for name, (password, level) in users.items()
        )
    )
    process = subprocess.Popen(
        [exe, "-X", "-d", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready = threading.Event()
    log: list[str] = []

    def read() -> None:  # keep draining: -X writes a line per request
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if "Ready to process requests" in line:
                ready.set()
        ready.set()  # it ended: do not wait on

    threading.Thread(target=read, daemon=True).start()
    try:
        ready.wait(30)
        if process.poll() is not None:
            pytest.fail("freeradius did not start:\n" + "".join(log[-20:]))
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
