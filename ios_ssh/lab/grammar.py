"""IOS-style command matching: unique abbreviations, ranges, and IOS's own error texts.

A command is a spec string: keywords, `<lo-hi>` numbers, `WORD` (one token) and `LINE`
(the rest of the line). Matching walks the input token by token over all specs of the
mode, as the IOS parser does, so the error says where the input stopped making sense:
the caret sits under the first character of the first token no command accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."


def ambiguous(text: str) -> str:
    return f'% Ambiguous command:  "{text}"'


_RANGE = re.compile(r"^<(\d+)-(\d+)>$")


@dataclass(frozen=True)
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
    """Input no command accepts; `text` is what IOS prints."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(text)


def _token_matches(pattern: str, word: str) -> bool:
    if pattern == "WORD" or pattern == "LINE":
        return True
    if m := _RANGE.match(pattern):
        return word.isdigit() and int(m.group(1)) <= int(word) <= int(m.group(2))
    return pattern.startswith(word.lower())


def _is_keyword(pattern: str) -> bool:
    return pattern not in ("WORD", "LINE") and not _RANGE.match(pattern)


def _spans(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"\S+", line)]


def match(specs: list[Spec], line: str, prompt_len: int) -> Match:
    """The spec `line` selects, or CommandError with IOS's message (caret included)."""
    words = _spans(line)
    alive = list(specs)
    for index, (column, word) in enumerate(words):
        still = []
        for spec in alive:
            if (
                index < len(spec.tokens)
                and spec.tokens[index] == "LINE"
                or index < len(spec.tokens)
                and _token_matches(spec.tokens[index], word)
                or index >= len(spec.tokens)
                and spec.tokens
                and spec.tokens[-1] == "LINE"
            ):
                still.append(spec)
        if not still:
            raise CommandError(" " * (prompt_len + column) + "^\n" + INVALID)
        keywords = {
            s.tokens[index] for s in still if index < len(s.tokens) and _is_keyword(s.tokens[index])
        }
        exact = [s for s in still if index < len(s.tokens) and s.tokens[index] == word.lower()]
        if exact:
            still = exact + [
                s for s in still if s not in exact and not _is_keyword(s.tokens[index])
            ]
        elif len(keywords) > 1 and all(
            index < len(s.tokens) and _is_keyword(s.tokens[index]) for s in still
        ):
            raise CommandError(ambiguous(line.strip()))
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
        raise CommandError(INCOMPLETE)
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
