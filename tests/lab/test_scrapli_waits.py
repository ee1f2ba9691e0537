"""scrapli waits for a slow router as long as the device timeout says, and a router that
never answers is reported as such, not as a dropped session.

scrapli's send_input_and_read reads for 2.5 s unless told otherwise, and closes the session
when a read waits longer: every command slower than that (a key generation, `write
memory`, a long show over a WAN) was cut and reported as "the session dropped"."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ios_ssh.errors import SessionLost
from ios_ssh.lab import Lab
from ios_ssh.session import open_session
from ios_ssh.session.channel import Channel

from .two_routers import NAMES, params_for, two_router_lab

pytestmark = pytest.mark.timeout(120)
TIMEOUT = 8.0


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with two_router_lab() as lab:
        yield lab


@contextmanager
def _scrapli_to(
    lab: Lab, transport: str, faults: dict[str, object], tmp_path: Path
) -> Iterator[Channel]:
    """A scrapli session to f1 (telnet) or r1 (SSH), logged in before `faults` take effect;
    the faults are lifted and the session closed afterwards."""
    router = lab.routers[NAMES[transport]]
    router.device.faults = {}
    params = params_for(lab, transport, tmp_path / "known_hosts", TIMEOUT)
    channel = open_session(params, "scrapli").dialog.handle
    router.device.faults = faults
    try:
        yield channel
    finally:
        router.device.faults = {}
        channel.close()


@pytest.mark.parametrize("transport", ["ssh", "telnet"])
def test_a_command_slower_than_scraplis_default_is_waited_for(
    lab: Lab, transport: str, tmp_path: Path
) -> None:
    with _scrapli_to(lab, transport, {"slow_ms": 4000}, tmp_path) as channel:  # 4 s a reply
        started = time.monotonic()
        reply = channel.exchange("show clock", TIMEOUT)
    assert time.monotonic() - started >= 4
    assert "UTC" in reply and reply.rstrip().endswith("#")


@pytest.mark.parametrize("transport", ["ssh", "telnet"])
def test_a_router_that_never_answers_is_reported_as_silent(
    lab: Lab, transport: str, tmp_path: Path
) -> None:
    with _scrapli_to(lab, transport, {"hang": "^show"}, tmp_path) as channel:
        started = time.monotonic()
        with pytest.raises(SessionLost) as lost:
            channel.exchange("show clock", TIMEOUT)
        waited = time.monotonic() - started
    assert TIMEOUT <= waited < TIMEOUT + 5
    assert f"no prompt within {TIMEOUT:g} s" in str(lost.value)
