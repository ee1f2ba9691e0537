"""One line per error (issue 14): every error a user reads is one line under LIMIT
characters that names the host, the step and the likely fix.

Messages are written to fit; `compose` keeps the bound where a step is put before a cause
written elsewhere (a connect error, the device's own words). Our words give way first:
asides in parentheses, filler clauses, a long path's middle, then a long step (a command);
the device's line, a fingerprint and the host name are kept whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable

LIMIT = 200  # every message is shorter than this
_CARET_AT_END = re.compile(r"(?:^|\s+)\^\s*$")
_ASIDE = re.compile(r" \([^()]*\)")
_PATH = re.compile(r"(?<![\w.-])/[^\s'\",;]{20,}")
_MIN_STEP = 24  # characters of a step (a command, say) kept when it must be cut
# Our clauses that say least once a step is put before them.
_FILLER = ("; nothing sent",)


def fits(text: str) -> bool:
    return "\n" not in text and len(text) < LIMIT


def one_line_text(text: str) -> str:
    """A message as one line: IOS's caret line (`   ^`) dropped, the rest joined."""
    lines = [_CARET_AT_END.sub("", line).strip() for line in text.splitlines()]
    return " ".join(line for line in lines if line)


def first_fitting(*forms: str) -> str:
    """The first of a message's forms (fullest first) that fits, else the last."""
    return next((form for form in forms if fits(form)), forms[-1])


def elide(path: str, width: int) -> str:
    """`path` in at most `width` characters: its middle replaced by `...`, its end (the
    file name) kept."""
    if len(path) <= width:
        return path
    keep = max(width - 3, 1)
    name = path.rsplit("/", 1)[-1]
    tail = max(keep * 2 // 3, min(len(name), keep))
    return f"{path[: keep - tail]}...{path[len(path) - tail :]}"


def compose(step: str, cause: str) -> str:
    """`step: cause` as one line under LIMIT."""
    step, cause = one_line_text(step), one_line_text(cause)
    for shorten in _SHORTER:
        if fits(f"{step}: {cause}"):
            break
        step, cause = shorten(step, cause, len(f"{step}: {cause}") - LIMIT + 1)
    return f"{step}: {cause}"


def _drop_asides(step: str, cause: str, over: int) -> tuple[str, str]:
    """Asides in parentheses are ours (a fingerprint's or the device's are kept)."""
    for aside in reversed(_ASIDE.findall(cause)):
        if over <= 0:
            break
        if "SHA256:" not in aside and "%" not in aside:
            cause = cause.replace(aside, "", 1)
            over -= len(aside)
    return step, cause


def _drop_filler(step: str, cause: str, over: int) -> tuple[str, str]:
    for filler in _FILLER:
        if over > 0 and filler in cause:
            cause, over = cause.replace(filler, "", 1), over - len(filler)
    return step, cause


def _elide_paths(step: str, cause: str, over: int) -> tuple[str, str]:
    for path in sorted(_PATH.findall(cause), key=len, reverse=True):
        if over <= 0:
            break
        shorter = elide(path, max(len(path) - over, len(path.rsplit("/", 1)[-1]) + 4))
        cause, over = cause.replace(path, shorter, 1), over - (len(path) - len(shorter))
    return step, cause


def _cut_step(step: str, cause: str, over: int) -> tuple[str, str]:
    """A long step (a command line) cut at its end: the cause says more."""
    width = max(len(step) - over, _MIN_STEP)
    if width < len(step):
        step = step[: width - 3].rstrip() + "..."
    return step, cause


def _cut_cause(step: str, cause: str, over: int) -> tuple[str, str]:
    """Last: the cause's end (its own words; the messages are written not to need it)."""
    width = max(len(cause) - over - 3, 0)
    return step, cause[:width].rstrip(" ;,:") + "..."


_SHORTER: tuple[Callable[[str, str, int], tuple[str, str]], ...] = (
    _drop_asides,
    _drop_filler,
    _elide_paths,
    _cut_step,
    _cut_cause,
)
