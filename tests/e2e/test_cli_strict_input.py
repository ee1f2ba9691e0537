"""Lax input is refused with one readable line and exit 2, never a traceback: duplicate
keys and entries, coerced types, files that are not UTF-8 text, malformed inventories."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ios_ssh import IntentError, SshIntent
from ios_ssh.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ssh:\n  timeout: 60\n  timeout: 90\n", "key 'timeout' appears twice (first at line 2)"),
        (b"ssh:\n  timeout: true\n", "ssh.timeout: True is not valid"),
        (b'ssh:\n  timeout: "60"\n', "ssh.timeout: '60' is not valid"),
        (
            b"users:\n  - {name: a, secret_env: A}\n  - {name: a, secret_env: B}\n",
            "users: 'a' appears more than once",
        ),
        (
            b"lines:\n  - {lines: vty 0 4, login: local}\n  - {lines: vty  0 4, login: line}\n",
            "lines: 'vty 0 4' appears more than once",
        ),
        ("ssh:\n  timeout: 60\n".encode("utf-16"), "not UTF-8 text (UTF-16 or binary)"),
        (b"hostname: r\xe91\n", "not UTF-8 text (byte 11)"),
        (b"ssh: [\n", "not valid YAML"),
    ],
)
def test_a_lax_intent_exits_2_with_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    intent = tmp_path / "intent.yaml"
    intent.write_bytes(content)
    code, output = _run("validate", str(intent))
    assert code == 2 and message in output, output


def test_an_intent_path_that_is_a_directory(tmp_path: Path) -> None:
    code, output = _run("validate", str(tmp_path))
    assert code == 2 and "is a directory" in output


def test_the_python_api_takes_a_model_a_mapping_or_a_path(tmp_path: Path) -> None:
    from ios_ssh.tasks import as_intent

    path = tmp_path / "i.yaml"
    path.write_text("ssh: {timeout: 60}\n")
    for given in (
        SshIntent.from_dict({"ssh": {"timeout": 60}}),
        {"ssh": {"timeout": 60}},
        path,
        str(path),
    ):
        assert as_intent(given).ssh.timeout == 60
    with pytest.raises(IntentError, match="no such file"):
        as_intent(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"\x00\x01\x02binary", "not UTF-8 text"),
    ],
)
def test_parse_on_a_missing_or_binary_file(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    output = tmp_path / "out.txt"
    if content is not None:
        output.write_bytes(content)
    code, text = _run("parse", "show ip ssh", str(output))
    assert code == 2 and message in text, text


@pytest.mark.parametrize(
    ("hosts", "groups", "message"),
    [
        ("- r1\n- r2\n", None, "expected a mapping of host name to its settings, got a list"),
        (
            "r1:\n  hostname: 127.0.0.1\n  groups: [nosuch]\n",
            "lab: {}\n",
            "group 'nosuch' is not in",
        ),
        ("", None, "no hosts in it"),
        ("r1:\n  hostname: a\nr1:\n  hostname: b\n", None, "key 'r1' appears twice"),
    ],
)
def test_a_malformed_inventory_exits_2_with_one_line(
    tmp_path: Path, hosts: str, groups: str | None, message: str
) -> None:
    (tmp_path / "hosts.yaml").write_text(hosts)
    if groups is not None:
        (tmp_path / "groups.yaml").write_text(groups)
    code, output = _run("state", "--inventory", str(tmp_path))
    assert code == 2 and message in output, output
