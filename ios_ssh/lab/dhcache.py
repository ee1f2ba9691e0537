"""Finite-field DH groups checked once per process, not once per key exchange.

asyncssh builds a DH object per key exchange from (g, p); cryptography then validates the
group's parameters (a primality test of p) when the group is loaded and again when the
peer's public value is, ~50 ms of CPU each for the SHA-1 era groups the legacy images
offer (group1, group14, group exchange). The groups are fixed primes, so the lab validates
each one once and reuses it, and computes the shared secret y^x mod p itself after the
range check RFC 4253 section 8 asks for; each exchange still has its own private key.
"""

from __future__ import annotations

from asyncssh.crypto import dh as asyncssh_dh
from cryptography.hazmat.primitives.asymmetric import dh

_GROUPS: dict[tuple[int, int], dh.DHParameters] = {}


def _init(self: asyncssh_dh.DH, g: int, p: int) -> None:
    self._pn = dh.DHParameterNumbers(p, g)
    params = _GROUPS.get((g, p))
    if params is None:
        params = _GROUPS[(g, p)] = self._pn.parameters()
    self._priv_key = params.generate_private_key()
    self._x = self._priv_key.private_numbers().x  # type: ignore[attr-defined]


def _get_shared(self: asyncssh_dh.DH, peer_public: int) -> int:
    p = self._pn.p
    if not 1 < peer_public < p - 1:
        raise ValueError("Invalid DH public value")
    return pow(peer_public, self._x, p)  # type: ignore[attr-defined]


def install() -> None:
    """Make every asyncssh DH exchange in this process reuse checked groups."""
    asyncssh_dh.DH.__init__ = _init  # type: ignore[method-assign]
    asyncssh_dh.DH.get_shared = _get_shared  # type: ignore[method-assign]
