"""Configuration beyond SSH that every script touches: banners, logging, name lookup,
named IP access lists and loopback interfaces; the model and its running-config text.

Pure data and text. The commands that change it are in `cmd_extras.py`; `config.py`
places these lines where IOS prints them in `show running-config`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

# `banner exec|login|motd`, in the order IOS prints them before the `line` blocks.
BANNER_KINDS = ("exec", "login", "motd")
# IOS stores the delimiter as ETX and prints it as `^C`, whatever the user typed.
BANNER_DELIMITER_SHOWN = "^C"

# Syslog severities, `logging buffered <0-7>` or by name (IOS `logging buffered ?`).
LEVELS = (
    "emergencies",
    "alerts",
    "critical",
    "errors",
    "warnings",
    "notifications",
    "informational",
    "debugging",
)
DEFAULT_BUFFER_BYTES = 4096  # `Log Buffer (4096 bytes):` on a router never configured


@dataclass
class Logging:
    buffered_size: int | None = None  # None: the default, not shown
    buffered_level: str | None = None
    buffered_off: bool = False  # `no logging buffered`
    console: bool = True  # `no logging console` turns it off
    console_level: str | None = None


@dataclass
class AccessList:
    name: str
    kind: str  # "extended" | "standard"
    entries: dict[int, str] = field(default_factory=dict)  # sequence -> "permit tcp any ..."

    def next_sequence(self) -> int:
        return (max(self.entries) // 10 + 1) * 10 if self.entries else 10


@dataclass
class Interface:
    name: str  # as IOS prints it: "Loopback0"
    address: tuple[str, str] | None = None  # (address, mask)
    shutdown: bool = False
    description: str = ""
    physical: bool = False  # the platform's own port or SVI: never removed
    link: bool = True  # carrier: a switch port with no cable has none (down/down)
    switchport: bool = False  # a Catalyst's layer-2 port: no `no ip address` line
    # `show ip interface brief` Method: how the address was set (NVRAM: read from the
    # startup configuration, manual: typed, unset: none)
    method: str = "unset"


@dataclass
class Extras:
    banners: dict[str, str] = field(default_factory=dict)  # kind -> text, lines by "\n"
    logging: Logging = field(default_factory=Logging)
    domain_lookup: bool = True  # `no ip domain lookup` turns the exec-prompt lookup off
    acls: dict[str, AccessList] = field(default_factory=dict)
    interfaces: dict[str, Interface] = field(default_factory=dict)


# -- running-config pieces, each placed by config.render_running --------------------------
def render_logging(extras: Extras) -> list[str]:
    """After `boot-end-marker`, as IOS prints them (`logging buffered 51200 warnings`)."""
    log = extras.logging
    out: list[str] = []
    if log.buffered_off:
        out.append("no logging buffered")
    elif log.buffered_size is not None or log.buffered_level is not None:
        parts = [str(log.buffered_size)] if log.buffered_size is not None else []
        parts += [log.buffered_level] if log.buffered_level is not None else []
        out.append("logging buffered " + " ".join(parts))
    if not log.console:
        out.append("no logging console")
    elif log.console_level is not None:
        out.append(f"logging console {log.console_level}")
    return out + (["!"] if out else [])


def render_lookup(extras: Extras) -> list[str]:
    # IOS-XE 16+ spells it `no ip domain lookup`; 12.x/15.x `no ip domain-lookup`.
    return [] if extras.domain_lookup else ["no ip domain lookup"]


def render_interfaces(extras: Extras, order=None) -> list[str]:
    """Each interface block and a `!`; `order` sorts them as the platform does
    (interfaces.config_order), by name when not given."""
    out: list[str] = []
    for iface in sorted(extras.interfaces.values(), key=order or _interface_order):
        out += [*render_interface(iface), "!"]
    return out


def render_interface(iface: Interface) -> list[str]:
    out = [f"interface {iface.name}"]
    if iface.description:
        out.append(f" description {iface.description}")
    if iface.address is None:
        if not iface.switchport:
            out.append(" no ip address")
    else:
        out.append(f" ip address {iface.address[0]} {iface.address[1]}")
    if iface.shutdown:
        out.append(" shutdown")
    return out


def render_acls(extras: Extras) -> list[str]:
    # IOS-XE 16.12 and later print the sequence numbers of named ACL entries.
    out: list[str] = []
    for acl in extras.acls.values():
        out.append(f"ip access-list {acl.kind} {acl.name}")
        out += [f" {seq} {text}" for seq, text in sorted(acl.entries.items())]
    return out + (["!"] if out else [])


def render_banners(extras: Extras) -> list[str]:
    """`banner motd ^C` + text + `^C`, the text's first line on the command's line."""
    out: list[str] = []
    for kind in BANNER_KINDS:
        if kind in extras.banners:
            d = BANNER_DELIMITER_SHOWN
            out.append(f"banner {kind} {d}{extras.banners[kind]}{d}")
    return out + (["!"] if out else [])


# -- what a login sees (packetlife.net, "Displaying an SSH pre-login banner": over SSHv2
# the login banner comes before authentication, motd and exec after it) --------------------
def login_banner(extras: Extras) -> str:
    text = extras.banners.get("login", "")
    return text.strip("\n") + "\n" if text.strip("\n") else ""


def shell_banners(extras: Extras, kinds: tuple[str, ...] = ("motd", "exec")) -> str:
    """The banners of `kinds`, each on its own lines: over SSH, motd then exec before the
    first prompt; over telnet, motd then login before the login prompt, exec after it."""
    texts = [extras.banners.get(kind, "").strip("\n") for kind in kinds]
    return "".join(f"\n{text}\n" for text in texts if text)


def _interface_order(iface: Interface) -> tuple[str, int]:
    digits = "".join(ch for ch in iface.name if ch.isdigit())
    return (iface.name.rstrip("0123456789"), int(digits or 0))


# -- show commands --------------------------------------------------------------------------
def show_ip_access_lists(extras: Extras, name: str | None = None) -> str:
    """`Extended IP access list NAME` and its entries, four spaces in."""
    out: list[str] = []
    for acl in extras.acls.values():
        if name is not None and acl.name != name:
            continue
        out.append(f"{acl.kind.capitalize()} IP access list {acl.name}")
        out += [f"    {seq} {_shown_entry(acl, text)}" for seq, text in sorted(acl.entries.items())]
    return "\n".join(out)


def _shown_entry(acl: AccessList, text: str) -> str:
    # A standard entry's wildcard is shown as `192.0.2.0, wildcard bits 0.0.0.255`.
    words = text.split()
    if acl.kind == "standard" and len(words) == 3 and words[0] in ("permit", "deny"):
        if words[1] == "host":
            return f"{words[0]} {words[2]}"
        return f"{words[0]} {words[1]}, wildcard bits {words[2]}"
    return text


# -- access-list entry syntax -------------------------------------------------------------
PROTOCOLS = ("ip", "tcp", "udp", "icmp", "esp", "gre", "ahp", "ospf", "eigrp", "pim", "igmp")
PORT_OPERATORS = ("eq", "neq", "lt", "gt")
OPTIONS = ("log", "log-input", "established", "echo", "echo-reply", "fragments")


def bad_entry_word(kind: str, words: list[str]) -> int | None:
    """For `permit|deny ...` (words[0]): None when IOS accepts it, else the index of the
    first word it refuses (len(words) when words are missing: `% Incomplete command.`)."""
    i = 1
    if kind == "extended":
        if i >= len(words):
            return i
        if words[i] not in PROTOCOLS and not (words[i].isdigit() and int(words[i]) <= 255):
            return i
        i += 1
    for _ in range(2 if kind == "extended" else 1):
        end = _address_spec(words, i, wildcard_optional=kind == "standard")
        if end is None:
            return i
        i = end
        if kind == "extended" and i < len(words) and words[i] in PORT_OPERATORS:
            if i + 1 >= len(words):
                return i + 1
            i += 2
    for index in range(i, len(words)):
        if words[index] not in OPTIONS:
            return index
    return None


def _address_spec(words: list[str], i: int, wildcard_optional: bool) -> int | None:
    """`any` | `host A` | `A W` (a standard list may omit W): the index after it, or None."""
    if i >= len(words):
        return None
    if words[i] == "any":
        return i + 1
    if words[i] == "host":
        return i + 2 if i + 1 < len(words) and is_ipv4(words[i + 1]) else None
    if is_ipv4(words[i]):
        if i + 1 < len(words) and is_ipv4(words[i + 1]):
            return i + 2
        return i + 1 if wildcard_optional else None
    return None


def host_address(text: str) -> bool:
    """Whether IOS takes `text` as an interface address: not 0.x, not 127.x (loopback),
    not multicast or reserved (224 and up) [U beyond 127.x]."""
    first = int(text.split(".")[0])
    return first not in (0, 127) and first < 224


def is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def bad_mask(address: str, mask: str) -> str:
    """IOS's refusal of `ip address A M`, or "" (captures in public CCNA texts:
    `Bad mask 0xFF00FF00 for address 172.16.1.1` for a mask that is not contiguous,
    `Bad mask /24 for address 172.16.1.0` for a network or broadcast address)."""
    bits = int(ipaddress.IPv4Address(mask))
    inverted = ~bits & 0xFFFFFFFF
    if inverted & (inverted + 1):
        return f"Bad mask 0x{bits:08X} for address {address}"
    length = 32 - inverted.bit_length()
    host = int(ipaddress.IPv4Address(address)) & inverted
    if length < 31 and host in (0, inverted):
        return f"Bad mask /{length} for address {address}"
    return ""
