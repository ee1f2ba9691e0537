"""The change and verify against a router that answers as real images do (B-4, B-5, B-12,
B-13):
a channel replays each exchange, the router's words taken from real-device captures, and
fails the test on any line the router would not have been sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ios_ssh import SshIntent, make_plan
from ios_ssh.engine.sync import run_sync
from ios_ssh.flow.change import change, confirm, generate_keys
from ios_ssh.report import Report
from ios_ssh.session import Conversation, DeviceParams

from .routers import VERSIONS, converged

REPO = Path(__file__).resolve().parents[2]

PARAMS = DeviceParams(host="127.0.0.1", username="admin", password="admin")
INVALID = "                    ^\n% Invalid input detected at '^' marker.\n"


class Replay:
    """A router that answers each expected line with its recorded words."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.params = PARAMS
        self.script = list(script)
        self.sent: list[str] = []

    def exchange(self, text: str, timeout: float) -> str:
        assert self.script, f"sent {text!r} after the script ended"
        expected, reply = self.script.pop(0)
        assert text == expected, f"sent {text!r}, the router expected {expected!r}"
        self.sent.append(text)
        return reply

    def close(self) -> None:
        pass


def _run_change(router, intent: SshIntent, script, **options) -> tuple[Report, Replay]:
    state = router.state()
    plan = make_plan(state, intent)
    assert plan.safe, plan.refusals
    channel = Replay(script)
    conv = Conversation(channel)
    conv.prompt = "r1#"
    report = Report("r1")
    change_steps = change(
        conv.dialog,
        PARAMS,
        "netmiko",
        intent,
        state,
        plan,
        report,
        {},
        False,
        options.get("revert_minutes", 5),
        options.get("allow_unprotected", False),
    )
    run_sync(change_steps)
    assert not channel.script, f"the change stopped early: {channel.script[0]}"
    return report, channel


def test_b4_an_image_without_revert_timer_is_refused_before_anything_is_sent() -> None:
    router = converged("ios12.2sx")  # 12.2(18)SXF7: no Rollback Confirmed Change before SXI
    router.archive = None
    intent = SshIntent.from_yaml("archive: {}\nssh:\n  version: 2\n  timeout: 30\n")
    report, channel = _run_change(router, intent, [])
    assert channel.sent == []
    assert report.refusals == [
        (
            "IOS 12.2(18)SXF7 has no revert timer (needs 12.2(33)SXI / 12.4(20)T), so nothing "
            "could undo a failed change: pass allow_unprotected=True to apply without one"
        )
    ]


def test_b4_archive_lines_are_removed_again_when_the_timer_is_refused() -> None:
    router = converged("ios15")
    router.archive = None
    intent = SshIntent.from_yaml("archive: {}\nssh:\n  version: 2\n  timeout: 30\n")
    report, _channel = _run_change(
        router,
        intent,
        [
            ("configure terminal", "Enter configuration commands, one per line.\nr1(config)#"),
            ("archive", "r1(config-archive)#"),
            (" path flash:archive", "r1(config-archive)#"),
            (" exit", "r1(config)#"),
            ("end", "r1#"),
            ("configure terminal revert timer 5", INVALID + "r1#"),
            ("configure terminal", "r1(config)#"),
            ("no archive", "r1(config)#"),
            ("end", "r1#"),
        ],
    )
    assert report.refusals[0].startswith("this image has no revert timer")
    assert "archive lines removed again: the revert timer was refused" in report.notes


NO_PENDING = "%No Rollback Confirmed Change pending\nr1#"
PENDING = (
    "Time configured(or reset): 10:16:19 UTC Tue Nov 24 2026\nTimer value: 5 min\n"
    "Timer type: absolute\nUser: admin\nr1#"
)


def _confirm_with(
    reply: str, monkeypatch: pytest.MonkeyPatch, timer: str = NO_PENDING, *after: tuple[str, str]
) -> tuple[bool, list[str]]:
    """`_confirm` over one recorded answer and the timer read in the same round trip; what
    it hands on when the timer had fired."""
    from ios_ssh.flow import change as flow_change

    handed: list[str] = []

    def after_expiry(conv, intent, plan, report, words: str):  # type: ignore[no-untyped-def]
        handed.append(words)
        return False
        yield  # a flow step: a generator that asks for nothing

    monkeypatch.setattr(flow_change, "after_expiry", after_expiry)
    script = [("configure confirm", reply), ("show archive config rollback timer", timer)]
    conv = Conversation(Replay(script + list(after)))
    intent = SshIntent.from_dict({})
    report = Report("r1")
    took = run_sync(
        confirm(conv.dialog, PARAMS, "netmiko", intent, None, report, 5, "12:00 UTC")  # type: ignore[arg-type]
    )
    return took, handed + report.errors + [f"{report.outcome}: {report.revert}"] * (not took)


def test_b5_an_expired_timer_at_confirm_is_read_back_not_taken_for_success(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    took, handed = _confirm_with("%No Rollback Confirmed Change pending\nr1#", monkeypatch)
    assert not took
    assert handed[0] == "configure confirm: %No Rollback Confirmed Change pending"


@pytest.mark.parametrize(
    "reply",
    [
        f"configure confirm\n          ^\n{INVALID}r1#",
        "%Only user ops can confirm the Rollback Confirmed Change\nr1#",
        "r1#",  # answered nothing, yet the timer still runs: not a confirmation either
    ],
)
def test_issue_20_a_confirm_that_left_the_timer_pending_is_undone_not_converged(
    reply: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    took, said = _confirm_with(
        reply, monkeypatch, PENDING, ("configure revert now", "Rollback Done\nr1#")
    )
    assert not took
    assert said[0].startswith("configure confirm: ") and said[-1] == (
        "reverted: configure revert now"
    ), said


def test_issue_20_a_confirm_not_taken_and_no_revert_now_is_reverting_with_the_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    took, said = _confirm_with(
        f"configure confirm\n          ^\n{INVALID}r1#",
        monkeypatch,
        PENDING,
        ("configure revert now", f"configure revert now\n          ^\n{INVALID}r1#"),
    )
    assert not took and said[-1] == (
        "reverting: the router's revert timer rolls back at about 12:00 UTC"
    ), said


def test_b5_a_confirm_that_took_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _confirm_with("r1#", monkeypatch) == (True, [])
    syslog = "%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_CONFIRM: User: admin: Confirm the change\nr1#"
    assert _confirm_with(syslog, monkeypatch) == (True, [])


def test_b5_the_timer_is_lengthened_by_the_images_keygen_time() -> None:
    router = converged("ios12.2sx")
    router.show_version = (
        (VERSIONS / "sup720_12.2-18-SXF7.raw").read_text().replace("12.2(18)SXF7", "12.2(33)SXJ10")
    )
    router.keys = {"r1.lab.example.com": 1024}
    intent = SshIntent.from_yaml("rsa:\n  modulus: 2048\nssh:\n  version: 2\n")
    keygen = "crypto key generate rsa general-keys modulus 2048"
    report, channel = _run_change(
        router,
        intent,
        [
            # 300 s for 2048 bits on a Sup720 (capabilities): 5 + 5 minutes
            (
                "configure terminal revert timer 10",
                (
                    "Rollback Confirmed Change: Backing up current running config to "
                    "disk0:archive-Nov-28-06-00-00-0\nEnter configuration commands, one per line.  "
                    "End with CNTL/Z.\nr1(config)#"
                ),
            ),
            # the change then fails (so no fresh login is tried here) and is reverted
            (keygen, "% Please define a domain-name first.\nr1(config)#"),
            ("end", "r1#"),
            ("configure revert now", "r1#"),
        ],
        revert_minutes=5,
    )
    assert channel.sent[0] == "configure terminal revert timer 10"
    assert "revert timer 10 min: 5 + 5 for key generation on IOS 12.2(33)SXJ10" in report.notes


def test_b12_the_replace_question_on_key_generation_is_answered_yes() -> None:
    keygen = "crypto key generate rsa general-keys modulus 2048"
    channel = Replay(
        [
            (
                keygen,
                (
                    "% You already have RSA keys defined named r1.lab.example.com.\n"
                    "% Do you really want to replace them? [yes/no]: "
                ),
            ),
            (
                "yes",
                (
                    "% The key modulus size is 2048 bits\n"
                    "% Generating 2048 bit RSA keys, keys will be non-exportable...\n"
                    "[OK] (elapsed time was 4 seconds)\nr1(config)#"
                ),
            ),
        ]
    )
    conv = Conversation(channel)
    conv.prompt = "r1(config)#"
    generate_keys_steps = generate_keys(
        conv.dialog,
        PARAMS,
        make_plan(
            converged("xe17").state(),
            SshIntent.from_yaml(
                "rsa:\n  modulus: 2048\n  regenerate: always\nssh:\n  version: 2\n"
            ),
        ).lines()[0],
    )
    run_sync(generate_keys_steps)
    assert channel.sent == [keygen, "yes"]


@pytest.mark.parametrize("family", ["ios15", "xe17"])
def test_b12_without_the_question_keys_are_generated_in_one_line(family: str) -> None:
    keygen = "crypto key generate rsa general-keys modulus 2048"
    channel = Replay(
        [
            (
                keygen,
                (
                    "% You already have RSA keys defined named r1.lab.example.com.\n"
                    "% They will be replaced.\n% The key modulus size is 2048 bits\n"
                    "[OK] (elapsed time was 11 seconds)\nr1(config)#"
                ),
            )
        ]
    )
    conv = Conversation(channel)
    conv.prompt = "r1(config)#"
    line = make_plan(
        converged(family).state(),
        SshIntent.from_yaml("rsa:\n  modulus: 2048\n  regenerate: always\nssh:\n  version: 2\n"),
    ).lines()[0]
    run_sync(generate_keys(conv.dialog, PARAMS, line))
    assert channel.sent == [keygen]


def test_b13_the_scp_probe_and_its_clean_up_use_the_routers_file_system() -> None:
    from ios_ssh.flow.verify import live_checks
    from ios_ssh.ports import free_port_block

    # Nothing listens on this port: the live probes fail at once; the clean-up still runs.
    params = DeviceParams(
        host="127.0.0.1", port=free_port_block(1), username="admin", password="admin"
    )
    intent = SshIntent.from_yaml(
        "ssh:\n  version: 2\nscp:\n  enabled: true\naaa:\n  new_model: true\n"
        "  authorization_exec: {default: [local]}\nusers:\n  - name: netops\n    privilege: 15\n"
    )
    channel = Replay(
        [
            ("delete disk0:ios-ssh-probe.txt", "Delete filename [ios-ssh-probe.txt]? "),
            ("", "Delete disk0:/ios-ssh-probe.txt? [confirm]"),
            ("", "r1#"),
        ]
    )
    checks = run_sync(
        live_checks(
            params, Conversation(channel).dialog, converged("ios12.2sx").state(), intent, None, {}
        )
    )
    scp = next(c for c in checks if c.name == "scp round trip")
    assert not scp.ok and scp.evidence.endswith(":disk0:ios-ssh-probe.txt and back")
    assert channel.sent[0] == "delete disk0:ios-ssh-probe.txt"


@pytest.mark.parametrize("family", ["ios12.2sx", "ios15", "xe16", "xe17"])
def test_hardening_verifies_green_on_every_family_and_names_what_was_skipped(family: str) -> None:
    from ios_ssh import verify
    from ios_ssh.state import STATE_COMMANDS

    outputs = converged(family).outputs()
    channel = Replay([(command, outputs[command] + "\nr1#") for command in STATE_COMMANDS])
    intent = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
    report = verify(PARAMS, intent, session=Conversation(channel), live=False)
    assert report.ok, report.text()
    skipped = [n for n in report.notes if "not supported by" in n]
    assert skipped == (
        [
            (
                "ssh.dh_min_size: ip ssh dh min size is not supported by IOS 12.2(18)SXF7 "
                "(needs 12.4(20)T / 15.1(2)S)"
            )
        ]
        if family == "ios12.2sx"
        else []
    )


def test_b4_a_dry_run_shows_the_same_refusal_for_an_image_without_revert_timer() -> None:
    from ios_ssh import apply
    from ios_ssh.state import STATE_COMMANDS

    outputs = converged("ios12.2sx").outputs()  # 12.2(18)SXF7
    channel = Replay([(command, outputs[command] + "\nr1#") for command in STATE_COMMANDS])
    intent = SshIntent.from_yaml("ssh:\n  version: 2\n  timeout: 30\n")
    report = apply(PARAMS, intent, dry_run=True, session=Conversation(channel))
    assert report.refusals == [
        (
            "IOS 12.2(18)SXF7 has no revert timer (needs 12.2(33)SXI / 12.4(20)T), so nothing "
            "could undo a failed change: pass allow_unprotected=True to apply without one"
        )
    ]
    assert channel.sent == list(STATE_COMMANDS)  # read only
