"""The SSH algorithm policy every session uses: `modern`, `legacy-ok` or an explicit list.

`modern` has no SHA-1 key exchange, no `ssh-rsa` (SHA-1) signatures and no CBC ciphers.
`legacy-ok` (the default) offers the modern algorithms first and the legacy ones after
them, so a router that offers nothing else (12.2SX, classic 15.x, XE 16.x: the table in
shared/reference/image-families.md §1.1) is still reached, and the report says so.

The same lists are turned into each client's settings (asyncssh arguments, paramiko's
`disabled_algorithms`, OpenSSH `-o` options), so the drivers and the probes agree.
Pure, apart from asking the local `ssh` what it supports (once).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, fields

Policy = str | tuple[str, ...]
CATEGORIES = ("kex", "host_key", "ciphers", "macs")
LABELS = {"kex": "key exchange", "host_key": "host key", "ciphers": "cipher", "macs": "MAC"}


@dataclass(frozen=True)
class Algorithms:
    kex: tuple[str, ...]
    host_key: tuple[str, ...]
    ciphers: tuple[str, ...]
    macs: tuple[str, ...]

    def __add__(self, other: Algorithms) -> Algorithms:
        return Algorithms(
            *(
                getattr(self, f.name)
                + tuple(a for a in getattr(other, f.name) if a not in getattr(self, f.name))
                for f in fields(self)
            )
        )


MODERN = Algorithms(
    kex=(
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp256",
        "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521",
        "diffie-hellman-group-exchange-sha256",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512",
        "diffie-hellman-group14-sha256",
    ),
    host_key=(
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "rsa-sha2-512",
        "rsa-sha2-256",
    ),
    ciphers=(
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
    ),
    macs=(
        "hmac-sha2-256-etm@openssh.com",
        "hmac-sha2-512-etm@openssh.com",
        "hmac-sha2-256",
        "hmac-sha2-512",
        "hmac-sha1",  # HMAC-SHA1 is not a SHA-1 signature; 15.2E/15.5S offer nothing else
    ),
)
# What the old families offer (image-families.md §1.1: S4, S5, S7, S9, S10).
LEGACY = Algorithms(
    kex=(
        "diffie-hellman-group-exchange-sha1",
        "diffie-hellman-group14-sha1",
        "diffie-hellman-group1-sha1",
    ),
    host_key=("ssh-rsa",),
    ciphers=("aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"),
    macs=("hmac-sha1-96", "hmac-md5", "hmac-md5-96"),
)
LEGACY_OK = MODERN + LEGACY
POLICIES = {"modern": MODERN, "legacy-ok": LEGACY_OK}
KNOWN = {c: set(getattr(LEGACY_OK, c)) for c in CATEGORIES}


def resolve(policy: Policy) -> Algorithms:
    """The allowed lists, in preference order. An explicit list names algorithms of any
    category; a category it leaves out keeps the modern list."""
    if isinstance(policy, str):
        if policy not in POLICIES:
            raise ValueError(f"{policy!r}: use modern, legacy-ok or a list of algorithms")
        return POLICIES[policy]
    chosen = {c: tuple(a for a in policy if a in KNOWN[c]) for c in CATEGORIES}
    unknown = [a for a in policy if not any(a in KNOWN[c] for c in CATEGORIES)]
    if unknown:
        raise ValueError(f"unknown SSH algorithm(s): {', '.join(unknown)}")
    return Algorithms(**{c: chosen[c] or getattr(MODERN, c) for c in CATEGORIES})


def check_policy(value: object) -> Policy:
    """For DeviceParams: a policy name or a list of known algorithm names."""
    if isinstance(value, str):
        resolve(value)
        return value
    if isinstance(value, Sequence):
        names = tuple(str(v) for v in value)
        if not names:
            raise ValueError("an explicit algorithm list cannot be empty")
        resolve(names)
        return names
    raise ValueError("use modern, legacy-ok or a list of algorithms")


class NoCommonAlgorithm(ValueError):
    """The server offers nothing the policy allows in one category."""

    def __init__(self, category: str, offered: Sequence[str], allowed: Sequence[str]) -> None:
        self.category, self.offered = category, tuple(offered)
        super().__init__(
            f"no common {LABELS[category]} algorithm: the router offers "
            f"{', '.join(offered) or 'none'}; the policy allows {', '.join(allowed)}"
        )


def negotiate(allowed: Algorithms, offer: Algorithms) -> Algorithms:
    """RFC 4253 7.1: per category, the first client algorithm the server also offers.
    (For the host key the client list is the server's key types' algorithms in order.)"""
    chosen = {}
    for category in CATEGORIES:
        mine, theirs = getattr(allowed, category), getattr(offer, category)
        pick = next((a for a in mine if a in theirs), None)
        if pick is None:
            raise NoCommonAlgorithm(category, theirs, mine)
        chosen[category] = (pick,)
    return Algorithms(**chosen)


def legacy_in(negotiated: Algorithms) -> list[str]:
    """The negotiated algorithms that the modern policy would refuse."""
    return [a for c in CATEGORIES for a in getattr(negotiated, c) if a not in getattr(MODERN, c)]


def describe(negotiated: Algorithms) -> str:
    return ", ".join(f"{LABELS[c]} {getattr(negotiated, c)[0]}" for c in CATEGORIES)


def legacy_fix(legacy: Sequence[str]) -> str:
    """What the operator can do about a legacy algorithm (image-families.md §1.4: the
    command exists on IOS-XE and later 15.x only)."""
    return (
        f"legacy SSH algorithm(s) in use: {', '.join(legacy)}; fix on the router with "
        "'ip ssh server algorithm kex|encryption|hostkey ...' (IOS-XE 16.x/17.x, later 15.x) "
        "or upgrade the image; ssh_algorithms=modern refuses them"
    )


# -- each client's settings --------------------------------------------------------------


def asyncssh_options(allowed: Algorithms) -> dict[str, list[str]]:
    """Keyword arguments for asyncssh.connect / SSHClientConnectionOptions."""
    from asyncssh.encryption import get_encryption_algs
    from asyncssh.kex import get_kex_algs
    from asyncssh.mac import get_mac_algs
    from asyncssh.public_key import get_public_key_algs

    def keep(names: tuple[str, ...], supported: list[bytes]) -> list[str]:
        have = {s.decode() for s in supported}
        return [n for n in names if n in have]

    return {
        "kex_algs": keep(allowed.kex, get_kex_algs()),
        "server_host_key_algs": keep(allowed.host_key, get_public_key_algs()),
        "encryption_algs": keep(allowed.ciphers, get_encryption_algs()),
        "mac_algs": keep(allowed.macs, get_mac_algs()),
        "signature_algs": keep(allowed.host_key, get_public_key_algs()),
    }


def paramiko_disabled(allowed: Algorithms) -> dict[str, list[str]]:
    """paramiko's `disabled_algorithms` (netmiko passes it through): what it has that the
    policy does not allow. paramiko keeps its own preference order, modern first."""
    from paramiko import Transport

    allowed_keys = set(allowed.host_key)
    return {
        "kex": [k for k in Transport._preferred_kex if k not in allowed.kex],
        "keys": [k for k in Transport._preferred_keys if k not in allowed_keys],
        "pubkeys": [k for k in Transport._preferred_pubkeys if k not in allowed_keys],
        "ciphers": [c for c in Transport._preferred_ciphers if c not in allowed.ciphers],
        "macs": [m for m in Transport._preferred_macs if m not in allowed.macs],
    }


@functools.cache
def _openssh_supports(query: str) -> frozenset[str]:
    ssh = shutil.which("ssh")
    if ssh is None:
        return frozenset()
    out = subprocess.run([ssh, "-Q", query], capture_output=True, text=True, check=False)
    return frozenset(out.stdout.split())


def openssh_options(allowed: Algorithms) -> list[str]:
    """`-o` options for the OpenSSH client (scrapli's system transport). Explicit lists
    replace OpenSSH's defaults, which since 8.8 leave out ssh-rsa and SHA-1 key exchange."""

    def keep(names: tuple[str, ...], query: str) -> str:
        have = _openssh_supports(query)
        return ",".join(n for n in names if not have or n in have)

    host_keys = keep(allowed.host_key, "HostKeyAlgorithms")
    return [
        "-o", f"KexAlgorithms={keep(allowed.kex, 'kex')}",
        "-o", f"HostKeyAlgorithms={host_keys}",
        "-o", f"PubkeyAcceptedAlgorithms={host_keys}",
        "-o", f"Ciphers={keep(allowed.ciphers, 'cipher')}",
        "-o", f"MACs={keep(allowed.macs, 'mac')}",
    ]  # fmt: skip


def host_key_algs_for(keytypes: Sequence[str], allowed: Algorithms) -> tuple[str, ...]:
    """The allowed host key algorithms, those for already pinned key types first (as
    OpenSSH orders them), so the server shows the key we know."""
    by_type = {"ssh-rsa": {"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"}}
    wanted = set()
    for keytype in keytypes:
        wanted |= by_type.get(keytype, {keytype})
    first = [a for a in allowed.host_key if a in wanted]
    return tuple(first + [a for a in allowed.host_key if a not in wanted])


def prefer_key_types(allowed: Algorithms, keytypes: Sequence[str]) -> Algorithms:
    """The policy with the host key algorithms of these (pinned) key types first. OpenSSH
    does this itself only with its default list, which an explicit policy replaces."""
    if not keytypes:
        return allowed
    return Algorithms(
        allowed.kex, host_key_algs_for(keytypes, allowed), allowed.ciphers, allowed.macs
    )
