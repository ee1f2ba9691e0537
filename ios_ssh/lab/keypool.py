"""RSA keys made in advance, on every core, for starting many lab routers at once.

A 2048-bit key takes about 50 ms; a thousand routers would wait a minute on one core.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .keygen import generate_rsa


def _make_der(bits: int) -> bytes:
    return generate_rsa(bits).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class KeyPool:
    """`take(bits)` hands out a ready key of that size, or makes one when none is left."""

    def __init__(self, count: int, bits: int = 2048, workers: int | None = None) -> None:
        self.bits = bits
        self._keys: list[rsa.RSAPrivateKey] = []
        if count <= 0:
            return
        workers = workers or os.cpu_count() or 1
        if count < 4 or workers == 1:
            self._keys = [generate_rsa(bits) for _ in range(count)]
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for der in pool.map(_make_der, [bits] * count, chunksize=8):
                key = serialization.load_der_private_key(
                    der,
                    None,
                    unsafe_skip_rsa_key_validation=True,  # made and checked above
                )
                assert isinstance(key, rsa.RSAPrivateKey)
                self._keys.append(key)

    def take(self, bits: int) -> rsa.RSAPrivateKey:
        if bits == self.bits and self._keys:
            return self._keys.pop()
        return generate_rsa(bits)

    def __len__(self) -> int:
        return len(self._keys)
