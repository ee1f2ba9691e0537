"""`python -m ios_ssh.lab serve --tacacs-users FILE` (issue 21 item 3) as a user starts it:
every router of the lab asks that directory once its login list names a TACACS+ group
and it has a `tacacs server` block. One intent moves the router to `group tacacs+ local`
with its server; then a user the directory knows logs in with the privilege the directory
grants, a wrong password is refused, and a local-only user is refused too (the server
answered: `local` is only for servers that do not)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import ios_ssh
from ios_ssh.labctl import LabProcess
from tests.aaa_intents import tacacs_then_local

pytestmark = pytest.mark.timeout(240)


def test_serve_with_a_tacacs_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "tacacs.yaml"
    directory.write_text(
        yaml.safe_dump(
            {
                "admin": {"password": "admin", "privilege": 1},  # the fresh login's proof
                "ops": {"password": "Ops-Tacacs-3", "privilege": 15},
            }
        )
    )
    known_hosts = tmp_path / "known_hosts"
    lab = LabProcess.start(
        "uniform",
        0,
        known_hosts=known_hosts,
        extra_args=["--count", "1", "--image", "xe17", "--tacacs-users", str(directory)],
    )
    try:
        (router,) = lab.routers

        def device(user: str, password: str) -> dict[str, object]:
            return {
                "host": router.host,
                "port": router.ssh_port,
                "username": user,
                "password": password,
                "secret": "admin",
                "host_key_check": "strict",
                "known_hosts": str(known_hosts),
                "timeout": 20,
            }

        monkeypatch.setenv("TACACS_KEY", "Tac-Shared-4")
        monkeypatch.setenv("LOCAL_SECRET", "Local-Only-5")
        intent = tacacs_then_local(
            "TACACS_KEY", users=[{"name": "loc", "privilege": 1, "secret_env": "LOCAL_SECRET"}]
        )
        applied = ios_ssh.apply(device("admin", "admin"), intent)
        assert applied.outcome == "converged" and applied.ok, applied.text()

        state = ios_ssh.read_state(device("ops", "Ops-Tacacs-3"))
        assert state.hostname == router.name
        assert (
            "aaa authentication login default group tacacs+ local"
            in state.raw["show running-config"]
        )
        with pytest.raises(ios_ssh.ConnectError, match="refused"):
            ios_ssh.read_state(device("ops", "Ops-Wrong-3"))
        # a local user the directory does not know: the server said no, so no `local`
        assert "\nusername loc " in state.raw["show running-config"], state.raw
        with pytest.raises(ios_ssh.ConnectError, match="refused"):
            ios_ssh.read_state(device("loc", "Local-Only-5"))
    finally:
        lab.stop()
