"""netmiko's own file transfer (the guide's SCP chapter) against a lab router: it finds the
file system with `dir`, checks the file with `dir flash:/FILE`, copies it over SCP and
verifies it with `verify /md5`, reading each answer the way it reads a real router's."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler, FileTransfer, file_transfer
from scp import SCPException

from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.session import Session

pytestmark = pytest.mark.timeout(120)

SCP_USER, SCP_SECRET = "netops", "Scp-Secret1"
# IOS's prerequisites for SCP (guide, "Secure Copy"): AAA with exec authorization, a
# privilege-15 user, and the SCP server turned on.
PREREQUISITES = (
    "aaa new-model",
    "aaa authentication login default local",
    "aaa authorization exec default local",
    f"username {SCP_USER} privilege 15 secret 0 {SCP_SECRET}",
    "ip scp server enable",
)


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    device = baseline_device("r1", bits=1024)
    session = Session(device, "console", 15)
    session.feed("configure terminal")
    for line in PREREQUISITES:
        assert session.feed(line) == "", line
    session.feed("end")
    lab.add(device)
    try:
        yield lab
    finally:
        lab.close()


def _connect(lab: Lab):
    address = lab.addresses["r1"]
    return ConnectHandler(
        device_type="cisco_ios",
        host=address.host,
        port=address.port,
        username=SCP_USER,
        password=SCP_SECRET,
        secret="admin",
    )


def test_netmiko_file_transfer_puts_a_new_file_and_verifies_its_md5(
    lab: Lab, tmp_path: Path
) -> None:
    source = tmp_path / "golden.cfg"
    source.write_bytes(b"hostname golden\n" + bytes(range(256)) * 700)  # > one MD5 chunk
    conn = _connect(lab)
    try:
        result = file_transfer(
            conn, source_file=str(source), dest_file="golden.cfg", direction="put"
        )
        assert result == {"file_exists": True, "file_transferred": True, "file_verified": True}
        on_flash = lab.routers["r1"].device.flash / "golden.cfg"
        assert on_flash.read_bytes() == source.read_bytes()
        # A second run finds the file by `dir flash:/golden.cfg` and its MD5 equal: no copy.
        again = file_transfer(
            conn, source_file=str(source), dest_file="golden.cfg", direction="put"
        )
        assert again == {"file_exists": True, "file_transferred": False, "file_verified": True}
    finally:
        conn.disconnect()


def test_netmiko_reads_dir_and_verify_as_on_a_real_router(lab: Lab, tmp_path: Path) -> None:
    source = tmp_path / "new.txt"
    source.write_text("interface Loopback9\n")
    conn = _connect(lab)
    try:
        transfer = FileTransfer(conn, source_file=str(source), dest_file="new.txt")
        assert transfer.file_system == "flash:"  # from `Directory of flash:/`
        assert not transfer.check_file_exists()  # `%Error opening flash:/new.txt ...`
        assert transfer.verify_space_available()
        (lab.routers["r1"].device.flash / "new.txt").write_text("interface Loopback9\n")
        assert transfer.check_file_exists()
        assert transfer.remote_file_size() == source.stat().st_size
        expected = hashlib.md5(source.read_bytes(), usedforsecurity=False).hexdigest()
        assert transfer.remote_md5() == expected
    finally:
        conn.disconnect()


def test_dir_verify_more_and_show_flash_text() -> None:
    device = baseline_device("r1", bits=1024)
    (device.flash / "a.txt").write_text("line one\nline two\n")
    session = Session(device, "admin", 15)
    one = session.feed("dir flash:/a.txt")
    lines = one.split("\n")
    assert lines[0] == "Directory of flash:/a.txt" and lines[1] == ""
    assert lines[2].split()[1:3] == ["-rw-", "18"] and lines[2].endswith("  a.txt")
    assert lines[3] == "" and lines[4].endswith("bytes free)")
    assert session.feed("dir flash:/nope.txt") == (
        "%Error opening flash:/nope.txt (No such file or directory)"
    )
    digest = hashlib.md5(b"line one\nline two\n", usedforsecurity=False).hexdigest()
    assert session.feed("verify /md5 flash:a.txt").split("\n") == [
        ".MD5 of flash:a.txt Done!",
        f"verify /md5 (flash:a.txt) = {digest}",
    ]
    assert session.feed("more flash:a.txt") == "line one\nline two"
    assert (
        session.feed("more flash:b.txt") == "%Error opening flash:b.txt (No such file or directory)"
    )
    flash = session.feed("show flash:").split("\n")
    assert flash[0] == "-#- --length-- -----date/time------ path"
    assert flash[1].startswith("1           18 ") and flash[1].endswith(" a.txt")
    assert flash[-1] == f"{8388608000 - 18} bytes available (18 bytes used)"


def test_netmiko_file_transfer_fails_without_ip_scp_server_enable(lab: Lab, tmp_path: Path) -> None:
    device = lab.routers["r1"].device
    session = Session(device, "console", 15)
    session.feed("configure terminal")
    session.feed("no ip scp server enable")
    source = tmp_path / "refused.cfg"
    source.write_text("hostname refused\n")
    conn = _connect(lab)
    try:
        with pytest.raises(SCPException):
            file_transfer(conn, source_file=str(source), dest_file="refused.cfg")
        assert not (device.flash / "refused.cfg").exists()
    finally:
        conn.disconnect()
