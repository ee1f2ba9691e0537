"""`show crypto key mypubkey rsa [LABEL]` in the shape of the router's image family.

Shapes from shared/reference/samples/:
- `Key type: RSA KEYS      2048 bits` on XE 17 (RT01 17.15.1, genieparser iosxe rsa 3),
  `Key type: RSA KEYS` with no size on 15.x and older XE (muninn c3750x, genieparser iosxe
  rsa 1 and 2; images.py `key_size_shown`);
- `Storage Device: not specified` on keys never saved (RT01 17.15.1, genieparser iosxe rsa
  3, lab routers) and `private-config` on saved ones (production boxes in the same
  samples) [U: the rule is inferred from which boxes print which];
- the SSH-1 server key: `<served key>.server`, 128 bits longer (RT01: 2048 -> 2176; muninn
  cat9300: TP-self-signed 2048 -> 2176), `Temporary key`, `Usage: Encryption Key`, no
  Storage line, `Key is not exportable.` (muninn c3750x, genieparser iosxe rsa 1), listed
  once SSH is enabled (images.py `server_key_shown`).
Key Data is the DER SubjectPublicKeyInfo in upper-case hex, eight words a line, each line
ending in a space (ios-behaviour.md section 4).
"""

from __future__ import annotations

import datetime as dt
import secrets
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from .device import Device, RsaKey

SERVER_KEY_EXTRA_BITS = 128  # SSH-1: server and host key moduli differ by 128 bits or more


@dataclass
class ServerKey:
    """The `.server` key as shown: only its public half is ever printed, so the lab makes
    a public key of the right size (a random odd modulus: no prime search, no CPU cost)."""

    label: str
    modulus: int
    der: bytes
    generated_at: dt.datetime
    usage: str = "Encryption Key"

    @classmethod
    def make(cls, label: str, bits: int) -> ServerKey:
        n = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        public = rsa.RSAPublicNumbers(65537, n).public_key()
        der = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(label, bits, der, dt.datetime.now(dt.UTC))

    def der_hex(self) -> str:
        return self.der.hex().upper()


def _key_data(key: RsaKey | ServerKey) -> list[str]:
    words = textwrap.wrap(key.der_hex(), 8)
    return ["  " + " ".join(words[i : i + 8]) + " " for i in range(0, len(words), 8)]


def server_key(device: Device) -> ServerKey | None:
    """The `.server` key of the key SSH serves, made the first time it is shown."""
    served = device.ssh_key()
    if served is None or not device.ssh_enabled or not device.image.server_key_shown:
        return None
    label = f"{served.label}.server"
    cached = device.server_keys.get(label)
    if cached is None or cached.generated_at < served.generated_at:
        bits = served.modulus + SERVER_KEY_EXTRA_BITS
        cached = device.server_keys[label] = ServerKey.make(label, bits)
    return cached


def show_crypto_key(device: Device, label: str | None = None) -> str:
    from .device import ios_time

    image = device.image
    out: list[str] = []
    for key in device.keys.values():
        if label and key.label != label:
            continue
        size = f"      {key.modulus} bits" if image.key_size_shown else ""
        stored = key.saved or image.platform is None  # the hybrid lab: as it always was
        out += [
            f"% Key pair was generated at: {ios_time(key.generated_at)}",
            f"Key name: {key.label}",
            f"Key type: RSA KEYS{size}",
            f" Storage Device: {'private-config' if stored else 'not specified'}",
            f" Usage: {key.usage}",
            " Key is exportable. Redundancy enabled."
            if key.exportable
            else " Key is not exportable. Redundancy enabled.",
            " Key Data:",
            *_key_data(key),
        ]
    extra = server_key(device)
    if extra is not None and (not label or label == extra.label):
        size = f"      {extra.modulus} bits" if image.key_size_shown else ""
        out += [
            f"% Key pair was generated at: {ios_time(extra.generated_at)}",
            f"Key name: {extra.label}",
            f"Key type: RSA KEYS{size}",
            "Temporary key",
            f" Usage: {extra.usage}",
            " Key is not exportable.",
            " Key Data:",
            *_key_data(extra),
        ]
    return "\n".join(out)
