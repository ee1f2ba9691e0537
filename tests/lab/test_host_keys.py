"""Every SSH connection the tool makes checks the host key before it sends a credential
(issue 10, part 2): the drivers, the probes, the fresh login and key rotation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.engine.sync import run_sync
from ios_ssh.errors import ConnectError
from ios_ssh.flow.rotation import Rotation, fresh_login
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.probes import login_probe, pubkey_probe, reverse_probe, scp_probe
from ios_ssh.session import DeviceParams, open_session
from ios_ssh.session.known_hosts import HostKey, KnownHosts

from .devices import lab_device as _device
from .fake_ssh import FakeServer, fake_ssh_server

pytestmark = pytest.mark.timeout(180)
DRIVERS = ["netmiko", "scrapli"]


def _host_key(key: asyncssh.SSHKey) -> HostKey:
    return HostKey(key.get_algorithm(), key.public_data)


@pytest.fixture
def impostor(temporary_known_hosts: Path) -> Iterator[FakeServer]:
    """A server whose key differs from the one pinned for its address."""
    with fake_ssh_server() as server:
        real = asyncssh.generate_private_key("ssh-ed25519")
        KnownHosts(temporary_known_hosts).add(server.host, server.port, _host_key(real))
        yield server


def _params(server: FakeServer, **extra: object) -> DeviceParams:
    return DeviceParams.coerce(
        {
            "host": server.host,
            "port": server.port,
            "username": "admin",
            "password": "the-password",
            "secret": "the-enable-secret",
            "timeout": 10,
            **extra,
        }
    )


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_changed_key_gets_no_password(
    impostor: FakeServer, driver: str, temporary_known_hosts: Path
) -> None:
    with pytest.raises(ConnectError) as caught:
        open_session(_params(impostor), driver)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and len(message) <= 200, message
    assert "host key: CHANGED" in message
    assert temporary_known_hosts.name in message  # the file, whole or elided in its middle
    assert impostor.key.get_fingerprint() in message  # the offered key, SHA256 form
    assert f"{impostor.host}:{impostor.port}" in message
    assert impostor.attempts.auth == []


@pytest.mark.parametrize("driver", DRIVERS)
def test_each_driver_refuses_a_changed_key_on_its_own(impostor: FakeServer, driver: str) -> None:
    """Without the pre-check, the driver's own connection is held to the pinned key."""
    params = _params(impostor)
    if driver == "netmiko":
        from ios_ssh.session.netmiko_driver import NetmikoChannel as Channel
    else:
        from ios_ssh.session.scrapli_driver import ScrapliChannel as Channel  # type: ignore[assignment]
    with pytest.raises(ConnectError):
        Channel(params)
    assert impostor.attempts.auth == []
    assert impostor.attempts.connections >= 1  # it did reach the server


def test_the_probes_send_no_password_to_a_changed_key(impostor: FakeServer) -> None:
    params = _params(impostor)
    key = asyncssh.generate_private_key("ssh-ed25519").export_private_key().decode()
    checks = login_probe(params, "", None)
    checks.append(scp_probe(params)[0])
    checks.append(pubkey_probe(params, "alice", key))
    checks.append(reverse_probe(params.model_copy(update={"reverse_port_offset": 0}), params.port))
    assert checks and not any(c.ok for c in checks)
    assert all("host key: CHANGED" in c.found for c in checks)
    assert impostor.attempts.auth == []


@pytest.mark.parametrize("driver", DRIVERS)
def test_strict_refuses_an_unknown_host_and_records_nothing(
    driver: str, temporary_known_hosts: Path
) -> None:
    with fake_ssh_server() as server:
        with pytest.raises(ConnectError, match=r"host key: unknown \(strict\)"):
            open_session(_params(server, host_key_check="strict"), driver)  # type: ignore[arg-type]
        assert server.attempts.auth == []
    assert KnownHosts(temporary_known_hosts).lookup(server.host, server.port) == []


@pytest.mark.parametrize("driver", [*DRIVERS, "asyncssh"])
def test_a_revoked_key_is_refused_under_accept_new_and_not_pinned(
    driver: str, temporary_known_hosts: Path
) -> None:
    """Every driver (the async engine's included) refuses a key the file marks @revoked,
    in one line of at most 200 characters; accept-new pinned it before."""
    import asyncio

    from ios_ssh.engine.aio_session import open_async

    with fake_ssh_server() as server:
        revoked = f"@revoked * {_host_key(server.key).openssh()}\n"
        temporary_known_hosts.write_text(revoked)
        with pytest.raises(ConnectError) as caught:
            if driver == "asyncssh":
                asyncio.run(open_async(_params(server)))
            else:
                open_session(_params(server), driver)  # type: ignore[arg-type]
        assert server.attempts.auth == []
    message = str(caught.value)
    assert "\n" not in message and len(message) <= 200, message
    assert message.startswith(f"{server.host}:{server.port}: host key: REVOKED")
    assert server.key.get_fingerprint() in message
    assert temporary_known_hosts.read_text() == revoked  # nothing pinned


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", bits=1024, minute_seconds=5.0))
    try:
        yield lab
    finally:
        lab.close()


@pytest.mark.parametrize("driver", DRIVERS)
def test_accept_new_records_an_unknown_host_and_strict_then_passes(
    lab: Lab, driver: str, temporary_known_hosts: Path
) -> None:
    address = lab.addresses["r1"]
    first = open_session(_device(lab), driver)  # type: ignore[arg-type]
    first.close()
    pinned = KnownHosts(temporary_known_hosts).lookup(address.host, address.port)
    assert [k.fingerprint for k in pinned] == [first.identity.key.fingerprint]  # type: ignore[union-attr]
    assert any("now pinned" in n for n in first.identity.notes())  # type: ignore[union-attr]
    report = ios_ssh.verify(_device(lab, host_key_check="strict"), SshIntent(), driver)  # type: ignore[arg-type]
    assert report.ok, report.text()
    host_key = next(c for c in report.checks if c.name == "host key")
    assert host_key.ok and pinned[0].fingerprint in host_key.expected
    assert "pinned in" in host_key.expected


def test_off_is_said_in_every_report(lab: Lab, temporary_known_hosts: Path) -> None:
    report = ios_ssh.verify(_device(lab, host_key_check="off"), SshIntent())
    assert any("host key NOT checked" in n for n in report.notes), report.text()
    assert not temporary_known_hosts.exists()


def _rotate_intent() -> SshIntent:
    return SshIntent.from_dict(
        {
            "rsa": {"modulus": 2048, "regenerate": "always"},
            "ssh": {"version": 2},
            "archive": {"path": "flash:archive"},
        }
    )


@pytest.mark.parametrize("driver", DRIVERS)
def test_apply_that_regenerates_the_key_rotates_the_entry(
    lab: Lab, driver: str, temporary_known_hosts: Path
) -> None:
    address = lab.addresses["r1"]
    store = KnownHosts(temporary_known_hosts)
    open_session(_device(lab), driver).close()  # type: ignore[arg-type]
    (old,) = store.lookup(address.host, address.port)
    report = ios_ssh.apply(_device(lab, host_key_check="strict"), _rotate_intent(), driver)  # type: ignore[arg-type]
    assert report.ok and report.changed, report.text()
    (new,) = store.lookup(address.host, address.port)  # replaced, not appended
    assert new != old
    assert any("rotated" in n and new.fingerprint in n for n in report.notes), report.notes
    assert temporary_known_hosts.read_text().count(f"[{address.host}]:{address.port}") == 1
    again = ios_ssh.verify(_device(lab, host_key_check="strict"), SshIntent(), driver)  # type: ignore[arg-type]
    assert again.ok, again.text()


def test_fresh_login_refuses_a_key_other_than_the_one_the_router_showed(
    lab: Lab, temporary_known_hosts: Path
) -> None:
    """The gap between keygen and the new pin: a key that is not the one the router
    showed over the verified session is refused, and the entry stays as it was."""
    address = lab.addresses["r1"]
    params = DeviceParams.coerce(_device(lab))
    open_session(params).close()
    before = temporary_known_hosts.read_text()
    rotation = Rotation(
        str(temporary_known_hosts), address.host, address.port, [], "SHA256:not-the-key"
    )
    problem = run_sync(fresh_login(params, SshIntent(), {}, rotation))
    assert problem is not None and "refused" in problem and "SHA256:not-the-key" in problem
    assert rotation.proven is None
    assert temporary_known_hosts.read_text() == before


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_pinned_rsa_key_is_asked_for_when_the_server_also_has_others(
    driver: str, temporary_known_hosts: Path
) -> None:
    """Like XE 17 with EC keys: the server prefers ed25519, the pinned key is RSA; every
    client asks for the pinned type instead of failing on the other key."""
    ed25519 = asyncssh.generate_private_key("ssh-ed25519")
    with fake_ssh_server(other_keys=(ed25519,)) as server:
        KnownHosts(temporary_known_hosts).add(server.host, server.port, _host_key(server.key))
        params = _params(server, host_key_check="strict")
        conv = open_session(params, driver)  # type: ignore[arg-type]
        conv.close()
        assert conv.identity is not None and conv.identity.key == _host_key(server.key)
        checks = login_probe(params, "", None)
        assert all(c.ok for c in checks if c.name != "host key"), checks
        host_key = next(c for c in checks if c.name == "host key")
        assert host_key.found == server.key.get_fingerprint()


def test_a_failed_fresh_login_reverts_but_keeps_the_new_key_pinned(
    lab: Lab, temporary_known_hosts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IOS does not roll RSA keys back with the configuration: after the revert the router
    still serves the new key, which the fresh login's key exchange proved, so it is pinned
    and the next session is not locked out by our own known_hosts."""
    from ios_ssh.engine import sync as tasks

    address = lab.addresses["r1"]
    open_session(_device(lab)).close()
    (old,) = KnownHosts(temporary_known_hosts).lookup(address.host, address.port)
    real_open = tasks.open_session

    def refuse_the_fresh_login(params: DeviceParams, driver: str = "netmiko") -> object:
        if "ios-ssh-rotation-" in str(params.known_hosts):
            raise ConnectError("authentication failed (simulated)")
        return real_open(params, driver)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "open_session", refuse_the_fresh_login)
    report = ios_ssh.apply(_device(lab), _rotate_intent())
    assert not report.ok and not report.changed
    assert any(e.startswith("fresh login: ") for e in report.errors), report.text()
    assert any("reverted" in n for n in report.notes), report.notes
    (new,) = KnownHosts(temporary_known_hosts).lookup(address.host, address.port)
    assert new != old and any("kept after the revert" in n for n in report.notes)
    monkeypatch.setattr(tasks, "open_session", real_open)
    open_session(_device(lab, host_key_check="strict")).close()


def test_the_async_engine_sends_no_password_to_a_changed_key(impostor: FakeServer) -> None:
    """The CLI's default path: its asyncssh session judges the key before any password."""
    import asyncio

    from ios_ssh.engine.aio_session import open_async

    with pytest.raises(ConnectError) as caught:
        asyncio.run(open_async(_params(impostor)))
    assert "host key: CHANGED" in str(caught.value) and "\n" not in str(caught.value)
    assert impostor.attempts.auth == []
    assert impostor.attempts.connections >= 1  # it did reach the server


def test_the_async_engine_fleet_reports_the_refusal(impostor: FakeServer) -> None:
    from ios_ssh.engine.fleet import Job, run_fleet

    job = Job("impostor", "apply", _params(impostor), SshIntent.from_dict({}), {})
    outcome = run_fleet([job], processes=1)["impostor"]
    report = outcome.value
    assert report.outcome == "failed-before-change" and not report.ok
    assert any("host key: CHANGED" in e for e in report.errors), report.errors
    assert impostor.attempts.auth == []
