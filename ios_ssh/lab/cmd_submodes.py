"""Sub-modes: `ip ssh pubkey-chain` (users, servers, key data) and `archive`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

_EXITS = [("end", "end"), ("exit", "exit_mode"), ("do LINE", "do")]
_KEY_LINES = [
    ("key-string", "key_string"),
    ("key-hash ssh-rsa WORD", "key_hash"),
    ("key-hash ssh-rsa WORD LINE", "key_hash"),
    ("no key-hash ssh-rsa WORD", "no_key_hash"),
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


def key_blob_md5(data: str) -> str | None:
    """IOS `key-hash` of key-string data (base64, possibly wrapped); None if it is no key."""
    compact = "".join(data.split())
    try:
        blob = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(blob) < 11 or blob[4:11] != b"ssh-rsa":
        return None
    return hashlib.md5(blob, usedforsecurity=False).hexdigest().upper()


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
        return ""

    def _no_pubkey_server(self, args: list) -> str:
        self.device.config.pubkey_servers.pop(args[0], None)
        return ""

    def _hashes(self) -> list[str]:
        table, name = self.chain_entry
        return getattr(self.device.config, table).setdefault(name, [])

    def _key_hash(self, args: list) -> str:
        if not _MD5_HEX.match(args[0]):
            return self.caret(self.current_line, args[0])
        hashes = self._hashes()
        if args[0].upper() not in hashes:
            hashes.append(args[0].upper())
        return ""

    def _no_key_hash(self, args: list) -> str:
        hashes = self._hashes()
        if args[0].upper() in hashes:
            hashes.remove(args[0].upper())
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
        digest = key_blob_md5("".join(self.key_data))
        if digest is None:
            return "%SSH: Failed to decode the Key Value"
        hashes = self._hashes()
        if digest not in hashes:
            hashes.append(digest)
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
