"""The simulated IOS command line, as pure text in and out (no sockets)."""

from __future__ import annotations

import re

import pytest

from ios_ssh.lab.device import Device
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.session import CONFIG_BANNER, Session


def _priv(device: Device | None = None) -> Session:
    return Session(device or baseline_device("r1", bits=1024), "admin", 15)


def test_prompts_and_modes() -> None:
    session = Session(Device(hostname="a-very-long-hostname-of-30-chars", enable_secret="s"))
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
    assert session.prompt.endswith("#") and "(" not in session.prompt


def test_bad_secrets_after_three_tries() -> None:
    session = Session(Device(hostname="r1", enable_secret="right"))
    session.feed("en")
    assert session.feed("wrong") == "" and session.prompt == "Password: "
    session.feed("wrong")
    assert session.feed("wrong").startswith("% Bad secrets")
    assert session.prompt == "r1>"


def test_enable_without_a_secret() -> None:
    assert Session(Device(hostname="r1")).feed("enable") == "% No password set"


def test_invalid_input_caret_sits_under_the_bad_token() -> None:
    session = _priv()
    session.feed("configure terminal")
    out = session.feed("ip ssh time-out 121")
    caret_line, message = out.split("\n")
    assert message == "% Invalid input detected at '^' marker."
    assert caret_line.index("^") == len("r1(config)#") + len("ip ssh time-out ")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ip ssh", "% Incomplete command."),
        ("ip ssh authentication-retries 6", "% Invalid input detected at '^' marker."),
        ("hostname", "% Incomplete command."),
        ("bogus", "% Invalid input detected at '^' marker."),
    ],
)
def test_config_errors(line: str, expected: str) -> None:
    session = _priv()
    session.feed("conf t")
    assert session.feed(line).endswith(expected)


def test_ambiguous_abbreviation() -> None:
    session = _priv()
    assert session.feed("te") == "% Incomplete command."  # terminal needs its keyword
    session.feed("conf t")
    assert session.feed("e") == '% Ambiguous command:  "e"'


def test_abbreviations_change_the_model() -> None:
    session = _priv()
    session.feed("conf t")
    for line in (
        "ip ssh time 60",
        "ip ssh auth 2",
        "ip ssh ver 2",
        "host edge-r1",
        "ip domain-name x.example",
    ):
        assert session.feed(line) == "", line
    device = session.device
    assert (device.ssh_time_out, device.ssh_retries, device.ssh_version) == (60, 2, 2)
    assert (device.hostname, device.domain) == ("edge-r1", "x.example")
    assert session.prompt == "edge-r1(config)#"


def test_keygen_prerequisites() -> None:
    session = _priv(Device())
    session.feed("conf t")
    assert session.feed("crypto key generate rsa modulus 1024") == (
        "% Please define a hostname other than Router."
    )
    session.feed("hostname r9")
    assert (
        session.feed("crypto key generate rsa modulus 1024")
        == "% Please define a domain-name first."
    )
    out = session.feed("crypto key generate rsa label K1 modulus 1024")
    assert "The name for the keys will be: K1" in out and "[OK]" in out
    assert session.device.keys["K1"].modulus == 1024


def test_keygen_dialogues() -> None:
    session = _priv()
    session.feed("conf t")
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


def test_zeroize_disables_ssh() -> None:
    session = _priv()
    session.feed("conf t")
    session.feed("crypto key zeroize rsa")
    assert session.prompt.startswith("% All keys will be removed.\n")
    assert session.prompt.endswith("Do you really want to remove these keys? [yes/no]: ")
    session.feed("yes")
    assert not session.device.keys
    out = session.feed("do show ip ssh")
    assert out.startswith("SSH Disabled - version 1.99\n%Please create")


def test_line_settings_and_parent_mode_fallback() -> None:
    session = _priv()
    session.feed("conf t")
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


def test_login_without_password_warns_per_line() -> None:
    session = _priv()
    session.feed("conf t")
    session.feed("line vty 0 1")
    assert session.feed("login") == (
        "% Login disabled on line 0, until 'password' is set\n"
        "% Login disabled on line 1, until 'password' is set"
    )


def test_running_config_hides_secrets() -> None:
    session = _priv()
    session.feed("conf t")
    session.feed("username netops privilege 15 secret 0 TopSecret1")
    text = session.feed("do show running-config")
    assert "username netops privilege 15 secret 9" in text and "TopSecret1" not in text
    assert text.startswith("Building configuration...\n\nCurrent configuration : ")
    assert session.device.users["netops"] == (15, "secret", "TopSecret1")


def test_secrets_are_shown_as_ios_stores_them() -> None:
    session = _priv()
    session.feed("conf t")
    session.feed("username viewer password 0 cisco")
    session.feed("enable secret 0 Another1")
    text = session.feed("do show running-config")
    assert "username viewer password 7 02050D480809" in text  # IOS's type 7 of "cisco"
    assert re.search(
        r"^enable secret 9 \$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$", text, re.MULTILINE
    )
    assert "Another1" not in text
