"""Image families at the CLI (no network): each profile of images.py, as IOS prints it.

Expected strings come from the real captures in shared/reference/samples/ (named next to
each check), not from images.py, so a wrong table entry fails here.
"""

from __future__ import annotations

import re
import time

import pytest

from ios_ssh.lab import baseline_device, factory_device
from ios_ssh.lab.device import Device
from ios_ssh.lab.images import FAMILIES, IMAGES
from ios_ssh.lab.session import Session

INVALID = "% Invalid input detected at '^' marker."


def _priv(image: str, **options: object) -> Session:
    return Session(baseline_device("r1", image=image, **options), "admin", 15)  # type: ignore[arg-type]


def _caret_word(session: Session, line: str) -> str:
    """The word the `^` of IOS's invalid-input error points at (prompt + line)."""
    out = session.feed(line)
    assert INVALID in out, out
    column = out.split("\n")[0].index("^")
    typed = session.prompt + line
    return re.match(r"\S+", typed[column:]).group()


def test_every_family_and_the_hybrid_are_in_the_table() -> None:
    assert set(FAMILIES) | {"hybrid"} == set(IMAGES)
    for image in IMAGES.values():
        assert image.modulus_range[0] <= image.modulus_prompt_default <= image.modulus_range[1]


@pytest.mark.parametrize(
    ("image", "first"),
    [
        ("ios12.2sx", "Cisco IOS Software, s72033_rp Software"),
        ("ios15", "Cisco IOS Software, C3750E Software"),
        ("xe16", "Cisco IOS XE Software, Version 16."),
        # IOL prints its IOSd line first (a public pyATS tutorial's 17.15.1 capture)
        ("xe17", "Cisco IOS Software [IOSXE], Linux Software (X86_64BI_LINUX-ADVENTERPRISEK9-M)"),
    ],
)
def test_show_version_tells_the_family(image: str, first: str) -> None:
    session = _priv(image)
    out = session.feed("show version")
    assert out.startswith(first) and "RELEASE SOFTWARE" in out
    version = {"ios12.2sx": "12.2", "ios15": "15.0", "xe16": "16.9", "xe17": "17.15"}[image]
    assert f"\nversion {version}\n" in session.feed("show running-config")


def test_show_ip_ssh_two_line_form_on_12_2sx() -> None:
    # samples labnotes-R1-ro (1.99 + timeout line) and secondary-kisa-guide-kr (no keys)
    assert _priv("ios12.2sx").feed("show ip ssh") == (
        "SSH Enabled - version 1.99\nAuthentication timeout: 120 secs; Authentication retries: 3"
    )
    bare = Session(factory_device(image="ios12.2sx"), "admin", 15)
    assert bare.feed("show ip ssh") == "%SSH has not been enabled"


def test_show_ip_ssh_classic_15_form() -> None:
    # sample muninn c3750x ios15: algorithm lines, no KEX line, DH 1024, label, blob
    out = _priv("ios15").feed("show ip ssh").split("\n")
    assert out[0] == "SSH Enabled - version 1.99"
    assert "Hostkey Algorithms:x509v3-ssh-rsa,ssh-rsa" in out
    assert "MAC Algorithms:hmac-sha1,hmac-sha1-96" in out
    assert not any(line.startswith("KEX Algorithms") for line in out)
    assert "Minimum expected Diffie Hellman key size : 1024 bits" in out
    label = out.index("IOS Keys in SECSH format(ssh-rsa, base64 encoded): r1.lab.example.com")
    blob = out[label + 1 :]
    assert blob[0].startswith("ssh-rsa AAAA") and all(len(line) <= 80 for line in blob)
    assert not any("Modulus Size" in ln or "ssh-ec" in ln for ln in out)


def test_show_ip_ssh_xe16_adds_the_kex_line() -> None:
    # sample oxidized2564 ASR920 16.12.5: KEX line after the MAC line, SHA-1 methods
    out = _priv("xe16").feed("show ip ssh").split("\n")
    kex = out.index("KEX Algorithms:diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1")
    assert out[kex - 1].startswith("MAC Algorithms:hmac-sha2-256,")


def test_show_ip_ssh_xe17_full_form_and_disabled_wording() -> None:
    # samples RT01 17.15.1 show_ip_ssh 1 and 2
    out = _priv("xe17").feed("show ip ssh").split("\n")
    assert out[0] == "SSH Enabled - version 2.0"
    assert "MAC Algorithms:hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com" in out
    assert "Modulus Size : 2048 bits" in out
    assert out[-1] == "IOS Keys in SECSH format(ssh-ec, base64 encoded): NONE"
    bare = Session(factory_device(image="xe17"), "admin", 15).feed("show ip ssh").split("\n")
    assert bare[:2] == [
        "SSH Disabled - version 2.0",
        (
            "%Please create EC or RSA keys to enable SSH (and of atleast 2048 bits for SSH v2 in "
            "case of RSA)."
        ),
    ]


@pytest.mark.parametrize(
    ("image", "line", "word"),
    [
        ("ios12.2sx", "ip ssh dh min size 2048", "dh"),
        # The caret stands where parsing failed: `p` still matched `port`.
        ("ios12.2sx", "ip ssh pubkey-chain", "ubkey-chain"),
        ("ios12.2sx", "ip ssh stricthostkeycheck", "stricthostkeycheck"),
        ("xe17", "ip ssh version 1", "1"),
        ("xe17", "ip ssh dh min size 1024", "1024"),
        ("xe17", "crypto key generate rsa modulus 1024", "1024"),
        ("ios12.2sx", "crypto key generate rsa modulus 4096", "4096"),
    ],
)
def test_config_commands_an_image_lacks(image: str, line: str, word: str) -> None:
    session = _priv(image)
    session.feed("configure terminal")
    assert _caret_word(session, line) == word


@pytest.mark.parametrize("image", ["ios15", "xe16", "xe17"])
def test_the_same_commands_exist_on_later_images(image: str) -> None:
    session = _priv(image)
    session.feed("configure terminal")
    for line in ("ip ssh dh min size 2048", "ip ssh stricthostkeycheck", "ip ssh version 2"):
        assert session.feed(line) == "", line


def test_revert_timer_absent_on_12_2sx_configure_replace_present() -> None:
    session = _priv("ios12.2sx")
    assert _caret_word(session, "configure terminal revert timer 5") == "revert"
    assert _caret_word(session, "configure confirm") == "confirm"
    assert "No such file" in session.feed("configure replace disk0:nothing")
    xe = _priv("xe17")
    xe.feed("configure terminal")
    xe.feed("archive")
    xe.feed("path unix:archive")  # IOL's only file system (a CML lab's notes)
    xe.feed("end")
    banner = xe.feed("configure terminal revert timer 5")
    assert banner.startswith("Rollback Confirmed Change: Backing up current running config")


def test_xe17_version_2_is_hidden_from_show_run_but_not_from_show_run_all() -> None:
    # samples RT01 17.15.1 show_running-config_include_ip_ssh 1 and _all_include_ip_ssh
    session = _priv("xe17")
    assert "ip ssh version" not in session.feed("show running-config")
    everything = session.feed("show running-config all")
    assert "ip ssh version 2" in everything and "ip ssh dh min size 2048" in everything
    session.feed("configure terminal")
    session.feed("ip ssh version 2")
    session.feed("end")
    assert "ip ssh version" not in session.feed("show running-config")
    assert session.device.version_text == "2.0"


@pytest.mark.parametrize("image", ["ios12.2sx", "ios15", "xe16"])
def test_classic_images_default_to_compat_and_accept_version_1(image: str) -> None:
    session = _priv(image)
    assert session.device.version_text == "1.99"
    assert "ip ssh version" not in session.feed("show running-config all")
    session.feed("configure terminal")
    assert session.feed("ip ssh version 1") == ""
    session.feed("end")
    assert "ip ssh version 1" in session.feed("show running-config")


@pytest.mark.parametrize(
    ("image", "low", "high", "default"),
    [("ios12.2sx", 360, 2048, 512), ("ios15", 360, 4096, 512), ("xe17", 2048, 4096, 2048)],
)
def test_keygen_dialogue_limits(image: str, low: int, high: int, default: int) -> None:
    # 12.x Catalysts "360 to 2048", 15.x "360 to 4096" (image-families.md S16); XE 17
    # "2048 to 4096" [2048] (sample labnotes-RTR-Training-SSH)
    session = _priv(image)
    session.feed("configure terminal")
    session.feed("crypto key generate rsa label K")
    assert f"in the range of {low} to {high} for your" in session.prompt
    assert session.prompt.endswith(f"How many bits in the modulus [{default}]: ")
    assert (
        session.feed(str(high + 1))
        == f"% You must specify a number in the range of {low} to {high}"
    )
    session.feed("crypto key generate rsa label K")
    out = session.feed("")  # the default size
    assert f"% Generating {default} bit RSA keys" in out
    assert session.device.keys["K"].modulus == default


def test_xe17_exec_keygen_runs_in_the_background() -> None:
    # sample labnotes-RTR-Training-SSH; S13 (VG420 guide, 17.14)
    session = _priv("xe17")
    session.feed("crypto key generate rsa label BG")
    assert session.prompt.endswith("How many bits in the modulus [2048]: ")
    assert session.feed("2048") == "% Generating crypto RSA keys in background ..."
    assert session.prompt == "r1#"
    for _ in range(200):
        if "BG" in session.device.keys:
            break
        time.sleep(0.05)
    assert session.device.keys["BG"].modulus == 2048
    # Where parsing failed: `c` still matched `clear`, `configure`, `copy`.
    assert _caret_word(_priv("ios15"), "crypto key generate rsa") == "rypto"


@pytest.mark.parametrize(
    ("image", "served"), [("ios15", "TP"), ("xe17", "TP"), ("ios12.2sx", "first")]
)
def test_which_key_ssh_serves_without_keypair_name(image: str, served: str) -> None:
    # samples muninn c3750x / isr1100 serve TP-self-signed-*; the guide: "the first RSA keys"
    session = _priv(image)
    session.feed("configure terminal")
    session.feed("crypto key generate rsa label TP-self-signed-4242 modulus 2048")
    label = session.device.ssh_key().label
    assert label == ("TP-self-signed-4242" if served == "TP" else "r1.lab.example.com")
    session.feed("ip ssh rsa keypair-name r1.lab.example.com")
    assert session.device.ssh_key().label == "r1.lab.example.com"


@pytest.mark.parametrize(
    ("image", "has", "lacks"),
    [
        ("ios12.2sx", "disk0:", "flash:"),
        ("ios15", "flash:", "bootflash:"),
        ("xe17", "unix:", "bootflash:"),
    ],
)
def test_file_systems(image: str, has: str, lacks: str) -> None:
    session = _priv(image)
    assert session.feed(f"dir {has}").startswith(f"Directory of {session.device.image.flash}/")
    assert session.feed(f"dir {lacks}") == f"%Error opening {lacks} (No such device)"
    session.feed("configure terminal")
    session.feed("archive")
    assert session.feed(f"path {lacks}arch") == f"%Error opening {lacks}arch (No such device)"
    assert session.feed(f"path {has}arch") == ""


def test_realistic_keygen_time_is_per_image_and_off_by_default() -> None:
    assert Device(image="xe17").keygen_time(2048) == 0.0
    sup720 = Device(image="ios12.2sx", keygen_seconds="realistic")
    assert (
        sup720.keygen_time(2048)
        >= 10
        > Device(image="xe17", keygen_seconds="realistic").keygen_time(2048)
    )
    assert Device(keygen_seconds=1.5).keygen_time(4096) == 1.5


def test_show_clock() -> None:
    assert re.fullmatch(
        r"\*\d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} \d{1,2} \d{4}", _priv("xe17").feed("show clock")
    )
