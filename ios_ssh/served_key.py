"""Which RSA key SSH serves now, and which it is to serve after a change (pure).

IOS serves the key pair `ip ssh rsa keypair-name` names; without it, "the first RSA keys
generated" (guide l.1164-1166), and 15.x and XE routers have been seen serving a
`TP-self-signed-*` key while `<hostname>.<domain>` exists (capabilities: `served_key`).
Generating `<hostname>.<domain>` therefore does not make SSH serve it. So the plan:

- reads what SSH serves instead of assuming it: `show ip ssh`'s key blob, else the key
  `ip ssh rsa keypair-name` names, else the router's only RSA key;
- keeps the served key when the intent gives no label and that key meets it (a new host
  key makes every operator's known_hosts change: no churn without a reason);
- makes SSH serve a key the plan generates or picks, with `ip ssh rsa keypair-name`,
  wherever another key could be served instead (and says so in the diff).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import capabilities
from .intent import RsaIntent, SshIntent
from .state import DeviceState, KeyInfo


@dataclass(frozen=True)
class Served:
    """The key SSH serves now (None when the router's output cannot tell) and how that is
    known."""

    key: KeyInfo | None
    evidence: str


def served(state: DeviceState) -> Served:
    if state.ssh_key_sha256:
        for key in state.keys:
            if key.sha256 == state.ssh_key_sha256:
                return Served(key, "show ip ssh key blob")
        # The blob of a key `show crypto key` does not list (a label IOS 15 leaves empty)
        shown = KeyInfo(
            state.ssh_key_name,
            state.ssh_key_modulus or 0,
            "General Purpose Key",
            state.ssh_key_md5,
            state.ssh_key_sha256,
        )
        return Served(shown, "show ip ssh key blob")
    pinned = state.ip_ssh["rsa_keypair_name"]
    if pinned:
        key = state.key(pinned) or state.key(f"{pinned}.sig")
        return Served(key, f"ip ssh rsa keypair-name {pinned}")
    candidates = _candidates(state)
    if len(candidates) == 1:
        return Served(candidates[0], "the router's only RSA key")
    return Served(None, "")


def _candidates(state: DeviceState) -> list[KeyInfo]:
    """Keys SSH could serve: general-purpose or signature keys, not temporary ones."""
    return [
        k
        for k in state.keys
        if not k.name.endswith((".server", ".enc")) and not k.usage.lower().startswith("encr")
    ]


def meets(key: KeyInfo, rsa: RsaIntent) -> bool:
    """The key is what `rsa` asks for: enough bits, and the usage it names."""
    usage_ok = key.usage.lower().startswith("sig") if rsa.usage_keys else True
    return usage_ok and key.modulus >= rsa.modulus


@dataclass(frozen=True)
class KeyPlan:
    """What the plan does about the router's own key pair."""

    target: str  # the key pair SSH is to serve ("" when the intent says nothing of keys)
    keygen: str  # why keys are generated ("" when none are)
    label: str | None  # the label to generate with (None: IOS's <hostname>.<domain>)
    pin: str  # why `ip ssh rsa keypair-name target` is sent ("" when it is not)
    kept: KeyInfo | None = None  # the served key, kept as it is (no label in the intent)


NOTHING = KeyPlan("", "", None, "")


def settle(state: DeviceState, intent: SshIntent, hostname: str, domain: str) -> KeyPlan:
    """The key plan for `intent` on a router in `state` (after renaming to hostname.domain)."""
    rsa = intent.rsa
    if rsa is None:
        return NOTHING
    now = served(state)
    named = rsa.label or intent.ssh.keypair_name
    if named is None:
        key = now.key
        keep = key is not None and rsa.regenerate != "always"
        if keep and key is not None and (meets(key, rsa) or rsa.regenerate == "never"):
            return KeyPlan(key.name, "", None, "", kept=key)
    # A key the intent names (label, or the pair SSH is told to use), else IOS's default.
    label = named or f"{hostname}.{domain}"
    target = intent.ssh.keypair_name or label
    keygen = _keygen(state, rsa, label)
    pin = ""
    if intent.ssh.keypair_name is None:  # else the `ip ssh` settings name it already
        pin = _pin_reason(state, now, target, bool(keygen))
        if pin and not capabilities.supports("keypair_name", state.image):
            pin = ""  # no such command: IOS's own choice stands (verify says which key)
    return KeyPlan(target, keygen, rsa.label or intent.ssh.keypair_name, pin)


def _keygen(state: DeviceState, rsa: RsaIntent, label: str) -> str:
    have = state.key(f"{label}.sig" if rsa.usage_keys else label)
    if rsa.regenerate == "always":
        return f"regenerate {label} ({rsa.modulus} bits): regenerate is 'always'"
    if have is None:
        return f"no key named {label}: generate {rsa.modulus} bits"
    if rsa.regenerate == "if-weaker" and have.modulus < rsa.modulus:
        return f"key {label} has {have.modulus} bits, below {rsa.modulus}: regenerate"
    return ""


def _pin_reason(state: DeviceState, now: Served, target: str, generating: bool) -> str:
    """Why SSH must be told to serve `target`, or "" when it serves it anyway."""
    pinned = state.ip_ssh["rsa_keypair_name"]
    if pinned == target:
        return ""
    if pinned:
        return f"SSH serves the key pair {pinned} (ip ssh rsa keypair-name): make it {target}"
    others = [
        k for k in _candidates(state) if k.name not in (target, f"{target}.sig", f"{target}.enc")
    ]
    if not others:  # the target is (or is about to be) the router's only key: it is served
        return ""
    serving = now.key.name if now.key is not None else ""
    if serving == target and not generating:
        return ""  # already served, and it stays
    shown = (serving or "another key") if now.key is not None else "the first key generated"
    return (
        f"SSH serves {shown}, and IOS keeps serving the first keys generated unless "
        f"ip ssh rsa keypair-name says otherwise: make SSH serve {target}"
    )


def intended(state: DeviceState, intent: SshIntent) -> tuple[str, KeyInfo | None]:
    """The key SSH is meant to serve after the intent is applied, with its
    `show crypto key` entry: `ip ssh rsa keypair-name` (the intent's, else the router's),
    else the key the plan settles on (the served one when it meets the intent, the
    intent's label, `<hostname>.<domain>`); with no rsa section, the served key."""
    hostname = intent.hostname or state.hostname
    domain = intent.domain_name or state.domain
    name = intent.ssh.keypair_name or ""
    if not name and intent.rsa is not None:
        plan = settle(state, intent, hostname, domain)
        if plan.kept is not None:
            return plan.kept.name or "(the served key)", plan.kept
        name = plan.target
    name = name or state.ip_ssh["rsa_keypair_name"]
    if not name:
        now = served(state)
        if now.key is not None:
            return now.key.name or "(the served key)", now.key
        name = f"{hostname}.{domain}"
    return name, state.key(name) or state.key(f"{name}.sig")
