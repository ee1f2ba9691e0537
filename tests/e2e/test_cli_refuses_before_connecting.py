"""Bad input on the command line stops before any host is contacted: exit 2, every problem
of every host listed, one line each, and no secret printed."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ios_ssh.cli import app

REPO = Path(__file__).resolve().parents[2]
HARDENING = str(REPO / "inventory/intents/hardening.yaml")
runner = CliRunner()


@pytest.fixture
def listener() -> Iterator[tuple[int, socket.socket]]:
    """A loopback port nobody should connect to (a connection waits in its backlog)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    try:
        yield server.getsockname()[1], server
    finally:
        server.close()


def _no_connection(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return True
    return False


def _inventory(tmp_path: Path, port: int, hosts_extra: dict[str, dict]) -> Path:
    folder = tmp_path / "inv"
    folder.mkdir()
    hosts = {
        name: {
            "hostname": "127.0.0.1",
            "port": port,
            "username": "admin",
            "password": "admin",
            "data": {"secret": "admin", **extra},
        }
        for name, extra in hosts_extra.items()
    }
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    return folder


def test_an_injecting_intent_file_exits_2(tmp_path: Path) -> None:
    intent = tmp_path / "evil.yaml"
    intent.write_text('archive:\n  path: "flash:a\\nusername evil privilege 15 secret 0 pwned"\n')
    for command in (["validate", str(intent)], ["apply", str(intent), "--dry-run"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "archive.path" in result.output and "one line" in result.output


def test_per_host_overrides_are_checked_for_every_host_before_any_connection(
    tmp_path: Path, listener: tuple[int, socket.socket]
) -> None:
    port, server = listener
    inventory = _inventory(
        tmp_path,
        port,
        {
            "good": {},
            "evil": {"ssh_intent": {"archive": {"path": "flash:x\nusername evil secret 0 y"}}},
            "typo": {"ssh_intent": {"ssh": {"timeout": "60"}}},
            "lost": {"ssh_intent_file": str(tmp_path / "missing.yaml")},
            "badport": {"timeout": True},
        },
    )
    result = runner.invoke(app, ["apply", HARDENING, "--inventory", str(inventory)])
    assert result.exit_code == 2, result.output
    text = result.output
    assert "no host was contacted" in text
    assert "evil: archive.path:" in text
    assert "typo: ssh.timeout: '60' is not valid" in text
    assert "lost: ssh_intent_file:" in text and "missing.yaml" in text
    assert "badport: device.timeout: True is not valid" in text
    assert "good:" not in text
    assert _no_connection(server)


def test_a_secret_with_a_line_break_exits_2_without_showing_it(
    tmp_path: Path, listener: tuple[int, socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, server = listener
    intent = tmp_path / "users.yaml"
    intent.write_text("users:\n  - {name: netops, privilege: 15, secret_env: NETOPS_SECRET}\n")
    monkeypatch.setenv("NETOPS_SECRET", "Visible-Pw\nusername evil privilege 15 secret 0 x")
    inventory = _inventory(tmp_path, port, {"r1": {}})
    result = runner.invoke(app, ["apply", str(intent), "--inventory", str(inventory)])
    assert result.exit_code == 2, result.output
    assert "secret NETOPS_SECRET: must be one line" in result.output
    assert "Visible-Pw" not in result.output
    assert _no_connection(server)


@pytest.mark.parametrize("minutes", ["0", "-5", "1000"])
def test_revert_minutes_out_of_range_exits_2(minutes: str) -> None:
    result = runner.invoke(app, ["apply", HARDENING, "--revert-minutes", minutes])
    assert result.exit_code == 2, result.output
    assert "--revert-minutes:" in result.output and "out of range 1-120" in result.output


@pytest.mark.parametrize("command", ["apply", "verify", "state"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "--host-timeout: 0 is out of range"),
        ("-3", "--host-timeout: -3 is out of range"),
        ("86401", "--host-timeout: 86401 is out of range"),
        ("nan", "--host-timeout: nan is out of range"),
        ("abc", "Invalid value for '--host-timeout'"),  # typer's own parse error
    ],
)
def test_a_bad_host_timeout_exits_2_naming_the_option(
    tmp_path: Path, listener: tuple[int, socket.socket], command: str, value: str, message: str
) -> None:
    port, server = listener
    inventory = _inventory(tmp_path, port, {"r1": {}})
    args = [command, *([HARDENING] if command != "state" else []), "--inventory", str(inventory)]
    result = runner.invoke(app, [*args, "--host-timeout", value])
    assert result.exit_code == 2, result.output
    assert message in result.output and "--host-timeout" in result.output
    assert _no_connection(server)


@pytest.mark.parametrize("driver", ["netmiko", "scrapli"])
def test_host_timeout_with_the_nornir_path_exits_2(
    tmp_path: Path, listener: tuple[int, socket.socket], driver: str
) -> None:
    """Nornir's threads cannot be stopped: the option is refused, not silently ignored."""
    port, server = listener
    inventory = _inventory(tmp_path, port, {"r1": {}})
    result = runner.invoke(
        app,
        ["state", "--inventory", str(inventory), "--driver", driver, "--host-timeout", "60"],
    )
    assert result.exit_code == 2, result.output
    assert "--host-timeout: the async engine only" in result.output
    assert _no_connection(server)


@pytest.mark.parametrize(
    ("extra", "runner_name", "expected"),
    [
        (["--host-timeout", "7.5"], "ios_ssh.engine.fleet.run_fleet", 7.5),
        ([], "ios_ssh.engine.fleet.run_fleet", 900.0),  # HOST_TIMEOUT
        (
            ["--host-timeout", "60", "--dask-scheduler", "tcp://127.0.0.1:1"],
            "ios_ssh.engine.dask.run_on_dask",
            60.0,
        ),
    ],
)
def test_host_timeout_reaches_the_engine_on_this_machine_and_on_dask(
    tmp_path: Path,
    listener: tuple[int, socket.socket],
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    runner_name: str,
    expected: float,
) -> None:
    port, server = listener
    seen: dict[str, object] = {}

    def fake(jobs: list, *args: object, **kwargs: object) -> dict:
        seen.update(kwargs)
        return {}

    monkeypatch.setattr(runner_name, fake)
    inventory = _inventory(tmp_path, port, {"r1": {}})
    result = runner.invoke(app, ["state", "--inventory", str(inventory), *extra])
    assert result.exit_code == 0, result.output
    assert seen["host_timeout"] == expected
    assert _no_connection(server)


# -- the Dask boundary, the operator's trust, host names (issue 20) ----------------------

ALL_TLS = ["--dask-scheduler", "tls://127.0.0.1:{port}", "--dask-tls-ca-file", "{cert}"]
ALL_TLS += ["--dask-tls-cert", "{cert}"]


@pytest.mark.parametrize("command", ["apply", "verify", "state"])
def test_dask_over_tcp_with_passwords_exits_2_before_anything_is_sent(
    tmp_path: Path, listener: tuple[int, socket.socket], command: str
) -> None:
    """The inventory's routers and the scheduler are both the listener: nobody connects."""
    port, server = listener
    inventory = _inventory(tmp_path, port, {"r1": {}, "r2": {}})
    args = [command, *([HARDENING] if command != "state" else []), "--inventory", str(inventory)]
    result = runner.invoke(app, [*args, "--dask-scheduler", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert "tcp:// is not encrypted" in line and "nothing was sent" in line, line
    assert "--dask-tls" in line and "worker-env" in line and "admin" not in line.split(":")[-1]
    assert _no_connection(server)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--dask-scheduler", "tls://127.0.0.1:{port}"], "tls:// needs mutual TLS"),
        (["--dask-tls-cert", "{cert}"], "--dask-tls-cert: only with --dask-scheduler"),
        (["--dask-credentials", "worker-env"], "--dask-credentials: only with --dask-scheduler"),
        (
            ["--dask-scheduler", "tcp://127.0.0.1:{port}", "--dask-tls-ca-file", "{cert}"],
            "--dask-tls-ca-file: for a tls:// scheduler",
        ),
        (
            ["--dask-scheduler", "tls://127.0.0.1:{port}", "--dask-tls-ca-file", "{cert}"],
            "--dask-tls-cert, --dask-tls-key: mutual TLS needs all three",
        ),
        (
            [*ALL_TLS, "--dask-tls-key", "{tmp}/missing.key"],
            "--dask-tls-key: {tmp}/missing.key: not a readable file",
        ),
        (["--dask-scheduler", "tcp://127.0.0.1:{port}", "--driver", "netmiko"], "drop --driver"),
        (["--dask-scheduler", "x:1", "--dask-credentials", "mine"], "use operator or worker-env"),
    ],
)
def test_dask_options_that_cannot_work_are_one_line_before_any_connection(
    tmp_path: Path, listener: tuple[int, socket.socket], extra: list[str], message: str
) -> None:
    port, server = listener
    cert = tmp_path / "client.pem"
    cert.write_text("not read before the scheduler is")
    inventory = _inventory(tmp_path, port, {"r1": {}})
    fill = {"port": port, "cert": cert, "tmp": tmp_path}
    args = [a.format(**fill) for a in extra]
    result = runner.invoke(app, ["state", "--inventory", str(inventory), *args])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert message.format(**fill) in line, line
    assert _no_connection(server)


def test_worker_env_credentials_need_variables_not_values(
    tmp_path: Path, listener: tuple[int, socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --dask-credentials worker-env nothing secret is read here, and a password
    written in the inventory is refused: it would have to travel."""
    port, server = listener
    monkeypatch.delenv("ROUTER_PW", raising=False)  # set on the workers only
    inventory = _inventory(tmp_path, port, {"r1": {"password_env": "ROUTER_PW"}, "r2": {}})
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    del hosts["r1"]["password"], hosts["r1"]["data"]["secret"]
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    args = ["--dask-scheduler", f"tcp://127.0.0.1:{port}", "--dask-credentials", "worker-env"]
    result = runner.invoke(app, ["state", "--inventory", str(inventory), *args])
    assert result.exit_code == 2, result.output
    assert "host r2: password has a value" in result.output, result.output
    assert _no_connection(server)


def test_a_known_hosts_file_that_does_not_read_exits_2_naming_its_line(
    tmp_path: Path, listener: tuple[int, socket.socket]
) -> None:
    port, server = listener
    known = tmp_path / "known_hosts"
    known.write_bytes(b"# pins\n# caf\xe9 (latin-1)\n")
    inventory = _inventory(tmp_path, port, {"r1": {"known_hosts": str(known)}})
    result = runner.invoke(app, ["apply", HARDENING, "--inventory", str(inventory)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"known_hosts {known} line 2: not UTF-8 text; fix or remove it"
    assert _no_connection(server)


@pytest.mark.parametrize("hostname", ["*", "127.0.0.?", "!r1", "[127.0.0.1]", "127.0.0.1:22"])
def test_a_host_that_is_not_a_name_or_address_exits_2(
    tmp_path: Path, listener: tuple[int, socket.socket], hostname: str
) -> None:
    port, server = listener
    known = tmp_path / "known_hosts"
    inventory = _inventory(tmp_path, port, {"r1": {"known_hosts": str(known)}})
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    hosts["r1"]["hostname"] = hostname
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    result = runner.invoke(app, ["state", "--inventory", str(inventory)])
    assert result.exit_code == 2, result.output
    assert "must be a DNS name" in result.output and "r1" in result.output
    assert _no_connection(server) and not known.exists()  # never a known_hosts pattern


# -- output paths: a report that cannot be written is known before any router is touched --


@pytest.mark.parametrize("command", ["apply", "verify"])
@pytest.mark.parametrize("where", ["missing/report.html", "a-file/report.html", "."])
def test_an_html_path_that_cannot_be_written_exits_2_before_any_connection(
    tmp_path: Path, listener: tuple[int, socket.socket], command: str, where: str
) -> None:
    port, server = listener
    (tmp_path / "a-file").write_text("not a directory")
    inventory = _inventory(tmp_path, port, {"r1": {}})
    html = tmp_path / where
    result = runner.invoke(app, [command, HARDENING, "-i", str(inventory), "--html", str(html)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"--html: {html}: ")
    assert ("does not exist" in result.output) if "missing" in where else True
    assert ("is not a directory" in result.output) if "a-file" in where else True
    assert ("is a directory" in result.output) if where == "." else True
    assert _no_connection(server)


@pytest.mark.parametrize("option", ["--junit", "--html", "--emit-intent"])
def test_audit_output_paths_are_checked_before_any_router_is_read(
    tmp_path: Path, listener: tuple[int, socket.socket], option: str
) -> None:
    port, server = listener
    inventory = _inventory(tmp_path, port, {"r1": {}})
    path = tmp_path / "missing" / "out"
    result = runner.invoke(app, ["audit", "-i", str(inventory), option, str(path)])
    assert result.exit_code == 2, result.output
    assert f"{option}: {path}: directory {path.parent} does not exist" in result.output
    assert _no_connection(server)


def test_output_paths_that_can_be_written_pass(tmp_path: Path) -> None:
    from ios_ssh.cli.common import output_path_problem

    (tmp_path / "old.html").write_text("an earlier report")
    assert output_path_problem(tmp_path / "new.html") is None
    assert output_path_problem(tmp_path / "old.html") is None  # replaced
    assert output_path_problem(Path("relative.html")) is None  # the working directory


# -- YAML alias bombs: one error line, at once ------------------------------------------

# 9 levels of 9 aliases: 9**9 (387 million) strings as a tree, 320 bytes as a file
BOMB = "".join(
    f"{chr(97 + n)}: &{chr(97 + n)} [{', '.join([f'*{chr(96 + n)}'] * 9) if n else 'x'}]\n"
    for n in range(9)
)


def test_the_bomb_is_a_bomb() -> None:
    import yaml as pyyaml

    assert len(BOMB) < 500
    assert len(pyyaml.safe_load(BOMB)["i"]) == 9  # loads at once; walking it never ends


@pytest.mark.timeout(30)  # the regression: the intent's CLI-string check walked it for hours
@pytest.mark.parametrize("command", ["validate", "apply", "verify"])
@pytest.mark.parametrize("key", ["users", "banner"])
def test_an_alias_bomb_intent_is_one_error_line(
    tmp_path: Path, listener: tuple[int, socket.socket], command: str, key: str
) -> None:
    port, server = listener
    intent = tmp_path / "bomb.yaml"
    intent.write_text(BOMB.replace("i: &i", f"{key}: &i"))
    args = [command, str(intent)]
    if command != "validate":
        args += ["-i", str(_inventory(tmp_path, port, {"r1": {}}))]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1, result.output
    assert "aliases (*name) expand this to more than 100,000 values" in result.output
    assert _no_connection(server)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("file", ["hosts.yaml", "groups.yaml", "defaults.yaml"])
def test_an_alias_bomb_inventory_file_is_one_error_line(
    tmp_path: Path, listener: tuple[int, socket.socket], file: str
) -> None:
    port, server = listener
    inventory = _inventory(tmp_path, port, {"r1": {}})
    bomb = BOMB.replace("i: &i", "r2: &i") if file == "hosts.yaml" else BOMB
    target = inventory / file
    target.write_text((target.read_text() if target.exists() else "") + bomb)
    result = runner.invoke(app, ["state", "-i", str(inventory)])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1, result.output
    assert f"{file}: line " in result.output and "aliases (*name) expand" in result.output
    assert _no_connection(server)


def test_a_value_that_contains_itself_is_refused(tmp_path: Path) -> None:
    intent = tmp_path / "loop.yaml"
    intent.write_text("users: &u [*u]\n")
    result = runner.invoke(app, ["validate", str(intent)])
    assert result.exit_code == 2, result.output
    assert "line 1: an alias (*name) inside the value it names" in result.output


def test_ordinary_anchors_still_load(tmp_path: Path) -> None:
    intent = tmp_path / "anchors.yaml"
    intent.write_text(
        "lines:\n"
        "  - {lines: vty 0 4, transport_input: &ssh [ssh], login: local}\n"
        "  - {lines: vty 5 15, transport_input: *ssh, login: local}\n"
    )
    result = runner.invoke(app, ["validate", str(intent)])
    assert result.exit_code == 0, result.output
