"""message.compose: `step: cause` in one line under 200 characters; our words give way
(asides, a path's middle, the step), never a fingerprint, the host or the device's line."""

from __future__ import annotations

from ios_ssh.message import LIMIT, compose, fits
from ios_ssh.session import host_key_messages

NAME = "core-router-01.datacenter-frankfurt-01.emea.example-corp.net"
HOST = f"{NAME}:65535"
FP = "SHA256:" + "A" * 43
PATH = "/home/network-automation/.ssh/known_hosts"


def test_a_short_message_is_left_as_it_is() -> None:
    assert compose("enable", "r1:22: the secret was refused") == (
        "enable: r1:22: the secret was refused"
    )


def test_asides_go_first() -> None:
    cause = f"{HOST}: connect: no answer within 30 s (the router is slow); " + "x" * 80
    text = compose("fresh login", cause)
    assert fits(text) and text.endswith("; " + "x" * 80), text


def test_filler_and_a_path_s_middle_go_never_the_fingerprint_or_host() -> None:
    for cause in (
        host_key_messages.changed(NAME, 65535, FP, PATH),
        host_key_messages.unknown(NAME, 65535, FP, PATH),
        host_key_messages.revoked(NAME, 65535, FP, PATH),
    ):
        text = compose("fresh login", cause)
        assert fits(text) and len(text) < LIMIT, (len(text), text)
        assert text.startswith(f"fresh login: {HOST}: host key: "), text
        assert FP in text and "known_hosts" in text, text


def test_the_device_s_line_is_kept_whole_and_the_command_cut() -> None:
    words = "    ^\n% Invalid input detected at '^' marker."
    command = "ip ssh server algorithm encryption " + " ".join(["aes256-gcm@openssh.com"] * 8)
    text = compose(f"device rejected {command!r}", words)
    assert fits(text), (len(text), text)
    assert text.endswith(": % Invalid input detected at '^' marker.")
    assert text.startswith("device rejected 'ip ssh server algorithm")


def test_multi_line_causes_become_one_line() -> None:
    assert (
        compose("configure confirm", "a\n  ^\n% No Rollback")
        == "configure confirm: a % No Rollback"
    )
