"""What an audit reads from one device: its running-config and any show-command captures.

Built from text alone (a saved backup, or the outputs `read_state` collected), with the
project's own parsers: `running_config.parse_running_config` for the SSH, AAA, user and line
settings, `ios_ssh.parse` for `show ip ssh` / `show crypto key mypubkey rsa`. A single pass
over the text adds what those parsers leave out and the CIS/STIG rules need: top-level
lines, ACL bodies, banners and the `version` line. What was not captured stays None, so a
rule that needs it reports `not-assessable` instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParseError
from ..parse import parse
from ..running_config import parse_running_config
from .platform import not_ios

RUNNING_CONFIG = "show running-config"
SHOW_IP_SSH = "show ip ssh"
SHOW_RSA_KEYS = "show crypto key mypubkey rsa"


@dataclass
class Facts:
    """One device as the rules see it. `config` is None when no running-config was read."""

    name: str
    config: dict[str, Any] | None = None
    top: list[str] = field(default_factory=list)  # top-level config lines, as written
    acls: dict[str, list[str]] = field(default_factory=dict)  # ACL name -> its entries
    banners: dict[str, str] = field(default_factory=dict)  # motd/login/exec -> text
    image: str = ""  # from the config's `version` line: "15.2", "17.15"
    ip_ssh: dict[str, Any] | None = None  # parsed `show ip ssh`
    rsa_keys: list[dict[str, Any]] | None = None  # parsed `show crypto key mypubkey rsa`
    notes: list[str] = field(default_factory=list)  # captures that did not parse
    # what the reader could not place (`banner motd` -> why): rules reading it are
    # not-assessable with that reason
    unread: dict[str, str] = field(default_factory=dict)
    not_ios: str = ""  # why the running-config is not an IOS one ("" when it is)

    by_word: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def top_matching(self, pattern: re.Pattern[str]) -> list[str]:
        """Top-level lines matching `pattern`; a pattern anchored on a first word (`^aaa
        ...`) only looks at lines that start with that word."""
        word = _first_word(pattern)
        lines = self.top if word is None else self.by_word.get(word, ())
        return [line for line in lines if pattern.search(line)]


# `^aaa ...`, `^ip ssh ...`: the literal words a pattern starts with.
_ANCHOR = re.compile(r"^\^([A-Za-z][\w-]*)(?: ([A-Za-z][\w-]*))?(?: |\\s|\$|\\b|$)")
_WORDS: dict[str, str | None] = {}


def _key(line: str) -> str:
    """Index key of a top-level line: its first word, or for the many `ip ...` lines its
    first two words."""
    words = line.split(" ", 2)
    return f"ip {words[1]}" if words[0] == "ip" and len(words) > 1 else words[0]


def _first_word(pattern: re.Pattern[str]) -> str | None:
    """The index key a pattern's lines must have, or None when the pattern does not say."""
    source = pattern.pattern
    if source not in _WORDS:
        match = _ANCHOR.match(source)
        if match is None or (match.group(1) == "ip" and not match.group(2)):
            _WORDS[source] = None
        else:
            _WORDS[source] = _key(" ".join(w for w in match.groups() if w))
    return _WORDS[source]


# `banner motd ^C`, and the line messages that take delimited text the same way.
_BANNER_START = re.compile(
    r"\n(?:banner ([a-z][a-z-]*)|banner(?= )|[ \t]+(?:vacant|refuse|busy)-message)[ \t]*"
)
_BANNER_KINDS = {"config-save", "exec", "incoming", "login", "motd", "prompt-timeout", "slip-ppp"}
# Where the configuration resumes after a banner that never closes: IOS writes `!` after
# each banner, and the line blocks come next.
_RESUME = re.compile(r"\n(?=!|end\n|end$|line |banner )")
_ETX = ("^C", "\x03")  # Ctrl-C, as `show running-config` prints it and as the byte


def _cut_banners(text: str, facts: Facts) -> str:
    """The config without banner bodies (their text could look like commands).

    The delimiter is the first character after the keyword (IOS shows Ctrl-C as `^C`, and
    a typed config may use `#`, `^`, `%` or any other); the text runs to its next
    occurrence, and anything after that on the same line is ignored, as IOS does. A banner
    that never closes is not guessed at: its rules become not-assessable, and the reading
    resumes at the next `!` or `line` (a capture that lost the closing `^C`)."""
    kept: list[str] = []
    pos = 0
    for match in _BANNER_START.finditer(text):
        if match.start() < pos:
            continue  # inside the previous banner's text
        kept.append(text[pos : match.start()])  # up to the newline; `pos` brings the next
        kind = match.group(1) or "motd"  # `banner ^C..^C` is the motd banner
        rest = match.end()
        if match.group(1) and kind not in _BANNER_KINDS:
            rest, kind = match.start() + len("\nbanner "), "motd"  # `banner #text#`
        line_message = not match.group().startswith("\nbanner")
        delims = _ETX if text.startswith(_ETX, rest) else (text[rest : rest + 1],)
        width = 2 if text.startswith("^C", rest) else 1
        if delims == ("\n",) or delims == ("",):
            pos = rest  # `banner motd` with nothing after it: no banner
            continue
        close = _find_any(text, delims, rest + width)
        if close < 0:
            where = f"banner {kind}" if not line_message else match.group().strip()
            if not line_message:
                facts.unread[where] = (
                    f"{where} has no closing {delims[0]!r}: its text and where it ends are unknown"
                )
            after = _RESUME.search(text, rest)
            pos = after.start() if after else len(text)
            continue
        if not line_message:
            facts.banners[kind] = text[rest + width : close].strip()
        pos = text.find("\n", close)  # the newline that ends the banner's last line
        pos = len(text) if pos < 0 else pos
    kept.append(text[pos:])
    return "".join(kept)


def _find_any(text: str, delims: tuple[str, ...], start: int) -> int:
    found = [i for i in (text.find(d, start) for d in delims) if i >= 0]
    return min(found) if found else -1


# The top-level commands `parse_running_config` interprets, with their sub-lines; only these
# sections are handed to it (it takes `| section`-filtered text), so interfaces, routes and
# ACLs cost it nothing. The patterns start at a newline (not `^` under re.M), which lets
# the regex engine skip ahead in C: the text is scanned with a leading newline added.
_SECTIONS = re.compile(
    r"\n((?:hostname|ip ssh|ip domain|ip scp|aaa |username |enable |line |archive)[^\n]*"
    r"(?:\n[ \t][^\n]*)*)"
)
_TOP = re.compile(r"\n(?![ \t!\n])(.*)")
_VERSION = re.compile(r"\nversion (\S+)")
_NAMED_ACL = re.compile(
    r"\nip(?:v6)? access-list (?:standard |extended )?(\S+)[^\n]*((?:\n[ \t][^\n]*)*)"
)
_NUMBERED_ACL = re.compile(r"\naccess-list (\S+) (?!remark)([^\n]*)")


def _scan(text: str, facts: Facts) -> str:
    """Top-level lines, ACL bodies and the image version; returns the sections
    `parse_running_config` needs. `text` starts with a newline."""
    facts.top = [line for line in map(str.rstrip, _TOP.findall(text)) if line]
    by_word = facts.by_word
    for line in facts.top:  # `_key`, inlined: this loop runs for every top-level line
        words = line.split(" ", 2)
        key = f"ip {words[1]}" if words[0] == "ip" and len(words) > 1 else words[0]
        if (lines := by_word.get(key)) is None:
            by_word[key] = [line]
        else:
            lines.append(line)
    if version := _VERSION.search(text):
        facts.image = version.group(1)
    for name, body in _NAMED_ACL.findall(text):
        entries = facts.acls.setdefault(name, [])
        for line in body.split("\n"):
            words = line.split()
            if words and words[0].isdigit():  # `10 permit ...`: drop the sequence number
                words = words[1:]
            if words and words[0] != "remark":
                entries.append(" ".join(words))
    for name, entry in _NUMBERED_ACL.findall(text):
        facts.acls.setdefault(name, []).append(entry.rstrip())
    return "\n".join(_SECTIONS.findall(text))


def facts_from_outputs(name: str, outputs: dict[str, str], *, only_ios: bool = False) -> Facts:
    """Facts from command outputs keyed by command (`show running-config`, ...). With
    `only_ios` (files, which may hold anything), a running-config that is not an IOS one
    is not read: `not_ios` says why, and `config` stays None."""
    facts = Facts(name)
    text = outputs.get(RUNNING_CONFIG)
    if text is not None:
        text = "\n" + text.replace("\r", "")  # the scans look for "\n<command>"
        if "\nbanner" in text or "-message" in text:
            text = _cut_banners(text, facts)
        sections = _scan(text, facts)
        if only_ios and (reason := not_ios(text, facts.top, facts.by_word)):
            facts.not_ios = reason
            return facts
        facts.config = parse_running_config(sections)
        facts.name = facts.config["hostname"] or name
    if (ssh := outputs.get(SHOW_IP_SSH)) is not None:
        try:
            facts.ip_ssh = parse(SHOW_IP_SSH, ssh)[0]  # type: ignore[assignment]
        except ParseError as exc:
            facts.notes.append(str(exc))
    if (keys := outputs.get(SHOW_RSA_KEYS)) is not None:
        try:
            facts.rsa_keys = parse(SHOW_RSA_KEYS, keys)  # type: ignore[assignment]
        except ParseError as exc:
            facts.notes.append(str(exc))
    return facts
