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
from ios_ssh.lab import Lab, baseline_device, factory_device
from ios_ssh.session import DeviceParams, open_session

pytestmark = pytest.mark.timeout(120)
READ_TIMEOUT = 30.0  # what the blocked read would otherwise wait


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    """f1 (telnet only) and r1 (SSH) log in, then never answer a show command."""
    lab = Lab()
    factory = factory_device(minute_seconds=5.0, image="hybrid")
    factory.faults = {"hang": "^show"}
    lab.add(factory, "f1")
    router = baseline_device("r1", image="hybrid", bits=1024, minute_seconds=5.0)
    router.faults = {"hang": "^show"}
    lab.add(router)
    try:
        yield lab
    finally:
        lab.close()


def _params(lab: Lab, transport: str, tmp_path: Path) -> DeviceParams:
    if transport == "telnet":
        address = lab.addresses["f1"]
        return DeviceParams(
            host=address.host,
            port=address.telnet_port,
            device_type="cisco_ios_telnet",
            username="admin",
            password="admin",
            secret="admin",
            timeout=READ_TIMEOUT,
        )
    address = lab.addresses["r1"]
    return DeviceParams(
        host=address.host,
        port=address.port,
        username="admin",
        password="admin",
        secret="admin",
        host_key_check="accept-new",
        known_hosts=str(tmp_path / "known_hosts"),
        timeout=READ_TIMEOUT,
    )


@pytest.mark.parametrize(
    ("driver", "transport"),
    [("netmiko", "telnet"), ("netmiko", "ssh"), ("scrapli", "telnet"), ("scrapli", "ssh")],
)
def test_a_cut_ends_a_blocked_read_at_once(
    lab: Lab, driver: str, transport: str, tmp_path: Path
) -> None:
    if driver == "scrapli" and transport == "ssh" and shutil.which("ssh") is None:
        pytest.skip("scrapli's system transport needs OpenSSH's ssh")
    channel = open_session(_params(lab, transport, tmp_path), driver).dialog.handle  # type: ignore[arg-type]
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
