"""The renderer: ordered IOS lines, prerequisites first, secrets only where asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ios_ssh import SshIntent
from ios_ssh.errors import IntentError
from ios_ssh.render import keygen_command, render_config, render_text

REPO = Path(__file__).resolve().parents[2]


def _full() -> SshIntent:
    return SshIntent.from_yaml(REPO / "inventory/intents/full.yaml")


def _index(lines: list[str], prefix: str) -> int:
    return next(i for i, line in enumerate(lines) if line.strip().startswith(prefix))


def test_prerequisites_come_first() -> None:
    lines = [line.command for line in render_config(_full(), {"IOS_NETOPS_SECRET": "s3"})]
    assert _index(lines, "hostname") < _index(lines, "crypto key generate")
    assert _index(lines, "ip domain-name") < _index(lines, "crypto key generate")
    assert _index(lines, "username netops") < _index(lines, "aaa new-model")
    assert _index(lines, "aaa authorization exec") < _index(lines, "ip scp server enable")
    assert _index(lines, "crypto key generate") < _index(lines, "transport input ssh")
    assert _index(lines, "rotary 1") < _index(lines, "ip ssh port 2001 rotary 1")


def test_full_intent_renders_exactly() -> None:
    assert render_text(_full()).splitlines() == [
        "hostname r1",
        "ip domain-name lab.example.com",
        "username netops privilege 15 secret <from $IOS_NETOPS_SECRET>",
        "aaa new-model",
        "aaa authentication login default local",
        "aaa authorization exec default local",
        "crypto key generate rsa general-keys label SSHKEYS modulus 2048",
        "ip ssh rsa keypair-name SSHKEYS",
        "ip ssh version 2",
        "ip ssh time-out 60",
        "ip ssh authentication-retries 3",
        "ip ssh dh min size 2048",
        "ip ssh stricthostkeycheck",
        "ip ssh pubkey-chain",
        " username alice",
        "  key-hash ssh-rsa B1E29F17C950E2FEAB5BC3AC2A760208",
        " exit",
        " server 192.0.2.10",
        "  key-hash ssh-rsa 8FB4F858DD7E5AFB372780EC653DB371",
        " exit",
        "exit",
        "archive",
        " path flash:archive",
        " exit",
        "ip scp server enable",
        "line vty 0 4",
        " login local",
        " exec-timeout 10 0",
        " transport input ssh",
        "line 1 3",
        " login authentication default",
        " no exec",
        " rotary 1",
        " transport input ssh",
        "ip ssh port 2001 rotary 1",
    ]


def test_secrets_are_sent_but_never_displayed() -> None:
    lines = render_config(_full(), {"IOS_NETOPS_SECRET": "Sup3r-S3cret"})
    user = next(line for line in lines if line.command.startswith("username"))
    assert user.command == "username netops privilege 15 secret 0 Sup3r-S3cret"  # type 0: clear
    assert "Sup3r" not in user.display and "Sup3r" not in str(user) and "Sup3r" not in repr(user)
    assert user.needs_secret is None


def test_a_missing_secret_is_flagged_not_invented() -> None:
    user = next(line for line in render_config(_full()) if line.command.startswith("username"))
    assert user.needs_secret == "IOS_NETOPS_SECRET"


def test_key_string_is_the_wrapped_blob_of_the_key() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    line = key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
    intent = SshIntent.from_dict(
        {"ssh": {"pubkey_users": [{"username": "bob", "keys": [line + " bob@x"]}]}}
    )
    text = render_text(intent).splitlines()
    start = text.index("  key-string") + 1
    end = text.index("  exit")
    assert "".join(chunk.strip() for chunk in text[start:end]) == line.split()[1]
    assert all(len(chunk.strip()) <= 72 for chunk in text[start:end])


def test_keygen_options() -> None:
    intent = SshIntent.from_dict(
        {"rsa": {"modulus": 4096, "usage_keys": True, "label": "K", "exportable": True}}
    )
    assert (
        keygen_command(intent)
        == "crypto key generate rsa usage-keys label K exportable modulus 4096"
    )
    assert keygen_command(SshIntent.from_dict({})) is None


def test_compatibility_version_and_line_password() -> None:
    intent = SshIntent.from_dict(
        {
            "ssh": {"version": None, "allow_v1": True, "stricthostkeycheck": False},
            "lines": [{"lines": "con 0", "login": "line", "password_env": "CON_PW"}],
        }
    )
    lines = render_text(intent).splitlines()
    assert "no ip ssh version" in lines and "no ip ssh stricthostkeycheck" in lines
    assert lines.index(" password <from $CON_PW>") < lines.index(" login")


def test_empty_intent_renders_nothing() -> None:
    assert render_config(SshIntent.from_dict({})) == []


def test_a_secret_with_a_line_break_is_refused_not_rendered() -> None:
    intent = SshIntent.from_dict(
        {"users": [{"name": "bob", "privilege": 15, "secret_env": "BOB_SECRET"}]}
    )
    for value in ("Pw-1\nusername evil privilege 15 secret 0 x", "Pw-2\r", "what?"):
        with pytest.raises(IntentError) as caught:
            render_config(intent, {"BOB_SECRET": value})
        assert "secrets['BOB_SECRET']: the value" in str(caught.value)
        assert "Pw-" not in str(caught.value)  # never the value itself
    assert render_config(intent, {"BOB_SECRET": "Pw-3"})[0].command.endswith("secret 0 Pw-3")


def test_an_intent_that_skipped_validation_cannot_render_two_lines() -> None:
    unchecked = SshIntent.model_construct(hostname="r1\nreload", domain_name="lab.example.com")
    with pytest.raises(IntentError, match="must be one line"):
        render_config(unchecked)
