"""Public-key arithmetic that IOS output and intents need: decoding and fingerprints.

IOS shows an RSA key three ways: the OpenSSH/SECSH blob in `show ip ssh`, the DER
SubjectPublicKeyInfo in hex in `show crypto key mypubkey rsa`, and the MD5 `key-hash` in
the running-config. These pure functions turn any of them into the others' terms.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass(frozen=True)
class PublicKeyInfo:
    """What can be derived from one public key."""

    key_type: str  # "ssh-rsa", "ecdsa-sha2-nistp256", ...
    blob: bytes  # the SSH wire-format public key
    bits: int

    @property
    def md5_hex(self) -> str:
        """IOS `key-hash` form: MD5 of the blob, upper-case hex, no colons."""
        return hashlib.md5(self.blob, usedforsecurity=False).hexdigest().upper()

    @property
    def sha256(self) -> str:
        """OpenSSH form: `SHA256:` + unpadded base64 of the blob's SHA-256."""
        digest = base64.b64encode(hashlib.sha256(self.blob).digest()).decode().rstrip("=")
        return f"SHA256:{digest}"

    @property
    def base64(self) -> str:
        return base64.b64encode(self.blob).decode()


def _read_string(blob: bytes, offset: int) -> tuple[bytes, int]:
    if offset + 4 > len(blob):
        raise ValueError("key blob is truncated")
    (length,) = struct.unpack(">I", blob[offset : offset + 4])
    end = offset + 4 + length
    if end > len(blob):
        raise ValueError("key blob is truncated")
    return blob[offset + 4 : end], end


def _expect_end(blob: bytes, offset: int, key_type: str) -> None:
    if offset != len(blob):
        raise ValueError(f"{key_type} key blob has trailing bytes")


def info_from_blob(blob: bytes) -> PublicKeyInfo:
    """Decode an SSH wire-format public key blob (RSA exactly; others by type name)."""
    key_type_raw, offset = _read_string(blob, 0)
    try:
        key_type = key_type_raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise ValueError("key blob does not start with a key type") from exc
    if key_type == "ssh-rsa":
        _exponent, offset = _read_string(blob, offset)
        modulus, offset = _read_string(blob, offset)
        _expect_end(blob, offset, key_type)
        bits = int.from_bytes(modulus, "big").bit_length()
        if bits == 0:
            raise ValueError("ssh-rsa key blob has an empty modulus")
        return PublicKeyInfo(key_type, blob, bits)
    if key_type.startswith("ecdsa-sha2-nistp"):
        _curve, offset = _read_string(blob, offset)
        _point, offset = _read_string(blob, offset)
        _expect_end(blob, offset, key_type)
        return PublicKeyInfo(key_type, blob, int(key_type.removeprefix("ecdsa-sha2-nistp")))
    if key_type == "ssh-ed25519":
        _point, offset = _read_string(blob, offset)
        _expect_end(blob, offset, key_type)
        return PublicKeyInfo(key_type, blob, 256)
    raise ValueError(f"unsupported key type {key_type!r}")


def info_from_base64(text: str) -> PublicKeyInfo:
    """Decode a base64 key blob; white space inside it (wrapped output) is ignored."""
    compact = "".join(text.split())
    try:
        blob = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("key is not valid base64") from exc
    return info_from_blob(blob)


def info_from_openssh(line: str) -> PublicKeyInfo:
    """Decode an OpenSSH public key line: `ssh-rsa AAAA... comment`."""
    parts = line.split()
    if len(parts) < 2:
        raise ValueError("expected '<type> <base64> [comment]'")
    info = info_from_base64(parts[1])
    if info.key_type != parts[0]:
        raise ValueError(f"key says it is {parts[0]!r} but its blob holds {info.key_type!r}")
    return info


def info_from_der_hex(hex_text: str) -> PublicKeyInfo:
    """Decode IOS `Key Data:` (DER SubjectPublicKeyInfo as hex words)."""
    compact = "".join(hex_text.split())
    try:
        der = bytes.fromhex(compact)
        key = serialization.load_der_public_key(der)
    except ValueError as exc:
        raise ValueError("key data is not a DER public key") from exc
    raw = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    info = info_from_openssh(raw.decode())
    if isinstance(key, rsa.RSAPublicKey):
        return PublicKeyInfo(info.key_type, info.blob, key.key_size)
    return info
