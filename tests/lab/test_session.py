"""The simulated IOS command line, as pure text in and out (no sockets)."""

from __future__ import annotations

import re

import pytest

from ios_ssh.lab.device import Device
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.session import CONFIG_BANNER, Session

# These tests model classic IOS 15 (1024-bit keys, `[512]`, `ip ssh version 1`, compat).
IMAGE = "ios15"


def _device(config: str = "", **options: object) -> Device:
    device = Device(image=IMAGE, **options)  # type: ignore[arg-type]
    assert device.load_config(config) == []
    return device


def _priv(device: Device | None = None) -> Session:
    return Session(device or baseline_device("r1", image=IMAGE, bits=1024), "admin", 15)


def _config(device: Device | None = None) -> Session:
    session = _priv(device)
    assert session.feed("configure terminal") == CONFIG_BANNER
    return session


def test_prompts_and_modes() -> None:
    device = _device("hostname a-very-long-hostname-of-30-chars\nenable secret 0 s\n")
    session = Session(device)
    assert session.prompt == "a-very-long-hostname-of-30-chars>"
    session.feed("enable")
    assert session.prompt == "Password: " and session.hide_input
    session.feed("s")
    assert session.prompt == "a-very-long-hostname-of-30-chars#"
    assert session.feed("conf t") == CONFIG_BANNER
    assert session.prompt == "a-very-long-hostname(config)#"
    session.feed("line vty 0 4")
    assert session.prompt == "a-very-long-hostname(config-line)#"
    session.feed("end")
    assert session.prompt == "a-very-long-hostname-of-30-chars#"


def test_bad_secrets_after_three_tries() -> None:
    session = Session(_device("hostname r1\nenable secret right\n"))
    session.feed("en")
    assert session.feed("wrong") == "" and session.prompt == "Password: "
    session.feed("wrong")
    assert session.feed("wrong").startswith("% Bad secrets")
    assert session.prompt == "r1>"


def test_enable_without_a_secret() -> None:
    assert Session(_device("hostname r1")).feed("enable") == "% No password set"


def test_user_mode_has_no_privileged_commands() -> None:
    session = Session(_device("hostname r1"))
    out = session.feed("show running-config")
    assert out.split("\n")[0].index("^") == len("r1>show ")


def test_invalid_input_caret_sits_under_the_bad_token() -> None:
    out = _config().feed("ip ssh time-out 121")
    assert out.endswith("\n\n")  # IOS prints an empty line before the next prompt
    caret_line, message = out.rstrip("\n").split("\n")
    assert message == "% Invalid input detected at '^' marker."
    assert caret_line.index("^") == len("r1(config)#") + len("ip ssh time-out ")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ip ssh", "% Incomplete command."),
        ("ip ssh authentication-retries 6", "% Invalid input detected at '^' marker."),
        ("hostname", "% Incomplete command."),
        ("bogus", "% Invalid input detected at '^' marker."),
        ("e", '% Ambiguous command:  "e"'),
        ("ip ssh dh min size 1536", "% Invalid input detected at '^' marker."),
        ("aaa authentication login default local", "% Invalid input detected at '^' marker."),
    ],
)
def test_config_errors(line: str, expected: str) -> None:
    # IOS: an empty line after invalid and incomplete input, none after ambiguous input.
    blank = "" if expected.startswith("% Ambiguous") else "\n\n"
    assert _config().feed(line).endswith(expected + blank)


def test_terminal_needs_its_keyword() -> None:
    assert _priv().feed("term") == "% Incomplete command.\n\n"
    # `te` also starts telnet and test, which IOS knows (cmd_tools.py)
    assert _priv().feed("te") == '% Ambiguous command:  "te"'


def test_abbreviations_change_the_model() -> None:
    session = _config()
    for line in (
        "ip ssh time 60",
        "ip ssh auth 2",
        "ip ssh ver 2",
        "host edge-r1",
        "ip domain-name x.example",
    ):
        assert session.feed(line) == "", line
    config = session.device.config
    assert (config.ssh_time_out, config.ssh_retries, config.ssh_version) == (60, 2, 2)
    assert (config.hostname, config.domain) == ("edge-r1", "x.example")
    assert session.prompt == "edge-r1(config)#"


def test_keygen_prerequisites() -> None:
    session = _config(_device())
    assert session.feed("crypto key generate rsa modulus 1024") == (
        "% Please define a hostname other than Router."
    )
    session.feed("hostname r9")
    assert (
        session.feed("crypto key generate rsa modulus 1024")
        == "% Please define a domain-name first."
    )
    out = session.feed("crypto key generate rsa label K1 modulus 512")
    assert "The name for the keys will be: K1" in out and "[OK]" in out
    assert session.device.keys["K1"].modulus == 512


def test_keygen_dialogues() -> None:
    session = _config()
    session.feed("crypto key generate rsa")
    assert session.prompt.endswith("Do you really want to replace them? [yes/no]: ")
    assert session.feed("maybe") == "% Please answer 'yes' or 'no'."
    session.feed("crypto key generate rsa")
    session.feed("yes")
    assert session.prompt.endswith("How many bits in the modulus [512]: ")
    out = session.feed("1024")
    assert "% Generating 1024 bit RSA keys, keys will be non-exportable..." in out
    replaced = session.feed("crypto key generate rsa modulus 768")
    assert "% They will be replaced." in replaced and session.prompt == "r1(config)#"


def test_usage_keys_make_two_pairs() -> None:
    session = _config()
    session.feed("crypto key generate rsa usage-keys label VPN modulus 1024")
    usages = {k.label: k.usage for k in session.device.keys.values()}
    assert usages["VPN.sig"] == "Signature Key" and usages["VPN.enc"] == "Encryption Key"


def test_zeroize_disables_ssh_and_monitor_sees_it() -> None:
    session = _config()
    session.feed("do terminal monitor")
    session.feed("crypto key zeroize rsa")
    assert session.prompt.startswith("% All keys will be removed.\n")
    assert session.prompt.endswith("Do you really want to remove these keys? [yes/no]: ")
    out = session.feed("yes")
    assert "%SSH-5-DISABLED: SSH 1.99 has been disabled" in out
    assert not session.device.keys
    shown = session.feed("do show ip ssh")
    assert shown.startswith("SSH Disabled - version 1.99\n%Please create RSA keys")


def test_line_settings_and_parent_mode_fallback() -> None:
    session = _config(baseline_device("r1", image=IMAGE, bits=1024, async_lines=8))
    session.feed("line 1 3")
    for line in ("no exec", "login authentication default", "rotary 1", "transport input ssh"):
        assert session.feed(line) == "", line
    assert session.feed("ip ssh time-out 30") == ""  # a global command leaves line mode
    assert session.prompt == "r1(config)#"
    text = session.feed("do show running-config | section line 1 3")
    assert text.split("\n") == [
        "line 1 3",
        " no exec",
        " login authentication default",
        " rotary 1",
        " transport input ssh",
    ]


def test_tty_lines_exist_only_with_async_hardware() -> None:
    assert "Invalid input" in _config().feed("line 1 3")


def test_login_without_password_warns_per_line() -> None:
    session = _config()
    session.feed("line vty 0 1")
    # a Catalyst 3750-X has no AUX: its VTYs are ttys 1-16 (sample muninn show_line c3750x)
    assert session.feed("login") == (
        "% Login disabled on line 1, until 'password' is set\n"
        "% Login disabled on line 2, until 'password' is set"
    )


def test_running_config_keeps_only_stored_secrets() -> None:
    session = _config()
    session.feed("username netops privilege 15 secret 0 TopSecret1")
    session.feed("username viewer password 0 cisco")
    text = session.feed("do show running-config")
    assert "TopSecret1" not in text
    assert "username viewer password 7 02050D480809" in text  # IOS's type 7 of "cisco"
    assert re.search(
        r"^username netops privilege 15 secret 9 \$9\$[./\w]{14}\$[./\w]{43}$", text, re.MULTILINE
    )
    assert text.startswith("Building configuration...\n\nCurrent configuration : ")
    assert session.device.check_login("netops", "TopSecret1")
    assert not session.device.check_login("netops", "wrong")
    assert session.device.check_login("viewer", "cisco")


def test_pubkey_chain_key_string_is_stored_as_key_hash() -> None:
    import base64
    import hashlib

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    blob = key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).split()[1]
    md5 = hashlib.md5(base64.b64decode(blob)).hexdigest().upper()
    session = _config()
    session.feed("ip ssh pubkey-chain")
    assert session.prompt == "r1(conf-ssh-pubkey)#"
    session.feed("username alice")
    assert session.prompt == "r1(conf-ssh-pubkey-user)#"
    session.feed("key-string")
    assert session.prompt == "r1(conf-ssh-pubkey-data)#"
    text = blob.decode()
    for chunk in (text[:60], text[60:150], text[150:]):
        session.feed(chunk)
    assert session.feed("exit") == ""
    assert session.prompt == "r1(conf-ssh-pubkey-user)#"
    session.feed("key-string")
    session.feed("not a key")
    assert session.feed("exit") == "%SSH: Failed to decode the Key Value"
    session.feed("exit")
    session.feed("server 192.0.2.10")
    session.feed("key-hash ssh-rsa 8fb4f858dd7e5afb372780ec653db371")
    session.feed("ip scp server enable")  # falls back two levels to global config
    assert session.prompt == "r1(config)#"
    text = session.feed("do show running-config | begin ip ssh pubkey-chain").split("\n")
    assert text[:6] == [
        "ip ssh pubkey-chain",
        "  username alice",
        f"   key-hash ssh-rsa {md5}",
        "  server 192.0.2.10",
        "   key-hash ssh-rsa 8FB4F858DD7E5AFB372780EC653DB371",
        "ip scp server enable",
    ]


def test_aaa_ports_archive_snmp_render() -> None:
    session = _config(baseline_device("r1", image=IMAGE, bits=1024, async_lines=4))
    lines = [
        "aaa new-model",
        "aaa authentication login default local",
        "aaa authorization exec default group tacacs+ local",
        "ip ssh port 2001 rotary 1 3",
        "ip ssh stricthostkeycheck",
        "ip ssh dh min size 4096",
        "ip ssh rsa keypair-name r1.lab.example.com",
        "archive",
        "path flash:archive",
        "maximum 5",
        "write-memory",
        "exit",
        "snmp-server host 192.0.2.50 version 2c public",
        "line vty 0 4",
        "access-class MGMT in",
        "exec-timeout 10 30",
    ]
    for line in lines:
        assert session.feed(line) == "", line
    text = session.feed("do show running-config")
    for expected in [
        "aaa new-model",
        "aaa authentication login default local",
        "aaa authorization exec default group tacacs+ local",
        "aaa session-id common",
        "ip ssh port 2001 rotary 1 3",
        "ip ssh rsa keypair-name r1.lab.example.com",
        "ip ssh dh min size 4096",
        "ip ssh stricthostkeycheck",
        "archive\n path flash:archive\n maximum 5\n write-memory",
        "snmp-server host 192.0.2.50 version 2c public",
        "line vty 0 4\n access-class MGMT in\n exec-timeout 10 30\n login local\n transport input ssh",
    ]:
        assert expected in text, expected
    assert session.feed("aaa authorization exec default bogus").endswith("marker.\n\n")


def test_configuration_replays_to_the_same_text() -> None:
    """The running-config is a model: its text rebuilds an identical router."""
    session = _config(baseline_device("r1", image=IMAGE, bits=1024, async_lines=4))
    for line in (
        "aaa new-model",
        "aaa authentication login default local",
        "ip ssh time-out 45",
        "ip ssh pubkey-chain",
        "username bob",
        "key-hash ssh-rsa " + "A" * 32,
        "exit",
        "exit",
        "line 1 2",
        "no exec",
        "rotary 1",
        "password 0 con1",
        "login",
        "exit",
        "ip ssh port 2001 rotary 1",
        "archive",
        "path flash:arch",
        "end",
    ):
        session.feed(line)
    body = session.device.running_body()
    copy = Device(async_lines=4, image=IMAGE)
    assert copy.load_config(body) == []
    assert copy.running_body() == body


def test_write_memory_then_show_startup() -> None:
    session = _priv()
    assert session.feed("show startup-config") == "startup-config is not present"
    assert session.feed("write memory") == "Building configuration...\n[OK]"
    assert session.feed("show startup-config").startswith("Using ")
    session.feed("copy running-config startup-config")
    assert session.prompt == "Destination filename [startup-config]? "
    assert session.feed("") == "Building configuration...\n[OK]"


def test_show_line_and_users_reflect_sessions() -> None:
    from ios_ssh.lab.device import LiveSession

    device = baseline_device("r1", image=IMAGE, bits=1024, async_lines=2)
    session = _config(device)
    session.feed("line 1 2")
    session.feed("rotary 7")
    tty = device.attach(LiveSession(-1, "admin", "192.0.2.5"))
    assert tty == 3  # 0 CTY, 1-2 TTY, 3.. VTY: a 3750-X has no AUX
    session.tty = tty
    lines = session.feed("do show line").split("\n")
    assert lines[0].split() == [
        "Tty",
        "Typ",
        "Tx/Rx",
        "A",
        "Modem",
        "Roty",
        "AccO",
        "AccI",
        "Uses",
        "Noise",
        "Overruns",
        "Int",
    ]
    rows = {row.split()[1 if row.startswith("*") else 0].lstrip("*"): row for row in lines[1:]}
    assert rows["1"].split()[5] == "7" and rows["3"].startswith("*")
    users = session.feed("do show users")
    assert re.search(r"^\*  3 vty 0     admin      idle\s+00:00:00 192.0.2.5$", users, re.MULTILINE)
