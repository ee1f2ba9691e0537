"""Credentials out of audit evidence: a config line as evidence, with every secret value masked.

Evidence quotes configuration lines (`tacacs-server host 192.0.2.1 key 7 0822455D0A16`,
`enable password cisco`). Whatever the type (0 = as typed, 5/8/9 = a hash, 6/7 = reversible
encryption, none given = as typed), the value is replaced by `<type N, masked>` and the
keywords around it stay whole: `service password-encryption`, `aaa authentication login`,
`key chain`, `crypto key generate` are not credentials. A value runs to the end of the line
(IOS takes `username u password LINE` and `enable password LINE` with spaces in them) unless
a keyword known to follow it comes first (`crypto isakmp key <v> address ...`,
`snmp-server community <v> RO`). Masking is idempotent.
"""

from __future__ import annotations

import re

# A line worth a closer look: one of these whole words (a hyphen joins a word) not yet
# followed by a mask, or one of the phrases that put a credential after a common word.
_WORDS = (
    "password|secret|key|key-string|community|md5|sha|authentication-key|server-key"
    "|password-encrypt|pre-shared-key|wpa-psk"
)
_CORE = frozenset(_WORDS.split("|"))
_KEYWORDS = _CORE | {"text", "host", "authentication"}
_PHRASES = ("nhrp authentication ", "authentication text ", "snmp-server host ")


def may_hold(line: str) -> bool:
    """Cheap first look: does `line` have a word that can introduce a credential? (A set
    test on its words, much faster than any regex; a quoted line gets the regex.)"""
    return (
        not _CORE.isdisjoint(line.split())
        or any(phrase in line for phrase in _PHRASES)
        or ("'" in line and needs_mask(line))
    )


def needs_mask(text: str) -> bool:
    """Whether `text` (any number of lines) may hold a credential value: a cheap test
    before masking line by line."""
    for match in _ANY.finditer(text):
        start = match.start()
        before = text[start - 1] if start else " "
        if not (before.isalnum() or before in "_-"):
            return True
    return False


# After `key`: words that make it a command, not a credential (`key chain NAME`).
_KEY_COMMANDS = {
    "chain",
    "config-key",
    "generate",
    "zeroize",
    "storage",
    "import",
    "export",
    "pubkey",
    "decrypt",
    "encrypt",
    "mypubkey",
    "rsa",
    "ec",
    "exchange",
    "label",
}
# Lines (by first word, after `no`) where `key` introduces a credential: server keys
# (`tacacs-server key`, ` key 7 ...` under `tacacs server`), `server-private ... key`,
# `crypto isakmp key`, keyring `pre-shared-key address ... key`.
_KEY_LINES = {
    "key",
    "tacacs-server",
    "radius-server",
    "server-private",
    "crypto",
    "isakmp",
    "pre-shared-key",
    "client",
    "server",
    "host",
    "address",
    "pac",
}
# Keywords that may follow a masked value on the same line; masking stops there.
_AFTER_VALUE = {"address", "hostname", "ipv6", "no-xauth", "RO", "RW", "ro", "rw", "view"}
# (No look-behind: it would make the search try every position; the word's start is
# checked on each match instead.)
_ANY = re.compile(
    rf"(?:{_WORDS})(?![\w-])(?! <type \d, masked>| <masked>(?: |$)| (?:{'|'.join(sorted(_KEY_COMMANDS))})\b)"
    r"|nhrp authentication |authentication text |snmp-server host "
)
_TYPES = {"0", "4", "5", "6", "7", "8", "9"}
_MASKED = "<masked>"


def mask(line: str) -> str:
    """`line` with every credential value masked (cheap when there is nothing to mask)."""
    if not may_hold(line) or not needs_mask(line):
        return line
    words = line.split(" ")
    i = 0
    while i < len(words):
        i = _mask_at(words, i) if words[i] in _KEYWORDS else i + 1
    return " ".join(w for w in words if w is not None)  # type: ignore[misc]


def _is_masked(words: list, j: int) -> bool:  # type: ignore[type-arg]
    """Words from j are one of our masks (`<masked>`, `<type 7, masked>`)."""
    if words[j] == _MASKED:
        return True
    tail = words[j : j + 3]
    return len(tail) == 3 and tail[0] == "<type" and tail[1][-1:] == "," and tail[2] == "masked>"


def _next(words: list[str | None], i: int) -> int:
    """Index of the first non-empty word after i (len(words) if none)."""
    j = i + 1
    while j < len(words) and not words[j]:
        j += 1
    return j


def _mask_at(words: list, i: int) -> int:  # type: ignore[type-arg]
    """Mask the value the word at i introduces, if it introduces one; the next index."""
    word = words[i]
    first = next((w for w in words if w and w != "no"), "")
    prev = next((w for w in reversed(words[:i]) if w), "")
    j = _next(words, i)
    following = words[j] if j < len(words) else None
    if following is None or _is_masked(words, j):
        return i + 1  # nothing after it, or already masked
    if word in ("password", "secret"):
        if word == "password" and following == "encryption" and prev in ("", "no"):
            return i + 1  # `password encryption aes`: the master-key feature, no value
        if following == "level":  # `enable secret level 15 5 <v>`
            j = _next(words, _next(words, j))
        return _value(words, j, typed=True)
    if word == "key":
        if first not in _KEY_LINES or following in _KEY_COMMANDS:
            return i + 1
        if following.isdigit() and (_next(words, j) >= len(words) or following not in _TYPES):
            return i + 1  # `key 1` (a key chain's key number)
        return _value(words, j, typed=True)
    if word in ("key-string", "authentication-key", "server-key", "password-encrypt"):
        if word == "authentication-key" and following.isdigit() and first == "ntp":
            return i + 1  # `ntp authentication-key 1 md5 <v>`: the number is an id
        return _value(words, j, typed=True)
    if word == "md5" or (word == "sha" and prev == "auth"):
        if prev in ("hash", "authentication") or first in ("hash",):
            return i + 1  # `hash md5`, `authentication md5 key-string ...`
        if first == "ntp":  # `ntp authentication-key 1 md5 <v> 7`: the type comes after
            end = _value(words, j, typed=False, one=True)
            kind = _next(words, end - 1)
            if kind < len(words) and words[kind] in _TYPES:
                words[j], words[kind] = f"<type {words[kind]}, masked>", None
            else:
                words[j] = "<type 0, masked>"
            return kind + 1
        return _value(words, j, typed=True)
    if word == "community" and first == "snmp-server":
        return _value(words, j, typed=False, one=True)
    if word == "host" and first == "snmp-server" and i == _next(words, -1) + 1:
        return _snmp_host(words, j)
    if word == "pre-shared-key" and following in ("local", "remote"):
        return _value(words, _next(words, j), typed=True)
    if word == "wpa-psk" and following in ("ascii", "hex"):
        return _value(words, _next(words, j), typed=True)
    if word == "text" and prev == "authentication":  # `standby 1 authentication text <v>`
        return _value(words, j, typed=False)
    if word == "authentication" and prev == "nhrp":  # `ip nhrp authentication <v>`
        return _value(words, j, typed=False)
    return i + 1


def _value(words: list, j: int, *, typed: bool, one: bool = False) -> int:  # type: ignore[type-arg]
    """Mask from index j: an optional type digit, then the value (to the end of the line
    or the next known keyword; one word when `one`)."""
    if j >= len(words) or _is_masked(words, j):
        return j + 1
    kind = "0"
    after = _next(words, j)
    if typed and words[j] in _TYPES and after < len(words):
        kind, words[j] = words[j], None
        j = after
    end = j + 1
    if not one:
        while end < len(words) and words[end] not in _AFTER_VALUE:
            end += 1
    for k in range(j, end):
        words[k] = None
    words[j] = f"<type {kind}, masked>" if typed else _MASKED
    return end


def _snmp_host(words: list, j: int) -> int:  # type: ignore[type-arg]
    """`snmp-server host ADDR [vrf V] [informs|traps] [version 1|2c|3 [auth|noauth|priv]]
    COMMUNITY ...`: the community (or v3 user name) is the first word after the options."""
    j = _next(words, j)  # past the address
    while j < len(words):
        word = words[j]
        if word == "vrf" or word == "version":
            j = _next(words, _next(words, j))
            if word == "version" and j < len(words) and words[j] in ("auth", "noauth", "priv"):
                j = _next(words, j)
        elif word in ("informs", "traps"):
            j = _next(words, j)
        else:
            return _value(words, j, typed=False, one=True)
    return j
