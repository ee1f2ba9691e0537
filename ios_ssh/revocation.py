"""Which credentials verify must prove on the wire, beyond the configuration text (pure).

A removed user or key that the router still accepts is the failure that matters most after
a revocation, and the running-config cannot show it (a key-hash left on another entry, an
AAA server that still knows the user, a `username` line IOS kept). So verify logs in with
the old credentials it is given and expects a refusal:

- a private key given for a user (`private_keys`) whose key the intent removes (the user
  is absent, or unlisted in an owned `ssh.pubkey_users`, or listed without that key) must
  be refused; one the intent keeps must log in;
- a removed user's old password (`secret_env` of an `absent` entry, or `user:NAME` in the
  secrets given) must be refused;
- a rotated password (`update_secret: always`) must log in with the new value, and the old
  one (`old:NAME` in the secrets; the rotation puts the operator's own there) be refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .intent import SshIntent
from .secrets import secret_key

OLD = "old:"  # secrets key prefix: a user's previous secret, to prove it refused
USER = "user:"  # secrets key prefix: a user's secret when no environment variable names it


def allowed_key_hashes(intent: SshIntent, username: str) -> frozenset[str] | None:
    """The key hashes `username` may log in with after the intent; None when the intent
    does not manage that user's keys (a key given for it must simply log in)."""
    for entry in intent.ssh.pubkey_users:
        if entry.username == username:
            if entry.state == "absent":
                return frozenset()
            return frozenset(entry.all_key_hashes)
    if intent.owns("ssh.pubkey_users"):
        return frozenset()
    return None


@dataclass(frozen=True)
class PasswordProof:
    """A password login to try, and whether it must work."""

    check: str  # the check's name
    username: str
    password: str
    works: bool


def password_proofs(intent: SshIntent, secrets: Mapping[str, str]) -> list[PasswordProof]:
    """The password logins verify tries: removed users' old secrets (refused), rotated
    users' new (works) and old (refused) secrets."""
    out: list[PasswordProof] = []
    present = {u.name for u in intent.present_users}
    seen: set[str] = set()
    for user in intent.users:
        value = secrets.get(secret_key(user.secret_env, user.name), "")
        if user.state == "absent" and value:
            out.append(PasswordProof(f"revoked user {user.name} refused", user.name, value, False))
            seen.add(user.name)
        elif user.state == "present" and user.update_secret == "always" and value:
            out.append(
                PasswordProof(f"rotated password {user.name}: new logs in", user.name, value, True)
            )
            old = secrets.get(f"{OLD}{user.name}", "")
            if old and old != value:
                out.append(
                    PasswordProof(
                        f"rotated password {user.name}: old refused", user.name, old, False
                    )
                )
    if intent.owns("users"):
        for key, value in sorted(secrets.items()):
            name = key.removeprefix(USER)
            if key.startswith(USER) and value and name not in present and name not in seen:
                out.append(PasswordProof(f"revoked user {name} refused", name, value, False))
    return out
