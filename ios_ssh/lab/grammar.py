"""IOS-style command matching: unique abbreviations, ranges, and IOS's own error texts.

A command is a spec string: keywords, `<lo-hi>` numbers, `WORD` (one token) and `LINE`
(the rest of the line). Matching walks the input token by token over all specs of the
mode, as the IOS parser does, so the error says where the input stopped making sense:
the caret sits under the first character no command accepts. Inside a word that starts
like a keyword, that is the first character after the longest partial match (`show arpp`
puts it under the second `p`), as IOS-style parsers document; a number or name that no
command accepts gets it under its first character (ios-behaviour.md section 3).
IOS prints an empty line after the invalid-input and incomplete-command errors, before
the prompt, and none after the ambiguous-command one (a real IOS 15 router's telnet
capture in the pyneng course: `logging 0255.255.1`, `logging`, `a` in a row).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."


def ambiguous(text: str) -> str:
    return f'% Ambiguous command:  "{text}"'


_RANGE = re.compile(r"^<(\d+)-(\d+)>$")


@dataclass(frozen=True, eq=False)  # specs are told apart by identity: cheap `in` tests
class Spec:
    tokens: tuple[str, ...]
    name: str  # the handler's name

    @classmethod
    def of(cls, text: str, name: str) -> Spec:
        return cls(tuple(text.split()), name)


@dataclass
class Match:
    spec: Spec
    args: list[Any]


class CommandError(Exception):
    """Input no command accepts; `text` is what IOS prints; `index` the word (from 0) where
    no command matched, or None when the words were ambiguous or too few."""

    def __init__(self, text: str, index: int | None = None) -> None:
        self.text = text
        self.index = index
        super().__init__(text)


def _partial(pattern: str, word: str) -> int:
    """How many leading characters of `word` the keyword `pattern` accepts."""
    if not _is_keyword(pattern):
        return 0
    count = 0
    for expected, typed in zip(pattern, word.lower(), strict=False):
        if expected != typed:
            break
        count += 1
    return count


@functools.cache
def _range(pattern: str) -> tuple[int, int] | None:
    """`<lo-hi>` -> (lo, hi); None for a keyword, WORD or LINE (cached: specs are few)."""
    m = _RANGE.match(pattern)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _token_matches(pattern: str, word: str) -> bool:
    if pattern == "WORD" or pattern == "LINE":
        return True
    if bounds := _range(pattern):
        return word.isdigit() and bounds[0] <= int(word) <= bounds[1]
    return pattern.startswith(word.lower())


def _is_keyword(pattern: str) -> bool:
    return pattern not in ("WORD", "LINE") and _range(pattern) is None


def _spans(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"\S+", line)]


def _accepts(spec: Spec, index: int, word: str) -> bool:
    """Whether `spec` accepts `word` as its word number `index` (from 0)."""
    tokens = spec.tokens
    if index < len(tokens):
        return tokens[index] == "LINE" or _token_matches(tokens[index], word)
    return bool(tokens) and tokens[-1] == "LINE"


# (id of a spec table, first word) -> (the table, the specs that accept that word). The
# table is kept so its id cannot be reused; a mode's table holds ~70 specs, and every line
# typed would otherwise test them all. Words no spec accepts are not kept (typing noise).
_FIRST_WORD: dict[tuple[int, str], tuple[list[Spec], list[Spec]]] = {}
_FIRST_WORD_LIMIT = 20_000


def _first_word(specs: list[Spec], word: str) -> list[Spec]:
    key = (id(specs), word.lower())
    hit = _FIRST_WORD.get(key)
    if hit is not None and hit[0] is specs:
        return hit[1]
    found = [spec for spec in specs if _accepts(spec, 0, word)]
    if found and len(_FIRST_WORD) < _FIRST_WORD_LIMIT:
        _FIRST_WORD[key] = (specs, found)
    return found


def match(specs: list[Spec], line: str, prompt_len: int) -> Match:
    """The spec `line` selects, or CommandError with IOS's message (caret included)."""
    words = _spans(line)
    # The first word narrows the table the same way every time: look it up.
    alive = (words and _first_word(specs, words[0][1])) or list(specs)
    for index, (column, word) in enumerate(words):
        still = [spec for spec in alive if _accepts(spec, index, word)]
        if not still:
            offset = max(
                (_partial(s.tokens[index], word) for s in alive if index < len(s.tokens)),
                default=0,
            )
            raise CommandError(
                " " * (prompt_len + column + offset) + "^\n" + INVALID + "\n\n", index
            )
        keywords = {
            s.tokens[index] for s in still if index < len(s.tokens) and _is_keyword(s.tokens[index])
        }
        exact = [s for s in still if index < len(s.tokens) and s.tokens[index] == word.lower()]
        if exact:
            still = exact + [
                s
                for s in still
                if s not in exact
                and (index >= len(s.tokens) or not _is_keyword(s.tokens[index]))  # past a LINE
            ]
        elif len(keywords) > 1 and all(
            index < len(s.tokens) and _is_keyword(s.tokens[index]) for s in still
        ):
            raise CommandError(ambiguous(line.strip()))  # no empty line after this one
        alive = still
    complete = [
        s
        for s in alive
        if len(s.tokens) == len(words)
        or (s.tokens and s.tokens[-1] == "LINE" and len(words) >= len(s.tokens))
    ]
    if not complete:
        if not words:
            raise CommandError("")
        raise CommandError(INCOMPLETE + "\n\n")
    spec = complete[0]
    args: list[Any] = []
    for index, pattern in enumerate(spec.tokens):
        if pattern == "LINE":
            args.append(line[words[index][0] :].strip() if index < len(words) else "")
            break
        if pattern == "WORD":
            args.append(words[index][1])
        elif _RANGE.match(pattern):
            args.append(int(words[index][1]))
    return Match(spec, args)
