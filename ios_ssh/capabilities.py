"""What each image family can do: ONE table, each row with the release that introduced the
feature and the source of the fact (pure data, and the small queries over it).

Independent of the lab's own profile table by design: the library never imports the lab.
Sources, as tagged in shared/reference/image-families.md ([C] confirmed, [S] secondary,
[U] unconfirmed):
  guide  Cisco "Secure Shell Version 2 Support" configuration guide, feature table
         (reference/cisco-ios-ssh-configuration-guide.txt l.1164, 1176, 2072-2078) [C]
  S2     NAPALM docs/support/ios.rst: Rollback Confirmed Change needs 12.4(20)T or
         12.2(33)SXI; configure replace from 12.2(33)SXH [C]
  S12    Cisco command reference `crypto key generate rsa`: 4096 bits from 15.1(1)T /
         XE 2.4, 2048 before [C]
  S16    public lab notes: "360 to 2048" prompts and a `Do you really want to replace
         them? [yes/no]` on 12.x Catalysts; 57 s for 2048 bits on a 15.x IE switch [S]
  x1715  IOL 17.15.1 captures (reference/samples/labnotes-RT01-iol-17.15.1__*): modulus
         < 2048, `ip ssh dh min size 1024` and `ip ssh version 1` give `% Invalid input`;
         `ip ssh version 2` is the default, shown by `show run all` only [C]
  fs     `System image file is "disk0:..."` on a Sup720 (genieparser cat6k capture),
         "flash:" on ISR G2 / Catalyst 15.x, "bootflash:" on ISR4k/ASR1k (captures) [C]
  pk     user key types in `ip ssh pubkey-chain`: the guide's key-hash step, "The key type
         must be ssh-rsa" (l.1342, 1395) [C]; `Authentication Publickey Algorithms:
         x509v3-ssh-rsa,ssh-rsa` on 15.x and XE 16 (samples muninn c3750x, oxidized2564
         ASR920 15.5(3)S6 and 16.12.5) [C]; `ecdsa-sha2-nistp256/384/521,ssh-ed25519` among
         them on XE 17 (samples RT01 17.15.1, netlab#2976 IOL 17.16.1a and Cat8000v) [C];
         `key-hash ssh-ed25519 <MD5>` under the pubkey-chain in public XE 17 configurations,
         and "ed25519 user keys need 17.8.1 or later" in community notes
         (github Simeon26/ha-cisco-ios-tracker README) [S]
  srv    which key SSH serves: `ip ssh rsa keypair-name` names it; without it "the first RSA
         keys generated" (guide l.1164-1166) [C]; 15.x and XE captures serve a
         TP-self-signed-* key while <hostname>.<domain> exists (samples muninn c3750x,
         isr1100, oxidized3067) [C]; which key each release picks otherwise [U]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .image import FAMILIES, Family, Image, classic_release

if TYPE_CHECKING:
    from .intent import SshIntent
    from .state import DeviceState

# Availability of a command in one family: True, False, or the first release on the trains
# where it came late (e.g. ("12.2(33)SXI",): present from SXI on; "15.1(2)S": absent on
# S-train releases before 15.1(2)S, present on every other 15.x train).
Avail = bool | tuple[str, ...]


@dataclass(frozen=True)
class Row:
    key: str
    what: str  # the command or behaviour
    introduced: str  # the first release(s) that have it, as Cisco names them
    source: str  # see the module docstring
    per_family: Mapping[Family, Any]


def _row(key: str, what: str, introduced: str, source: str, **values: Any) -> Row:
    names = {"sx": "ios12.2sx", "ios15": "ios15", "xe16": "xe16", "xe17": "xe17", "unk": "unknown"}
    per_family = {names[name]: value for name, value in values.items()}
    assert set(per_family) == set(FAMILIES), key
    return Row(key, what, introduced, source, per_family)


# `unk` (an unidentified image) keeps the library's behaviour before this table: it assumes
# every command is there and every value the intent allows is accepted.
# fmt: off
TABLE: tuple[Row, ...] = (
    _row("dh_min_size", "ip ssh dh min size",
         "12.4(20)T / 15.1(2)S", "guide l.1176, 2077 [C]",
         sx=False, ios15=("15.1(2)S",), xe16=True, xe17=True, unk=True),
    _row("dh_sizes", "ip ssh dh min size values",
         "2048/4096 only on IOS XE 17", "x1715 [C]",
         sx=(), ios15=(1024, 2048, 4096), xe16=(1024, 2048, 4096), xe17=(2048, 4096), unk=(1024, 2048, 4096)),
    _row("pubkey_chain", "ip ssh pubkey-chain",
         "15.0(1)M / 15.1(1)S", "guide l.2078 [C]",
         sx=False, ios15=("15.1(1)S",), xe16=True, xe17=True, unk=True),
    _row("stricthostkeycheck", "ip ssh stricthostkeycheck",
         "15.0(1)M / 15.1(1)S", "guide l.2078 [C]",
         sx=False, ios15=("15.1(1)S",), xe16=True, xe17=True, unk=True),
    _row("keypair_name", "ip ssh rsa keypair-name",
         "12.2(25)S / 12.3(4)T", "guide l.1164, 2072 [C]",
         sx=True, ios15=True, xe16=True, xe17=True, unk=True),
    _row("ssh_v1", "ip ssh version 1 (and compatibility mode 1.99)",
         "an image before IOS XE 17, which removed it", "x1715 [C; first 17.x without it: U]",
         sx=True, ios15=True, xe16=True, xe17=False, unk=True),
    _row("modulus", "crypto key generate rsa modulus range",
         "4096 from 15.1(1)T / XE 2.4", "S12 [C]; SX max 2048 [U on a real SX box]; XE 17 min 2048: x1715 [C]",
         sx=(360, 2048), ios15=(360, 4096), xe16=(360, 4096), xe17=(2048, 4096), unk=(360, 4096)),
    _row("revert_timer", "configure terminal revert timer (Rollback Confirmed Change)",
         "12.2(33)SXI / 12.4(20)T", "S2 [C]; Catalyst 15.x E trains [U]",
         sx=("12.2(33)SXI",), ios15=True, xe16=True, xe17=True, unk=True),
    _row("configure_replace", "configure replace",
         "12.2(33)SXH / 12.3(7)T", "S2 [C]",
         sx=("12.2(33)SXH",), ios15=True, xe16=True, xe17=True, unk=True),
    _row("file_systems", "default file systems, most likely first",
         "-", "fs [C]; Sup720 [U]",
         sx=("disk0:", "bootflash:"), ios15=("flash:",), xe16=("bootflash:", "flash:"), xe17=("bootflash:", "flash:"), unk=("flash:",)),
    _row("key_blob", "show ip ssh prints the key blob (True, False, None: depends on release)",
         "15.2E / 15.5S and IOS XE", "samples: two-line show ip ssh on 12.x/early 15.x [C]",
         sx=False, ios15=None, xe16=True, xe17=True, unk=None),
    _row("hidden_defaults", "defaults that `show running-config` does not show",
         "IOS XE 17", "x1715 [C]",
         sx=(), ios15=(), xe16=(), xe17=("ip ssh version 2",), unk=()),
    _row("keygen_replace_question", "crypto key generate rsa asks `Do you really want to replace them? [yes/no]`",
         "12.x Catalysts", "S16 [S]; 15.x one-liner replaces without asking (S16) [C]",
         sx=True, ios15=False, xe16=False, xe17=False, unk=False),
    _row("keygen_seconds_2048", "seconds to generate a 2048-bit key (scales ~ bits^3)",
         "-", "S16: 57 s on a 15.x IE switch [S]; Sup720: minutes [U]; XE 1-7 s [S]",
         sx=300, ios15=60, xe16=15, xe17=15, unk=60),
    _row("pubkey_key_types", "user key types ip ssh pubkey-chain takes",
         "ssh-rsa from 15.0(1)M / 15.1(1)S; ECDSA and Ed25519 on IOS XE 17",
         "pk [C for 15.x, XE 16 and XE 17.15/17.16; S for the first XE 17 release]",
         sx=(), ios15=("ssh-rsa",), xe16=("ssh-rsa",),
         xe17=("ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
               "ssh-ed25519"),
         unk=("ssh-rsa",)),
    _row("ed25519_from", "ssh-ed25519 user keys (IOS XE release that first takes them)",
         "IOS XE 17.8.1", "pk [S]",
         sx=None, ios15=None, xe16=None, xe17="17.8.1", unk=None),
    _row("served_key", "the key SSH serves without ip ssh rsa keypair-name",
         "-", "srv [C for the guide and the captures; U for the rule]",
         sx="first generated", ios15="first generated, or a TP-self-signed key",
         xe16="first generated, or a TP-self-signed key",
         xe17="first generated, or a TP-self-signed key", unk="first generated"),
)
# fmt: on
ROWS: dict[str, Row] = {row.key: row for row in TABLE}


def value(key: str, image: Image) -> Any:
    return ROWS[key].per_family[image.family]


def supports(key: str, image: Image) -> bool:
    """Whether `image` has the command of row `key` (see Avail)."""
    avail: Avail = value(key, image)
    if isinstance(avail, bool):
        return avail
    have = classic_release(image.version)
    if have is None:
        return True  # a release we cannot read: assume the family's usual
    for first in avail:
        need = classic_release(first)
        assert need is not None, first
        if need.train.startswith("SX") and have.train.startswith("SX"):
            # SX sub-trains go F < H < I < J, then by rebuild: 12.2(33)SXH8 < 12.2(33)SXI
            return (have.train[:3], have.rebuild) >= (need.train[:3], need.rebuild)
        if have.train == need.train:
            return have >= need
    return True


def introduced(key: str) -> str:
    return ROWS[key].introduced


def hidden_version_2(image: Image) -> bool:
    return "ip ssh version 2" in value("hidden_defaults", image)


def keygen_seconds(image: Image, bits: int) -> int:
    """A generous estimate of key generation time (RSA keygen grows about as bits^3)."""
    return max(1, round(value("keygen_seconds_2048", image) * (bits / 2048) ** 3))


def configured_version(state: DeviceState) -> int | None:
    """`ip ssh version` as configured: 1, 2, or None (compatibility, 1.99). XE 17 hides its
    default `ip ssh version 2` from `show running-config`; `show ip ssh` still says 2.0."""
    have = state.ip_ssh["version"]
    if have is None and hidden_version_2(state.image) and state.ssh_version in ("2.0", ""):
        return 2
    return have


def file_system(state: DeviceState) -> str:
    """The router's own file system: the one `dir` lists, else the one the image booted
    from, else the family's usual one."""
    return (
        state.default_dir or state.image.boot_file_system or value("file_systems", state.image)[0]
    )


# -- fitting an intent to an image ---------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    field: str  # the intent field, e.g. "ssh.dh_min_size"
    what: str  # the command or value the image lacks
    needs: str  # the first release that has it, or what the image accepts
    verb: str = "needs"  # "needs" a release or range; "takes" what the image accepts

    def message(self, image: Image) -> str:
        return f"{self.field}: {self.what} is not supported by {image} ({self.verb} {self.needs})"


def xe_release(version: str) -> tuple[int, ...] | None:
    """`17.15.1a` / `17.05.01` -> (17, 15, 1); None for a classic release."""
    parts = version.split(".")
    if len(parts) < 2 or not all(p[:1].isdigit() for p in parts):
        return None
    return tuple(int("".join(c for c in p if c.isdigit()) or 0) for p in parts[:3])


def pubkey_types(image: Image) -> tuple[str, ...]:
    """The user key types `image` takes in its pubkey-chain (the table, and Ed25519 only
    from the release that has it where the release can be read)."""
    types: tuple[str, ...] = value("pubkey_key_types", image)
    first = value("ed25519_from", image)
    have = xe_release(image.version)
    if first and have is not None and have < (xe_release(first) or ()):
        types = tuple(t for t in types if t != "ssh-ed25519")
    return types


def key_type_gaps(intent: SshIntent, image: Image) -> list[Gap]:
    """Keys of a type the image's pubkey-chain does not take (named, with what it takes)."""
    if not supports("pubkey_chain", image):
        return []  # the whole chain is a gap of its own
    takes = pubkey_types(image)
    out = []
    for i, user in enumerate(intent.ssh.pubkey_users):
        if user.state != "present":
            continue
        for j, line in enumerate(user.keys):
            kind = line.split()[0]
            if kind not in takes:
                out.append(
                    Gap(
                        f"ssh.pubkey_users[{i}].keys[{j}]",
                        f"a {kind} key",
                        ", ".join(takes),
                        "takes",
                    )
                )
    return out


def gaps(intent: SshIntent, image: Image) -> list[Gap]:
    """The parts of `intent` that `image` cannot do, before anything is sent."""
    out: list[Gap] = []
    ssh = intent.ssh

    def lacks(key: str, field: str, wanted: bool) -> bool:
        if wanted and not supports(key, image):
            out.append(Gap(field, ROWS[key].what, introduced(key)))
            return True
        return False

    if ssh.dh_min_size is not None and not lacks("dh_min_size", "ssh.dh_min_size", True):
        sizes = value("dh_sizes", image)
        if ssh.dh_min_size not in sizes:
            out.append(
                Gap(
                    "ssh.dh_min_size",
                    f"ip ssh dh min size {ssh.dh_min_size}",
                    " or ".join(str(s) for s in sizes),
                )
            )
    present = [e for e in (*ssh.pubkey_users, *ssh.pubkey_servers) if e.state == "present"]
    if present:  # absent entries on an image without the chain: nothing to remove
        lacks("pubkey_chain", "ssh.pubkey_users/pubkey_servers", True)
    out += key_type_gaps(intent, image)
    lacks("stricthostkeycheck", "ssh.stricthostkeycheck", ssh.stricthostkeycheck is not None)
    lacks("keypair_name", "ssh.keypair_name", ssh.keypair_name is not None)
    lacks("ssh_v1", "ssh.version", ssh.version in (1, "compat"))
    if intent.rsa is not None:
        lo, hi = value("modulus", image)
        if not lo <= intent.rsa.modulus <= hi:
            out.append(Gap("rsa.modulus", f"modulus {intent.rsa.modulus}", f"{lo}-{hi} bits"))
    return out


# What `unsupported: skip` leaves out for each gap's field.
_SKIP: dict[str, tuple[str, dict[str, Any]]] = {
    "ssh.dh_min_size": ("ssh", {"dh_min_size": None}),
    "ssh.pubkey_users/pubkey_servers": ("ssh", {"pubkey_users": [], "pubkey_servers": []}),
    "ssh.stricthostkeycheck": ("ssh", {"stricthostkeycheck": None}),
    "ssh.keypair_name": ("ssh", {"keypair_name": None}),
    "ssh.version": ("ssh", {"version": None, "allow_v1": False}),
    "rsa.modulus": ("", {"rsa": None}),
}


@dataclass(frozen=True)
class Fitted:
    intent: SshIntent  # what the plan and checks use
    gaps: list[Gap]
    image: Image

    @property
    def messages(self) -> list[str]:
        return [gap.message(self.image) for gap in self.gaps]


def fit(intent: SshIntent, image: Image) -> Fitted:
    """The intent as it applies to `image`: unchanged with `unsupported: refuse` (the gaps
    become refusals), without the gaps' fields with `unsupported: skip`."""
    found = gaps(intent, image)
    if not found or intent.unsupported != "skip":
        return Fitted(intent, found, image)
    ssh_update: dict[str, Any] = {}
    top_update: dict[str, Any] = {}
    for gap in found:
        if gap.verb == "takes":  # a key type: that key is left out, and a user left keyless
            continue
        where, update = _SKIP[gap.field]
        (ssh_update if where == "ssh" else top_update).update(update)
    if any(gap.verb == "takes" for gap in found) and "pubkey_users" not in ssh_update:
        takes = pubkey_types(image)
        users = []
        for user in intent.ssh.pubkey_users:
            kept = [k for k in user.keys if k.split()[0] in takes]
            if user.state == "absent" or kept or user.key_hashes:
                users.append(user.model_copy(update={"keys": kept}) if kept != user.keys else user)
        ssh_update["pubkey_users"] = users
    # model_copy skips validation: the reduced intent is a subset of a valid one. The
    # cross-field rules still hold (fewer fields, and version None only with allow_v1 off
    # is "leave it as it is").
    ssh = intent.ssh.model_copy(update=ssh_update) if ssh_update else intent.ssh
    return Fitted(intent.model_copy(update={"ssh": ssh, **top_update}), found, image)
