"""Image awareness: family from `show version`, the capability table, and the plan and
checks that follow from them (B-6 to B-10), on router states of every family."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ios_ssh import SshIntent, make_plan
from ios_ssh.capabilities import (
    TABLE,
    configured_version,
    file_system,
    fit,
    keygen_seconds,
    supports,
)
from ios_ssh.checks import expected_host_key, state_checks
from ios_ssh.image import FAMILIES, Image, family_of, identify, parse_show_version
from ios_ssh.parse import parse

from .routers import VERSIONS, Router, converged, rsa_key, sha256

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted(VERSIONS.glob("*.raw"))
FAMILY_ROUTERS = ["ios12.2sx", "ios15", "xe16", "xe17"]


def _intent(text: str) -> SshIntent:
    return SshIntent.from_yaml(text + "\n")


HARDENING = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")


# -- identification ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", FIXTURES, ids=lambda p: p.stem)
def test_family_and_version_from_show_version(raw: Path) -> None:
    want = yaml.safe_load(raw.with_suffix(".yml").read_text())["image"]
    image = identify(raw.read_text())
    assert (image.family, image.version, image.boot_file_system) == (
        want["family"],
        want["version"],
        want["boot_file_system"],
    )


@pytest.mark.parametrize("raw", FIXTURES, ids=lambda p: p.stem)
def test_records_are_those_of_ntc_templates_parse_output(raw: Path) -> None:
    from ntc_templates.parse import parse_output

    text = raw.read_text()
    assert parse_show_version(text) == parse_output(
        platform="cisco_ios", command="show version", data=text
    )


def test_every_family_has_a_fixture() -> None:
    found = {
        yaml.safe_load(raw.with_suffix(".yml").read_text())["image"]["family"] for raw in FIXTURES
    }
    assert found == set(FAMILIES)


@pytest.mark.parametrize(
    ("version", "family"),
    [
        ("12.2(33)SXH8", "ios12.2sx"),
        ("12.2(33)SXJ10", "ios12.2sx"),
        ("12.2(55)SE8", "unknown"),
        ("12.4(24)T8", "unknown"),
        ("15.1(2)SY10", "ios15"),
        ("15.2(4)M7", "ios15"),
        ("16.12.5", "xe16"),
        ("17.15.1", "xe17"),
        ("03.06.05E", "unknown"),
        ("", "unknown"),
    ],
)
def test_family_of_release_strings(version: str, family: str) -> None:
    assert family_of(version) == family


def test_show_version_output_that_says_nothing_is_unknown() -> None:
    assert identify("% Invalid input detected at '^' marker.").family == "unknown"
    assert parse("sh ver", (VERSIONS / "sup720_12.2-18-SXF7.raw").read_text())[0]["version"] == (
        "12.2(18)SXF7"
    )


# -- the table -------------------------------------------------------------------------------


def test_every_row_covers_every_family_and_names_release_and_source() -> None:
    for row in TABLE:
        assert set(row.per_family) == set(FAMILIES), row.key
        assert row.introduced and row.source, row.key


@pytest.mark.parametrize(
    ("key", "version", "family", "has"),
    [
        ("revert_timer", "12.2(18)SXF7", "ios12.2sx", False),
        ("revert_timer", "12.2(33)SXH8", "ios12.2sx", False),
        ("revert_timer", "12.2(33)SXI4", "ios12.2sx", True),
        ("revert_timer", "12.2(33)SXJ10", "ios12.2sx", True),
        ("configure_replace", "12.2(33)SXH8", "ios12.2sx", True),
        ("configure_replace", "12.2(18)SXF7", "ios12.2sx", False),
        ("dh_min_size", "12.2(33)SXJ10", "ios12.2sx", False),
        ("dh_min_size", "15.0(1)S", "ios15", False),
        ("dh_min_size", "15.1(1)S", "ios15", False),
        ("dh_min_size", "15.1(2)S", "ios15", True),
        ("dh_min_size", "15.0(1)M7", "ios15", True),
        ("dh_min_size", "15.1(2)SY10", "ios15", True),
        ("pubkey_chain", "15.0(1)S", "ios15", False),
        ("pubkey_chain", "15.1(1)S", "ios15", True),
        ("pubkey_chain", "12.2(33)SXJ10", "ios12.2sx", False),
        ("stricthostkeycheck", "15.2(2)E7", "ios15", True),
        ("ssh_v1", "17.5.1a", "xe17", False),
        ("ssh_v1", "16.9.3", "xe16", True),
    ],
)
def test_supports_by_family_and_release(key: str, version: str, family: str, has: bool) -> None:
    assert supports(key, Image(family, version)) is has  # type: ignore[arg-type]


def test_keygen_time_grows_with_bits_and_is_slowest_on_a_sup720() -> None:
    sx, xe = Image("ios12.2sx", "12.2(33)SXJ10"), Image("xe17", "17.5.1a")
    assert keygen_seconds(sx, 2048) > keygen_seconds(xe, 2048)
    assert keygen_seconds(xe, 4096) == 8 * keygen_seconds(xe, 2048)


# -- B-7 / B-8: refused up front, or skipped ---------------------------------------------------


def test_b7_a_command_the_image_lacks_is_refused_naming_field_image_and_release() -> None:
    state = converged("ios12.2sx").state()
    plan = make_plan(state, _intent("ssh:\n  version: 2\n  dh_min_size: 2048"))
    assert plan.refusals == [
        (
            "ssh.dh_min_size: ip ssh dh min size is not supported by IOS 12.2(18)SXF7 "
            "(needs 12.4(20)T / 15.1(2)S); or set unsupported: skip to leave it out on such images"
        )
    ]


def test_b7_pubkey_chain_and_stricthostkeycheck_on_12_2sx() -> None:
    state = converged("ios12.2sx").state()
    intent = _intent(
        "ssh:\n  version: 2\n  stricthostkeycheck: true\n  pubkey_users:\n"
        "    - username: alice\n      key_hashes: [B1E29F17C950E2FEAB5BC3AC2A760208]"
    )
    refusals = make_plan(state, intent).refusals
    assert len(refusals) == 2
    assert "ip ssh pubkey-chain is not supported by IOS 12.2(18)SXF7 (needs 15.0(1)M" in refusals[0]
    assert "ip ssh stricthostkeycheck is not supported" in refusals[1]


def test_b7_skip_leaves_the_dh_line_out_every_run_and_says_so() -> None:
    router = converged("ios12.2sx")
    router.run_ip_ssh = [line for line in router.run_ip_ssh if "time-out" not in line]
    router.timeout = 120
    plan = make_plan(
        router.state(),
        _intent("unsupported: skip\nssh:\n  version: 2\n  timeout: 60\n  dh_min_size: 2048"),
    )
    assert not plan.refusals
    assert plan.diff() == "! ip ssh: SSH server settings\n+ ip ssh time-out 60\n"
    assert plan.notes == [
        (
            "ssh.dh_min_size: ip ssh dh min size is not supported by IOS 12.2(18)SXF7 "
            "(needs 12.4(20)T / 15.1(2)S)"
        )
    ]


def test_b7_a_dh_size_in_the_config_but_not_in_show_ip_ssh_is_not_resent() -> None:
    router = converged("ios15")
    router.dh_shown = None  # an image that prints no DH line but took the command
    assert make_plan(router.state(), _intent("ssh:\n  version: 2\n  dh_min_size: 2048")).empty


@pytest.mark.parametrize(
    ("family", "text", "expected"),
    [
        (
            "ios12.2sx",
            "rsa:\n  modulus: 4096\nssh:\n  version: 2",
            "rsa.modulus: modulus 4096 is not supported by IOS 12.2(18)SXF7 (needs 360-2048 bits)",
        ),
        (
            "xe17",
            "rsa:\n  modulus: 1024\nssh:\n  version: 2",
            "rsa.modulus: modulus 1024 is not supported by IOS XE 17.5.1a (needs 2048-4096 bits)",
        ),
        (
            "xe17",
            "ssh:\n  version: 2\n  dh_min_size: 1024",
            (
                "ssh.dh_min_size: ip ssh dh min size 1024 is not supported by IOS XE 17.5.1a "
                "(needs 2048 or 4096)"
            ),
        ),
        (
            "xe17",
            "ssh:\n  version: compat\n  allow_v1: true",
            (
                "ssh.version: ip ssh version 1 (and compatibility mode 1.99) is not supported by "
                "IOS XE 17.5.1a (needs an image before IOS XE 17, which removed it)"
            ),
        ),
    ],
)
def test_b8_values_out_of_the_images_range_are_refused_up_front(
    family: str, text: str, expected: str
) -> None:
    refusals = make_plan(converged(family).state(), _intent(text)).refusals
    assert refusals[0].startswith(expected)


def test_b8_the_same_values_are_fine_where_the_image_takes_them() -> None:
    plan = make_plan(converged("ios15").state(), _intent("ssh:\n  version: 2\n  dh_min_size: 1024"))
    assert not plan.refusals and plan.diff().endswith("+ ip ssh dh min size 1024\n")


def test_an_unidentified_image_is_assumed_to_take_everything() -> None:
    router = converged("ios15")
    router.show_version = (VERSIONS / "c1801_12.4-6-T2.raw").read_text()
    state = router.state()
    assert state.image.family == "unknown"
    assert fit(_intent("ssh:\n  version: 2\n  dh_min_size: 1024"), state.image).gaps == []


# -- B-9: defaults the image hides; a converged router of every family plans nothing ----------


@pytest.mark.parametrize("family", FAMILY_ROUTERS)
def test_b9_hardening_plans_nothing_on_a_converged_router_of_every_family(family: str) -> None:
    plan = make_plan(converged(family).state(), HARDENING)
    assert plan.empty and not plan.refusals, plan.diff() + "\n".join(plan.refusals)


def test_b9_xe17_reads_a_hidden_version_2_and_refuses_nothing_falsely() -> None:
    state = converged("xe17").state()
    assert state.ip_ssh["version"] is None  # not in show running-config
    assert configured_version(state) == 2
    plan = make_plan(state, _intent("ssh:\n  timeout: 30"))  # version unset
    assert (
        not plan.refusals and plan.diff() == "! ip ssh: SSH server settings\n+ ip ssh time-out 30\n"
    )


def test_b9_a_classic_image_without_the_line_is_still_compatibility_mode() -> None:
    router = converged("xe16")
    router.run_ip_ssh.remove("ip ssh version 2")
    router.version_shown = "1.99"
    state = router.state()
    assert configured_version(state) is None
    assert (
        make_plan(state, HARDENING).diff() == "! ip ssh: SSH server settings\n+ ip ssh version 2\n"
    )


@pytest.mark.parametrize("family", FAMILY_ROUTERS)
def test_checks_are_green_on_a_converged_router_of_every_family(family: str) -> None:
    failed = [c for c in state_checks(converged(family).state(), HARDENING) if not c.ok]
    assert failed == []


def test_checks_skip_what_the_image_lacks_only_with_skip() -> None:
    state = converged("ios12.2sx").state()
    refuse = _intent("ssh:\n  version: 2\n  dh_min_size: 2048")
    skip = _intent("unsupported: skip\nssh:\n  version: 2\n  dh_min_size: 2048")
    assert [c.name for c in state_checks(state, refuse) if not c.ok] == ["ssh dh min size"]
    assert "ssh dh min size" not in [c.name for c in state_checks(state, skip)]


# -- B-6 / B-10: the key SSH is meant to serve --------------------------------------------------


def test_b6_without_a_key_blob_the_wire_key_is_compared_with_show_crypto_key() -> None:
    state = converged("ios12.2sx").state()
    assert state.ssh_key_sha256 == ""
    fingerprint, source = expected_host_key(state, HARDENING)
    assert fingerprint == sha256(rsa_key("r1.lab.example.com")) != ""
    assert source == "show crypto key mypubkey rsa: r1.lab.example.com"


def test_b6_the_named_key_pair_is_the_one_expected() -> None:
    router = converged("ios12.2sx")
    router.keys = {"OLD": 2048, "SSHKEYS": 2048}
    router.run_ip_ssh.append("ip ssh rsa keypair-name SSHKEYS")
    fingerprint, _ = expected_host_key(router.state(), HARDENING)
    assert fingerprint == sha256(rsa_key("SSHKEYS"))


def test_b10_a_router_serving_a_weak_self_signed_key_fails_with_both_fingerprints() -> None:
    router = converged("xe17")
    router.keys = {"TP-self-signed-1234567890": 1024, "r1.lab.example.com": 2048}
    router.served = "TP-self-signed-1234567890"
    check = next(c for c in state_checks(router.state(), HARDENING) if c.name == "ssh key in use")
    assert not check.ok
    assert check.expected == f"r1.lab.example.com ({sha256(rsa_key('r1.lab.example.com'))})"
    assert check.found == (
        f"TP-self-signed-1234567890 ({sha256(rsa_key('TP-self-signed-1234567890', 1024))})"
    )
    # and the plan makes SSH serve the key that meets the intent, saying why
    plan = make_plan(router.state(), HARDENING)
    assert "+ ip ssh rsa keypair-name r1.lab.example.com" in plan.diff()
    assert "TP-self-signed-1234567890" in plan.diff()


def test_b10_a_served_self_signed_key_that_meets_the_intent_is_kept() -> None:
    router = converged("xe17")
    router.keys = {"TP-self-signed-1234567890": 2048, "r1.lab.example.com": 2048}
    router.served = "TP-self-signed-1234567890"
    checks = state_checks(router.state(), HARDENING)
    assert all(c.ok for c in checks if c.name.startswith(("ssh key in use", "rsa key"))), checks
    assert make_plan(router.state(), HARDENING).empty


def test_b10_the_intended_key_served_passes() -> None:
    router = converged("xe17")
    router.keys = {"TP-self-signed-1234567890": 2048, "r1.lab.example.com": 2048}
    router.served = "r1.lab.example.com"
    check = next(c for c in state_checks(router.state(), HARDENING) if c.name == "ssh key in use")
    assert check.ok


# -- B-4 / B-13: the router's own file system ----------------------------------------------------


@pytest.mark.parametrize(
    ("family", "fs"),
    [("ios12.2sx", "disk0:"), ("ios15", "flash:"), ("xe16", "bootflash:"), ("xe17", "bootflash:")],
)
def test_b4_the_default_archive_path_is_on_the_routers_file_system(family: str, fs: str) -> None:
    router = converged(family)
    router.archive = None
    plan = make_plan(router.state(), _intent("archive: {}"))
    assert f"+  path {fs}archive" in plan.diff()


def test_b13_file_system_falls_back_to_the_boot_device_then_the_family() -> None:
    router = converged("ios12.2sx")
    outputs = router.outputs()
    assert file_system(router.state()) == "disk0:"
    from ios_ssh.state import build_state

    outputs["dir"] = "% Invalid input detected at '^' marker."
    assert file_system(build_state(outputs)) == "disk0:"  # System image file is "disk0:..."
    outputs["show version"] = outputs["show version"].replace('"disk0:', '"')
    assert file_system(build_state(outputs)) == "disk0:"  # the family's first


def test_an_existing_archive_path_is_kept_when_the_intent_names_none() -> None:
    router = converged("xe17")
    router.archive = "flash:cfg/archive"
    assert make_plan(router.state(), _intent("archive: {}")).empty


def test_router_helper_shapes_parse_like_real_output() -> None:
    state = Router("xe17").state()
    assert state.image.family == "xe17" and state.default_dir == "bootflash:"
    assert state.summary().startswith("r1.lab.example.com (IOS XE 17.5.1a): SSH enabled 2.0")
