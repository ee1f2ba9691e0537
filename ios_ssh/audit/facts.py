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

_BANNER = re.compile(r"^banner (\S+) ?(.*)$")
_ACL_NAMED = re.compile(r"^(?:ip|ipv6) access-list (?:standard |extended )?(\S+)")
_ACL_NUMBERED = re.compile(r"^access-list (\S+) (.+)$")


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

    def top_matching(self, pattern: re.Pattern[str]) -> list[str]:
        return [line for line in self.top if pattern.search(line)]


def _split_banners(lines: list[str], facts: Facts) -> list[str]:
    """The config without banner bodies (their text could look like commands)."""
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("banner "):
            kept.append(line)
            i += 1
            continue
        match = _BANNER.match(line.rstrip())
        rest = match.group(2) if match else ""
        if not match or not rest:
            i += 1
            continue
        delim = "^C" if rest.startswith("^C") else rest[0]
        body = rest[len(delim) :]
        text: list[str] = []
        while delim not in body:
            text.append(body)
            i += 1
            if i >= len(lines):
                body = delim  # unterminated: take what there is
                break
            body = lines[i]
        text.append(body.split(delim, 1)[0])
        facts.banners[match.group(1)] = "\n".join(text).strip()
        i += 1
    return kept


def _scan(lines: list[str], facts: Facts) -> None:
    """Top-level lines, ACL bodies and the image version, in one pass."""
    acl: list[str] | None = None
    for line in lines:
        if not line or line[0] == "!":
            continue
        if line[0] == " ":
            if acl is not None:
                words = line.split()
                if words and words[0].isdigit():  # `10 permit ...`: drop the sequence number
                    words = words[1:]
                if words and words[0] != "remark":
                    acl.append(" ".join(words))
            continue
        line = line.rstrip()
        acl = None
        facts.top.append(line)
        if line.startswith("version "):
            facts.image = line[8:].strip()
        elif line.startswith(("ip access-list", "ipv6 access-list")):
            if m := _ACL_NAMED.match(line):
                acl = facts.acls.setdefault(m.group(1), [])
        elif (m := _ACL_NUMBERED.match(line)) and not m.group(2).startswith("remark"):
            facts.acls.setdefault(m.group(1), []).append(m.group(2))


def facts_from_outputs(name: str, outputs: dict[str, str]) -> Facts:
    """Facts from command outputs keyed by command (`show running-config`, ...)."""
    facts = Facts(name)
    text = outputs.get(RUNNING_CONFIG)
    if text is not None:
        lines = _split_banners(text.replace("\r", "").split("\n"), facts)
        _scan(lines, facts)
        facts.config = parse_running_config("\n".join(lines))
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
