"""Saving, restarting, confirmed change, replace and reload, driven through netmiko."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest
from netmiko import ConnectHandler

import ios_ssh
from ios_ssh.demo import free_reverse_offset
from ios_ssh.lab import Lab
from ios_ssh.lab.device import Device
from ios_ssh.lab.fleet import baseline_device

pytestmark = pytest.mark.timeout(120)
MINUTE = 2.0  # seconds per IOS minute in these tests: short, but roomy for a busy CI

EVERY_COMMAND = [
    "ip domain name corp.example.net",
    "username netops privilege 15 secret 0 N3tops!",
    "username viewer password 0 view1",
    "aaa new-model",
    "aaa authentication login default local",
    "aaa authentication login CONSOLE group tacacs+ local",
    "aaa authorization exec default local",
    "ip ssh time-out 60",
    "ip ssh authentication-retries 2",
    "ip ssh version 2",
    "ip ssh dh min size 4096",
    "ip ssh rsa keypair-name SSHKEYS",
    "ip ssh stricthostkeycheck",
    "ip ssh port 2001 rotary 1 2",
    "ip ssh pubkey-chain",
    "username alice",
    "key-hash ssh-rsa B1E29F17C950E2FEAB5BC3AC2A760208",
    "exit",
    "server 192.0.2.10",
    "key-hash ssh-rsa 8FB4F858DD7E5AFB372780EC653DB371",
    "exit",
    "exit",
    "ip scp server enable",
    "archive",
    "path flash:archive",
    "maximum 3",
    "exit",
    "snmp-server host 192.0.2.50 version 2c public",
    "line con 0",
    "login authentication CONSOLE",
    "exec-timeout 5 0",
    "line 1",
    "no exec",
    "login authentication default",
    "rotary 1",
    "transport input ssh",
    "line 2",
    "no exec",
    "login authentication default",
    "rotary 2",
    "transport input ssh",
    "line vty 0 4",
    "access-class MGMT in",
    "exec-timeout 10 0",
    "transport input ssh telnet",
    "line vty 5 15",
    "login local",
    "transport input ssh",
]


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the router"
        time.sleep(0.1)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    lab = Lab()
    lab.add(
        baseline_device(
            "r1",
            image="hybrid",
            bits=1024,
            async_lines=2,
            state_dir=tmp_path / "r1",
            minute_seconds=MINUTE,
        )
    )
    try:
        yield lab
    finally:
        lab.close()


def _connect(lab: Lab, name: str = "r1", username: str = "admin", password: str = "admin"):
    address = lab.addresses[name]
    conn = ConnectHandler(
        device_type="cisco_ios",
        host=address.host,
        port=address.port,
        username=username,
        password=password,
        secret="admin",
    )
    conn.enable()
    return conn


def test_every_command_survives_write_memory_and_a_restart(lab: Lab, tmp_path: Path) -> None:
    conn = _connect(lab)
    try:
        conn.send_command("configure terminal", expect_string=r"\(config\)#")
        conn.send_command(
            "crypto key generate rsa label SSHKEYS modulus 1024", expect_string=r"\(config\)#"
        )
        conn.send_command("end", expect_string=r"#")
        conn.send_config_set(EVERY_COMMAND, error_pattern=r"% (Invalid|Incomplete|Ambiguous)")
        running = conn.send_command("show running-config")
        conn.save_config()
    finally:
        conn.disconnect()
    parsed = ios_ssh.parse("show running-config", running)[0]
    assert parsed["ip_ssh"]["ports"] == [{"port": 2001, "rotary": 1, "last_rotary": 2}]
    assert parsed["ip_ssh"]["pubkey_users"][0]["key_hashes"] == ["B1E29F17C950E2FEAB5BC3AC2A760208"]
    assert parsed["aaa"]["authentication_login"]["CONSOLE"] == ["group tacacs+", "local"]
    assert parsed["scp_server"] and parsed["archive"]["maximum"] == 3
    assert {(ln["kind"], ln["first"], ln["last"]) for ln in parsed["lines"]} >= {
        ("tty", 1, 1),
        ("tty", 2, 2),
        ("vty", 0, 4),
        ("vty", 5, 15),
        ("con", 0, 0),
    }
    original = lab.routers["r1"].device
    restarted = Device(async_lines=2, state_dir=tmp_path / "r1", image="hybrid")
    assert restarted.running_body() == original.running_body()
    assert restarted.ssh_key().ssh_blob_b64() == original.ssh_key().ssh_blob_b64()
    assert restarted.check_login("netops", "N3tops!")


def test_unconfirmed_revert_timer_restores_the_old_config(lab: Lab) -> None:
    conn = _connect(lab)
    try:
        conn.send_config_set(["archive", "path flash:archive"])
        before = lab.routers["r1"].device.running_body()
        out = conn.send_command("configure terminal revert timer 1", expect_string=r"\(config\)#")
        assert (
            "Rollback Confirmed Change: Backing up current running config to flash:archive-" in out
        )
        conn.send_command("ip ssh time-out 33", expect_string=r"\(config\)#")
        conn.send_command("end", expect_string=r"#")
        timer = conn.send_command("show archive config rollback timer")
        assert "Timer value: 1 min" in timer and "User: admin" in timer
        assert "ip ssh time-out 33" in conn.send_command("show running-config | include time-out")
    finally:
        conn.disconnect()  # the session is gone; only the timer can undo the change
    device = lab.routers["r1"].device
    _wait_for(lambda: device.revert is None and device.running_body() == before)
    conn = _connect(lab)
    try:
        assert "ip ssh time-out 33" not in conn.send_command("show running-config")
        assert lab.routers["r1"].device.running_body() == before
        assert "%No Rollback Confirmed Change pending" in conn.send_command(
            "show archive config rollback timer"
        )
    finally:
        conn.disconnect()


def test_confirm_keeps_and_revert_now_undoes(lab: Lab) -> None:
    conn = _connect(lab)
    try:
        assert "%Turn config archive on" in conn.send_command(
            "configure terminal revert timer 5", expect_string=r"#"
        )
        conn.send_config_set(["archive", "path flash:archive"])
        conn.send_command("configure terminal revert timer 1", expect_string=r"\(config\)#")
        conn.send_command("ip ssh time-out 44", expect_string=r"\(config\)#")
        conn.send_command("end", expect_string=r"#")
        assert conn.send_command("configure confirm", expect_string=r"#").strip() == ""
        time.sleep(MINUTE + 0.5)  # past the deadline the confirmed change had
        assert "ip ssh time-out 44" in conn.send_command("show running-config | include time-out")
        conn.send_command("configure terminal revert timer 1", expect_string=r"\(config\)#")
        conn.send_command("ip ssh time-out 55", expect_string=r"\(config\)#")
        conn.send_command("end", expect_string=r"#")
        assert "Rollback Done" in conn.send_command("configure revert now", expect_string=r"#")
        assert "ip ssh time-out 44" in conn.send_command("show running-config | include time-out")
        assert "%No Rollback Confirmed Change pending" in conn.send_command(
            "configure confirm", expect_string=r"#"
        )
    finally:
        conn.disconnect()


def test_configure_replace_from_flash(lab: Lab) -> None:
    device = lab.routers["r1"].device
    saved = device.running_body()
    (device.flash / "golden.cfg").write_text(saved)
    conn = _connect(lab)
    try:
        conn.send_config_set(["ip ssh time-out 22", "snmp-server host 192.0.2.9 public"])
        out = conn.send_command("configure replace flash:golden.cfg force", expect_string=r"#")
        assert "Rollback Done" in out
        assert device.running_body() == saved
        assert "golden.cfg" in conn.send_command("dir flash:")
        missing = conn.send_command("configure replace flash:nope.cfg force", expect_string=r"#")
        assert "%Error opening flash:nope.cfg" in missing
    finally:
        conn.disconnect()


def test_reload_in_drops_sessions_and_restores_startup(lab: Lab) -> None:
    conn = _connect(lab)
    try:
        conn.save_config()
        conn.send_config_set(["ip ssh time-out 77"])
        out = conn.send_command("reload in 1", expect_string=r"\[yes/no\]:")
        assert "Reload scheduled in 1 minutes by admin" in out
        conn.send_command("no", expect_string=r"\[confirm\]")
        conn.send_command("", expect_string=r"#")
    finally:
        device = lab.routers["r1"].device
        _wait_for(lambda: device.reload_at is None)
        conn.disconnect()
    assert "ip ssh time-out 77" not in device.running_body()
    assert not device.sessions
    conn = _connect(lab)
    try:
        assert "%No reload is scheduled." in conn.send_command("reload cancel", expect_string=r"#")
    finally:
        conn.disconnect()


def test_show_ssh_lists_the_live_sessions(lab: Lab) -> None:
    first, second = _connect(lab), _connect(lab)
    try:
        records = ios_ssh.parse("show ssh", first.send_command("show ssh"))
        assert len(records) == 4 and {r["username"] for r in records} == {"admin"}
        assert all(r["encryption"] and r["hmac"] for r in records)
        users = ios_ssh.parse("show users", second.send_command("show users"))
        vtys = [u for u in users if u["type"] == "vty"]
        assert len(vtys) == 2 and sum(1 for u in vtys if u["active"] == "*") == 1
        lines = ios_ssh.parse("show line", second.send_command("show line"))
        assert sum(1 for ln in lines if ln["type"] == "VTY" and ln["active"] == "*") == 2
    finally:
        first.disconnect()
        second.disconnect()


def test_saved_keys_and_config_are_private_from_the_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--state-dir` holds the routers' private keys and password hashes. They were written
    with the umask's mode (0644) and chmod-ed after: readable by anyone until then, and for
    good when the process died in between. Here no chmod ever runs (as if it died there)."""
    old_umask = os.umask(0o022)
    chmods: list[Path] = []
    monkeypatch.setattr(Path, "chmod", lambda self, mode: chmods.append(self))
    try:
        state = tmp_path / "r1"
        device = baseline_device("r1", image="hybrid", bits=1024, state_dir=state)
        for _ in range(2):  # a second save replaces the files the same way
            device.save()
            for name in ("private-config.json", "startup-config"):
                assert stat.S_IMODE((state / name).stat().st_mode) == 0o600, name
        assert stat.S_IMODE(state.stat().st_mode) == 0o700
        assert sorted(p.name for p in state.iterdir()) == [
            "private-config.json",
            "startup-config",
        ]  # no temporary file left
        assert "BEGIN PRIVATE KEY" in (state / "private-config.json").read_text()
        assert chmods == []
    finally:
        os.umask(old_umask)


def test_revert_now_restores_the_served_key_and_closes_reverse_ports() -> None:
    # A revert replaces the configuration without `no` forms: SSH must serve the key the
    # restored text implies (no ip ssh rsa keypair-name: the first key), and an
    # `ip ssh port` the change added must stop listening (it served NEWKEY, and listened,
    # after the revert before this was fixed).
    lab = Lab()
    offset = free_reverse_offset()
    lab.add(
        baseline_device("r1", image="xe16", async_lines=2, minute_seconds=MINUTE),
        reverse_offset=offset,
    )
    address = lab.addresses["r1"]

    def served() -> str:
        key = asyncio.run(asyncssh.get_server_host_key(address.host, address.port))
        assert key is not None
        return key.get_fingerprint("sha256")

    def listening(port: int) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex((address.host, port)) == 0

    try:
        original = served()
        conn = _connect(lab)
        try:
            conn.send_config_set(["archive", "path bootflash:archive"])
            conn.send_command("configure terminal revert timer 5", expect_string=r"\(config\)#")
            for line in (
                "crypto key generate rsa general-keys label NEWKEY modulus 2048",
                "ip ssh rsa keypair-name NEWKEY",
                "ip ssh port 2001 rotary 1",
            ):
                conn.send_command(line, expect_string=r"\(config\)#")
            conn.send_command("end", expect_string=r"#")
            changed = served()
            assert changed != original and listening(2001 + offset)
            assert "Rollback Done" in conn.send_command("configure revert now", expect_string=r"#")
            assert "keypair-name" not in conn.send_command("show running-config | include ip ssh")
        finally:
            conn.disconnect()
        # the lab resyncs on its loop once the replacement is done: wait for that event
        _wait_for(lambda: served() == original and not listening(2001 + offset))
    finally:
        lab.close()
