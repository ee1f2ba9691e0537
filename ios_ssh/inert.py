"""Inert terminal text: what a router, a file or an inventory says, shown and never obeyed.

A router's domain name, a backup's hostname or an inventory's host name may hold escape
sequences (ESC ] sets the window title, ESC [2J clears the screen, ESC [8m hides what
follows) or rich markup (`[/]` is an error to rich, `[bold]` a style, `:smile:` an emoji).
Every such string reaches the terminal through this module:

- `inert(value)`: control and invisible characters written as visible escapes (`\\x1b`,
  `\\u202e`), including Unicode's format characters (bidirectional overrides, zero-width
  spaces) that hide or reorder text; with `lines=True` line breaks and tabs stay (a diff, a
  list of problems) and everything else is escaped the same way;
- `text(value)`: a rich `Text` of the inert string, which rich never parses for markup,
  emoji or highlighting (a table cell, a styled name);
- `echo(console, value)`: print it so;
- `InertFormatter`: the same for log records shown on a terminal (driver debug output).

The audit's HTML page and JUnit file use `inert` too (XML 1.0 cannot carry most controls
even escaped; they are all in the categories escaped here), and escape their own markup.

Backslashes are left as they are: a name with a literal `\\x1b` shows the same as one with
an escape, but neither can do anything to the terminal.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# Unicode categories a terminal does not show as a glyph of their own: controls (C0, DEL,
# C1 such as the 8-bit CSI \x9b), format characters (U+202E, U+200B, U+2066...),
# surrogates, private use, unassigned, and the line and paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_KEPT_IN_LINES = frozenset("\n\t")


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def inert(value: object, *, lines: bool = False) -> str:
    """`value` as text with every control or invisible character escaped visibly; with
    `lines`, line breaks and tabs are kept (a carriage return is still escaped: it would
    let a line overwrite itself)."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and text.isascii():  # the common case, at once
        return text
    out = []
    for ch in text:
        shown = (lines and ch in _KEPT_IN_LINES) or unicodedata.category(ch) not in _HIDDEN
        out.append(ch if shown else _escape(ch))
    return "".join(out)


def is_plain(value: str) -> bool:
    """Nothing in `value` needs escaping: `inert(value) == value` (cheap for many strings)."""
    if value.isascii() and value.isprintable():
        return True
    return all(unicodedata.category(ch) not in _HIDDEN for ch in value)


def text(value: object, style: str = "", *, lines: bool = False) -> Text:
    """A rich Text of the inert string: never read as markup, emoji or highlighting."""
    from rich.text import Text

    return Text(inert(value, lines=lines), style=style)


def echo(console: Console, value: object, style: str = "", *, lines: bool = False) -> None:
    """Print `value` inert on `console`, one line of it or (`lines`) several."""
    console.print(text(value, style, lines=lines), soft_wrap=True)


class InertFormatter(logging.Formatter):
    """Log records on a terminal (IOS_SSH_DEBUG=1): the drivers log what routers send."""

    def format(self, record: logging.LogRecord) -> str:
        return inert(super().format(record), lines=True)
