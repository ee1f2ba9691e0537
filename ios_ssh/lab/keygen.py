"""Real RSA keys of any size IOS allows (360-4096 bits).

`cryptography` refuses to generate keys under 1024 bits, but IOS happily makes 512-bit
ones and the lab must too (they are what the guide's SSH v2 768-bit rule is about). Small
keys are generated here with Miller-Rabin primes and loaded through RSA numbers.
"""

from __future__ import annotations

import secrets

from cryptography.hazmat.primitives.asymmetric import rsa

_EXPONENT = 65537
_SMALL_PRIMES = (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47)


def _probably_prime(n: int, rounds: int = 40) -> bool:
    if n < 2:
        return False
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if candidate % _EXPONENT != 1 and _probably_prime(candidate):
            return candidate


def generate_rsa(bits: int) -> rsa.RSAPrivateKey:
    if bits >= 1024:
        return rsa.generate_private_key(public_exponent=_EXPONENT, key_size=bits)
    while True:
        p, q = _prime(bits - bits // 2), _prime(bits // 2)
        n = p * q
        if p != q and n.bit_length() == bits:
            break
    d = pow(_EXPONENT, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(_EXPONENT, n)
    )
    return numbers.private_key()
