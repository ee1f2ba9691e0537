"""Real clients against one lab router of each image family (r1 ios12.2sx, r2 ios15,
r3 xe16, r4 xe17): what each offers on the wire, what today's clients refuse by default,
and that they connect once the legacy algorithms are enabled explicitly.

Expected lists are the captures' (image-families.md 1.1; samples named in images.py),
written out here rather than read from images.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import paramiko
import pytest
from netmiko import ConnectHandler
from scrapli.driver.core import IOSXEDriver
from scrapli.exceptions import ScrapliAuthenticationFailed

from ios_ssh.lab import Lab, running_lab

pytestmark = [
    pytest.mark.timeout(180),
    # asyncssh runs SHA-1 era finite-field DH for the legacy families, as they require
    pytest.mark.filterwarnings("ignore:Diffie-Hellman over finite fields"),
]

OFFERS = {
    "r1": {
        "KEX algorithms": "diffie-hellman-group1-sha1",
        "host key algorithms": "ssh-rsa",
        "ciphers ctos": "aes128-cbc,3des-cbc,aes192-cbc,aes256-cbc",
        "MACs ctos": "hmac-sha1,hmac-sha1-96,hmac-md5,hmac-md5-96",
    },
    "r2": {
        "KEX algorithms": "diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1,"
        "diffie-hellman-group1-sha1",
        "host key algorithms": "ssh-rsa",
        "ciphers ctos": "aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc,aes192-cbc,aes256-cbc",
        "MACs ctos": "hmac-sha1,hmac-sha1-96",
    },
    "r3": {
        "KEX algorithms": "diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1",
        "host key algorithms": "ssh-rsa",
        "ciphers ctos": "3des-cbc,aes128-cbc,aes128-ctr,aes192-cbc,aes192-ctr,aes256-cbc,aes256-ctr",
        "MACs ctos": "hmac-sha2-256,hmac-sha2-512,hmac-sha1,hmac-sha1-96",
    },
    "r4": {
        "KEX algorithms": "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
        "ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group14-sha256,"
        "diffie-hellman-group16-sha512",
        "host key algorithms": "rsa-sha2-512,rsa-sha2-256,ssh-rsa",
        "ciphers ctos": "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,"
        "aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr",
        "MACs ctos": "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com",
    },
}
# What OpenSSH needs added for each, as users do (image-families.md S7).
LEGACY_OPTIONS = {
    "r1": [
        "KexAlgorithms=+diffie-hellman-group1-sha1",
        "HostKeyAlgorithms=+ssh-rsa",
        "Ciphers=+aes128-cbc",
    ],
    "r2": ["KexAlgorithms=+diffie-hellman-group14-sha1", "HostKeyAlgorithms=+ssh-rsa"],
    "r3": ["KexAlgorithms=+diffie-hellman-group14-sha1", "HostKeyAlgorithms=+ssh-rsa"],
    "r4": [],
}
FAMILY = {"r1": "ios12.2sx", "r2": "ios15", "r3": "xe16", "r4": "xe17"}


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with running_lab(4, image="mixed") as lab:
        yield lab


def _ssh(
    lab: Lab,
    name: str,
    tmp_path: Path,
    *options: str,
    command: str = "show version",
    verbose: bool = False,
) -> subprocess.CompletedProcess[str]:
    askpass = tmp_path / "askpass.sh"
    askpass.write_text("#!/bin/sh\necho admin\n")
    askpass.chmod(0o700)
    env = {
        **os.environ,
        "SSH_ASKPASS": str(askpass),
        "SSH_ASKPASS_REQUIRE": "force",
        "DISPLAY": ":0",
    }
    args = ["ssh", "-F", "/dev/null", "-p", str(lab.addresses[name].port)]
    args += ["-vv"] if verbose else []
    for option in (
        "StrictHostKeyChecking=no",
        f"UserKnownHostsFile={tmp_path / 'known'}",
        "PubkeyAuthentication=no",
        *options,
    ):
        args += ["-o", option]
    return subprocess.run(
        [*args, "admin@127.0.0.1", command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


EXTENSIONS = ("ext-info-s", "kex-strict-s-v00@openssh.com")


def _server_offer(stderr: str) -> dict[str, str]:
    """The router's KEXINIT as OpenSSH saw it. Only r4 (XE 17) adds the protocol
    extensions asyncssh advertises; they are checked there and left out of the lists."""
    after = stderr.split("peer server KEXINIT proposal", 1)[1]
    offer = {}
    for label in ("KEX algorithms", "host key algorithms", "ciphers ctos", "MACs ctos"):
        offer[label] = re.search(rf"debug2: {label}: (\S*)", after).group(1)
    return offer


@pytest.mark.parametrize("name", ["r1", "r2", "r3", "r4"])
def test_openssh_sees_each_family_offer_and_refuses_sha1_by_default(
    lab: Lab, name: str, tmp_path: Path
) -> None:
    plain = _ssh(lab, name, tmp_path, verbose=True)
    offer = _server_offer(plain.stderr)
    kex = offer["KEX algorithms"].split(",")
    if name == "r4":
        assert kex[-2:] == list(EXTENSIONS)
        offer["KEX algorithms"] = ",".join(kex[:-2])
    else:  # 12.2SX, 15.x and XE 16 advertise neither extension (lab/legacy_wire.py)
        assert not set(EXTENSIONS) & set(kex)
    assert offer == OFFERS[name]
    assert "remote software version Cisco-1.25" in plain.stderr
    if name == "r4":
        assert plain.returncode == 0 and "Linux Software (X86_64BI" in plain.stdout
        assert "Version 17.15.1" in plain.stdout
        # OpenSSH's first choice, both ways, as with a real 17.x
        for way in ("server->client", "client->server"):
            assert f"kex: {way} cipher: chacha20-poly1305@openssh.com" in plain.stderr
        return
    # OpenSSH >= 8.8 offers no SHA-1 key exchange: the refusal, word for word
    kex = OFFERS[name]["KEX algorithms"]
    assert plain.returncode == 255
    assert f"no matching key exchange method found. Their offer: {kex}" in plain.stderr
    enabled = _ssh(lab, name, tmp_path, *LEGACY_OPTIONS[name])
    assert enabled.returncode == 0, enabled.stderr
    assert "RELEASE SOFTWARE" in enabled.stdout


def test_openssh_needs_ssh_rsa_too_on_15(lab: Lab, tmp_path: Path) -> None:
    only_kex = _ssh(lab, "r2", tmp_path, "KexAlgorithms=+diffie-hellman-group14-sha1")
    assert "no matching host key type found. Their offer: ssh-rsa" in only_kex.stderr


async def _asyncssh(
    lab: Lab, name: str, *lines: str, **options: object
) -> tuple[str, str, str, str]:
    """Banner, cipher and MAC in use, and the output of `lines` typed at a shell."""
    async with asyncssh.connect(
        "127.0.0.1",
        lab.addresses[name].port,
        username="admin",
        password="admin",
        known_hosts=None,
        **options,
    ) as conn:
        result = await conn.run(
            input="".join(f"{ln}\n" for ln in lines) + "exit\n", term_type="vt100", check=False
        )
        return (
            conn.get_extra_info("server_version"),
            conn.get_extra_info("send_cipher"),
            conn.get_extra_info("send_mac"),
            str(result.stdout).replace("\r", ""),
        )


LEGACY_ASYNCSSH = {
    "kex_algs": ["diffie-hellman-group1-sha1"],
    "encryption_algs": ["aes128-cbc"],
    "server_host_key_algs": ["ssh-rsa"],
}


def test_asyncssh_defaults_refuse_12_2sx_and_connect_with_legacy_algorithms(lab: Lab) -> None:
    # Both sides see the mismatch; when the router's hang-up wins the race (a loaded
    # machine), the client reports the lost connection instead: try again.
    refusal: BaseException | None = None
    for _ in range(3):
        with pytest.raises((asyncssh.KeyExchangeFailed, asyncssh.ConnectionLost)) as caught:
            asyncio.run(_asyncssh(lab, "r1"))
        refusal = caught.value
        if isinstance(refusal, asyncssh.KeyExchangeFailed):
            break
    assert isinstance(refusal, asyncssh.KeyExchangeFailed)
    assert "No matching key exchange" in str(refusal)
    banner, cipher, mac, out = asyncio.run(_asyncssh(lab, "r1", "show ip ssh", **LEGACY_ASYNCSSH))
    assert banner == "SSH-1.99-Cisco-1.25" and cipher == "aes128-cbc" and mac == "hmac-sha1"
    assert "SSH Enabled - version 1.99\nAuthentication timeout: 120 secs" in out


@pytest.mark.parametrize(
    ("name", "banner", "cipher", "mac"),
    [
        ("r2", "SSH-1.99-Cisco-1.25", "aes256-ctr", "hmac-sha1"),
        ("r3", "SSH-1.99-Cisco-1.25", "aes256-ctr", "hmac-sha2-256"),
        (
            "r4",
            "SSH-2.0-Cisco-1.25",
            "chacha20-poly1305@openssh.com",
            "chacha20-poly1305@openssh.com",
        ),
    ],
)
def test_asyncssh_defaults_connect_to_15_and_xe(
    lab: Lab, name: str, banner: str, cipher: str, mac: str
) -> None:
    # asyncssh 2.24 still offers group14-sha1 and ssh-rsa by default (image-families.md B-2);
    # the client's order of preference picks the cipher and MAC
    got = asyncio.run(_asyncssh(lab, name, "show ip ssh"))
    assert got[:3] == (banner, cipher, mac)
    assert f"SSH Enabled - version {'2.0' if name == 'r4' else '1.99'}" in got[3]


@pytest.mark.parametrize(
    ("name", "absent"),
    [
        (
            "r1",
            ["configure terminal revert timer 5", "ip ssh dh min size 2048", "ip ssh pubkey-chain"],
        ),
        ("r2", []),
        ("r3", []),
        ("r4", ["ip ssh version 1", "ip ssh dh min size 1024"]),
    ],
)
def test_commands_an_image_lacks_over_ssh(lab: Lab, name: str, absent: list[str]) -> None:
    options = LEGACY_ASYNCSSH if name == "r1" else {}
    lines = ["enable", "admin", "configure terminal", *absent, "end"]
    if name != "r1":  # the same commands, present: inside a confirmed change, undone
        fs = lab.routers[name].device.image.flash  # IOL (r4): unix:
        lines += ["configure terminal", "archive", f"path {fs}arch", "end"]
        lines += ["configure terminal revert timer 5", "ip ssh dh min size 2048"]
        lines += ["ip ssh pubkey-chain", "exit", "end", "configure revert now"]
    out = asyncio.run(_asyncssh(lab, name, *lines, **options))[3]
    assert out.count("% Invalid input detected at '^' marker.") == len(absent), out
    if name != "r1":
        assert "Rollback Confirmed Change: Backing up current running config" in out
        assert "Rollback Done" in out


def test_the_pinned_paramiko_4_reaches_every_family(lab: Lab) -> None:
    """paramiko 5 removed SHA-1 key exchange and `ssh-rsa` (image-families.md S3, S20), and
    `disabled_algorithms` can only remove; the project pins paramiko 4 (netmiko[par4], as
    netmiko's maintainer advises), which still offers them: every family is reached."""
    assert int(paramiko.__version__.split(".")[0]) == 4
    negotiated = {}
    for name in ("r1", "r2", "r3", "r4"):
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        client.connect(
            "127.0.0.1",
            lab.addresses[name].port,
            "admin",
            "admin",
            look_for_keys=False,
            allow_agent=False,
        )
        transport = client.get_transport()
        negotiated[name] = (transport.remote_cipher, transport.host_key_type)
        client.close()
    assert negotiated["r1"] == ("aes128-cbc", "ssh-rsa")  # 12.2SX: CBC and group1-sha1 only
    assert negotiated["r2"][1] == "ssh-rsa" and negotiated["r3"][1] == "ssh-rsa"
    assert negotiated["r4"][1] == "rsa-sha2-512"


def test_netmiko_on_xe17_version_banner_keygen_dialogue(lab: Lab) -> None:
    conn = ConnectHandler(
        device_type="cisco_ios",
        host="127.0.0.1",
        port=lab.addresses["r4"].port,
        username="admin",
        password="admin",
        secret="admin",
    )
    try:
        conn.enable()
        # IOL-XE: the IOSd line only, so netmiko's autodetect says cisco_ios
        assert conn.send_command("show version").startswith("Cisco IOS Software [IOSXE]")
        assert "ip ssh version" not in conn.send_command("show running-config")
        assert "ip ssh version 2" in conn.send_command("show running-config all")
        conn.send_command("configure terminal", expect_string=r"\(config\)#")
        prompt = conn.send_command(
            "crypto key generate rsa label NM", expect_string=r"modulus \[2048\]:"
        )
        assert "in the range of 2048 to 4096" in prompt
        out = conn.send_command("", expect_string=r"\(config\)#", read_timeout=60)
        assert "% Generating 2048 bit RSA keys" in out
        conn.send_command("end", expect_string=r"#")
    finally:
        conn.disconnect()


def test_netmiko_on_paramiko_4_logs_in_to_15(lab: Lab) -> None:
    # With paramiko 5 this failed with "Incompatible ssh peer (no acceptable kex algorithm)".
    conn = ConnectHandler(
        device_type="cisco_ios",
        host="127.0.0.1",
        port=lab.addresses["r2"].port,
        username="admin",
        password="admin",
        secret="admin",
        conn_timeout=10,
    )
    try:
        conn.enable()
        assert "Version 15.0(2)SE11" in conn.send_command("show version")
    finally:
        conn.disconnect()


def _scrapli(lab: Lab, name: str, **options: object) -> IOSXEDriver:
    return IOSXEDriver(
        host="127.0.0.1",
        port=lab.addresses[name].port,
        auth_username="admin",
        auth_password="admin",
        auth_secondary="admin",
        auth_strict_key=False,
        transport="system",
        timeout_ops=30,
        timeout_socket=15,
        **options,
    )


def test_scrapli_system_transport_refuses_15_until_told_otherwise(lab: Lab) -> None:
    # scrapli passes `-F /dev/null`: the user's ~/.ssh/config cannot help (image-families.md S6)
    refused = (
        "No matching key exchange found for host, their offer: diffie-hellman-group-exchange-sha1"
    )
    with pytest.raises(ScrapliAuthenticationFailed, match=refused):
        _scrapli(lab, "r2").open()
    open_cmd = [w for opt in LEGACY_OPTIONS["r2"] for w in ("-o", opt)]
    conn = _scrapli(lab, "r2", transport_options={"open_cmd": open_cmd})
    conn.open()
    try:
        assert conn.send_command("show version").result.startswith("Cisco IOS Software, C3750E")
        dh = conn.send_command("show ip ssh").result
        assert "Minimum expected Diffie Hellman key size : 1024 bits" in dh
        assert "KEX Algorithms" not in dh
    finally:
        conn.close()


def test_scrapli_system_transport_on_xe17(lab: Lab) -> None:
    conn = _scrapli(lab, "r4")
    conn.open()
    try:
        assert conn.send_command("show ip ssh").result.startswith("SSH Enabled - version 2.0")
        assert conn.send_configs(["ip ssh version 1"])[0].failed
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("name", "low", "high", "default"),
    [("r1", 360, 2048, 512), ("r2", 360, 4096, 512), ("r3", 360, 4096, 512)],
)
def test_keygen_dialogue_over_ssh(lab: Lab, name: str, low: int, high: int, default: int) -> None:
    # 12.x Catalysts "360 to 2048", 15.x "360 to 4096", both [512] (image-families.md S16)
    options = LEGACY_ASYNCSSH if name == "r1" else {}
    lines = ["enable", "admin", "configure terminal", "crypto key generate rsa label K"]
    lines += [str(high * 2), "crypto key generate rsa label K", "", "end"]
    out = asyncio.run(_asyncssh(lab, name, *lines, **options))[3]
    assert f"Choose the size of the key modulus in the range of {low} to {high} for your" in out
    assert f"How many bits in the modulus [{default}]: " in out
    assert f"% You must specify a number in the range of {low} to {high}" in out
    assert f"% Generating {default} bit RSA keys, keys will be non-exportable..." in out
    assert lab.routers[name].device.keys["K"].modulus == default
