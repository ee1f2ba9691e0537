"""Inert terminal text: control and invisible characters shown as escapes, markup shown as
written, ordinary text (accents, CJK, spaces) untouched."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from ios_ssh import inert

HOSTILE = "r1\x1b]0;owned\x07\x1b[2J\x1b[8mhidden\x9b31m\u202eevil\u200b\r[/][bold]:smile:"


def _shown(value: object, **options: object) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=300)
    inert.echo(console, value, **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_controls_and_invisible_characters_are_escaped_visibly() -> None:
    text = inert.inert(HOSTILE)
    assert text == (
        "r1\\x1b]0;owned\\x07\\x1b[2J\\x1b[8mhidden\\x9b31m\\u202eevil\\u200b\\x0d[/][bold]:smile:"
    )


@pytest.mark.parametrize("ordinary", ["r1.lab.example.com", "Zürich-rtr 東京", "a\\x1b", ""])
def test_ordinary_text_is_unchanged(ordinary: str) -> None:
    assert inert.inert(ordinary) == ordinary


def test_lines_keep_line_breaks_and_tabs_but_not_a_carriage_return() -> None:
    assert inert.inert("a\n\tb\r\nc\x1b", lines=True) == "a\n\tb\\x0d\nc\\x1b"
    assert inert.inert("a\nb") == "a\\x0ab"


def test_rich_shows_markup_and_emoji_codes_as_written() -> None:
    out = _shown(HOSTILE, style="bold")
    assert "[/][bold]:smile:" in out and "\U0001f604" not in out
    # the only escape sequences are rich's own styling (bold on, reset)
    assert out.replace("\x1b[1m", "").replace("\x1b[0m", "").count("\x1b") == 0
    assert "\x07" not in out and "\x9b" not in out and "\u202e" not in out


def test_a_non_string_is_shown_as_its_text() -> None:
    assert inert.inert(ValueError("bad\x1b[2J")) == "bad\\x1b[2J"
