"""The public surface and the `ios-ssh` command's offline subcommands."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ios_ssh
from ios_ssh.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_public_surface_is_listed() -> None:
    assert sorted(ios_ssh.__all__) == sorted(
        [
            "Check",
            "ConfigLine",
            "ConnectError",
            "DeviceError",
            "DeviceParams",
            "DeviceState",
            "Plan",
            "Report",
            "SessionLost",
            "apply",
            "configure_lines",
            "configure_pubkey_chain",
            "configure_reverse_ssh",
            "configure_ssh_server",
            "enable_scp",
            "generate_rsa_keys",
            "intents",
            "make_plan",
            "read_state",
            "rotate_host_key",
            "rotate_password",
            "verify",
            "IntentError",
            "IosSshError",
            "ParseError",
            "SshIntent",
            "parse",
            "parse_running_config",
            "render_config",
            "render_text",
        ]
    )
    for name in ios_ssh.__all__:
        assert getattr(ios_ssh, name)


def _imports(path: Path) -> list[tuple[str, int]]:
    """(module, relative level) of every import statement in a file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.module or "", node.level))
    return out


def test_library_does_not_import_the_simulator() -> None:
    package = REPO / "ios_ssh"
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).parts
        if parts[0] == "lab":
            continue
        for module, level in _imports(path):
            absolute = (
                module
                if level == 0
                else ".".join(
                    ["ios_ssh", *parts[:-1]][: len(parts) - level + 1]
                    + ([module] if module else [])
                )
            )
            assert absolute != "ios_ssh.lab" and not absolute.startswith("ios_ssh.lab."), (
                path,
                module,
            )


def test_simulator_does_not_import_the_library() -> None:
    for path in (REPO / "ios_ssh" / "lab").rglob("*.py"):
        for module, level in _imports(path):
            assert level <= 1, (path, module)  # only its own modules, relatively
            assert not module.startswith("ios_ssh") or module.startswith("ios_ssh.lab."), (
                path,
                module,
            )


def test_validate_ok_and_bad(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["validate", str(REPO / "inventory/intents/full.yaml")])
    assert ok.exit_code == 0 and "valid" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("ssh:\n  timeout: 121\n")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "ssh.timeout: 121 is out of range 1-120" in result.output
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_render_and_schema() -> None:
    result = runner.invoke(app, ["render", str(REPO / "inventory/intents/full.yaml")])
    assert result.exit_code == 0 and "ip ssh time-out 60" in result.output
    schema = json.loads(runner.invoke(app, ["schema"]).output)
    assert "ssh" in schema["properties"]


def test_parse_command(tmp_path: Path) -> None:
    raw = REPO / "tests/parsers/cisco_ios/show_ssh/sessions_v2.raw"
    result = runner.invoke(app, ["parse", "show ssh", str(raw)])
    assert result.exit_code == 0 and json.loads(result.output)[0]["username"] == "netops"
    junk = tmp_path / "junk.txt"
    junk.write_text("nothing like show ssh\n")
    failed = runner.invoke(app, ["parse", "show ssh", str(junk)])
    assert failed.exit_code == 1 and "unexpected line" in failed.output


@pytest.mark.parametrize(
    ("function", "keywords", "message"),
    [
        ("configure_ssh_server", {"timout": 1}, "'timout'; did you mean 'timeout'?"),
        ("generate_rsa_keys", {"modulis": 2048}, "'modulis'; did you mean 'modulus'?"),
        ("configure_lines", {"lines": [], "dryrun": True}, "'dryrun'; did you mean 'dry_run'?"),
        ("enable_scp", {"user": "x", "secretenv": "X"}, "did you mean 'secret_env'?"),
        ("configure_pubkey_chain", {"user": []}, "'user'; did you mean 'users'?"),
        ("configure_reverse_ssh", {"ports": [], "lines": [], "qqq": 1}, "it takes ports, lines"),
    ],
)
def test_an_unknown_keyword_names_the_function_called(
    function: str, keywords: dict, message: str
) -> None:
    """Before, `configure_ssh_server(timout=1)` said `apply() got an unexpected keyword`:
    a function the caller never called. No device is contacted either way."""
    with pytest.raises(TypeError) as caught:
        getattr(ios_ssh, function)({"host": "192.0.2.1", "username": "u"}, **keywords)
    text = str(caught.value)
    assert text.startswith(f"{function}() got an unexpected keyword argument") and message in text
    assert "apply()" not in text
