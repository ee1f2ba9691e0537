"""The algorithm policy, applied alike by netmiko, scrapli and the probes (issue 12): a
router that offers only legacy algorithms (12.2SX-like: group1-sha1, ssh-rsa, CBC) is
refused by `modern` with a clear message and reached by `legacy-ok`, with a finding."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ios_ssh.errors import ConnectError
from ios_ssh.probes import login_probe
from ios_ssh.session import DeviceParams, open_session

from .fake_ssh import FakeServer, fake_ssh_server

pytestmark = pytest.mark.timeout(120)
DRIVERS = ["netmiko", "scrapli"]
LEGACY_ONLY = {
    "kex_algs": ["diffie-hellman-group1-sha1"],
    "host_key_algs": ["ssh-rsa"],
    "signature_algs": ["ssh-rsa"],
    "encryption_algs": ["aes128-cbc"],
    "mac_algs": ["hmac-sha1"],
}


@pytest.fixture(scope="module")
def old_router() -> Iterator[FakeServer]:
    with fake_ssh_server(**LEGACY_ONLY) as server:
        yield server


def _params(server: FakeServer, policy: object) -> DeviceParams:
    return DeviceParams.coerce(
        {
            "host": server.host,
            "port": server.port,
            "username": "admin",
            "password": "pw",
            "secret": "pw",
            "timeout": 10,
            "ssh_algorithms": policy,
        }
    )


@pytest.mark.parametrize("driver", DRIVERS)
def test_modern_refuses_a_legacy_only_router_before_any_password(
    old_router: FakeServer, driver: str
) -> None:
    before = len(old_router.attempts.auth)
    with pytest.raises(ConnectError) as caught:
        open_session(_params(old_router, "modern"), driver)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "ssh_algorithms=modern" in message and "diffie-hellman-group1-sha1" in message
    assert "legacy-ok" in message and "ip ssh server algorithm" in message
    assert "\n" not in message
    assert len(old_router.attempts.auth) == before


@pytest.mark.parametrize("driver", DRIVERS)
@pytest.mark.parametrize(
    "policy", ["legacy-ok", ["diffie-hellman-group1-sha1", "ssh-rsa", "aes128-cbc"]]
)
def test_legacy_ok_reaches_it_and_says_so(
    old_router: FakeServer, driver: str, policy: object
) -> None:
    conv = open_session(_params(old_router, policy), driver)  # type: ignore[arg-type]
    try:
        assert conv.identity is not None
        negotiated = conv.identity.negotiated
        assert negotiated.kex == ("diffie-hellman-group1-sha1",)
        assert negotiated.host_key == ("ssh-rsa",) and negotiated.ciphers == ("aes128-cbc",)
        notes = conv.identity.notes()
        assert any("diffie-hellman-group1-sha1" in n and "ssh-rsa" in n for n in notes)
        finding = next(n for n in notes if n.startswith("legacy SSH algorithm"))
        assert "ip ssh server algorithm" in finding and "upgrade the image" in finding
    finally:
        conv.close()
    assert old_router.attempts.auth  # it did log in


def test_the_probes_follow_the_policy(old_router: FakeServer) -> None:
    refused = login_probe(_params(old_router, "modern"), "", None)
    assert not refused[0].ok and "ssh_algorithms=modern" in refused[0].found
    reached = login_probe(_params(old_router, "legacy-ok"), "", None)
    login = next(c for c in reached if c.name == "fresh ssh login")
    assert login.ok, reached
    host_key = next(c for c in reached if c.name == "host key")
    assert host_key.found == old_router.key.get_fingerprint()
