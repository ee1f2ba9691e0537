"""Issue 14: every error a user reads is one line under 200 characters naming the host,
the step and the fix. Each place that builds one is exercised here with worst-case but
realistic inputs: a 60-character host name on port 65535, a long known_hosts path, a
long configuration line and IOS's own words with their caret line."""

from __future__ import annotations

import signal
from collections.abc import Generator
from typing import Any

import pytest

from ios_ssh.engine.dask import worker_died
from ios_ssh.engine.fleet import Job, lost_host
from ios_ssh.engine.processes import worker_exit
from ios_ssh.errors import ConnectError
from ios_ssh.flow.protocol import Call, Open
from ios_ssh.flow.rotation import Rotation, fresh_login
from ios_ssh.intent import SshIntent
from ios_ssh.message import LIMIT
from ios_ssh.report import Report
from ios_ssh.session import host_key_messages
from ios_ssh.session.known_hosts import HostKey
from ios_ssh.session.params import DeviceParams

NAME = "core-router-01.datacenter-frankfurt-01.emea.example-corp.net"
PORT = 65535
WHERE = f"{NAME}:{PORT}"
KNOWN_HOSTS = "/home/network-automation/.ssh/known_hosts"
SERVED = "SHA256:" + "S" * 43
OFFERED = HostKey("ssh-rsa", b"an impostor's key")


def params(**extra: Any) -> DeviceParams:
    return DeviceParams.coerce(
        {
            "host": NAME,
            "port": PORT,
            "username": "network-automation",
            "password": "x",
            "known_hosts": KNOWN_HOSTS,
            **extra,
        }
    )


def one_line(text: str, *must: str) -> str:
    assert "\n" not in text and len(text) < LIMIT, (len(text), text)
    for part in must:
        assert part in text, (part, text)
    return text


def drive(steps: Generator[Any, Any, Any], *replies: Any) -> Any:
    """Run a flow's steps by hand: each reply sent in turn (an exception thrown in)."""
    request = next(steps)
    try:
        for reply in replies:
            assert isinstance(request, Open | Call), request
            if isinstance(reply, BaseException):
                request = steps.throw(reply)
            else:
                request = steps.send(reply)
    except StopIteration as stop:
        return stop.value
    raise AssertionError(f"the flow asked for more: {request}")


def test_the_fresh_login_offered_another_key_than_the_router_serves() -> None:
    """Was two whole fingerprints and 'a new session could not log in...': 300 chars."""
    rotation = Rotation(KNOWN_HOSTS, NAME, PORT, [], SERVED)
    text = drive(fresh_login(params(), SshIntent(), {}, rotation), OFFERED)
    one_line(text, f"fresh login: {WHERE}: host key: offered {OFFERED.fingerprint}", "check")
    assert rotation.proven is None


def test_the_rotation_refusal_names_both_keys_whole_when_they_fit() -> None:
    rotation = Rotation(KNOWN_HOSTS, "10.0.0.1", 22, [], SERVED)
    text = drive(fresh_login(params(host="10.0.0.1", port=22), SshIntent(), {}, rotation), OFFERED)
    one_line(text, OFFERED.fingerprint, SERVED, "refused")


@pytest.mark.parametrize("kind", ["changed", "unknown", "revoked"])
def test_a_host_key_refusal_at_the_fresh_login(kind: str) -> None:
    """A connect error already near 200, with the fresh login's step put before it."""
    refusal = getattr(host_key_messages, kind)(NAME, PORT, OFFERED.fingerprint, KNOWN_HOSTS)
    text = drive(fresh_login(params(), SshIntent(), {}), ConnectError(refusal, "host-key"))
    one_line(text, f"fresh login: {WHERE}: host key: ", OFFERED.fingerprint, "known_hosts")


def _longest_signal() -> int:
    return max(signal.Signals, key=lambda s: len(s.name)).value


@pytest.mark.parametrize(
    "why",
    [
        worker_exit(4194304, -_longest_signal()),  # Linux's largest pid, 7 digits
        worker_exit(4194304, -99),  # no name: "signal 99"
        worker_exit(4194304, 255),
        worker_exit(4194304, None),
        worker_died(rerun_refused=True),
        worker_died(type("SchedulerCommunicationLostError", (Exception,), {})("x" * 400)),
        worker_died(),
    ],
)
@pytest.mark.parametrize("kind", ["apply", "verify", "state"])
def test_a_host_whose_worker_died(why: str, kind: str) -> None:
    """Was 197 characters with a 7-digit pid, over 200 on Dask (the error's repr)."""
    job = Job(NAME, kind, params(), SshIntent() if kind != "state" else None)  # type: ignore[arg-type]
    report = lost_host(job, why).value
    assert isinstance(report, Report)
    (error,) = report.errors
    assert len(error) < LIMIT - 20, (len(error), error)  # comfortably
    one_line(error, why, "before this host finished")
