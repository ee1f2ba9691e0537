"""A session cut from another thread (its host timed out in the async engine) ends the read
blocked in the session's own thread at once, for each driver and transport, instead of at
the read's timeout; the router sees the session end."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ios_ssh.errors import SessionLost
from ios_ssh.lab import Lab
from ios_ssh.session import open_session

from .two_routers import params_for, two_router_lab

pytestmark = pytest.mark.timeout(120)
READ_TIMEOUT = 30.0  # what the blocked read would otherwise wait


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    """f1 (telnet only) and r1 (SSH) log in, then never answer a show command."""
    with two_router_lab({"hang": "^show"}) as lab:
        yield lab


@pytest.mark.parametrize(
    ("driver", "transport"),
    [("netmiko", "telnet"), ("netmiko", "ssh"), ("scrapli", "telnet"), ("scrapli", "ssh")],
)
def test_a_cut_ends_a_blocked_read_at_once(
    lab: Lab, driver: str, transport: str, tmp_path: Path
) -> None:
    if driver == "scrapli" and transport == "ssh" and shutil.which("ssh") is None:
        pytest.skip("scrapli's system transport needs OpenSSH's ssh")
    channel = open_session(
        params_for(lab, transport, tmp_path / "known_hosts", READ_TIMEOUT), driver
    ).dialog.handle  # type: ignore[arg-type]
    failure: list[BaseException] = []

    def read() -> None:
        try:
            channel.exchange("show ip ssh", READ_TIMEOUT)
        except BaseException as exc:  # noqa: BLE001 - kept for the assertion
            failure.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(1.0)  # the read is blocked: the router never answers
    assert reader.is_alive()
    cut_at = time.monotonic()
    channel.cut()
    reader.join(timeout=10)
    took = time.monotonic() - cut_at
    assert not reader.is_alive(), "the read was still blocked 10 s after the cut"
    assert took < 5, took
    assert len(failure) == 1 and isinstance(failure[0], SessionLost), failure
    channel.close()  # after a cut, closing is quiet
