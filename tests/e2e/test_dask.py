"""The inventory over a Dask cluster, as a user starts one with mutual TLS: `dask scheduler
--protocol tls` and two `dask worker tls://...` processes on 127.0.0.1, certificates made
with openssl (tests/e2e/dask_cluster.py). Each worker runs the async engine on its shard.

The boundary (issue 20): no secret crosses tcp:// (refused before anything is sent); a
client without the cluster's certificate is refused by the scheduler; workers judge host
keys against the operator's pins and their first contacts are pinned in the operator's
file; results are plain data (a crafted object on the run's queue is never run in the
operator's process); the run leaves nothing on the scheduler, however it ends; a worker
killed mid-run leaves every host with a terminal outcome, and nothing applied twice."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import asyncssh
import pytest

from ios_ssh import SshIntent
from ios_ssh.engine.dask import DaskBoundaryError
from ios_ssh.engine.fleet import Job, run_fleet
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.keypool import KeyPool
from ios_ssh.report import Outcome, Report
from ios_ssh.session import DeviceParams
from ios_ssh.session.known_hosts import ENV_FILE, HostKey, KnownHosts

from ..lab.fake_ssh import FakeServer, fake_ssh_server
from .dask_cluster import Cluster, leftovers, make_ca, make_cert, tls_cluster
from .jobs import apply_jobs

pytestmark = pytest.mark.timeout(300)
HOSTS = ["r1", "r2", "r3"]
TERMINAL = set(get_args(Outcome))
PASSWORD_VARIABLE = "IOS_SSH_TEST_ROUTER_PASSWORD"  # set in the workers' environment only
HARDENING = SshIntent.from_yaml(
    Path(__file__).resolve().parents[2] / "inventory/intents/hardening.yaml"
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("dask")
    own = {PASSWORD_VARIABLE: "admin", ENV_FILE: str(_workers_known_hosts(folder / "certs"))}
    with tls_cluster(folder, 2, own) as running:
        yield running


def _workers_known_hosts(certs: Path) -> Path:
    """The workers' own known_hosts ($IOS_SSH_KNOWN_HOSTS in their environment): never read."""
    return certs.parent / "workers_known_hosts"


class Keys:
    """The lab's key source: counts key generations (a second apply would show here),
    and can hold a router's key generation until the test opens the gate."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.pool = KeyPool(0, 2048)
        self.count = 0
        self.gate = gate

    def take(self, bits: int) -> object:
        if self.gate is not None:
            assert self.gate.wait(60), "the gate was never opened"
        self.count += 1
        return self.pool.take(bits)


def _lab(keys: dict[str, Keys] | None = None, keygen_seconds: float = 0.0) -> Lab:
    lab = Lab()
    for name in HOSTS:
        source = (keys or {}).get(name)
        lab.add(
            baseline_device(
                name,
                image="xe16",
                bits=1024,
                keygen_seconds=keygen_seconds,
                minute_seconds=2.0,
                keys=source,  # type: ignore[arg-type]
            )
        )
    for counter in (keys or {}).values():
        counter.count = 0  # the start-up key does not count
    return lab


def _served_key(lab: Lab, name: str) -> HostKey:
    address = lab.addresses[name]
    key = asyncio.run(asyncssh.get_server_host_key(address.host, address.port))
    return HostKey(key.get_algorithm(), key.public_data)


def _reports(outcomes: dict) -> dict[str, Report]:
    reports = {name: outcome.value for name, outcome in outcomes.items()}
    assert all(isinstance(r, Report) for r in reports.values())
    return reports


def test_over_tcp_a_run_with_passwords_is_refused_before_anything_is_sent(
    temporary_known_hosts: Path,
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # where a plain scheduler would be
    listener.setblocking(False)
    port = listener.getsockname()[1]
    try:
        jobs = [
            Job(
                name,
                "apply",
                DeviceParams(host="127.0.0.1", port=22, username="admin", password="admin"),
                HARDENING,
            )
            for name in HOSTS
        ]
        with pytest.raises(DaskBoundaryError) as refused:
            run_fleet(jobs, dask_scheduler=f"tcp://127.0.0.1:{port}")
        message = str(refused.value)
        assert "\n" not in message and len(message) < 200, message
        assert "not encrypted" in message and "password" in message and "admin" not in message
        assert "tls://" in message and "worker-env" in message  # the fixes
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected: nothing was sent
    finally:
        listener.close()


def test_over_tls_two_workers_converge_and_pin_in_the_operators_file(
    cluster: Cluster, temporary_known_hosts: Path
) -> None:
    lab = _lab()
    try:
        done: list[str] = []
        outcomes = run_fleet(
            apply_jobs(lab, HOSTS, HARDENING, temporary_known_hosts),
            dask_scheduler=cluster.address,
            dask_security=cluster.security,
            concurrency=2,
            on_done=lambda name, _o: done.append(name),
        )
        served = {name: _served_key(lab, name) for name in HOSTS}
    finally:
        lab.close()
    assert sorted(done) == sorted(HOSTS)  # the progress bar moves once per host
    pins = KnownHosts(temporary_known_hosts)
    for name, report in _reports(outcomes).items():
        assert report.outcome == "converged" and report.ok, report.text()
        # first contact, then the rotation to the 2048-bit key, made on a worker: pinned
        # in the operator's file by the operator's process, and said so with its path
        address = lab.addresses[name]
        assert pins.lookup(address.host, address.port) == [served[name]], name
        assert any(f"pinned in {temporary_known_hosts}" in n for n in report.notes), report.notes
        assert "ios-ssh-trust-" not in report.text()  # the worker's private copy is not named
    assert leftovers(cluster) == {"queues": [], "variables": [], "tasks": []}


def test_the_scheduler_refuses_a_client_without_the_clusters_certificate(
    cluster: Cluster, tmp_path: Path
) -> None:
    from distributed import Client
    from distributed.security import Security

    host, port = cluster.address.removeprefix("tls://").split(":")
    # TLS without a client certificate: the scheduler ends the connection (TLS 1.3 says
    # so after the client's side of the handshake, at the first read)
    context = ssl.create_default_context(cafile=str(cluster.certs / "ca.pem"))
    context.check_hostname = False
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        pytest.raises((ssl.SSLError, ConnectionError)),
        context.wrap_socket(raw) as tls,
    ):
        tls.sendall(b"\0" * 8)
        if not tls.recv(1):
            raise ConnectionResetError("closed without a word")
    # a certificate from another CA, and plain tcp://: refused too
    rogue = tmp_path / "rogue"
    make_ca(rogue)
    cert, key = make_cert(rogue, "client")
    foreign = Security(
        require_encryption=True,
        tls_ca_file=str(cluster.certs / "ca.pem"),
        tls_client_cert=str(cert),
        tls_client_key=str(key),
    )
    for address, security in ((cluster.address, foreign), (f"tcp://{host}:{port}", None)):
        with pytest.raises((OSError, TimeoutError)):
            Client(address, security=security, timeout=5)


def test_a_crafted_object_on_the_runs_queue_is_never_run_in_the_operators_process(
    cluster: Cluster, tmp_path: Path, temporary_known_hosts: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_cert(cluster.certs, "insider")  # a second client, holding a cluster certificate
    marker = tmp_path / "ran"
    gate = threading.Event()  # r2 and r3 generate their keys once the intruder is done
    keys = {"r2": Keys(), "r3": Keys()}
    lab = _lab(keys)
    for source in keys.values():
        source.gate = gate
    intruder: list[str] = []

    def intrude(name: str, _outcome: object) -> None:
        if not intruder:  # r1 first: r2 and r3 are held, their results not sent yet
            script = Path(__file__).with_name("dask_intruder.py")
            done = subprocess.run(
                [sys.executable, str(script), cluster.address, str(cluster.certs), str(marker)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            intruder.append(done.stdout.strip())
            gate.set()

    caplog.set_level(logging.INFO, logger="ios_ssh")
    try:
        outcomes = run_fleet(
            apply_jobs(lab, HOSTS, HARDENING, temporary_known_hosts),
            dask_scheduler=cluster.address,
            dask_security=cluster.security,
            concurrency=1,
            on_done=intrude,
        )
    finally:
        gate.set()
        lab.close()
    # the payload is live: it ran once, in the intruder's own process (its control)
    assert marker.read_text().split() == intruder, (marker.read_text(), intruder, os.getpid())
    assert str(os.getpid()) not in marker.read_text()
    for report in _reports(outcomes).values():  # the forged r1 result changed nothing
        assert report.outcome == "converged" and report.ok, report.text()
    refused = [r for r in caplog.records if "were refused" in r.getMessage()]
    assert refused and "4 item(s)" in refused[0].getMessage(), caplog.text
    assert leftovers(cluster) == {"queues": [], "variables": [], "tasks": []}


@pytest.fixture
def impostor(temporary_known_hosts: Path) -> Iterator[FakeServer]:
    """A server whose key differs from the one the operator pinned for its address."""
    with fake_ssh_server() as server:
        pinned = asyncssh.generate_private_key("ssh-ed25519")
        KnownHosts(temporary_known_hosts).add(
            server.host, server.port, HostKey(pinned.get_algorithm(), pinned.public_data)
        )
        yield server


def test_a_changed_host_key_is_refused_on_a_worker_and_no_password_sent(
    cluster: Cluster, impostor: FakeServer, temporary_known_hosts: Path
) -> None:
    before = temporary_known_hosts.read_text()
    # the workers' own file trusts the impostor: a worker that read it would log in
    KnownHosts(_workers_known_hosts(cluster.certs)).add(
        impostor.host,
        impostor.port,
        HostKey(impostor.key.get_algorithm(), impostor.key.public_data),
    )
    job = Job(
        "impostor",
        "apply",
        DeviceParams(  # no known_hosts: the operator's default ($IOS_SSH_KNOWN_HOSTS here)
            host=impostor.host,
            port=impostor.port,
            username="admin",
            password="the-password",
            timeout=10,
        ),
        HARDENING,
    )
    outcomes = run_fleet([job], dask_scheduler=cluster.address, dask_security=cluster.security)
    report = _reports(outcomes)["impostor"]
    assert report.outcome == "failed-before-change" and not report.ok
    assert any("host key: CHANGED" in e for e in report.errors), report.errors
    assert str(temporary_known_hosts) in report.errors[0]  # named as the operator's file
    assert impostor.attempts.connections >= 1 and impostor.attempts.auth == []
    assert temporary_known_hosts.read_text() == before


def test_worker_env_credentials_are_read_on_the_worker(
    cluster: Cluster, temporary_known_hosts: Path
) -> None:
    lab = _lab()
    try:

        def job(name: str, variable: str) -> Job:
            address = lab.addresses[name]
            params = DeviceParams(
                host=address.host,
                port=address.port,
                username="admin",
                known_hosts=str(temporary_known_hosts),
                timeout=30,
            )  # no password, no secret: the worker has them
            return Job(name, "state", params, secret_env={"password": variable, "secret": variable})

        jobs = [job("r1", PASSWORD_VARIABLE), job("r2", "IOS_SSH_TEST_NOT_ON_WORKERS")]
        outcomes = run_fleet(
            jobs,
            dask_scheduler=cluster.address,
            dask_security=cluster.security,
            dask_credentials="worker-env",
        )
    finally:
        lab.close()
    assert not isinstance(outcomes["r1"].value, Report), outcomes["r1"].value.text()
    assert outcomes["r1"].value.hostname == "r1"
    assert outcomes["r1"].value.raw == {}  # the running-config stays on the worker
    missing = outcomes["r2"].value
    assert isinstance(missing, Report) and missing.outcome == "failed-before-change"
    assert "$IOS_SSH_TEST_NOT_ON_WORKERS" in missing.errors[0], missing.errors


@pytest.mark.parametrize("interrupt", [RuntimeError, KeyboardInterrupt])
def test_the_run_leaves_nothing_on_the_scheduler_however_it_ends(
    cluster: Cluster, temporary_known_hosts: Path, interrupt: type[BaseException]
) -> None:
    lab = _lab(keygen_seconds=2.0)

    def stop(_name: str, _outcome: object) -> None:
        raise interrupt("stopped by the operator")

    try:
        with pytest.raises(interrupt):
            run_fleet(
                apply_jobs(lab, HOSTS, HARDENING, temporary_known_hosts),
                dask_scheduler=cluster.address,
                dask_security=cluster.security,
                concurrency=1,
                on_done=stop,
            )
    finally:
        lab.close()
    assert leftovers(cluster) == {"queues": [], "variables": [], "tasks": []}


def test_a_worker_killed_mid_run_leaves_every_host_terminal_and_nothing_applied_twice(
    tmp_path: Path, temporary_known_hosts: Path
) -> None:
    # r2 (shard 1 of 2: jobs[1::2]) holds its key generation until the test opens the
    # gate, so when r1 has finished, r2's worker is surely mid-run: that one is killed
    gate = threading.Event()
    keys = {name: Keys() for name in HOSTS}
    lab = _lab(keys)
    keys["r2"].gate = gate  # after the start-up key
    intent = SshIntent.from_dict(
        {
            **HARDENING.model_dump(exclude_unset=True),
            "rsa": {"modulus": 2048, "regenerate": "always"},
        }
    )
    killed = threading.Event()
    with tls_cluster(tmp_path, 2) as own:
        failures: list[BaseException] = []

        def kill_r2s_worker() -> None:  # a thread of its own: a Client of its own
            from distributed import Client

            try:
                with Client(own.address, security=own.security, timeout=10) as client:
                    busy = client.processing()
                    (address,) = [
                        a for a, keys in busy.items() if any(str(k).endswith("-1") for k in keys)
                    ]
                    pid = client.run(os.getpid, workers=[address])[address]
                    os.killpg(os.getpgid(pid), signal.SIGKILL)
                killed.set()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                failures.append(exc)

        def kill_one_worker(name: str, _outcome: object) -> None:
            if name == "r1" and not killed.is_set():
                killer = threading.Thread(target=kill_r2s_worker)
                killer.start()
                killer.join(30)

        try:
            outcomes = run_fleet(
                apply_jobs(lab, HOSTS, intent, temporary_known_hosts),
                dask_scheduler=own.address,
                dask_security=own.security,
                concurrency=1,
                on_done=kill_one_worker,
            )
        finally:
            gate.set()  # r2's key generation, still held by the lab, may go now
            lab.close()
        assert killed.is_set(), failures
        assert leftovers(own) == {"queues": [], "variables": [], "tasks": []}
    assert set(outcomes) == set(HOSTS)  # none lost
    reports = _reports(outcomes)
    assert all(r.outcome in TERMINAL for r in reports.values())
    lost = [r for r in reports.values() if any("Dask worker" in e for e in r.errors)]
    assert lost, {n: r.text() for n, r in reports.items()}
    for report in lost:
        assert not report.ok and report.outcome in ("unknown", "failed-before-change")
        assert "not retried" in report.errors[0]
    assert any(r.outcome == "converged" for r in reports.values())  # the other worker's
    # no router generated keys twice: the dead worker's shard was not re-run elsewhere
    assert all(counter.count <= 1 for counter in keys.values()), {
        n: c.count for n, c in keys.items()
    }


def test_the_command_line_reads_the_fleet_over_mutual_tls(
    cluster: Cluster, tmp_path: Path, temporary_known_hosts: Path
) -> None:
    import json

    import yaml
    from typer.testing import CliRunner

    from ios_ssh.cli import app

    lab = _lab()
    try:
        hosts = {
            name: {
                "hostname": lab.addresses[name].host,
                "port": lab.addresses[name].port,
                "username": "admin",
                "password": "admin",
                "data": {"secret": "admin"},
            }
            for name in HOSTS
        }
        inventory = tmp_path / "inventory"
        inventory.mkdir()
        (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts))
        certs = cluster.certs
        result = CliRunner().invoke(
            app,
            ["state", "-i", str(inventory), "--json", "--dask-scheduler", cluster.address,
             "--dask-tls-ca-file", str(certs / "ca.pem"), "--dask-tls-cert",
             str(certs / "client.pem"), "--dask-tls-key", str(certs / "client.key")],
        )  # fmt: skip
    finally:
        lab.close()
    assert result.exit_code == 0, result.output
    states = json.loads(result.output)
    assert {name: state["hostname"] for name, state in states.items()} == {n: n for n in HOSTS}
    assert len(temporary_known_hosts.read_text().splitlines()) == len(HOSTS)  # pinned here
