"""SSH settings change what real clients experience on the wire."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import asyncssh
import paramiko
import pytest

import ios_ssh
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.session import Session

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", image="hybrid", bits=1024))
    try:
        yield lab
    finally:
        lab.close()


def _configure(lab: Lab, *lines: str) -> str:
    session = Session(lab.routers["r1"].device, "console", 15)
    session.feed("configure terminal")
    out = "\n".join(session.feed(line) for line in lines)
    session.feed("end")
    return out


def _login(lab: Lab, username: str = "admin", password: str = "admin", **options: object) -> str:
    address = lab.addresses["r1"]

    async def run() -> str:
        async with asyncssh.connect(
            address.host,
            address.port,
            username=username,
            password=password,
            known_hosts=None,
            **options,
        ) as conn:
            return str((await conn.run("show ip ssh", check=False)).stdout)

    return asyncio.run(run())


def _keyscan_sha256(lab: Lab) -> str:
    address = lab.addresses["r1"]
    out = subprocess.run(
        ["ssh-keyscan", "-t", "rsa", "-p", str(address.port), address.host],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout
    line = next(l for l in out.splitlines() if "ssh-rsa" in l)
    pub = "ssh-rsa " + line.split("ssh-rsa ", 1)[1]
    return ios_ssh.keys.info_from_openssh(pub).sha256


@pytest.mark.skipif(shutil.which("ssh-keyscan") is None, reason="OpenSSH ssh-keyscan not installed")
def test_host_key_is_the_router_key_and_follows_regeneration(lab: Lab) -> None:
    shown = ios_ssh.parse("show ip ssh", lab.routers["r1"].device.show_ip_ssh())[0]
    before = _keyscan_sha256(lab)
    assert before == shown["rsa_key_sha256"]
    _configure(lab, "crypto key generate rsa modulus 1024")
    time.sleep(0.3)  # the listener takes the new key on its event loop
    after = _keyscan_sha256(lab)
    keys = ios_ssh.parse("show crypto key mypubkey rsa", lab.routers["r1"].device.show_crypto_key())
    assert after != before and after == keys[0]["sha256"]


def test_no_key_refuses_new_sessions_keeps_old_ones_and_keys_enable_again(lab: Lab) -> None:
    device = lab.routers["r1"].device
    watcher = Session(device, "admin", 15)
    watcher.feed("terminal monitor")
    _configure(lab, "crypto key zeroize rsa", "yes")
    with pytest.raises((OSError, asyncssh.Error)):
        _login(lab)
    assert "SSH Disabled" in device.show_ip_ssh()
    out = _configure(lab, "crypto key generate rsa modulus 1024")
    assert "[OK]" in out
    assert any("%SSH-5-ENABLED: SSH 1.99 has been enabled" in n for n in watcher.notices)
    time.sleep(0.3)
    assert "SSH Enabled" in _login(lab)


def test_time_out_closes_a_client_that_does_not_authenticate(lab: Lab) -> None:
    _configure(lab, "ip ssh time-out 1")
    address = lab.addresses["r1"]
    with socket.create_connection((address.host, address.port), timeout=10) as sock:
        sock.settimeout(10)
        assert sock.recv(256).startswith(b"SSH-1.99-Cisco-1.25")  # compatibility mode
        started = time.monotonic()
        data = b"x"
        while data:
            data = sock.recv(4096)
        assert time.monotonic() - started < 5


def test_authentication_retries_close_the_connection(lab: Lab) -> None:
    _configure(lab, "ip ssh authentication-retries 1")
    address = lab.addresses["r1"]
    transport = paramiko.Transport((address.host, address.port))
    transport.start_client(timeout=10)
    for _ in range(2):  # the try and one retry
        with pytest.raises(paramiko.AuthenticationException):
            transport.auth_password("admin", "wrong")
    time.sleep(0.3)
    assert not transport.is_active()
    transport.close()


def test_dh_min_size_shapes_the_key_exchange(lab: Lab) -> None:
    only_group14 = {"kex_algs": ["diffie-hellman-group14-sha256"]}
    assert "SSH Enabled" in _login(lab, **only_group14)
    _configure(lab, "ip ssh dh min size 4096")
    time.sleep(0.3)
    with pytest.raises(asyncssh.Error):
        _login(lab, **only_group14)
    assert "SSH Enabled" in _login(lab, kex_algs=["diffie-hellman-group16-sha512"])


def test_vty_count_caps_concurrent_sessions(lab: Lab) -> None:
    address = lab.addresses["r1"]

    async def run() -> str:
        conns, procs = [], []
        try:
            for _ in range(5):
                conn = await asyncssh.connect(
                    address.host, address.port, username="admin", password="admin", known_hosts=None
                )
                conns.append(conn)
                procs.append(await conn.create_process(term_type="vt100"))
            await asyncio.sleep(0.3)
            extra = await asyncssh.connect(
                address.host, address.port, username="admin", password="admin", known_hosts=None
            )
            conns.append(extra)
            result = await extra.run(check=False, term_type="vt100", timeout=10)
            return str(result.stdout)
        finally:
            for conn in conns:
                conn.close()

    assert "% All lines are busy" in asyncio.run(run())


def test_privilege_decides_the_prompt_and_line_password_works_without_aaa(lab: Lab) -> None:
    address = lab.addresses["r1"]
    _configure(
        lab,
        "username netops privilege 15 secret 0 Pw15",
        "line vty 0 4",
        "password 0 LinePw",
        "login",
    )

    async def prompt(username: str, password: str) -> str:
        async with asyncssh.connect(
            address.host, address.port, username=username, password=password, known_hosts=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100")
            return await asyncio.wait_for(proc.stdout.readuntil(("#", ">")), 10)

    assert asyncio.run(prompt("anyone", "LinePw")).endswith("r1>")
    _configure(lab, "line vty 0 4", "login local")
    assert asyncio.run(prompt("netops", "Pw15")).endswith("r1#")
    assert asyncio.run(prompt("admin", "admin")).endswith("r1>")


def _banner(lab: Lab) -> bytes:
    address = lab.addresses["r1"]
    with socket.create_connection((address.host, address.port), timeout=10) as sock:
        sock.settimeout(10)
        return sock.recv(256).split(b"\r\n")[0]


def test_version_banner_follows_ip_ssh_version(lab: Lab) -> None:
    assert _banner(lab) == b"SSH-1.99-Cisco-1.25"  # compatibility mode, a 1024-bit key
    assert "SSH Enabled" in _login(lab)  # an SSH-2 client is fine with 1.99
    _configure(lab, "ip ssh version 2")
    assert _banner(lab) == b"SSH-2.0-Cisco-1.25"
    assert "SSH Enabled" in _login(lab)
    _configure(lab, "ip ssh version 1")
    assert _banner(lab) == b"SSH-1.5-Cisco-1.25"
    with pytest.raises((OSError, asyncssh.Error)):
        _login(lab)


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")
def test_openssh_refuses_a_version_1_only_router(lab: Lab) -> None:
    _configure(lab, "ip ssh version 1")
    address = lab.addresses["r1"]
    result = subprocess.run(
        [
            "ssh",
            "-p",
            str(address.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "BatchMode=yes",
            "-o",
            "UserKnownHostsFile=/dev/null",
            f"admin@{address.host}",
            "show version",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "major versions differ" in result.stderr or "Protocol" in result.stderr


def test_debug_ip_ssh_shows_session_events_on_a_monitor_session(lab: Lab) -> None:
    device = lab.routers["r1"].device
    watcher = Session(device, "admin", 15)
    assert watcher.feed("debug ip ssh") == "Incoming SSH debugging is on"
    watcher.feed("terminal monitor")
    _login(lab)
    time.sleep(0.3)
    events = "\n".join(watcher.notices)
    assert "Session request from 127.0.0.1" in events
    assert "authentication successful for admin" in events
    assert "Session disconnected" in events
    watcher.notices.clear()
    assert watcher.feed("undebug all") == "Incoming SSH debugging is off"
    _login(lab)
    time.sleep(0.3)
    assert not watcher.notices


@pytest.mark.skipif(shutil.which("scp") is None, reason="OpenSSH scp not installed")
def test_openssh_scp_to_flash_needs_the_prerequisites(lab: Lab, tmp_path) -> None:
    import os

    address = lab.addresses["r1"]
    askpass = tmp_path / "askpass.sh"
    askpass.write_text("#!/bin/sh\necho Scp-Pw1\n")
    askpass.chmod(0o700)
    env = {
        **os.environ,
        "SSH_ASKPASS": str(askpass),
        "SSH_ASKPASS_REQUIRE": "force",
        "DISPLAY": ":0",
    }
    upload = tmp_path / "config.txt"
    upload.write_text("hostname from-scp\n")

    def scp(*paths: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                "scp",
                "-O",
                "-P",
                str(address.port),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                *paths,
            ],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
            check=False,
        )

    _configure(lab, "username netops privilege 15 secret 0 Scp-Pw1")
    target = f"netops@{address.host}:flash:config.txt"
    assert scp(str(upload), target).returncode != 0  # no ip scp server enable, no AAA
    _configure(
        lab,
        "aaa new-model",
        "aaa authentication login default local",
        "aaa authorization exec default local",
        "ip scp server enable",
    )
    assert scp(str(upload), target).returncode == 0
    back = tmp_path / "back.txt"
    assert scp(target, str(back)).returncode == 0
    assert back.read_text() == "hostname from-scp\n"
    assert "config.txt" in lab.routers["r1"].device.dir_flash()
