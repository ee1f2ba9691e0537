"""Text from routers, files and inventories made inert for the audit's outputs.

A device name, a banner line or a file path can hold anything: terminal escape sequences,
bidirectional overrides that reorder what a reader sees, characters XML 1.0 cannot carry,
unpaired surrogates from undecodable file names. `visible` shows each such character as a
visible escape (`\\x1b`, `\\u202e`), so what is printed, embedded in HTML or written to JUnit
is exactly what the device said, and nothing acts on the reader's terminal or browser.
Markup is the writers' business: rich text is built with `Text` (never parsed for
`[markup]`), XML and HTML escape their own metacharacters.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL (tab and newline included: every value is one line), the
# bidirectional and invisible formatting characters, line/paragraph separators, BOM,
# surrogates, and the two non-characters XML forbids.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ud800-\udfff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control or invisible character written as a visible escape."""
    return _HIDDEN.sub(_escape, text) if _HIDDEN.search(text) else text


def is_plain(text: str) -> bool:
    """No character of `text` needs `visible` (a cheap test for many strings at once)."""
    return _HIDDEN.search(text) is None
