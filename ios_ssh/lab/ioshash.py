"""How IOS stores secrets: type 9 (scrypt) and type 7 (the reversible XOR scheme).

The lab keeps secrets only in these stored forms, like IOS, and checks a login by
hashing the attempt, so no plain secret sits in the model or in any output.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

_CISCO_B64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_STD_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_CISCO = str.maketrans(_STD_B64, _CISCO_B64)
_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def _cisco_b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=").translate(_TO_CISCO)


@lru_cache(maxsize=4096)
def _scrypt(secret: str, salt: str) -> str:
    # Cached: the lab checks the same few passwords thousands of times a second.
    digest = hashlib.scrypt(secret.encode(), salt=salt.encode(), n=16384, r=1, p=1, dklen=32)
    return _cisco_b64(digest)


def type9(secret: str, salt: str | None = None) -> str:
    """`$9$<salt>$<hash>`: scrypt N=16384, r=1, p=1, as IOS type 9."""
    salt = salt or _cisco_b64(secrets.token_bytes(12))[:14]
    return f"$9${salt}${_scrypt(secret, salt)}"


def is_type9(text: str) -> bool:
    parts = text.split("$")
    return (
        len(parts) == 4 and parts[:2] == ["", "9"] and len(parts[2]) == 14 and len(parts[3]) == 43
    )


def check_type9(attempt: str, stored: str) -> bool:
    _, _, salt, digest = stored.split("$")
    return hmac.compare_digest(_scrypt(attempt, salt), digest)


def type7(password: str, seed: int = 2) -> str:
    """IOS `password 7` encoding (obfuscation, not encryption: IOS's own choice)."""
    out = [f"{seed:02d}"]
    for index, char in enumerate(password):
        out.append(f"{ord(char) ^ ord(_XLAT[(seed + index) % len(_XLAT)]):02X}")
    return "".join(out)


def untype7(encoded: str) -> str | None:
    """The password behind a type 7 string, or None when it is not one."""
    try:
        seed = int(encoded[:2])
        data = bytes.fromhex(encoded[2:])
    except ValueError:
        return None
    if len(encoded) % 2 or seed >= len(_XLAT):
        return None
    return "".join(chr(b ^ ord(_XLAT[(seed + i) % len(_XLAT)])) for i, b in enumerate(data))


def check_secret(stored_kind: str, stored: str, attempt: str) -> bool:
    """A login attempt against a stored type 9 secret or type 7 password."""
    if stored_kind == "secret":
        return check_type9(attempt, stored)
    return untype7(stored) == attempt
