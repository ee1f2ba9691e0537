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


_BANNER_START = re.compile(r"\nbanner (\S+) ?")


def _cut_banners(text: str, facts: Facts) -> str:
    """The config without banner bodies (their text could look like commands)."""
    kept: list[str] = []
    pos = 0
    for match in _BANNER_START.finditer(text):
        if match.start() < pos:
            continue  # inside the previous banner's text
        kept.append(text[pos : match.start() + 1])  # up to and with the newline
        rest = match.end()
        delim = "^C" if text.startswith("^C", rest) else text[rest : rest + 1]
        if not delim or delim == "\n":
            pos = rest if delim == "\n" else len(text)
            continue
        close = text.find(delim, rest + len(delim))
        close = len(text) if close < 0 else close
        facts.banners[match.group(1)] = text[rest + len(delim) : close].strip()
        pos = text.find("\n", close)  # the newline that ends the banner's last line
        pos = len(text) if pos < 0 else pos
    kept.append(text[pos:])
    return "".join(kept)


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
    facts.top = [line.rstrip() for line in _TOP.findall(text)]
    by_word = facts.by_word
    for line in facts.top:
        by_word.setdefault(_key(line), []).append(line)
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


def facts_from_outputs(name: str, outputs: dict[str, str]) -> Facts:
    """Facts from command outputs keyed by command (`show running-config`, ...)."""
    facts = Facts(name)
    text = outputs.get(RUNNING_CONFIG)
    if text is not None:
        text = "\n" + text.replace("\r", "")  # the scans look for "\n<command>"
        if "\nbanner " in text:
            text = _cut_banners(text, facts)
        facts.config = parse_running_config(_scan(text, facts))
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
