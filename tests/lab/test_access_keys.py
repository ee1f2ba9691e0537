"""User key types in the lab's pubkey-chain follow its image table (images.py
pubkey_key_types), as the library's capability table says (issue 22): an XE 17 router
takes an Ed25519 key and logs its user in with it; a 15.x router refuses the key type in
`key-hash` and `key-string` and at login; and `no username` asks `[confirm]` on XE."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

import ios_ssh
from ios_ssh import keys, probes
from ios_ssh.lab import Lab, baseline_device
from ios_ssh.lab.session import Session
from ios_ssh.session.params import DeviceParams

from .devices import lab_device

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    lab = Lab()
    try:
        for image in ("xe17", "ios15"):
            lab.add(baseline_device(image, image=image, minute_seconds=5.0), image)
        yield lab
    finally:
        lab.close()


@pytest.fixture(scope="module")
def carol() -> tuple[str, str]:
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return private, public.decode() + " carol@laptop"


def _device(lab: Lab, name: str, tmp: Path) -> dict[str, object]:
    return lab_device(lab, name, known_hosts=str(tmp / "known_hosts"))


def test_xe17_takes_an_ed25519_user_key_and_logs_its_user_in(
    lab: Lab, carol: tuple[str, str], tmp_path: Path
) -> None:
    private, public = carol
    intent = {"archive": {}, "ssh": {"pubkey_users": [{"username": "carol", "keys": [public]}]}}
    report = ios_ssh.apply(_device(lab, "xe17", tmp_path), intent, private_keys={"carol": private})
    assert report.outcome == "converged", report.text()
    assert next(c for c in report.checks if c.name == "pubkey login carol").ok, report.text()
    digest = keys.info_from_openssh(public).md5_hex
    running = lab.routers["xe17"].device.running_text()
    assert f"key-hash ssh-ed25519 {digest}" in running


def test_ios15_refuses_the_key_type_in_the_chain_and_at_login(
    lab: Lab, carol: tuple[str, str], tmp_path: Path
) -> None:
    private, public = carol
    device = lab.routers["ios15"].device
    session = Session(device, "admin", 15)
    session.feed("configure terminal")
    session.feed("ip ssh pubkey-chain")
    session.feed("username carol")
    digest = keys.info_from_openssh(public).md5_hex
    assert "% Invalid input" in session.feed(f"key-hash ssh-ed25519 {digest}")
    session.feed("key-string")
    session.feed(public.split()[1])
    assert session.feed("exit").startswith("%SSH: Failed to decode")
    # the library refuses it first, naming the image and what it takes
    intent = {"ssh": {"pubkey_users": [{"username": "carol", "keys": [public]}]}}
    report = ios_ssh.apply(_device(lab, "ios15", tmp_path), intent, dry_run=True)
    assert report.outcome == "refused" and "(takes ssh-rsa)" in report.refusals[0], report.text()
    # and a key of that type never logs in there, whatever the chain holds
    device.config.pubkey_users["carol"] = [digest]
    params = DeviceParams.coerce(_device(lab, "ios15", tmp_path))
    check = probes.pubkey_proof_probe(params, "carol", private, frozenset({digest}))
    assert not check.ok and check.found == "refused by the router (permission denied)", check


def test_no_username_asks_confirm_on_xe_and_not_on_15x(lab: Lab) -> None:
    for name, asks in (("xe17", True), ("ios15", False)):
        device = lab.routers[name].device
        session = Session(device, "admin", 15)
        session.feed("configure terminal")
        session.feed("username gone privilege 1 secret 0 Gone-1")
        out = session.feed("no username gone")
        if asks:
            assert "gone" in device.config.users and not out
            assert session.feed("") == "" and "gone" not in device.config.users
        else:
            assert "gone" not in device.config.users
