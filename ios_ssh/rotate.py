"""Rotation: a new password for one local user, or a new host key, as a change like any
other (the same plan, revert window, fresh login, verify and report; flow.apply).

A rotation is an intent shaped by what the router holds, which only the flow has read:
- password: `username USER privilege P secret 0 NEW` with the router's own privilege P
  (`update_secret: always`); a user the router does not have is refused, not created.
  verify then proves the new secret logs in and the old one is refused (revocation.py;
  the old one is the operator's own password when USER is the operator, or given).
- host key: the key pair SSH serves, regenerated under its own label (at least as many
  bits as it has, and the image's minimum): the flow reads the new key over the trusted
  session, requires the fresh login to present exactly it, and only then replaces the
  known_hosts entry (flow/rotation.py).

`Rotate` is plain data: it travels in a Job's options to worker processes and Dask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from . import capabilities, served_key
from .errors import IntentError
from .intent import SshIntent
from .revocation import OLD
from .session.params import DeviceParams
from .state import DeviceState

Kind = Literal["password", "host-key"]


@dataclass(frozen=True)
class Rotate:
    kind: Kind
    user: str = ""  # password: the local user
    secret_env: str | None = None  # password: where the new secret is (None: `user:USER`)
    modulus: int | None = None  # host key: bits (None: the served key's, or more)

    @classmethod
    def coerce(cls, value: Rotate | Mapping[str, Any]) -> Rotate:
        if isinstance(value, Rotate):
            return value
        return cls(**dict(value))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def intent(self) -> SshIntent:
        """What is known before any router is read (its secrets are resolved from it up
        front, and bad input is refused there)."""
        if self.kind == "password":
            user: dict[str, Any] = {"name": self.user, "update_secret": "always"}
            if self.secret_env:
                user["secret_env"] = self.secret_env
            return SshIntent.from_dict({"users": [user]})
        if self.kind == "host-key":
            # a new key, nothing else: the SSH version is left as it is (no v1 refusal)
            return SshIntent.from_dict(
                {
                    "rsa": {"modulus": self.modulus or 2048, "regenerate": "always"},
                    "ssh": {"allow_v1": True},
                }
            )
        raise IntentError([f"rotate: {self.kind!r} is not allowed; use password or host-key"])

    def shape(self, state: DeviceState, intent: SshIntent) -> tuple[SshIntent, list[str]]:
        """The rotation for this router as read: the intent, and refusals."""
        if self.kind == "password":
            return _password(state, intent, self.user)
        return _host_key(state, intent, self.modulus)

    def old_secrets(self, params: DeviceParams) -> dict[str, str]:
        """The old secret verify proves refused: the operator's own, when it is rotated."""
        if self.kind == "password" and self.user == params.username:
            old = params.password.get_secret_value()
            return {f"{OLD}{self.user}": old} if old else {}
        return {}


def _password(state: DeviceState, intent: SshIntent, user: str) -> tuple[SshIntent, list[str]]:
    have = next((u for u in state.config["users"] if u["name"] == user), None)
    if have is None:
        refusal = (
            f"rotate password: {state.hostname} has no local user {user!r}; a rotation "
            "changes existing users only (add it with an intent's users)"
        )
        return intent, [refusal]
    entry = intent.users[0].model_copy(update={"privilege": have["privilege"]})
    return intent.model_copy(update={"users": [entry]}), []


def _host_key(
    state: DeviceState, intent: SshIntent, modulus: int | None
) -> tuple[SshIntent, list[str]]:
    now = served_key.served(state).key
    if now is None and state.keys:
        refusal = (
            f"rotate host-key: which of {len(state.keys)} RSA keys SSH serves cannot be told "
            "(no key blob in show ip ssh, no ip ssh rsa keypair-name): name it with an "
            "intent's ssh.keypair_name first"
        )
        return intent, [refusal]
    assert intent.rsa is not None
    low, _high = capabilities.value("modulus", state.image)
    bits = modulus or max(now.modulus if now else 0, 2048, low)
    usage = bool(now and now.usage.lower().startswith("sig"))
    label = None
    if now is not None and now.name:
        label = now.name.removesuffix(".sig") if usage else now.name
    # (no key at all: the router's first key is made, named <hostname>.<domain>, and served)
    rsa = intent.rsa.model_copy(update={"label": label, "modulus": bits, "usage_keys": usage})
    return intent.model_copy(update={"rsa": rsa}), []
