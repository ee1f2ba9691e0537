"""Finding, indexing and compiling the TextFSM templates in `parsers/`.

Each template is read and compiled once per thread (a TextFSM object holds parse state,
so threads, as in a Nornir run, each keep their own) and reused for every call.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import textfsm

PLATFORM = "cisco_ios"


def templates_dir() -> Path:
    """The installed copy (inside the wheel) first, else the source tree's `parsers/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_parsers", here.parent / "parsers"):
        if (candidate / "index").is_file():
            return candidate
    raise FileNotFoundError("the ios_ssh TextFSM templates (parsers/index) are missing")


@dataclass(frozen=True)
class IndexEntry:
    template: str
    platform: re.Pattern[str]
    command: re.Pattern[str]


def expand_completion(pattern: str) -> str:
    """ntc-templates' `sh[[ow]]` -> `sh(o(w)?)?`."""

    def repl(match: re.Match[str]) -> str:
        word = match.group(1)
        return "".join(f"({ch}" for ch in word) + ")?" * len(word)

    return re.sub(r"\[\[([^\]]+)\]\]", repl, pattern)


def command_regex(pattern: str) -> str:
    """An index command pattern as a regex over normalised commands (words split by spaces)."""
    return expand_completion(pattern).replace(" ", r"\s+")


@cache
def index_entries() -> tuple[IndexEntry, ...]:
    entries: list[IndexEntry] = []
    header_seen = False
    for raw in (templates_dir() / "index").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True  # "Template, Hostname, Platform, Command"
            continue
        template, _hostname, platform, command = (part.strip() for part in line.split(",", 3))
        command_re = command_regex(command)
        entries.append(
            IndexEntry(template, re.compile(platform), re.compile(rf"^{command_re}\s*$"))
        )
    return tuple(entries)


def normalise_command(command: str) -> str:
    """Lower-case, single-spaced, without an output filter (`| include x`)."""
    return " ".join(command.split("|", 1)[0].split()).lower()


def find_template(command: str, platform: str = PLATFORM) -> str | None:
    wanted = normalise_command(command)
    for entry in index_entries():
        if entry.platform.fullmatch(platform) and entry.command.match(wanted):
            return entry.template
    return None


@cache
def _template_text(name: str) -> str:
    return (templates_dir() / name).read_text()


_local = threading.local()


def compiled(name: str) -> textfsm.TextFSM:
    """A reset, ready TextFSM for template `name`, compiled once for this thread."""
    cache_: dict[str, textfsm.TextFSM] | None = getattr(_local, "fsms", None)
    if cache_ is None:
        cache_ = _local.fsms = {}
    fsm = cache_.get(name)
    if fsm is None:
        fsm = cache_[name] = textfsm.TextFSM(io.StringIO(_template_text(name)))
    else:
        fsm.Reset()
    return fsm
