"""What crosses a worker boundary (issue 20): jobs and results as JSON checked on receipt,
no secret value over an unencrypted Dask connection, the operator's pins shipped to the
worker and its first contacts and rotations brought back, and the operator's own Dask
client unable to unpickle an object."""

from __future__ import annotations

import dataclasses
import json
import pickle
import threading
from pathlib import Path

import asyncssh
import pytest

from ios_ssh import SshIntent, redact
from ios_ssh.engine.dask import DaskBoundaryError, check_boundary
from ios_ssh.engine.jobs import Job, Outcome, shards
from ios_ssh.engine.no_pickle import PickleRefused, refusing
from ios_ssh.engine.trust import WorkerTrust, settle, ship
from ios_ssh.engine.wire import (
    MAX_TEXT,
    End,
    MissingCredential,
    Pin,
    Result,
    WireError,
    decode,
    decode_job,
    encode_end,
    encode_job,
    encode_outcome,
    secrets_in,
)
from ios_ssh.report import Check, Report
from ios_ssh.session import DeviceParams
from ios_ssh.session.known_hosts import HostKey, KnownHosts

from .routers import converged

HARDENING = SshIntent.from_yaml(
    Path(__file__).resolve().parents[2] / "inventory/intents/hardening.yaml"
)


def _key() -> HostKey:
    key = asyncssh.generate_private_key("ssh-ed25519")
    return HostKey(key.get_algorithm(), key.public_data)


def _job(name: str = "r1", **params: object) -> Job:
    fields = {"host": "10.0.0.1", "port": 2222, "username": "admin", **params}
    return Job(name, "apply", DeviceParams.coerce(fields), HARDENING, {"revert_minutes": 3})


# -- jobs --------------------------------------------------------------------------------


def test_a_job_crosses_as_json_and_comes_out_the_same() -> None:
    job = _job(password="pw-1", secret="en-2", timeout=12.5, known_hosts="/o/known_hosts")
    job = dataclasses.replace(job, options={"secrets": {"IOS_X": "s3"}, "save": True})
    text = encode_job(job, "[10.0.0.1]:2222 ssh-ed25519 AAAA\n", "/o/known_hosts")
    json.loads(text)  # plain JSON, nothing else
    shipped = decode_job(text, environ={})
    assert shipped.job.params == job.params  # secrets included
    assert shipped.job.params.password.get_secret_value() == "pw-1"
    assert shipped.job.intent == job.intent and dict(shipped.job.options) == dict(job.options)
    assert shipped.known_hosts.startswith("[10.0.0.1]:2222") and shipped.label == "/o/known_hosts"


def test_a_job_that_cannot_be_plain_data_is_refused_naming_it() -> None:
    job = dataclasses.replace(_job(), options={"session": object()})
    with pytest.raises(WireError, match="host r1: options: holds a object"):
        encode_job(job)


def test_worker_env_credentials_are_names_resolved_and_masked_where_the_job_runs() -> None:
    job = Job(
        "r1",
        "apply",
        DeviceParams(host="10.0.0.1", username="admin"),
        HARDENING,
        {},
        {"password": "ROUTER_PW", "secret": "ROUTER_EN", "secrets.IOS_NETOPS": "IOS_NETOPS"},
    )
    assert secrets_in(job) == []  # no value travels
    text = encode_job(job)
    environ = {"ROUTER_PW": "pw-on-worker", "ROUTER_EN": "en-on-worker", "IOS_NETOPS": "u-s"}
    for value in environ.values():
        assert value not in text
    shipped = decode_job(text, environ=environ)
    assert shipped.job.params.password.get_secret_value() == "pw-on-worker"
    assert shipped.job.params.secret.get_secret_value() == "en-on-worker"
    assert shipped.job.options["secrets"] == {"IOS_NETOPS": "u-s"}
    assert redact.redact("login pw-on-worker en-on-worker") == "login *** ***"
    with pytest.raises(MissingCredential) as missing:
        decode_job(text, environ={"ROUTER_EN": "x", "IOS_NETOPS": "y"})
    assert "$ROUTER_PW (for password) is not set in the worker's environment" in str(missing.value)


def test_the_secrets_a_job_carries_are_named() -> None:
    job = _job(password="pw", netmiko_options={"passphrase": "k", "fast_cli": False})
    job = dataclasses.replace(job, options={"secrets": {"IOS_A": "x", "IOS_B": ""}})
    # a netmiko `passphrase` extra is the device's own passphrase field (session.params)
    assert secrets_in(job) == ["password", "passphrase", "secrets.IOS_A"]


# -- the Dask boundary, before anything is sent ------------------------------------------


def test_secret_values_never_go_over_an_unencrypted_scheduler() -> None:
    with_password = [_job("r1"), _job("r2", password="pw")]
    for address in ("tcp://10.0.0.5:8786", "10.0.0.5:8786", "ucx://10.0.0.5:8786"):
        with pytest.raises(DaskBoundaryError) as refused:
            check_boundary(with_password, address, None, "operator")
        message = str(refused.value)
        assert "host r2 would send its password" in message and "pw" not in message
        assert "\n" not in message and len(message) < 200, message
    assert check_boundary([_job("r1")], "tcp://10.0.0.5:8786", None, "operator") is None
    names = dataclasses.replace(_job("r1"), secret_env={"password": "PW"})
    assert check_boundary([names], "tcp://10.0.0.5:8786", None, "worker-env") is None


def test_worker_env_refuses_a_job_that_carries_a_value() -> None:
    with pytest.raises(DaskBoundaryError, match="host r1: password has a value"):
        check_boundary([_job("r1", password="pw")], "tls://10.0.0.5:8786", None, "worker-env")


def test_tls_needs_mutual_tls_settings_and_tcp_takes_none(tmp_path: Path) -> None:
    from distributed.security import Security

    with pytest.raises(DaskBoundaryError) as refused:
        check_boundary([_job(password="pw")], "tls://10.0.0.5:8786", None, "operator")
    assert "--dask-tls-ca-file, --dask-tls-cert and --dask-tls-key" in str(refused.value)
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    security = Security(tls_ca_file=str(ca), tls_client_cert=str(ca), tls_client_key=str(ca))
    chosen = check_boundary([_job(password="pw")], "tls://h:1", security, "operator")
    assert chosen is security and chosen.require_encryption
    with pytest.raises(DaskBoundaryError, match="use tls://"):
        check_boundary([_job()], "tcp://h:1", security, "operator")


# -- results: operator <- worker ---------------------------------------------------------


def test_results_come_back_as_the_same_report_and_state() -> None:
    report = Report("r1", ok=False, outcome="reverted", revert="revert now", errors=["e"])
    report.checks = [Check("ssh version", True, "2.0", "2.0", "show ip ssh")]
    key = _key()
    pins = [Pin("10.0.0.1", 2222, (key,), ())]
    got = decode(encode_outcome("r1", Outcome(report, 2, 22, 1.5), pins))
    assert isinstance(got, Result) and got.name == "r1" and got.pins == tuple(pins)
    assert got.outcome == Outcome(report, 2, 22, 1.5)
    state = converged("xe16").state()
    got = decode(encode_outcome("r2", Outcome(state)))
    assert isinstance(got, Result)
    assert got.outcome.value == dataclasses.replace(state, raw={})  # raw stays on the worker
    assert decode(encode_end(3, "rerun-refused")) == End(3, "rerun-refused")


@pytest.mark.parametrize(
    "item",
    [
        12345,
        b"{}",
        {"v": 1},
        "not json",
        "[" * 100_000,
        json.dumps({"v": 1, "type": "outcome", "host": "r1", "report": {"host": "r1"}}),
        json.dumps({"v": 2, "type": "end", "shard": 0, "how": "done", "why": ""}),
        json.dumps({"v": 1, "type": "end", "shard": -1, "how": "done", "why": ""}),
        json.dumps({"v": 1, "type": "eval", "code": "__import__('os')"}),
    ],
)
def test_anything_else_is_refused_as_data(item: object) -> None:
    with pytest.raises(WireError) as refused:
        decode(item)
    assert "\n" not in str(refused.value) and "__import__" not in str(refused.value)


def test_a_result_with_a_wrong_field_or_value_is_refused() -> None:
    good = json.loads(encode_outcome("r1", Outcome(Report("r1"))))
    for change in (
        {"report": {**good["report"], "outcome": "pwned"}},
        {"report": {**good["report"], "extra": 1}},
        {"report": {**good["report"], "ok": "yes"}},
        {"sessions": -1},
        {"state": good["report"]},  # both a report and a state
        {"pins": [{"host": "h", "port": 22, "keys": ["ssh-rsa !!"], "replaced": []}]},
    ):
        with pytest.raises(WireError):
            decode(json.dumps({**good, **change}))
    with pytest.raises(WireError, match="more than a result holds"):
        decode(" " * (MAX_TEXT + 1))


# -- the operator's Dask client: no pickle resolves a global -----------------------------


class _Runs:
    def __reduce__(self) -> tuple[object, ...]:
        return (exec, ("raise SystemExit('ran')",))


def test_while_refusing_no_object_is_unpickled_in_this_thread_only() -> None:
    payload, data = pickle.dumps(_Runs()), pickle.dumps({"a": [1, "b", 2.5, None]})
    elsewhere: list[object] = []
    with refusing():
        with pytest.raises(PickleRefused, match="builtins.exec"):
            pickle.loads(payload)
        assert pickle.loads(data) == {"a": [1, "b", 2.5, None]}  # plain data still loads
        other = threading.Thread(target=lambda: elsewhere.append(pickle.loads(data)))
        other.start()
        other.join()
    assert elsewhere == [{"a": [1, "b", 2.5, None]}]
    with pytest.raises(SystemExit):  # the guard is gone with the run
        pickle.loads(payload)


# -- the operator's pins on the worker, and back -----------------------------------------


def test_a_worker_gets_only_the_jobs_pins_and_brings_back_what_its_sessions_changed(
    tmp_path: Path,
) -> None:
    pinned, other, revoked, first = _key(), _key(), _key(), _key()
    operator = tmp_path / "known_hosts"
    operator.write_text(
        f"[10.0.0.1]:2222 {pinned.openssh()}\n"
        f"10.9.9.9 {other.openssh()}\n"
        f"@revoked * {revoked.openssh()}\n"
    )
    jobs = [_job("r1", known_hosts=str(operator)), _job("r2", host="10.0.0.2", port=22)]
    jobs[1] = dataclasses.replace(
        jobs[1], params=jobs[1].params.model_copy(update={"known_hosts": operator})
    )
    texts = ship(jobs)
    shipped = [decode_job(text, environ={}) for text in texts]
    assert other.openssh() not in texts[0] and pinned.openssh() in texts[0]
    assert f"@revoked * {revoked.openssh()}" in texts[1]  # every revoked key goes along
    with WorkerTrust(shipped) as trust:
        r1, r2 = (trust.job(item) for item in shipped)
        copy = r1.params.known_hosts_file
        assert copy != operator and copy.stat().st_mode & 0o777 == 0o600
        assert KnownHosts(copy).lookup("10.0.0.1", 2222) == [pinned]
        assert KnownHosts(copy).lookup("10.9.9.9", 22) == []  # not this run's address
        KnownHosts(copy).add("10.0.0.2", 22, first)  # r2's first contact, on the worker
        KnownHosts(copy).replace("10.0.0.1", 2222, other)  # r1's proven rotation
        assert trust.pins(r2) == [Pin("10.0.0.2", 22, (first,), ())]
        assert trust.pins(r1) == [Pin("10.0.0.1", 2222, (other,), (pinned,))]
        said = trust.shown(json.dumps({"note": f"pinned in {copy}"}))
        assert str(operator) in said and str(copy) not in said
        folder = trust.folder
    assert not folder.exists()  # nothing is left pinned only on the worker
    # back at the operator's: made in its own file
    settle(jobs[1], Outcome(Report("r2")), (Pin("10.0.0.2", 22, (first,), ()),))
    settle(jobs[0], Outcome(Report("r1")), (Pin("10.0.0.1", 2222, (other,), (pinned,)),))
    store = KnownHosts(operator)
    assert store.lookup("10.0.0.2", 22) == [first] and store.lookup("10.0.0.1", 2222) == [other]


def test_the_operator_refuses_a_workers_pin_its_file_contradicts(tmp_path: Path) -> None:
    meanwhile, worker_key, stale = _key(), _key(), _key()
    operator = tmp_path / "known_hosts"
    operator.write_text(f"[10.0.0.1]:2222 {meanwhile.openssh()}\n")  # pinned by another run
    job = _job("r1", known_hosts=str(operator))
    first = settle(job, Outcome(Report("r1")), (Pin("10.0.0.1", 2222, (worker_key,), ()),))
    assert isinstance(first.value, Report) and not first.value.ok
    assert "host key: CHANGED" in first.value.errors[0]
    rotated = settle(job, Outcome(Report("r1")), (Pin("10.0.0.1", 2222, (worker_key,), (stale,)),))
    assert isinstance(rotated.value, Report) and "no longer holds" in rotated.value.errors[0]
    foreign = settle(job, Outcome(Report("r1")), (Pin("10.6.6.6", 22, (worker_key,), ()),))
    assert isinstance(foreign.value, Report) and "not in this job" in foreign.value.errors[0]
    assert KnownHosts(operator).lookup("10.0.0.1", 2222) == [meanwhile]
    assert KnownHosts(operator).lookup("10.6.6.6", 22) == []


def test_jobs_for_one_address_share_a_shard() -> None:
    jobs = [_job("a", host="10.0.0.1"), _job("b", host="10.0.0.2"), _job("c", host="10.0.0.1")]
    jobs.append(_job("d", host="10.0.0.3"))
    parts = shards(jobs, 2)
    assert [[j.name for j in part] for part in parts] == [["a", "c", "d"], ["b"]]
