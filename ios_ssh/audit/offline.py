"""Saved configurations as audit input: files and directories of Oxidized/RANCID backups.

One file per device. A file is a plain running-config (Oxidized's `!` comment header and
RANCID's `!RANCID-CONTENT-TYPE` / `!Chassis ...` lines are comments, and skipped), or a
terminal capture with prompts (`r1#show running-config`, `r1#show ip ssh`, ...), whose
sections are used as the outputs of those commands. Abbreviations are understood the way
`ios_ssh.parse` understands them.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..templates import find_template
from .facts import RUNNING_CONFIG, SHOW_IP_SSH, SHOW_RSA_KEYS, Facts, facts_from_outputs

# `r1#show ip ssh`, `r1# sh run`, `r1#exit`: a prompt at column 0, then what was typed.
_PROMPT = re.compile(r"^[A-Za-z0-9][\w.\-()/]*#[ \t]*(.*?)\s*$")
_RUN = re.compile(
    r"^sh(?:o|ow)?\s+run(?:n(?:i(?:n(?:g(?:-(?:c(?:o(?:n(?:f(?:i(?:g)?)?)?)?)?)?)?)?)?)?)?\s*$"
)
_KNOWN = {find_template(SHOW_IP_SSH): SHOW_IP_SSH, find_template(SHOW_RSA_KEYS): SHOW_RSA_KEYS}
# Files a backup directory holds that are not device configs.
_SKIP_DIRS = {".git", ".svn", "CVS"}
_SKIP_NAMES = {"router.db", ".cvsignore"}
_SKIP_SUFFIXES = {".md", ".rst", ".json", ".yaml", ".yml", ".html", ".xml", ".db", ".png"}


class InputError(ValueError):
    pass


def command_of(command: str) -> str | None:
    """The canonical command a captured `command` stands for, or None (not used)."""
    words = " ".join(command.split()).lower()
    if _RUN.match(words):
        return RUNNING_CONFIG
    return _KNOWN.get(find_template(words)) if find_template(words) else None


def _is_show(line: str) -> bool:
    match = _PROMPT.match(line)
    return match is not None and match.group(1).startswith("sh")


def split_outputs(text: str) -> dict[str, str]:
    """A file's text as {command: output}; without prompts it is all running-config."""
    lines = text.replace("\r", "").split("\n")
    if "#" not in text or not any(_is_show(line) for line in lines):
        return {RUNNING_CONFIG: text}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        match = _PROMPT.match(line)
        if match:
            command = command_of(match.group(1))
            current = sections.setdefault(command, []) if command else None
        elif current is not None:
            current.append(line)
    return {command: "\n".join(body) for command, body in sections.items()}


def device_files(paths: Iterable[Path]) -> list[Path]:
    """Every file named, and every regular file under every directory named, sorted."""
    return list(iter_device_files(paths))


def iter_device_files(paths: Iterable[Path]) -> Iterator[Path]:
    """`device_files`, one at a time: each directory is listed when it is reached, so a
    tree of any size costs one directory listing of memory. Every path is checked first
    (InputError for one that does not exist), before anything is yielded."""
    paths = list(paths)
    for path in paths:
        if not path.is_dir() and not path.is_file():
            raise InputError(f"{path}: no such file or directory")
    return _walk_all(paths)


def _walk_all(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    """Files under `folder` in sorted path order, skipping VCS folders and non-configs.
    Each folder's listing is held as (name, is a folder, is a file) while it is walked: the
    one thing a run keeps that grows with a flat backup directory. A stack, not recursion:
    no tree is too deep."""
    stack = [(folder, iter(_listing(folder)))]
    while stack:
        parent, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name, is_dir, is_file = entry
        path = parent / name
        if is_dir:
            if name not in _SKIP_DIRS:
                stack.append((path, iter(_listing(path))))
        elif is_file and name not in _SKIP_NAMES and path.suffix.lower() not in _SKIP_SUFFIXES:
            yield path


def _listing(folder: Path) -> list[tuple[str, bool, bool]]:
    try:
        with os.scandir(folder) as listing:
            return sorted(
                (e.name, e.is_dir(follow_symlinks=False), e.is_file())  # a linked folder could loop
                for e in listing
                if not e.name.startswith(".")
            )
    except OSError:
        return []  # an unreadable folder holds nothing we can audit


def load_facts(path: Path) -> Facts:
    """One backup file as Facts; named by its hostname, else its file name. A file that is
    not an IOS configuration has `not_ios` set and no config."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    text = _decode(data)
    return facts_from_outputs(
        path.stem if path.suffix in (".cfg", ".txt", ".conf") else path.name,
        split_outputs(text),
        only_ios=True,
    )


def _decode(data: bytes) -> str:
    """A backup's text: UTF-8 (a BOM dropped), or UTF-16 when it starts with its BOM (some
    Windows tools save exports so); a byte that is not UTF-8 becomes U+FFFD."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")
