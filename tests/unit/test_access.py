"""Access lifecycle, the pure parts (issue 22): removals and their safety refusals, the
served key settled before keys are planned, user key types per image, rotations shaped by
the router as read, and what verify must prove on the wire."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from typer.testing import CliRunner

from ios_ssh import SshIntent, keys, make_plan
from ios_ssh.checks import state_checks
from ios_ssh.cli import app
from ios_ssh.cli.rotate import generate_secret, write_secret_file
from ios_ssh.plan import PlanContext
from ios_ssh.revocation import allowed_key_hashes, password_proofs
from ios_ssh.rotate import Rotate
from ios_ssh.session.params import DeviceParams

from .routers import VERSIONS, Router, converged

OPERATOR = PlanContext("ssh", "admin")


def _public(key: object) -> str:
    return (
        key.public_key()
        .public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        .decode()
    )


ED25519 = _public(ed25519.Ed25519PrivateKey.generate())
ECDSA = _public(ec.generate_private_key(ec.SECP256R1()))
RSA = _public(rsa.generate_private_key(public_exponent=65537, key_size=2048))
RSA_MD5 = keys.info_from_openssh(RSA).md5_hex
ED_MD5 = keys.info_from_openssh(ED25519).md5_hex


def _router(family: str = "xe17", *extra: str) -> Router:
    router = converged(family)
    router.run_ip_ssh = [
        "username admin privilege 1 secret 9 $9$x$y",
        "username bob privilege 15 secret 9 $9$x$y",
        *extra,
        *router.run_ip_ssh,
    ]
    return router


def _intent(data: dict) -> SshIntent:
    return SshIntent.from_dict(data)


CHAIN = [
    "ip ssh pubkey-chain",
    "  username alice",
    f"   key-hash ssh-rsa {RSA_MD5}",
    "  username carol",
    f"   key-hash ssh-ed25519 {ED_MD5}",
    "  server 192.0.2.10",
    "   key-hash ssh-rsa 8FB4F858DD7E5AFB372780EC653DB371",
]


# -- removals --------------------------------------------------------------------------------


def test_an_exclusive_user_list_removes_the_others_last_and_with_the_question_answered() -> None:
    intent = _intent({"exclusive": ["users"], "users": [{"name": "admin", "secret_env": "A"}]})
    plan = make_plan(_router().state(), intent, OPERATOR, {"A": "x"})
    assert plan.safe, plan.refusals
    last = plan.steps[-1]
    assert last.section == "removals" and "local users bob" in last.why
    assert [(line.command, line.kind) for line in last.lines] == [("no username bob", "confirm")]
    assert "enable" not in plan.diff()  # never the enable secret


def test_absent_entries_and_owned_chain_lists_are_removed_in_the_pubkey_chain() -> None:
    intent = _intent(
        {
            "exclusive": ["ssh.pubkey_servers"],
            "ssh": {"pubkey_users": [{"username": "carol", "state": "absent"}]},
        }
    )
    plan = make_plan(_router("xe17", *CHAIN).state(), intent, OPERATOR)
    assert plan.safe, plan.refusals
    assert plan.diff().endswith(
        "+ ip ssh pubkey-chain\n+  no username carol\n+  no server 192.0.2.10\n+ exit\n"
    )
    assert "alice" not in plan.diff()  # neither absent nor in an owned list: left alone


def test_a_listed_users_unlisted_key_goes_with_its_own_type() -> None:
    intent = _intent({"ssh": {"pubkey_users": [{"username": "carol", "keys": [RSA]}]}})
    plan = make_plan(_router("xe17", *CHAIN).state(), intent, OPERATOR)
    assert f"+   no key-hash ssh-ed25519 {ED_MD5}" in plan.diff()


def test_absent_and_exclusive_entries_are_checked_as_gone() -> None:
    state = _router("xe17", *CHAIN).state()
    intent = _intent(
        {
            "exclusive": ["ssh.pubkey_users"],
            "users": [{"name": "bob", "state": "absent"}],
            "ssh": {"pubkey_servers": [{"server": "192.0.2.10", "state": "absent"}]},
        }
    )
    checks = {c.name: c for c in state_checks(state, intent)}
    assert not checks["user bob absent"].ok and checks["user bob absent"].found == "present"
    assert not checks["pubkey server 192.0.2.10 absent"].ok
    assert checks["pubkey users (exclusive)"].found == "['alice', 'carol']"


def test_removing_the_sessions_own_user_is_refused_naming_it() -> None:
    intent = _intent({"exclusive": ["users"], "users": [{"name": "bob", "privilege": 15}]})
    plan = make_plan(_router().state(), intent, OPERATOR, {"user:bob": "x"})
    assert any("removing 'admin' removes this session's own login" in r for r in plan.refusals)


def test_the_own_user_may_go_when_the_session_logs_in_with_a_key_the_chain_keeps() -> None:
    intent = _intent(
        {
            "users": [{"name": "admin", "state": "absent"}],
            "ssh": {"pubkey_users": [{"username": "admin", "keys": [RSA]}]},
        }
    )
    by_key = PlanContext("ssh", "admin", password_login=True, login_keys=(RSA_MD5,))
    assert make_plan(_router().state(), intent, by_key).safe
    # ... but not when reverse SSH logs in with that password afterwards
    ports = _router("xe17", "ip ssh port 2001 rotary 1").state()
    plan = make_plan(ports, intent, by_key)
    assert any("reverse SSH" in r for r in plan.refusals), plan.refusals


def test_removing_the_sessions_own_key_is_refused_without_a_password_login() -> None:
    chain = ["ip ssh pubkey-chain", "  username admin", f"   key-hash ssh-rsa {RSA_MD5}"]
    intent = _intent({"exclusive": ["ssh.pubkey_users"]})
    by_key = PlanContext("ssh", "admin", password_login=False, login_keys=(RSA_MD5,))
    plan = make_plan(_router("xe17", *chain).state(), intent, by_key)
    assert any(f"removing key {RSA_MD5} of 'admin'" in r for r in plan.refusals), plan.refusals


def test_the_last_privilege_15_user_is_kept_where_local_is_the_fallback() -> None:
    aaa = ["aaa new-model", "aaa authentication login default group tacacs+ local"]
    intent = _intent({"users": [{"name": "bob", "state": "absent"}]})
    plan = make_plan(_router("xe17", *aaa).state(), intent, OPERATOR)
    assert any(
        "leaves no privilege-15 local user, and local is the login fallback" in r
        for r in plan.refusals
    ), plan.refusals
    # local first (not a fallback), no SCP: nothing protects bob
    plain = make_plan(_router("xe17", "aaa new-model").state(), intent, OPERATOR)
    assert plain.safe, plain.refusals


def test_scp_keeps_a_privilege_15_user() -> None:
    intent = _intent({"users": [{"name": "bob", "state": "absent"}]})
    plan = make_plan(_router("xe17", "ip scp server enable").state(), intent, OPERATOR)
    assert any("which SCP needs" in r for r in plan.refusals), plan.refusals


def test_an_absent_entry_takes_no_keys_and_absent_users_need_no_secret() -> None:
    from ios_ssh import IntentError
    from ios_ssh.secrets import resolve_secrets

    with pytest.raises(IntentError) as caught:
        _intent({"ssh": {"pubkey_users": [{"username": "a", "state": "absent", "keys": [RSA]}]}})
    assert "is absent: it takes no keys" in caught.value.problems[0]
    intent = _intent({"users": [{"name": "bob", "state": "absent", "secret_env": "BOB_OLD"}]})
    assert resolve_secrets(intent, {}) == {}  # optional: only to prove it refused


# -- the served key --------------------------------------------------------------------------


RENAME = {"hostname": "edge7", "domain_name": "corp.example", "rsa": {"modulus": 2048}}


@pytest.mark.parametrize("family", ["ios12.2sx", "ios15", "xe16", "xe17"])
def test_a_rename_keeps_a_served_key_that_meets_the_intent(family: str) -> None:
    plan = make_plan(converged(family).state(), _intent(RENAME))
    assert "crypto key" not in plan.diff() and "keypair-name" not in plan.diff()
    assert any("r1.lab.example.com (2048 bits), which meets the intent" in n for n in plan.notes)


@pytest.mark.parametrize("family", ["ios12.2sx", "ios15", "xe16", "xe17"])
def test_a_new_key_is_made_the_served_one_and_the_diff_says_so(family: str) -> None:
    router = converged(family)
    router.keys = {"r1.lab.example.com": 1024}
    plan = make_plan(router.state(), _intent(RENAME))
    diff = plan.diff()
    assert "+ crypto key generate rsa general-keys modulus 2048" in diff
    assert "+ ip ssh rsa keypair-name edge7.corp.example" in diff
    assert "IOS keeps serving the first keys generated" in diff


def test_the_only_key_needs_no_keypair_name() -> None:
    router = converged("xe17")
    router.keys = {}
    plan = make_plan(router.state(), _intent({"rsa": {"modulus": 2048}}))
    assert "+ crypto key generate rsa" in plan.diff() and "keypair-name" not in plan.diff()


def test_an_existing_key_is_named_when_ssh_serves_another() -> None:
    router = converged("xe17")
    router.keys = {"OLD": 2048, "r1.lab.example.com": 2048}
    router.run_ip_ssh.append("ip ssh rsa keypair-name OLD")
    plan = make_plan(router.state(), _intent({"rsa": {"label": "r1.lab.example.com"}}))
    assert "+ ip ssh rsa keypair-name r1.lab.example.com" in plan.diff()
    assert "crypto key" not in plan.diff()


def test_when_the_served_key_cannot_be_told_the_intended_one_is_named() -> None:
    router = converged("ios12.2sx")  # two-line show ip ssh: no blob
    router.keys = {"TP-self-signed-1": 1024, "r1.lab.example.com": 2048}
    plan = make_plan(router.state(), _intent({"rsa": {"modulus": 2048}}))
    assert "+ ip ssh rsa keypair-name r1.lab.example.com" in plan.diff()
    assert "the first key generated" in plan.diff()


# -- public-key types per image ----------------------------------------------------------------


def _with_version(family: str, version: str) -> Router:
    router = converged(family)
    raw = (VERSIONS / "asr1001x_17.5.1a.raw").read_text()
    router.show_version = raw.replace("17.5.1a", version).replace("17.05.01a", version)
    return router


def test_key_types_an_image_does_not_take_are_refused_naming_it_and_what_it_takes() -> None:
    intent = _intent({"ssh": {"pubkey_users": [{"username": "a", "keys": [RSA, ED25519]}]}})
    plan = make_plan(converged("ios15").state(), intent)
    assert plan.refusals[0].startswith(
        "ssh.pubkey_users[0].keys[1]: a ssh-ed25519 key is not supported by IOS 15.0(1)M7 "
        "(takes ssh-rsa)"
    ), plan.refusals


def test_xe_17_takes_ecdsa_and_from_17_8_ed25519() -> None:
    intent = _intent({"ssh": {"pubkey_users": [{"username": "a", "keys": [ECDSA, ED25519]}]}})
    recent = make_plan(_with_version("xe17", "17.15.1").state(), intent)
    assert recent.safe, recent.refusals
    assert recent.diff().count("+   key-string") == 2
    early = make_plan(_with_version("xe17", "17.5.1a").state(), intent)
    assert len(early.refusals) == 1 and "ssh-ed25519" in early.refusals[0], early.refusals


def test_unsupported_skip_leaves_such_a_key_out() -> None:
    intent = _intent(
        {
            "unsupported": "skip",
            "ssh": {"pubkey_users": [{"username": "a", "keys": [RSA, ED25519]}]},
        }
    )
    plan = make_plan(converged("xe16").state(), intent)
    assert plan.safe and plan.diff().count("+   key-string") == 1
    assert any("ssh-ed25519 key is not supported" in n for n in plan.notes)


# -- rotations -------------------------------------------------------------------------------


def test_a_password_rotation_keeps_the_privilege_and_refuses_an_unknown_user() -> None:
    state = _router().state()
    spec = Rotate("password", "bob", "NEW")
    intent, refused = spec.shape(state, spec.intent())
    assert not refused and intent.users[0].privilege == 15
    plan = make_plan(state, intent, OPERATOR, {"NEW": "New-Secret-1"})
    assert plan.diff().splitlines()[1:] == ["+ username bob privilege 15 secret <from $NEW>"]
    other = Rotate("password", "zed", "NEW")
    assert "has no local user 'zed'" in other.shape(state, other.intent())[1][0]


def test_a_host_key_rotation_regenerates_the_served_key_under_its_own_label() -> None:
    router = converged("xe17")
    router.keys = {"r1.lab.example.com": 3072}
    state = router.state()
    spec = Rotate("host-key")
    intent, refused = spec.shape(state, spec.intent())
    assert not refused
    plan = make_plan(state, intent, OPERATOR)
    assert plan.lines()[0].command == (
        "crypto key generate rsa general-keys label r1.lab.example.com modulus 3072"
    )
    assert plan.safe and "keypair-name" not in plan.diff()  # the only key: still served


def test_the_operators_own_old_password_is_the_one_proved_refused() -> None:
    params = DeviceParams(host="r1", username="admin", password="Old-1")
    assert Rotate("password", "admin").old_secrets(params) == {"old:admin": "Old-1"}
    assert Rotate("password", "bob").old_secrets(params) == {}


# -- what verify proves ----------------------------------------------------------------------


def test_proofs_of_removed_and_rotated_credentials() -> None:
    intent = _intent(
        {
            "exclusive": ["users", "ssh.pubkey_users"],
            "users": [
                {"name": "admin", "secret_env": "NEW", "update_secret": "always"},
                {"name": "bob", "state": "absent", "secret_env": "BOB_OLD"},
            ],
            "ssh": {"pubkey_users": [{"username": "carol", "keys": [RSA]}]},
        }
    )
    secrets = {"NEW": "n", "BOB_OLD": "b", "old:admin": "o", "user:dave": "d"}
    proofs = {(p.check, p.password, p.works) for p in password_proofs(intent, secrets)}
    assert proofs == {
        ("rotated password admin: new logs in", "n", True),
        ("rotated password admin: old refused", "o", False),
        ("revoked user bob refused", "b", False),
        ("revoked user dave refused", "d", False),
    }
    assert allowed_key_hashes(intent, "carol") == {RSA_MD5}
    assert allowed_key_hashes(intent, "alice") == frozenset()  # owned list, unlisted
    assert allowed_key_hashes(_intent({}), "alice") is None  # not managed: must log in


# -- the generated secret ----------------------------------------------------------------------


def test_a_generated_secret_is_written_once_mode_0600(tmp_path: Path) -> None:
    value = generate_secret()
    assert len(value) == 24 and value.isalnum()
    path = tmp_path / "new.secret"
    write_secret_file(path, value)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == value + "\n"
    with pytest.raises(FileExistsError):
        write_secret_file(path, "other")
    assert path.read_text() == value + "\n"
    assert os.listdir(tmp_path) == ["new.secret"]  # no temporary file left


def test_generate_refuses_an_existing_file_before_any_router_is_contacted(tmp_path: Path) -> None:
    existing = tmp_path / "old.secret"
    existing.write_text("keep")
    result = CliRunner().invoke(
        app,
        ["rotate", "password", "admin", "--generate", str(existing), "-i", str(tmp_path / "x")],
    )
    assert result.exit_code == 2, result.output
    assert "exists; name a new file" in result.output and existing.read_text() == "keep"


def test_the_key_a_device_logs_in_with_is_known_to_the_removal_safety(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from ios_ssh.probes import login_key_hashes

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "id_rsa"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    md5 = keys.info_from_openssh(_public(key)).md5_hex
    assert login_key_hashes(SimpleNamespace(key_file=str(path))) == (md5,)  # type: ignore[arg-type]
    missing = SimpleNamespace(key_file=str(tmp_path / "none"))
    assert login_key_hashes(missing) == ()  # type: ignore[arg-type]
    assert login_key_hashes(DeviceParams(host="r1", username="admin")) == ()
