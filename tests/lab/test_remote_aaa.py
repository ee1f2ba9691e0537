"""A remote-only operator (issue 21, items 3 and 4): RADIUS answered by a real FreeRADIUS,
TACACS+ by the lab's directory, on the four image families. The operator, who is no local
user anywhere, converges the shipped hardening intent; with the servers down, a local user
gets in where the list has `local` and the failure is one line where it has not; a change
that would leave the operator no way in is refused with nothing sent; and one intent sets
`group tacacs+ local` together with its server, the key never shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.remote_aaa import TacacsUser
from ios_ssh.lab.session import Session
from tests.aaa_intents import tacacs_then_local

from .devices import lab_device
from .freeradius import freeradius

pytestmark = pytest.mark.timeout(300)
REPO = Path(__file__).resolve().parents[2]
HARDENING = SshIntent.from_yaml(REPO / "inventory/intents/hardening.yaml")
OPERATOR = ("ops", "Ops-Remote-1")  # in RADIUS and TACACS+, on no router
RADIUS_KEY = "Rad-Shared-9"
TACACS_KEY = "Tac-Shared-4"
MINUTE = 5.0

# name: (image, login list, with local?)
ROUTERS = {
    "r1": ("xe17", "group radius local"),
    "r2": ("ios12.2sx", "group tacacs+ local"),
    "r3": ("ios15", "group RADGRP"),
    "r4": ("xe16", "group tacacs+"),
}


def _configure(device, text: str) -> None:
    session = Session(device, "admin", 15)
    session.feed("configure terminal")
    for line in text.strip("\n").split("\n"):
        out = session.feed(line)
        assert "%" not in out, (line, out)
    session.feed("end")


def _aaa(login: str, radius_port: int) -> str:
    group = login.split()[1]
    servers = (
        f"radius server RAD1\n address ipv4 127.0.0.1 auth-port {radius_port} acct-port 1813\n"
        f" key {RADIUS_KEY}\n exit\n"
        if group in ("radius", "RADGRP")
        else f"tacacs server TAC1\n address ipv4 127.0.0.1\n key {TACACS_KEY}\n exit\n"
    )
    named = (
        "aaa group server radius RADGRP\n server name RAD1\n exit\n" if group == "RADGRP" else ""
    )
    return (
        f"aaa new-model\n{servers}{named}"
        f"aaa authentication login default {login}\n"
        f"aaa authorization exec default {login}\n"
    )


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("freeradius")
    with freeradius(folder, RADIUS_KEY, {OPERATOR[0]: (OPERATOR[1], 15)}) as port:
        lab = Lab()
        directory = {OPERATOR[0]: TacacsUser(OPERATOR[1], 15)}
        try:
            for name, (image, login) in ROUTERS.items():
                device = baseline_device(name, image=image, minute_seconds=MINUTE)
                device.tacacs_users = directory
                _configure(device, _aaa(login, port))
                lab.add(device, name)
            yield lab
        finally:
            lab.close()


def _device(lab: Lab, name: str, who: tuple[str, str] = OPERATOR) -> dict[str, object]:
    return lab_device(lab, name, username=who[0], password=who[1], timeout=20)


def _sx(name: str) -> bool:
    return ROUTERS[name][0] == "ios12.2sx"  # no revert timer: the user's own choice


def test_1_a_remote_only_operator_converges_hardening_on_every_family(lab: Lab) -> None:
    assert sorted(image for image, _ in ROUTERS.values()) == ["ios12.2sx", "ios15", "xe16", "xe17"]
    for name in ROUTERS:
        device = lab.routers[name].device
        assert OPERATOR[0] not in device.config.users
        report = ios_ssh.apply(_device(lab, name), HARDENING, allow_unprotected=_sx(name))
        assert report.ok and report.changed, (name, report.text())
        assert not any("login local" in line for line in report.diff.splitlines())
        assert any("IOS ignores login local" in n for n in report.notes), report.notes
        assert any("aaa method list" == c.found for c in report.checks), report.checks
        running = device.running_text()
        assert "ip ssh time-out 60" in running and " transport input ssh" in running
        again = ios_ssh.apply(_device(lab, name), HARDENING, allow_unprotected=_sx(name))
        assert again.ok and not again.changed, (name, again.text())


def test_2_with_the_servers_down_local_works_where_the_list_has_it(lab: Lab) -> None:
    admin = ("admin", "admin")  # the lab's local user, on every router
    reachable = SshIntent.from_dict({})  # only: SSH is enabled (needs a login)
    for router in lab.routers.values():
        router.device.faults = {"aaa_down": True}
    try:
        for name, (_, login) in ROUTERS.items():
            local = ios_ssh.verify(_device(lab, name, admin), reachable, live=False)
            remote = ios_ssh.verify(_device(lab, name, OPERATOR), reachable, live=False)
            for report in [remote] if login.endswith("local") else [remote, local]:
                assert not report.ok and len(report.errors) == 1, (name, report.errors)
                error = report.errors[0]
                assert "\n" not in error and ": login: the router refused user" in error, error
                assert f"{lab.addresses[name].host}:{lab.addresses[name].port}" in error, error
            if login.endswith("local"):
                assert local.ok and not local.errors, (name, local.text())
    finally:
        for router in lab.routers.values():
            router.device.faults = {}


def test_2b_a_server_that_rejects_a_user_ends_the_login_local_is_not_tried(lab: Lab) -> None:
    """As IOS does: `local` after a group is the fallback for servers that do not answer,
    not a second chance. The lab's local admin is in neither RADIUS nor the TACACS+
    directory, so while the servers answer they reject it, on `group radius local` and
    `group tacacs+ local` alike; with the servers down (test 2) the same login works."""
    admin = ("admin", "admin")
    reachable = SshIntent.from_dict({})
    for name in ("r1", "r2"):  # the two lists that end in local
        assert ROUTERS[name][1].endswith(" local")
        assert "admin" in lab.routers[name].device.config.users
        report = ios_ssh.verify(_device(lab, name, admin), reachable, live=False)
        assert not report.ok and len(report.errors) == 1, (name, report.text())
        assert ": login: the router refused user" in report.errors[0], report.errors
        operator = ios_ssh.verify(_device(lab, name, OPERATOR), reachable, live=False)
        assert operator.ok, (name, operator.text())  # the server answered: it decides


def test_3_a_change_that_leaves_the_operator_no_way_in_is_refused_before_anything_is_sent(
    lab: Lab,
) -> None:
    device = lab.routers["r1"].device
    before = device.running_body()
    intent = SshIntent.from_dict(
        {"aaa": {"new_model": True, "authentication_login": {"default": ["local"]}}}
    )
    report = ios_ssh.apply(_device(lab, "r1"), intent)
    assert report.outcome == "refused" and not report.changed
    assert any("no way to log in" in r and "add ops to users" in r for r in report.refusals)
    assert device.running_body() == before


def test_4_one_intent_sets_group_tacacs_local_with_its_server(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A router that logs in locally moves to TACACS+ with local fallback: server, key and
    list in one intent; the fresh login (now answered by TACACS+) proves it."""
    device = baseline_device("r5", image="xe17", minute_seconds=MINUTE)
    device.tacacs_users = {OPERATOR[0]: TacacsUser(OPERATOR[1], 15)}
    _configure(
        device,
        f"username {OPERATOR[0]} privilege 15 secret 0 {OPERATOR[1]}\n"
        "aaa new-model\naaa authentication login default local\n"
        "aaa authorization exec default local\n",
    )
    lab.add(device, "r5")
    monkeypatch.setenv("TACACS_KEY", TACACS_KEY)
    intent = tacacs_then_local("TACACS_KEY")
    report = ios_ssh.apply(_device(lab, "r5"), intent)
    assert report.ok and report.changed, report.text()
    assert "<from $TACACS_KEY>" in report.diff
    assert TACACS_KEY not in report.text() and TACACS_KEY not in report.diff
    assert {c.name for c in report.checks if c.ok} >= {
        "tacacs server TAC1",
        "aaa authentication login default",
    }
    running = device.running_text()
    assert "tacacs server TAC1\n address ipv4 127.0.0.1\n key 7 " in running
    assert "aaa authentication login default group tacacs+ local" in running
    assert TACACS_KEY not in running


def test_the_tacacs_directory_file_and_the_aaa_down_fault_are_checked(tmp_path: Path) -> None:
    from ios_ssh.lab import faults
    from ios_ssh.lab.remote_aaa import load_tacacs_users

    good = tmp_path / "users.yaml"
    good.write_text("ops: {password: Ops-1, privilege: 15}\nro: {password: Ro-1}\n")
    assert load_tacacs_users(good) == {
        "ops": TacacsUser("Ops-1", 15),
        "ro": TacacsUser("Ro-1", 1),
    }
    for text, why in (
        ("ops: {password: 5}\n", "needs password"),
        ("ops: {password: x, privilege: 16}\n", "0 to 15"),
        ("ops: {password: x, secret: y}\n", "unknown field 'secret'"),
    ):
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises((TypeError, ValueError), match=why):
            load_tacacs_users(bad)
    faults.check("r1", {"aaa_down": True})
    with pytest.raises(ValueError, match="aaa_down: true or false"):
        faults.check("r1", {"aaa_down": "yes"})
