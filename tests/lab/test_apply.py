"""Push and verify against lab routers: converge, idempotence, and every failure path
leaves the running-config exactly as it was."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import ios_ssh
from ios_ssh import IntentError, SshIntent
from ios_ssh.demo import free_reverse_offset
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device

from .devices import lab_device

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]
MINUTE = 5.0  # apply's 5-minute window is 25 s; the drop test waits one minute
SECRETS = {"IOS_NETOPS_SECRET": "N3tops-Secret!"}


@pytest.fixture(scope="module")
def alice_key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    return private, public + " alice@laptop"


def full_intent(alice_public: str) -> SshIntent:
    data = SshIntent.from_yaml(REPO / "inventory/intents/full.yaml").model_dump(exclude_unset=True)
    data["ssh"]["pubkey_users"] = [{"username": "alice", "keys": [alice_public]}]
    return SshIntent.from_dict(data)


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(
        baseline_device("r1", image="hybrid", bits=1024, async_lines=4, minute_seconds=MINUTE),
        reverse_offset=free_reverse_offset(),
    )
    try:
        yield lab
    finally:
        lab.close()


def _device(lab: Lab, **extra: object) -> dict[str, object]:
    return lab_device(lab, **{"reverse_port_offset": lab.routers["r1"].reverse_offset, **extra})


@pytest.mark.parametrize("driver", ["netmiko", "scrapli"])
def test_baseline_router_converges_and_second_run_changes_nothing(
    lab: Lab, driver: str, alice_key: tuple[str, str]
) -> None:
    private, public = alice_key
    intent = full_intent(public)
    report = ios_ssh.apply(
        _device(lab), intent, driver=driver, secrets=SECRETS, private_keys={"alice": private}
    )
    assert report.ok, report.text()
    assert (
        report.changed
        and "crypto key generate rsa general-keys label SSHKEYS modulus 2048" in report.diff
    )
    names = {c.name for c in report.checks}
    assert {
        "fresh ssh login",
        "host key",
        "ssh banner",
        "scp round trip",
        "pubkey login alice",
    } <= names
    assert "N3tops-Secret!" not in report.text() + report.diff + repr(report)
    device = lab.routers["r1"].device
    assert device.check_login("netops", "N3tops-Secret!")
    assert not any(p.name.startswith("ios-ssh-probe") for p in device.flash.iterdir())
    again = ios_ssh.apply(_device(lab), intent, driver=driver, secrets=SECRETS)
    assert again.ok and not again.changed, again.text()
    assert "nothing to change" in " ".join(again.notes)


def test_dry_run_shows_the_diff_and_sends_nothing(lab: Lab) -> None:
    intent = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
    before = lab.routers["r1"].device.running_body()
    report = ios_ssh.apply(_device(lab), intent, dry_run=True)
    assert report.ok and not report.changed
    assert "+ ip ssh version 2" in report.diff and "+ ip ssh time-out 60" in report.diff
    assert lab.routers["r1"].device.running_body() == before


def test_a_rejected_command_reverts_everything(lab: Lab) -> None:
    device = lab.routers["r1"].device
    intent = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
    device.load_config("archive\n path flash:archive\n", merge=True)
    before = device.running_body()
    device.faults["reject"] = r"^exec-timeout"
    report = ios_ssh.apply(_device(lab), intent)
    assert not report.ok and not report.changed
    assert any("exec-timeout 10 0" in e and "% Invalid input detected" in e for e in report.errors)
    assert "reverted: configure revert now" in report.notes
    assert device.running_body() == before


def test_a_dropped_session_is_undone_by_the_router_timer(lab: Lab) -> None:
    device = lab.routers["r1"].device
    intent = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
    device.load_config("archive\n path flash:archive\n", merge=True)
    before = device.running_body()
    device.faults["drop"] = r"^line vty"
    report = ios_ssh.apply(_device(lab, timeout=5), intent, revert_minutes=1)
    assert not report.ok and report.errors
    # The key is regenerated (1024 -> 2048 bits) inside the timer: B-5 lengthens the timer
    # by the image's keygen time (a minute on IOS XE), so 1 + 1 minutes.
    assert any("revert timer (2 min)" in n for n in report.notes), report.notes
    deadline = time.monotonic() + 30
    while device.running_body() != before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert device.running_body() == before
    # The ip ssh lines went in before the drop; the timer, not the library, undid them.
    assert any("ROLLBK_CNFMD_CHG_TIMER_EXPIRED" in line for line in device.logbuf)


@pytest.mark.parametrize(
    ("intent_data", "fragment"),
    [
        (
            {"ssh": {"version": 2}, "lines": [{"lines": "vty 0 4", "transport_input": ["telnet"]}]},
            "would refuse ssh",
        ),
        ({"ssh": {"version": 2}, "lines": [{"lines": "vty 0 4", "no_exec": True}]}, "no exec"),
        (
            {"ssh": {"version": 2}, "lines": [{"lines": "vty 0 4", "access_class_in": "MGMT"}]},
            "access-class MGMT names an ACL",
        ),
        (
            {
                "ssh": {"version": 2},
                "aaa": {"new_model": True, "authentication_login": {"default": ["group tacacs+"]}},
            },
            "no way to log in",
        ),
        ({"ssh": {"version": 2, "keypair_name": "NOPE"}}, "keypair-name NOPE names no key"),
        ({"ssh": {"timeout": 30}}, "leaves SSH version 1 enabled"),
    ],
)
def test_lock_out_risks_are_refused_before_anything_is_sent(
    lab: Lab, intent_data: dict, fragment: str
) -> None:
    before = lab.routers["r1"].device.running_body()
    report = ios_ssh.apply(_device(lab), SshIntent.from_dict(intent_data))
    assert not report.ok and not report.changed
    assert any(fragment in r for r in report.refusals), report.refusals
    assert lab.routers["r1"].device.running_body() == before


def test_no_archive_means_no_change_unless_allowed(lab: Lab) -> None:
    intent = SshIntent.from_dict({"ssh": {"version": 2, "timeout": 50}})
    report = ios_ssh.apply(_device(lab), intent)
    assert any("no configuration archive" in r for r in report.refusals)
    allowed = ios_ssh.apply(_device(lab), intent, allow_unprotected=True)
    assert allowed.ok and allowed.changed, allowed.text()
    assert "applied without a revert timer (allow_unprotected)" in allowed.notes


def test_missing_secret_is_an_error_before_any_connection() -> None:
    intent = SshIntent.from_yaml(REPO / "inventory/intents/full.yaml")
    device = {"host": "127.0.0.1", "port": 9, "username": "admin", "password": "pw"}
    with pytest.raises(
        IntentError, match=r"users\[0\]\.secret_env: environment variable IOS_NETOPS_SECRET"
    ):
        ios_ssh.apply(device, intent, secrets={})


def test_bad_device_params_name_the_field_and_hide_secrets() -> None:
    with pytest.raises(IntentError) as info:
        ios_ssh.apply(
            {"host": "127.0.0.1", "port": 70000, "username": "a", "password": "hunter2"},
            SshIntent.from_dict({}),
        )
    assert "device.port: 70000" in str(info.value) and "hunter2" not in str(info.value)
    params = ios_ssh.DeviceParams.coerce(
        {"host": "h", "username": "u", "password": "hunter2", "secret": "s3"}
    )
    assert "hunter2" not in repr(params) and "s3" not in repr(params)


def test_unreachable_device_is_a_failed_report() -> None:
    report = ios_ssh.verify(
        {"host": "127.0.0.1", "port": 9, "username": "a", "password": "b", "timeout": 3},
        SshIntent.from_dict({}),
    )
    assert not report.ok and report.errors


def test_verify_without_secrets_reports_rather_than_raises(
    lab: Lab, alice_key: tuple[str, str]
) -> None:
    report = ios_ssh.verify(_device(lab), full_intent(alice_key[1]), secrets={})
    assert not report.ok
    failed = {c.name for c in report.failed_checks}
    assert "hostname" not in failed and "ssh version" in failed and "scp server" in failed


def test_a_failed_pubkey_probe_never_shows_the_private_key(
    lab: Lab, alice_key: tuple[str, str]
) -> None:
    private = alice_key[0]
    from ios_ssh import probes
    from ios_ssh.session import DeviceParams

    params = DeviceParams.coerce(_device(lab))
    check = probes.pubkey_probe(params, "alice", private)  # alice is not in the chain yet
    assert not check.ok
    assert "PRIVATE KEY" not in str(check) and private.splitlines()[1] not in str(check)
    garbage = probes.pubkey_probe(
        params, "alice", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n"
    )
    assert not garbage.ok and "not a key" not in str(garbage)


def test_a_rejected_secret_line_is_reported_without_the_secret(
    lab: Lab, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    device = lab.routers["r1"].device
    device.load_config("archive\n path flash:archive\n", merge=True)
    device.faults["reject"] = r"^username netops"
    intent = SshIntent.from_dict(
        {
            "ssh": {"version": 2},
            "users": [{"name": "netops", "privilege": 15, "secret_env": "IOS_NETOPS_SECRET"}],
        }
    )
    with caplog.at_level(logging.DEBUG):
        report = ios_ssh.apply(_device(lab), intent, secrets=SECRETS)
    assert not report.ok and report.errors
    assert "username netops privilege 15 secret <from $IOS_NETOPS_SECRET>" in report.errors[0]
    everything = report.text() + repr(report.errors) + caplog.text
    assert "N3tops-Secret!" not in everything
