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

# (platform, sign, where: "text" = a multi-line regex on the text, "top" = a regex on
# top-level lines). The first that matches names the platform.
_OTHERS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("Junos", "'set system ...' commands", re.compile(r"\nset (?:system|interfaces|protocols) ")),
    ("Junos", "brace-structured blocks ('system {')", re.compile(r"\n\s*[a-z][\w-]* \{\s*\n")),
    ("Junos", "a '## Last commit' header", re.compile(r"\n## Last (?:commit|changed)")),
    ("NX-OS", "a '!Command: show running-config' header", re.compile(r"\n!Command: ")),
    ("NX-OS", "'feature ...' commands", re.compile(r"\nfeature [a-z]")),
    ("NX-OS", "a 'version N.N(N)' line", re.compile(r"\nversion \d+\.\d+\(\d+\)")),
    ("NX-OS", "'boot nxos' / 'vdc' commands", re.compile(r"\n(?:boot nxos|vdc \S+ id) ")),
    ("ASA", "an 'ASA Version' line", re.compile(r"\n:? ?(?:ASA|PIX|FWSM) Version ")),
    ("ASA", "'nameif' on interfaces", re.compile(r"\n nameif \S")),
    ("ASA", "a ': Saved' header", re.compile(r"\n: Saved")),
    ("IOS-XR", "an '!! IOS XR Configuration' header", re.compile(r"\n!! IOS XR ")),
    ("IOS-XR", "'ipv4 address' on interfaces", re.compile(r"\n ipv4 address \d")),
    ("EOS", "a '! device: ... EOS' header", re.compile(r"\n! device: .*EOS-")),
    ("EOS", "'management api' commands", re.compile(r"\nmanagement api ")),
    ("EOS", "'daemon TerminAttr' / 'service routing protocols model'",
     re.compile(r"\n(?:daemon TerminAttr|service routing protocols model)")),
)  # fmt: skip

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
    for platform, sign, pattern in _OTHERS:
        if pattern.search(text):
            return f"{platform} configuration ({sign})"
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
