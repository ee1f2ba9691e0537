"""Is this an IOS / IOS-XE running-config? Only those are scored.

A backup directory can hold NX-OS, ASA, IOS-XR, EOS or Junos configurations next to IOS
ones, or a file that is no configuration at all (empty, notes, a binary). Scoring those by
IOS rules gives meaningless passes, so each is reported as "not an IOS configuration" with
the reason. The signs below are each platform's own configuration syntax, as its
configuration guides show it: NX-OS's `feature` commands, `!Command:` header and
parenthesised `version 9.3(8)`; ASA's `ASA Version` line and `nameif`; IOS-XR's
`!! IOS XR Configuration` header and `ipv4 address`; EOS's `! device:` header and
`management api`; Junos's braces and `set` commands. A file with none of them must still
read as IOS: mostly lowercase command lines, and at least one command only IOS writes that
way (`version 15.2`, `hostname R1`, `interface ...`, `line vty ...`, ...).

It reads what the fact scan already collected (top-level lines indexed by first word) plus
a few substring searches, so it costs microseconds per file.
"""

from __future__ import annotations

import re

# Each platform's signs. By where they are found, cheapest first:
# comment headers (the first lines of a file), top-level commands (by first word, from the
# index the fact scan built), and indented lines (a substring search of the whole text).
_HEADERS = (
    ("NX-OS", "a '!Command: show running-config' header", "\n!Command: "),
    ("IOS-XR", "an '!! IOS XR Configuration' header", "\n!! IOS XR "),
)
_EOS_DEVICE = re.compile(r"\n! device: [^\n]*EOS-")
# first word -> (platform, sign, the whole line)
_COMMANDS: dict[str, tuple[str, str, re.Pattern[str]]] = {
    "set": (
        "Junos",
        "'set system ...' commands",
        re.compile(r"set (?:system|interfaces|protocols) .*"),
    ),
    "##": ("Junos", "a '## Last commit' header", re.compile(r"## Last (?:commit|changed).*")),
    "feature": ("NX-OS", "'feature ...' commands", re.compile(r"feature [a-z].*")),
    "version": ("NX-OS", "a 'version N.N(N)' line", re.compile(r"version \d+\.\d+\(\d+\).*")),
    "boot": ("NX-OS", "a 'boot nxos' command", re.compile(r"boot nxos.*")),
    "vdc": ("NX-OS", "'vdc' commands", re.compile(r"vdc \S+ id .*")),
    "ASA": ("ASA", "an 'ASA Version' line", re.compile(r"ASA Version .*")),
    "PIX": ("ASA", "a 'PIX Version' line", re.compile(r"PIX Version .*")),
    ":": ("ASA", "a ': Saved' header", re.compile(r": (?:Saved|(?:ASA|PIX) Version).*")),
    "management": ("EOS", "'management api' commands", re.compile(r"management api .*")),
    "daemon": ("EOS", "'daemon TerminAttr'", re.compile(r"daemon TerminAttr.*")),
    "service": (
        "EOS",
        "'service routing protocols model'",
        re.compile(r"service routing protocols model.*"),
    ),
}
_INDENTED = (
    ("ASA", "'nameif' on interfaces", "\n nameif "),
    ("IOS-XR", "'ipv4 address' on interfaces", "\n ipv4 address "),
)
_JUNOS_BLOCK = re.compile(r"\n[ \t]*[a-z][\w-]* \{[ \t]*\n")
_HEAD = 2000  # the comment headers are in a file's first lines


def _other_platform(text: str, first_words: dict[str, list[str]]) -> str:
    """'<platform> configuration (<sign>)' for the first sign found, or ""."""
    head = text[:_HEAD]
    for platform, sign, needle in _HEADERS:
        if needle in head:
            return f"{platform} configuration ({sign})"
    if _EOS_DEVICE.search(head):
        return "EOS configuration (a '! device: ... EOS' header)"
    for word, (platform, sign, line) in _COMMANDS.items():
        if any(line.fullmatch(each) for each in first_words.get(word, ())):
            return f"{platform} configuration ({sign})"
    for platform, sign, needle in _INDENTED:
        if needle in text:
            return f"{platform} configuration ({sign})"
    if " {\n" in text and _JUNOS_BLOCK.search(text):
        return "Junos configuration (brace-structured blocks ('system {'))"
    return ""


# Commands IOS writes this way at the top level, one of which any IOS running-config has.
_IOS_SIGNS = re.compile(
    r"\n(?:version \d+\.\d+\S*[ \t]*\n|hostname \S+[ \t]*\n|interface [A-Z][\w./:-]*\d"
    r"|line (?:con|console|aux|vty|\d)|boot-start-marker|(?:no )?service (?:timestamps|password)"
    r"|(?:no )?aaa new-model|enable (?:secret|password) |username \S+ (?:privilege|secret|password)"
    r"|ip (?:domain|ssh|route|access-list|http) |access-list \d+ |end[ \t]*\n"
    r"|banner (?:motd|login|exec) |router (?:ospf|bgp|eigrp|rip|isis)\b)"
)
# An IOS command word: lowercase, digits and hyphens (`ip`, `no`, `spanning-tree`, `vlan`).
_COMMAND_WORD = re.compile(r"[a-z][a-z0-9-]*\Z")
_MOSTLY = 0.6


def not_ios(text: str, top: list[str], first_words: dict[str, list[str]]) -> str:
    """Why `text` (with a leading newline) is not an IOS configuration, or "" if it is.
    `top` are its top-level lines and `first_words` indexes them by their first word."""
    if "\x00" in text:
        return "binary data (NUL bytes), not configuration text"
    if not top:
        return "empty: no configuration lines, only comments or blank lines"
    if other := _other_platform(text, first_words):
        return other
    if not _IOS_SIGNS.search(text + "\n"):
        return "no IOS command found (version, hostname, interface, line, aaa, ip ...)"
    commands = sum(
        len(lines)
        for word, lines in first_words.items()
        if _COMMAND_WORD.match(word.partition(" ")[0])
    )
    if commands < _MOSTLY * len(top):
        share = 100 * commands // len(top)
        return f"only {share}% of its top-level lines read as IOS commands"
    return ""
