"""How IOS shows stored secrets: type 9 (scrypt) and type 7 (the reversible XOR scheme).

The lab keeps plain secrets to check logins, but prints them only as IOS would, so a
running-config from the lab never carries a secret readable at a glance.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

_CISCO_B64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_STD_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def _cisco_b64(data: bytes) -> str:
    import base64

    std = base64.b64encode(data).decode().rstrip("=")
    return std.translate(str.maketrans(_STD_B64, _CISCO_B64))


@lru_cache(maxsize=4096)
def type9(secret: str, salt_source: str) -> str:
    """`$9$<salt>$<hash>`: scrypt N=16384, r=1, p=1, as IOS type 9. Salt derived, stable."""
    salt = _cisco_b64(hashlib.sha256(salt_source.encode()).digest())[:14]
    digest = hashlib.scrypt(secret.encode(), salt=salt.encode(), n=16384, r=1, p=1, dklen=32)
    return f"$9${salt}${_cisco_b64(digest)}"


def type7(password: str, seed: int = 2) -> str:
    """IOS `password 7` encoding (obfuscation, not encryption: IOS's own choice)."""
    out = [f"{seed:02d}"]
    for index, char in enumerate(password):
        out.append(f"{ord(char) ^ ord(_XLAT[(seed + index) % len(_XLAT)]):02X}")
    return "".join(out)
