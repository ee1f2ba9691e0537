"""Access lifecycle (issue 22) on a mixed lab fleet, one router per image family, through
the `ios-ssh` command in strict host-key mode: revoke by exclusive lists and prove the
router refuses what was removed, refuse a removal of the session's own login with nothing
sent, rename a router and keep a served key that meets the intent, rotate a password and
the host key fleet-wide; and a router that drops the session mid-rotation keeps its old
credentials and is reported so."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from typer.testing import CliRunner

import ios_ssh
from ios_ssh.cli import app
from ios_ssh.labctl import LabProcess, LabRouter

pytestmark = pytest.mark.timeout(300)
runner = CliRunner()
FAMILIES = ["ios12.2sx", "ios15", "xe16", "xe17"]


def _inventory(folder: Path, lab: LabProcess, known_hosts: Path, password: str) -> None:
    folder.mkdir(exist_ok=True)
    hosts = {}
    for router in lab.routers:
        data: dict[str, Any] = {"secret": "admin", "telnet_port": router.telnet_port}
        if router.image == "ios12.2sx":  # no revert timer: the user's choice of protection
            data["allow_unprotected"] = True
        hosts[router.name] = {
            "hostname": router.host,
            "port": router.ssh_port,
            "username": "admin",
            "password": password,
            "data": data,
        }
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    defaults = {"data": {"host_key_check": "strict", "known_hosts": str(known_hosts)}}
    (folder / "defaults.yaml").write_text(yaml.safe_dump(defaults))


class Fleet:
    def __init__(self, lab: LabProcess, folder: Path, known_hosts: Path) -> None:
        self.lab, self.folder, self.known_hosts = lab, folder, known_hosts
        self.password = "admin"

    def run(self, *args: str, code: int | None = 0) -> dict[str, dict[str, Any]]:
        result = runner.invoke(app, [*args, "-i", str(self.folder), "--json"])
        if code is not None:
            assert result.exit_code == code, result.output
        return json.loads(result.stdout)

    def intent(self, tmp: Path, name: str, data: dict[str, Any]) -> str:
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data))
        return str(path)

    def device(self, router: LabRouter, **changes: Any) -> dict[str, Any]:
        return {
            "host": router.host,
            "port": router.ssh_port,
            "username": "admin",
            "password": self.password,
            "secret": "admin",
            "host_key_check": "strict",
            "known_hosts": str(self.known_hosts),
            **changes,
        }

    def repoint(self, password: str) -> None:
        self.password = password
        _inventory(self.folder, self.lab, self.known_hosts, password)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    tmp = tmp_path_factory.mktemp("access")
    known_hosts = tmp / "lab.known_hosts"
    lab = LabProcess.start(
        "uniform", 0, known_hosts=known_hosts, extra_args=["--image", "mixed", "--count", "4"]
    )
    try:
        assert sorted(r.image for r in lab.routers) == FAMILIES
        _inventory(tmp / "inventory", lab, known_hosts, "admin")
        yield Fleet(lab, tmp / "inventory", known_hosts)
    finally:
        lab.stop()


def _alice(tmp: Path) -> tuple[Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp / "alice"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return path, public.decode() + " alice@laptop"


def _checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["checks"]}


def test_removing_the_sessions_own_user_is_refused_with_nothing_sent(
    fleet: Fleet, tmp_path: Path
) -> None:
    before = fleet.run("state")
    intent = fleet.intent(tmp_path, "nobody", {"exclusive": ["users"], "archive": {}})
    reports = fleet.run("apply", intent, code=1)
    for name, report in reports.items():
        assert report["outcome"] == "refused", (name, report)
        assert not report["protection"]  # no revert timer was started: nothing was sent
        assert any(
            "removing 'admin' removes this session's own login" in r for r in report["refusals"]
        ), report
    after = fleet.run("state")
    assert {n: s["config"] for n, s in after.items()} == {n: s["config"] for n, s in before.items()}


def test_exclusive_lists_revoke_a_user_and_a_key_and_the_routers_refuse_them(
    fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOB_SECRET", "Bob-Old-Secret1")
    monkeypatch.setenv("ADMIN_SECRET", "admin")
    key_file, alice = _alice(tmp_path)
    common = {"unsupported": "skip", "archive": {}}  # 12.2SX has no pubkey-chain: skipped
    grant = {
        **common,
        "users": [{"name": "bob", "secret_env": "BOB_SECRET"}],
        "ssh": {"pubkey_users": [{"username": "alice", "keys": [alice]}]},
    }
    first = fleet.run(
        "apply", fleet.intent(tmp_path, "grant", grant), "--private-key", f"alice={key_file}"
    )
    assert {r["outcome"] for r in first.values()} == {"converged"}, first
    sx = next(r.name for r in fleet.lab.routers if r.image == "ios12.2sx")
    for name, report in first.items():
        if name != sx:
            assert _checks(report)["pubkey login alice"]["ok"], report

    own = {
        **common,
        "exclusive": ["users", "ssh.pubkey_users"],
        "users": [{"name": "admin", "secret_env": "ADMIN_SECRET"}],
    }
    revoke = fleet.intent(tmp_path, "revoke", own)
    proofs = ["--private-key", f"alice={key_file}", "--revoked-secret-env", "bob=BOB_SECRET"]
    # Before the change the router still takes both: failing checks, with the evidence.
    still = fleet.run("verify", revoke, *proofs, code=1)
    for name, report in still.items():
        checks = _checks(report)
        assert checks["revoked user bob refused"]["found"].startswith("logged in"), report
        if name != sx:
            key_check = next(c for n, c in checks.items() if n.startswith("revoked key refused"))
            assert not key_check["ok"] and "still accepts" in key_check["found"], key_check
    held = {n: s["config"] for n, s in fleet.run("state").items()}
    planned = fleet.run("apply", revoke, "--dry-run")  # the removals shown, nothing sent
    for name, report in planned.items():
        assert (report["outcome"], report["changed"]) == ("unchanged", False), report
        assert "+ no username bob" in report["diff"], report["diff"]
        assert "dry run: nothing was sent" in report["notes"], report["notes"]
        if name != sx:
            assert "+  no username alice" in report["diff"], report["diff"]
    assert {n: s["config"] for n, s in fleet.run("state").items()} == held
    applied = fleet.run("apply", revoke, *proofs)
    for name, report in applied.items():
        assert report["outcome"] == "converged", report
        assert "+ no username bob" in report["diff"], report["diff"]
        checks = _checks(report)
        assert checks["revoked user bob refused"]["ok"], checks
        assert checks["local users (exclusive)"]["ok"], checks
        if name != sx:
            assert "+  no username alice" in report["diff"]
            key_check = next(c for n, c in checks.items() if n.startswith("revoked key refused"))
            assert key_check["ok"] and "refused by the router" in key_check["found"], key_check
        else:
            assert any("no ip ssh pubkey-chain" in n for n in report["notes"]), report["notes"]
    again = fleet.run("verify", revoke, *proofs)
    assert all(r["ok"] for r in again.values()), again


def test_a_renamed_router_keeps_its_served_key_verifies_green_and_stays(
    fleet: Fleet, tmp_path: Path
) -> None:
    rename = {
        "hostname": "edge7",
        "domain_name": "corp.example",
        "rsa": {"modulus": 2048},
        "ssh": {"version": 2},
        "archive": {},
    }
    intent = fleet.intent(tmp_path, "rename", rename)
    first = fleet.run("apply", intent)
    for report in first.values():
        assert report["outcome"] == "converged", report
        assert "crypto key" not in report["diff"], report["diff"]  # no needless key churn
        assert any("which meets the intent: kept" in n for n in report["notes"]), report
    assert all(r["ok"] for r in fleet.run("verify", intent).values())
    again = fleet.run("apply", intent)
    assert {r["outcome"] for r in again.values()} == {"unchanged"}, again


def test_rotate_password_then_host_key_over_the_fleet(fleet: Fleet, tmp_path: Path) -> None:
    secret_file = tmp_path / "admin.secret"
    rotated = fleet.run("rotate", "password", "admin", "--generate", str(secret_file))
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    new = secret_file.read_text().strip()
    assert new and new not in json.dumps(rotated)  # never shown
    for report in rotated.values():
        assert report["outcome"] == "converged", report
        checks = _checks(report)
        assert checks["rotated password admin: new logs in"]["ok"], checks
        assert checks["rotated password admin: old refused"]["ok"], checks
    fleet.repoint(new)

    before = {r.name: _entries(fleet.known_hosts, r) for r in fleet.lab.routers}
    keys = fleet.run("rotate", "host-key")
    for router in fleet.lab.routers:
        report = keys[router.name]
        assert report["outcome"] == "converged", report
        assert any("rotated:" in n for n in report["notes"]), report["notes"]
        after = _entries(fleet.known_hosts, router)
        assert len(after) == 1 and after != before[router.name], (before, after)
    # strict host-key checking passes with the rotated entries
    assert all(
        r["ok"]
        for r in fleet.run("verify", fleet.intent(tmp_path, "v2", {"ssh": {"version": 2}})).values()
    )


def _entries(known_hosts: Path, router: LabRouter) -> list[str]:
    name = f"[{router.host}]:{router.ssh_port} "
    return [line for line in known_hosts.read_text().splitlines() if line.startswith(name)]


def test_a_router_that_drops_the_session_mid_rotation_keeps_its_old_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = tmp_path / "faults.yaml"
    faults.write_text(
        yaml.safe_dump({"r1": {"drop": "^username admin"}, "r2": {"drop": "^crypto key generate"}})
    )
    known_hosts = tmp_path / "known_hosts"
    lab = LabProcess.start(
        "uniform",
        0,
        known_hosts=known_hosts,
        extra_args=["--image", "ios15", "--count", "2", "--faults", str(faults)],
    )
    try:
        folder = tmp_path / "inventory"
        _inventory(folder, lab, known_hosts, "admin")
        fleet = Fleet(lab, folder, known_hosts)
        fleet.run("apply", fleet.intent(tmp_path, "archive", {"archive": {}}))
        r1, r2 = lab.routers
        monkeypatch.setenv("NEW_ADMIN", "Admin-New-Secret2")
        dropped = fleet.run(
            "rotate", "password", "admin", "--secret-env", "NEW_ADMIN", "--host", "r1", code=1
        )["r1"]
        assert dropped["outcome"] == "reverting", dropped
        assert "session lost during the change" in dropped["errors"][0], dropped
        assert "revert timer" in dropped["revert"], dropped
        # the old secret still logs in, the new one does not
        assert ios_ssh.read_state(fleet.device(r1)).hostname == "r1"
        with pytest.raises(ios_ssh.ConnectError):
            ios_ssh.read_state(fleet.device(r1, password="Admin-New-Secret2"))

        pinned = _entries(known_hosts, r2)
        lost = fleet.run("rotate", "host-key", "--host", "r2", code=1)["r2"]
        assert lost["outcome"] == "reverting", lost
        assert _entries(known_hosts, r2) == pinned  # the old key stays pinned ...
        assert ios_ssh.read_state(fleet.device(r2)).hostname == "r2"  # ... and is served
    finally:
        lab.stop()
