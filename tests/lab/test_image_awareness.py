"""Image awareness against today's lab (it identifies as IOS XE 17.15): the up-front refusal,
the archive on the router's own file system, the expired timer, the key SSH serves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.lab import Lab
from ios_ssh.lab.device import Device
from ios_ssh.lab.fleet import baseline_config, baseline_device

from .devices import lab_device as _device

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]
HARDENING = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    try:
        yield lab
    finally:
        lab.close()


def test_state_names_the_image_and_the_file_system(lab: Lab) -> None:
    lab.add(baseline_device("r1"))
    state = ios_ssh.read_state(_device(lab))
    assert (state.image.family, state.image.version, state.default_dir) == (
        "xe17",
        "17.15.1",
        "flash:",
    )


def test_a_value_the_image_refuses_is_refused_up_front_and_nothing_is_sent(lab: Lab) -> None:
    lab.add(baseline_device("r1"))
    device = lab.routers["r1"].device
    before = device.running_body()
    intent = SshIntent.from_yaml("ssh:\n  version: 2\n  dh_min_size: 1024\narchive: {}\n")
    report = ios_ssh.apply(_device(lab), intent)
    assert not report.ok and not report.changed
    assert report.refusals[0].startswith(
        "ssh.dh_min_size: ip ssh dh min size 1024 is not supported by IOS XE 17.15.1 "
        "(needs 2048 or 4096)"
    )
    assert device.running_body() == before


def test_hardening_archives_on_the_routers_file_system_and_converges(lab: Lab) -> None:
    lab.add(baseline_device("r1", bits=1024))
    report = ios_ssh.apply(_device(lab), HARDENING)
    assert report.ok and report.changed, report.text()
    assert "+  path flash:archive" in report.diff
    assert report.checks and all(check.ok for check in report.checks)
    again = ios_ssh.apply(_device(lab), HARDENING)
    assert again.ok and not again.changed, again.text()


def test_b5_a_timer_that_expires_during_key_generation_is_an_error_not_a_change(
    lab: Lab,
) -> None:
    device = baseline_device("r1", bits=1024, minute_seconds=0.5)
    device.load_config("archive\n path flash:archive\n", merge=True)
    device.keygen_seconds = 4.0  # longer than the whole timer: 1 + 1 lab minutes = 1 s
    lab.add(device)
    before = device.running_body()
    report = ios_ssh.apply(_device(lab), HARDENING, revert_minutes=1)
    assert not report.ok and not report.changed, report.text()
    assert report.outcome == "reverted" and "during key generation" in report.revert
    assert report.errors == [
        (
            "the revert timer expired during key generation: the router rolled back the change "
            "(the keys it generated stay); nothing more was sent"
        )
    ]
    assert device.running_body() == before  # and no line went in after the rollback


def test_b10_a_router_serving_a_weaker_key_fails_verify_then_apply_serves_the_right_one(
    lab: Lab,
) -> None:
    device = Device()
    config = baseline_config("r1").replace(
        "crypto key generate rsa modulus 2048",
        "crypto key generate rsa label TP-self-signed-4242 modulus 1024\n"
        "crypto key generate rsa modulus 2048",
    )
    assert not device.load_config(config)
    lab.add(device)
    assert device.ssh_key().label == "TP-self-signed-4242"  # the lab serves the first key
    intent = SshIntent.from_yaml("rsa:\n  modulus: 2048\nssh:\n  version: 2\n")
    device.load_config("ip ssh version 2\n", merge=True)
    report = ios_ssh.verify(_device(lab), intent)
    check = next(c for c in report.checks if c.name == "ssh key in use")
    assert not check.ok
    assert check.expected.startswith("r1.lab.example.com (SHA256:")
    assert check.found.startswith("TP-self-signed-4242 (SHA256:")
    assert check.expected.split()[1] != check.found.split()[1]
    # apply names the key that meets the intent (no new key: it exists), and says why
    applied = ios_ssh.apply(_device(lab), {**intent.model_dump(exclude_unset=True), "archive": {}})
    assert "+ ip ssh rsa keypair-name r1.lab.example.com" in applied.diff, applied.text()
    assert "crypto key" not in applied.diff
    assert applied.ok and device.ssh_key().label == "r1.lab.example.com", applied.text()
