"""A Dask cluster as a user starts one, with mutual TLS: certificates made with openssl
(a CA, then one key and certificate per role), `dask scheduler --protocol tls` and
`dask worker tls://...` processes on 127.0.0.1 (ports picked at run time), stopped by PID."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ios_ssh.ports import free_port_block

DASK = str(Path(sys.executable).with_name("dask"))
OPENSSL = shutil.which("openssl")


def _openssl(*args: str, cwd: Path) -> None:
    assert OPENSSL, "openssl is needed to make the test cluster's certificates"
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True)


def make_ca(folder: Path, name: str = "ca") -> Path:
    """A CA of its own: `name`.pem and `name`.key in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
        "-subj", f"/CN=ios-ssh test {name}",
        cwd=folder,
    )  # fmt: skip
    return folder / f"{name}.pem"


def make_cert(folder: Path, name: str, ca: str = "ca") -> tuple[Path, Path]:
    """A key and a certificate for `name`, signed by the CA `ca` of `folder`."""
    _openssl(
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
        "-CAcreateserial", "-out", f"{name}.pem", "-days", "2",
        cwd=folder,
    )  # fmt: skip
    return folder / f"{name}.pem", folder / f"{name}.key"


def tls_args(folder: Path, name: str) -> list[str]:
    return [
        "--tls-ca-file", str(folder / "ca.pem"),
        "--tls-cert", str(folder / f"{name}.pem"),
        "--tls-key", str(folder / f"{name}.key"),
    ]  # fmt: skip


def client_security(folder: Path, name: str = "client") -> Any:
    from distributed.security import Security

    return Security(
        require_encryption=True,
        tls_ca_file=str(folder / "ca.pem"),
        tls_client_cert=str(folder / f"{name}.pem"),
        tls_client_key=str(folder / f"{name}.key"),
    )


@dataclass
class Cluster:
    address: str
    certs: Path
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def security(self) -> Any:
        return client_security(self.certs)

    def on_scheduler(self, fn: Any, *args: Any) -> Any:
        """`fn(*args, dask_scheduler=...)` on the scheduler, from a client of our own."""
        from distributed import Client

        with Client(self.address, security=self.security, timeout=10) as client:
            return client.run_on_scheduler(fn, *args)


def _start(args: list[str], log: Path, env: Mapping[str, str] | None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [DASK, *args],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


@contextmanager
def tls_cluster(
    folder: Path, workers: int = 2, worker_env: Mapping[str, str] | None = None
) -> Iterator[Cluster]:
    """A scheduler and `workers` one-thread workers, all with mutual TLS; workers see
    `worker_env` in their environment."""
    certs = folder / "certs"
    make_ca(certs)
    for role in ("scheduler", "worker", "client"):
        make_cert(certs, role)
    port = free_port_block(1)
    address = f"tls://127.0.0.1:{port}"
    scheduler = _start(
        ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
         "--protocol", "tls", *tls_args(certs, "scheduler")],
        folder / "scheduler.log",
        None,
    )  # fmt: skip
    cluster = Cluster(address, certs, scheduler)
    try:
        for index in range(workers):
            args = ["worker", address, "--host", "127.0.0.1", "--nthreads", "1"]
            args += ["--no-dashboard", "--name", f"w{index}", *tls_args(certs, "worker")]
            log = folder / f"worker{index}.log"
            cluster.workers.append(_start(args, log, worker_env))
        _wait_for_workers(cluster, workers, folder)
        yield cluster
    finally:
        stop([*cluster.workers, scheduler])


def _wait_for_workers(cluster: Cluster, count: int, folder: Path) -> None:
    from distributed import Client

    deadline = time.monotonic() + 90
    while True:
        try:
            with Client(cluster.address, security=cluster.security, timeout=5) as client:
                if len(client.nthreads()) == count:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, (folder / "scheduler.log").read_text()
        time.sleep(0.3)


def leftovers(cluster: Cluster) -> dict[str, list[str]]:
    """What the scheduler still holds of ios_ssh runs: queues, variables, tasks."""

    def traces(dask_scheduler: Any = None) -> dict[str, list[str]]:
        def ours(names: Any) -> list[str]:
            return sorted(str(n) for n in names if str(n).startswith("ios-ssh-"))

        return {
            "queues": ours(dask_scheduler.extensions["queues"].queues),
            "variables": ours(dask_scheduler.extensions["variables"].variables),
            "tasks": ours(dask_scheduler.tasks),
        }

    return cluster.on_scheduler(traces)
