"""Real clients (netmiko, scrapli, OpenSSH) against lab routers on 127.0.0.1.

The library's parsers read what the lab prints: two independent models of IOS agreeing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler
from scrapli.driver.core import IOSXEDriver

import ios_ssh
from ios_ssh.lab import Lab, running_lab

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with running_lab(2, image="hybrid") as lab:
        yield lab


def _netmiko(lab: Lab, name: str = "r1"):
    address = lab.addresses[name]
    return ConnectHandler(
        device_type="cisco_ios",
        host=address.host,
        port=address.port,
        username="admin",
        password="admin",
        secret="admin",
    )


def test_netmiko_connect_enable_show_and_parse(lab: Lab) -> None:
    conn = _netmiko(lab)
    try:
        assert conn.find_prompt() == "r1>"
        conn.enable()
        assert conn.find_prompt() == "r1#"
        record = ios_ssh.parse("show ip ssh", conn.send_command("show ip ssh"))[0]
        device_key = lab.routers["r1"].device.ssh_key()
        assert record["status"] == "enabled" and record["rsa_key_name"] == device_key.label
        assert record["rsa_modulus"] == "2048"
    finally:
        conn.disconnect()


def test_netmiko_config_set_error_pattern_and_save(lab: Lab) -> None:
    conn = _netmiko(lab, "r2")
    try:
        conn.enable()
        conn.send_config_set(["ip ssh time-out 60", "ip ssh authentication-retries 2"])
        running = ios_ssh.parse("show running-config", conn.send_command("show running-config"))[0]
        assert running["ip_ssh"]["time_out"] == 60
        assert running["ip_ssh"]["authentication_retries"] == 2
        with pytest.raises(Exception, match="Invalid input"):
            conn.send_config_set(["ip ssh time-out 121"], error_pattern=r"% Invalid input")
        conn.exit_config_mode()  # netmiko stops inside config mode when the pattern hits
        assert "[OK]" in conn.save_config()
    finally:
        conn.disconnect()


def test_netmiko_keygen_dialogue_replaces_the_key(lab: Lab) -> None:
    conn = _netmiko(lab)
    try:
        conn.enable()
        before = lab.routers["r1"].device.ssh_key().ssh_blob_b64()
        conn.send_command("configure terminal", expect_string=r"\(config\)#")
        conn.send_command("crypto key generate rsa", expect_string=r"\[yes/no\]:")
        conn.send_command("yes", expect_string=r"modulus \[512\]:")
        out = conn.send_command("1024", expect_string=r"\(config\)#", read_timeout=60)
        conn.send_command("end", expect_string=r"#")
        assert "% Generating 1024 bit RSA keys" in out
        keys = ios_ssh.parse(
            "show crypto key mypubkey rsa", conn.send_command("show crypto key mypubkey rsa")
        )
        assert [k["modulus"] for k in keys] == ["1024"]
        assert lab.routers["r1"].device.ssh_key().ssh_blob_b64() != before
    finally:
        conn.disconnect()


@pytest.mark.parametrize("transport", ["system", "paramiko"])
def test_scrapli_iosxe_driver(lab: Lab, transport: str) -> None:
    address = lab.addresses["r2"]
    conn = IOSXEDriver(
        host=address.host,
        port=address.port,
        auth_username="admin",
        auth_password="admin",
        auth_secondary="admin",
        auth_strict_key=False,
        transport=transport,
        timeout_ops=30,
    )
    conn.open()
    try:
        assert conn.get_prompt() == "r2#"
        assert not conn.send_command("show ip ssh").failed
        responses = conn.send_configs(["ip ssh version 2", "ip ssh bogus 1"])
        assert [r.failed for r in responses] == [False, True]
        result = conn.send_interactive(
            [
                ("configure terminal", "r2(config)#"),
                ("crypto key generate rsa", "[yes/no]:"),
                ("yes", "[512]:"),
                ("1024", "r2(config)#"),
                ("end", "r2#"),
            ]
        )
        assert "[OK]" in result.result
        version = ios_ssh.parse("show ip ssh", conn.send_command("show ip ssh").result)[0]
        assert version["version"] == "2.0"
    finally:
        conn.close()


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")
def test_openssh_tty_session(lab: Lab, tmp_path: Path) -> None:
    address = lab.addresses["r1"]
    askpass = tmp_path / "askpass.sh"
    askpass.write_text("#!/bin/sh\necho admin\n")
    askpass.chmod(0o700)
    env = {
        **os.environ,
        "SSH_ASKPASS": str(askpass),
        "SSH_ASKPASS_REQUIRE": "force",
        "DISPLAY": ":0",
    }
    result = subprocess.run(
        [
            "ssh",
            "-tt",
            "-p",
            str(address.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            f"UserKnownHostsFile={tmp_path / 'known'}",
            "-o",
            "PreferredAuthentications=password,keyboard-interactive",
            "-o",
            "PubkeyAuthentication=no",
            f"admin@{address.host}",
        ],
        input="show ip ssh\rexit\r",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert "r1>show ip ssh" in result.stdout.replace("\r", "")
    assert "SSH Enabled - version" in result.stdout


def test_scrapli_async_driver_over_asyncssh(lab: Lab) -> None:
    import asyncio

    from scrapli.driver.core import AsyncIOSXEDriver

    address = lab.addresses["r1"]

    async def run() -> tuple[str, list[bool]]:
        conn = AsyncIOSXEDriver(
            host=address.host,
            port=address.port,
            auth_username="admin",
            auth_password="admin",
            auth_secondary="admin",
            auth_strict_key=False,
            transport="asyncssh",
            timeout_ops=30,
        )
        await conn.open()
        try:
            prompt = await conn.get_prompt()
            responses = await conn.send_configs(["ip ssh authentication-retries 4", "ip ssh nope"])
            show = await conn.send_command("show ip ssh")
            assert "Authentication retries: 4" in show.result
            return prompt, [r.failed for r in responses]
        finally:
            await conn.close()

    prompt, failed = asyncio.run(run())
    assert prompt == "r1#" and failed == [False, True]
