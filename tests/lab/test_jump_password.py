"""A jump host that takes a password (issue 21): `jump_password_env` names the variable;
the password is read once, masked in every log, and offered to the jump host only (never
to the router), after its host key was judged. (OpenSSH's sshd, run as root here, cannot
check a password without PAM and a known root password: the jump host is asyncssh's
server, forwarding as sshd does.)"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
import pytest

from ios_ssh.engine.aio_session import open_async
from ios_ssh.errors import ConnectError
from ios_ssh.lab import Lab, baseline_device
from ios_ssh.session import open_session, route
from ios_ssh.session.params import DeviceParams

pytestmark = pytest.mark.timeout(120)
JUMP_PASSWORD = "Jump-Pass-8x"


@dataclass
class PasswordJump:
    host: str
    port: int
    passwords: list[str] = field(default_factory=list)  # every password offered to it
    channels: list[tuple[str, int]] = field(default_factory=list)


class _Server(asyncssh.SSHServer):
    def __init__(self, seen: PasswordJump) -> None:
        self.seen = seen

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        self.seen.passwords.append(password)
        return username == "jumper" and password == JUMP_PASSWORD

    def connection_requested(self, dest_host: str, dest_port: int, *_: object) -> bool:
        self.seen.channels.append((dest_host, dest_port))
        return True  # asyncssh connects to the destination itself, as sshd does


@pytest.fixture(scope="module")
def jump() -> Iterator[PasswordJump]:
    loop = asyncio.new_event_loop()
    seen = PasswordJump("127.0.0.1", 0)
    ready = threading.Event()
    box: dict[str, asyncssh.SSHAcceptor] = {}

    async def start() -> None:
        box["server"] = await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")],
            server_factory=lambda: _Server(seen),
        )

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(30)
    seen.port = box["server"].sockets[0].getsockname()[1]
    try:
        yield seen
    finally:
        box["server"].close()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", bits=1024, minute_seconds=5.0))
    try:
        yield lab
    finally:
        lab.close()


def _params(lab: Lab, jump: PasswordJump, tmp_path: Path) -> DeviceParams:
    address = lab.addresses["r1"]
    return DeviceParams.coerce(
        {
            "host": address.host,
            "port": address.port,
            "username": "admin",
            "password": "admin",
            "secret": "admin",
            "timeout": 8,
            "known_hosts": str(tmp_path / "known_hosts"),
            "jump_host": f"jumper@{jump.host}:{jump.port}",
            "jump_password_env": "IOS_SSH_TEST_JUMP_PASSWORD",
        }
    )


def test_a_password_jump_host_carries_netmiko_and_the_engine(
    lab: Lab,
    jump: PasswordJump,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("IOS_SSH_TEST_JUMP_PASSWORD", JUMP_PASSWORD)
    params = _params(lab, jump, tmp_path)
    caplog.set_level(logging.DEBUG)
    conversation = open_session(params, "netmiko")
    try:
        assert conversation.send("show clock").ending.endswith("#")
    finally:
        conversation.close()

    async def engine() -> str:
        try:
            _, channel = await open_async(params)
            reply = await channel.exchange("show clock", 8)
            await channel.close()
            return reply
        finally:
            await route.close_bastions()

    assert asyncio.run(engine()).rstrip().endswith("r1#")
    address = lab.addresses["r1"]
    assert set(jump.channels) == {(address.host, address.port)}
    assert set(jump.passwords) == {JUMP_PASSWORD}  # the router's password never went there
    assert JUMP_PASSWORD not in caplog.text  # drivers' debug logs included


def test_a_wrong_jump_password_is_one_line_naming_the_jump_host(
    lab: Lab, jump: PasswordJump, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IOS_SSH_TEST_JUMP_PASSWORD", "not-the-Jump-Pass")
    params = _params(lab, jump, tmp_path)
    with pytest.raises(ConnectError) as caught:
        open_session(params, "netmiko")
    text = str(caught.value)
    address = lab.addresses["r1"]
    assert caught.value.kind == "auth" and "\n" not in text and len(text) < 200, text
    assert text.startswith(f"{address.host}:{address.port}: connect via jump host jumper@"), text
    assert "refused user 'jumper'" in text and "not-the-Jump-Pass" not in text, text
