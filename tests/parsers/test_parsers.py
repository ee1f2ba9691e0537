"""Fixture pairs: every `<command>/<case>.raw` beside this file parses to its `.yml`."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import ios_ssh
from ios_ssh import templates

HERE = Path(__file__).resolve().parent
FIXTURES = sorted((HERE / "cisco_ios").glob("*/*.raw"))


def _command(raw: Path) -> str:
    return yaml.safe_load(raw.with_suffix(".yml").read_text())["command"]


@pytest.mark.parametrize("raw", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_parses_to_expected_records(raw: Path) -> None:
    expected = yaml.safe_load(raw.with_suffix(".yml").read_text())
    assert ios_ssh.parse(expected["command"], raw.read_text()) == expected["parsed_sample"]


def _with_echo_and_prompt(command: str, text: str, how: str) -> str:
    """The output as clients and people capture it: with the command echoed before it
    (`R1#show ssh`, or the bare command), the prompt after it, or both over CRLF."""
    body = text.rstrip("\n")
    if how == "prompt":  # netmiko strip_prompt=False, scrapli's raw result
        return f"{body}\nR1#"
    if how == "prompt_newline":
        return f"{body}\nrouter-7(config)#\n"
    if how == "echo":
        return f"Router#{command}\n{text}"
    if how == "bare_echo":  # netmiko strip_command=False after strip_prompt
        return f"{command}\n{text}"
    return ("R1>" + command + "\n" + body + "\nR1>").replace("\n", "\r\n")


@pytest.mark.parametrize("how", ["prompt", "prompt_newline", "echo", "bare_echo", "both_crlf"])
@pytest.mark.parametrize("raw", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_parses_with_or_without_echo_and_prompt(raw: Path, how: str) -> None:
    expected = yaml.safe_load(raw.with_suffix(".yml").read_text())
    text = raw.read_text()
    command = expected["command"]
    if how != "prompt" and "#" in text.split("\n", 1)[0]:
        command = text.split("#", 1)[1].split("\n", 1)[0].strip()  # already echoed
        text = text.split("\n", 1)[1]
    shown = _with_echo_and_prompt(command, text, how)
    assert ios_ssh.parse(command, shown) == expected["parsed_sample"]


def test_a_prompt_is_only_dropped_at_the_edges() -> None:
    # a line that merely ends in `#` inside the output is output, not a prompt
    with pytest.raises(ios_ssh.ParseError, match="R9#"):
        ios_ssh.parse("show ssh", "%No SSHv2 server connections running.\nR9#\nR9#\n")


def test_every_command_has_fixtures() -> None:
    commands = {raw.parent.name for raw in FIXTURES}
    assert commands == {
        "show_ip_ssh",
        "show_ssh",
        "show_crypto_key_mypubkey_rsa",
        "show_line",
        "show_users",
        "show_version",
    }
    assert all(raw.with_suffix(".yml").exists() for raw in FIXTURES)


KEYGEN = shutil.which("ssh-keygen")


def _openssh_fingerprints(tmp_path: Path, openssh_line: str) -> tuple[str, str]:
    """MD5 and SHA256 fingerprints as OpenSSH's own ssh-keygen computes them."""
    pub = tmp_path / "key.pub"
    pub.write_text(openssh_line + "\n")
    out = {}
    for algo in ("md5", "sha256"):
        line = subprocess.run(
            [KEYGEN, "-l", "-E", algo, "-f", str(pub)], check=True, capture_output=True, text=True
        ).stdout.split()
        out[algo] = (int(line[0]), line[1])
    bits, md5 = out["md5"]
    assert bits == out["sha256"][0]
    return md5.removeprefix("MD5:").replace(":", "").upper(), out["sha256"][1]


@pytest.mark.skipif(KEYGEN is None, reason="OpenSSH ssh-keygen is not installed")
@pytest.mark.parametrize(
    "raw",
    [p for p in FIXTURES if p.parent.name == "show_ip_ssh"],
    ids=lambda p: p.stem,
)
def test_show_ip_ssh_derived_fields_agree_with_ssh_keygen(raw: Path, tmp_path: Path) -> None:
    record = ios_ssh.parse("show ip ssh", raw.read_text())[0]
    if not record["rsa_key"]:
        return
    md5, sha256 = _openssh_fingerprints(tmp_path, f"ssh-rsa {record['rsa_key']}")
    assert record["rsa_key_md5"] == md5
    assert record["rsa_key_sha256"] == sha256


@pytest.mark.skipif(KEYGEN is None, reason="OpenSSH ssh-keygen is not installed")
def test_crypto_key_der_fingerprints_agree_with_ssh_keygen(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    raw = HERE / "cisco_ios/show_crypto_key_mypubkey_rsa/new_ios_bits_exportable_4096.raw"
    checked = 0
    for record in ios_ssh.parse("show crypto key mypubkey rsa", raw.read_text()):
        key = serialization.load_der_public_key(bytes.fromhex(record["key_data"]))
        line = key.public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        ).decode()
        md5, sha256 = _openssh_fingerprints(tmp_path, line)
        assert (record["md5"], record["sha256"]) == (md5, sha256)
        assert int(record["modulus"]) == key.key_size
        checked += 1
    assert checked == 2


def test_modulus_is_derived_when_the_device_does_not_print_it() -> None:
    raw = HERE / "cisco_ios/show_ip_ssh/ios15_empty_label_no_modulus.raw"
    assert "Modulus" not in raw.read_text()
    record = ios_ssh.parse("show ip ssh", raw.read_text())[0]
    blob = base64.b64decode(record["rsa_key"])
    assert record["rsa_modulus"] == "1024" and blob.startswith(b"\x00\x00\x00\x07ssh-rsa")


@pytest.mark.parametrize(
    "command",
    ["show ip ssh", "sh ip ssh", "sho ip ss", "SHOW IP SSH", "show ip ssh | include SSH"],
)
def test_abbreviated_commands_find_the_template(command: str) -> None:
    raw = HERE / "cisco_ios/show_ip_ssh/v1_99_enabled.raw"
    assert ios_ssh.parse(command, raw.read_text())[0]["version"] == "1.99"


@pytest.mark.parametrize(
    ("command", "output", "fragment"),
    [
        ("show ip ssh", "       ^\n% Invalid input detected at '^' marker.\n", "device rejected"),
        ("show ssh", "% Incomplete command.\n", "device rejected"),
        ("show ip ssh", "SSH Enabled - version 2.0\nSomething new: 42\n", "Something new: 42"),
        ("show ip ssh", "", "no 'SSH Enabled/Disabled'"),
        ("show ssh", "Connection Version Mode\n", "Connection Version Mode"),
        ("show line", "   Tty Typ  garbage\n", "garbage"),
        ("show users", "    Line    User\n", "header"),
        ("show crypto key mypubkey rsa", "Key name: X\n Key Data:\n  ZZZZ\n", "ZZZZ"),
        ("show version", "Cisco IOS Software\n", "no 'Software (...), Version ...' line"),
        (
            "show ip ssh",
            "SSH Enabled - version 2.0\nIOS Keys in SECSH format(ssh-rsa, base64 encoded): K\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAAQ==\n",
            "does not decode",
        ),
    ],
)
def test_output_of_unknown_shape_raises_parse_error(
    command: str, output: str, fragment: str
) -> None:
    with pytest.raises(ios_ssh.ParseError) as info:
        ios_ssh.parse(command, output)
    assert fragment in str(info.value)
    assert info.value.command == command


def test_templates_are_compiled_once_per_thread() -> None:
    first = templates.compiled("cisco_ios_show_ssh.textfsm")
    second = templates.compiled("cisco_ios_show_ssh.textfsm")
    assert first is second


def test_templates_are_found_in_the_source_tree_or_the_wheel() -> None:
    folder = templates.templates_dir()
    assert (folder / "index").is_file()
    for entry in templates.index_entries():
        assert (folder / entry.template).is_file()
