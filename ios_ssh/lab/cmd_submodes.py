"""Sub-modes: `ip ssh pubkey-chain` (users, servers, key data) and `archive`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

_EXITS = [("end", "end"), ("exit", "exit_mode"), ("do LINE", "do")]
# `key-hash TYPE MD5 [comment]`: the types the image takes (images.py pubkey_key_types).
_KEY_LINES = [
    ("key-string", "key_string"),
    ("key-hash WORD WORD", "key_hash"),
    ("key-hash WORD WORD LINE", "key_hash"),
    ("no key-hash WORD WORD", "no_key_hash"),
    *_EXITS,
]
_MD5_HEX = re.compile(r"^[0-9A-Fa-f]{32}$")

SPECS = {
    "conf-ssh-pubkey": [
        ("username WORD", "pubkey_user"),
        ("no username WORD", "no_pubkey_user"),
        ("server WORD", "pubkey_server"),
        ("no server WORD", "no_pubkey_server"),
        *_EXITS,
    ],
    "conf-ssh-pubkey-user": _KEY_LINES,
    "conf-ssh-pubkey-server": _KEY_LINES,
    "config-archive": [
        ("path WORD", "archive_path"),
        ("no path", "archive_no_path"),
        ("maximum <1-14>", "archive_maximum"),
        ("no maximum", "archive_maximum"),
        ("write-memory", "archive_write_memory"),
        ("no write-memory", "archive_no_write_memory"),
        *_EXITS,
    ],
}


def key_blob_type(blob: bytes) -> str:
    """The key type an SSH public key blob starts with ("" when it starts with none)."""
    if len(blob) < 4:
        return ""
    length = int.from_bytes(blob[:4], "big")
    if not 0 < length <= 32 or len(blob) < 4 + length:
        return ""
    return blob[4 : 4 + length].decode("ascii", "replace")


def key_blob_md5(data: str, types: tuple[str, ...] = ("ssh-rsa",)) -> tuple[str, str] | None:
    """(IOS `key-hash`, key type) of key-string data (base64, possibly wrapped), for a key
    of one of `types`; None if it is no such key."""
    compact = "".join(data.split())
    try:
        blob = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None
    kind = key_blob_type(blob)
    if kind not in types:
        return None
    return hashlib.md5(blob, usedforsecurity=False).hexdigest().upper(), kind


class SubmodeCommands:
    """Mixin for Session; `self.chain_entry` is the (table, name) being edited."""

    # -- pubkey-chain --------------------------------------------------------------------
    def _pubkey_user(self, args: list) -> str:
        self.device.config.pubkey_users.setdefault(args[0], [])
        self.chain_entry = ("pubkey_users", args[0])
        self.enter("conf-ssh-pubkey-user")
        return ""

    def _pubkey_server(self, args: list) -> str:
        self.device.config.pubkey_servers.setdefault(args[0], [])
        self.chain_entry = ("pubkey_servers", args[0])
        self.enter("conf-ssh-pubkey-server")
        return ""

    def _no_pubkey_user(self, args: list) -> str:
        self.device.config.pubkey_users.pop(args[0], None)
        self.device.config.forget_key_types()
        return ""

    def _no_pubkey_server(self, args: list) -> str:
        self.device.config.pubkey_servers.pop(args[0], None)
        self.device.config.forget_key_types()
        return ""

    def _hashes(self) -> list[str]:
        table, name = self.chain_entry
        return getattr(self.device.config, table).setdefault(name, [])

    def _key_types(self) -> tuple[str, ...]:
        """Server entries (the router's own client) take RSA host keys; user entries the
        image's user key types."""
        if self.chain_entry[0] == "pubkey_servers":
            return ("ssh-rsa",)
        return self.device.image.pubkey_key_types

    def _key_hash(self, args: list) -> str:
        kind, digest = args[0], args[1]
        if kind not in self._key_types():
            return self.caret(self.current_line, kind)
        if not _MD5_HEX.match(digest):
            return self.caret(self.current_line, digest)
        hashes = self._hashes()
        if digest.upper() not in hashes:
            hashes.append(digest.upper())
        self.device.config.pubkey_key_types[digest.upper()] = kind
        return ""

    def _no_key_hash(self, args: list) -> str:
        if args[0] not in self._key_types():
            return self.caret(self.current_line, args[0])
        hashes = self._hashes()
        if args[1].upper() in hashes:
            hashes.remove(args[1].upper())
            self.device.config.forget_key_types()
        return ""

    def _key_string(self, args: list) -> str:
        self.key_data = []
        self.enter("conf-ssh-pubkey-data")
        return ""

    def feed_key_data(self, line: str) -> str:
        """Lines in `conf-ssh-pubkey-data` are key text until `exit` or `quit`."""
        if line.strip().lower() not in ("exit", "quit"):
            self.key_data.append(line.strip())
            return ""
        self.leave()
        found = key_blob_md5("".join(self.key_data), self._key_types())
        if found is None:  # no key, or a type this image's chain does not take [U: wording]
            return "%SSH: Failed to decode the Key Value"
        digest, kind = found
        hashes = self._hashes()
        if digest not in hashes:
            hashes.append(digest)
        self.device.config.pubkey_key_types[digest] = kind
        return ""

    # -- archive -------------------------------------------------------------------------
    def _archive_path(self, args: list) -> str:
        if self.device.flash_path(args[0]) is None:  # e.g. flash: on a Sup720 [U: wording]
            return f"%Error opening {args[0]} (No such device)"
        self.device.config.archive.path = args[0]
        return ""

    def _archive_no_path(self, args: list) -> str:
        self.device.config.archive.path = ""
        return ""

    def _archive_maximum(self, args: list) -> str:
        self.device.config.archive.maximum = args[0] if args else None
        return ""

    def _archive_write_memory(self, args: list) -> str:
        self.device.config.archive.write_memory = True
        return ""

    def _archive_no_write_memory(self, args: list) -> str:
        self.device.config.archive.write_memory = False
        return ""
