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
from ios_ssh.engine.fleet import Job, failed, lost_host
from ios_ssh.engine.processes import worker_exit
from ios_ssh.errors import CONNECT_KINDS, ConnectError, DeviceError, SessionLost
from ios_ssh.flow import change as change_errors
from ios_ssh.flow.protocol import Call, Open
from ios_ssh.flow.rotation import Rotation, fresh_login
from ios_ssh.intent import SshIntent
from ios_ssh.message import LIMIT
from ios_ssh.report import Report
from ios_ssh.session import failures, host_key_messages
from ios_ssh.session.algorithms import Algorithms
from ios_ssh.session.conversation import refusal
from ios_ssh.session.identity import negotiate_offer
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
            "password": "pw-never-shown",
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


LONG_LINE = "ip ssh server algorithm encryption " + " ".join(
    ["aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes192-ctr"] * 3
)
IOS_REFUSAL = (
    f"{LONG_LINE}\n                                   ^\n% Invalid input detected at '^' marker."
)
KINDS_BY_STEP = [
    (kind, step)
    for kind in CONNECT_KINDS
    for step in ("connect", "key exchange", "login", "enable")
    if kind != "host-key"
]


def _raised(kind: str, text: str = "boom") -> BaseException:
    exc = OSError(text)
    exc.__cause__ = ConnectError("classified", kind)
    return exc


@pytest.mark.parametrize(("kind", "step"), KINDS_BY_STEP)
def test_every_connect_error_kind(kind: str, step: str) -> None:
    for text in ("boom", "sent nothing", "could not resolve name"):
        error = failures.connect_error(_raised(kind, text), params(), step)
        one_line(str(error), f"{WHERE}: ")


def test_a_host_key_refusal_that_does_not_say_the_key() -> None:
    error = failures.connect_error(OSError("Host key verification failed."), params())
    one_line(str(error), f"{WHERE}: connect: host key refused")


@pytest.mark.parametrize("policy", ["modern", ["curve25519-sha256"]])
def test_no_algorithm_in_common(policy: object) -> None:
    """The router's whole offer and the policy's whole list ran to 400 characters."""
    offer = Algorithms(
        (
            "diffie-hellman-group1-sha1",
            "diffie-hellman-group14-sha1",
            "diffie-hellman-group-exchange-sha1",
        ),
        ("ssh-rsa",),
        ("aes128-cbc", "3des-cbc"),
        ("hmac-sha1",),
    )
    with pytest.raises(ConnectError) as caught:
        negotiate_offer(params(ssh_algorithms=policy), [], offer)
    one_line(str(caught.value), f"{WHERE}: ", "diffie-hellman-group1-sha1")


@pytest.mark.parametrize("dropped", [False, True])
def test_a_session_lost_on_a_long_line(dropped: bool) -> None:
    lost = failures.session_lost(TimeoutError(), params(), LONG_LINE, 30, dropped)
    one_line(str(lost), f"{WHERE}: command 'ip ssh server algorithm")


def test_the_device_s_refusal_with_its_caret_line() -> None:
    """DeviceError's text reaches Report.errors as it is (apply, verify)."""
    error = DeviceError(LONG_LINE, refusal(IOS_REFUSAL) or "")
    one_line(str(error), "% Invalid input detected at '^' marker.")


def test_errors_the_change_composes() -> None:
    """change.py puts a step before a DeviceError or SessionLost raised mid-change."""
    lost = str(failures.session_lost(TimeoutError(), params(), LONG_LINE, 30))
    words = refusal(IOS_REFUSAL) or ""
    for text in (
        change_errors.device_refused(DeviceError(LONG_LINE, words)),
        change_errors.lost("during the change", SessionLost(lost)),
        change_errors.lost("at configure confirm", SessionLost(lost)),
    ):
        one_line(text)
    assert change_errors.device_refused(DeviceError(LONG_LINE, words)).endswith(
        "% Invalid input detected at '^' marker."
    )


def test_a_host_that_raised_something_else() -> None:
    """The engine's Report for a flow that raised: a driver's or a bug's text, bounded."""
    for error in (RuntimeError("x" * 500 + "\nsecond line"), SessionLost("y" * 300)):
        report = failed(NAME, error, 1.0, started=True)
        one_line(report.errors[0])
