"""Commands outside SSH that scripts (and netmiko's and scrapli's own tests) use: banners,
logging, name lookup at the exec prompt, named IP access lists, loopback interfaces."""

from __future__ import annotations

from .extras import (
    DEFAULT_BUFFER_BYTES,
    LEVELS,
    AccessList,
    Extras,
    Interface,
    bad_entry_word,
    bad_mask,
    host_address,
    is_ipv4,
    render_interface,
    show_ip_access_lists,
)
from .grammar import INCOMPLETE
from .interfaces import canonical, show_interfaces, show_ip_interface_brief

_EXITS = [("end", "end"), ("exit", "exit_mode"), ("do LINE", "do")]
_ACL_LINES = [
    ("permit LINE", "acl_entry"),
    ("deny LINE", "acl_entry"),
    ("remark LINE", "acl_remark"),
    ("<1-2147483647> permit LINE", "acl_entry"),
    ("<1-2147483647> deny LINE", "acl_entry"),
    ("no <1-2147483647>", "acl_no_sequence"),
    ("no permit LINE", "acl_no_entry"),
    ("no deny LINE", "acl_no_entry"),
    *_EXITS,
]

SPECS = {
    "config": [
        ("banner exec LINE", "banner_exec"),
        ("banner login LINE", "banner_login"),
        ("banner motd LINE", "banner_motd"),
        ("no banner exec", "no_banner_exec"),
        ("no banner login", "no_banner_login"),
        ("no banner motd", "no_banner_motd"),
        ("logging buffered", "logging_buffered"),
        ("logging buffered <0-7>", "logging_buffered"),
        ("logging buffered <4096-2147483647>", "logging_buffered"),
        ("logging buffered <4096-2147483647> <0-7>", "logging_buffered"),
        ("logging buffered <4096-2147483647> WORD", "logging_buffered"),
        ("logging buffered WORD", "logging_buffered"),
        ("no logging buffered", "no_logging_buffered"),
        ("logging console", "logging_console"),
        ("logging console <0-7>", "logging_console"),
        ("logging console WORD", "logging_console"),
        ("no logging console", "no_logging_console"),
        ("ip domain lookup", "domain_lookup_on"),
        ("ip domain-lookup", "domain_lookup_on"),
        ("no ip domain lookup", "domain_lookup_off"),
        ("no ip domain-lookup", "domain_lookup_off"),
        ("ip access-list extended WORD", "acl_extended"),
        ("ip access-list standard WORD", "acl_standard"),
        ("no ip access-list extended WORD", "no_acl"),
        ("no ip access-list standard WORD", "no_acl"),
        ("interface WORD", "interface"),
        ("interface WORD WORD", "interface"),
        ("no interface WORD", "no_interface"),
        ("no interface WORD WORD", "no_interface"),
    ],
    "config-line": [
        ("transport preferred WORD", "transport_preferred"),
        ("no transport preferred", "no_transport_preferred"),
    ],
    "config-ext-nacl": _ACL_LINES,
    "config-std-nacl": _ACL_LINES,
    "config-if": [
        ("ip address WORD WORD", "if_address"),
        ("no ip address", "if_no_address"),
        ("no ip address WORD WORD", "if_no_address"),
        ("shutdown", "if_shutdown"),
        ("no shutdown", "if_no_shutdown"),
        ("description LINE", "if_description"),
        ("no description", "if_no_description"),
        *_EXITS,
    ],
    "user": [
        ("show ip interface brief", "show_ip_int_brief"),
        ("show interfaces", "show_interfaces"),
        ("show interfaces LINE", "show_interfaces"),
        ("show ip access-lists", "show_acls"),
        ("show ip access-lists WORD", "show_acls"),
    ],
    "enable": [
        ("show ip interface brief", "show_ip_int_brief"),
        ("show interfaces", "show_interfaces"),
        ("show interfaces LINE", "show_interfaces"),
        ("show ip access-lists", "show_acls"),
        ("show ip access-lists WORD", "show_acls"),
        ("show logging", "show_logging"),
        ("show running-config interface WORD", "show_run_interface"),
        ("show running-config interface WORD WORD", "show_run_interface"),
        ("clear logging", "clear_logging"),
    ],
}

# What IOS answers for a word it cannot parse at the exec prompt with the default
# `transport preferred telnet`: it takes the word for a host to telnet to and looks it up.
# Sources: Cisco tech note 46253 ("Translating..... domain server (255.255.255.255)"),
# and captures of `Translating "contin"...domain server (255.255.255.255)` / with
# `no ip domain-lookup`, `Translating "contin"`, each followed by the line below. A real
# router waits for the DNS timeout first; the lab answers at once.
UNKNOWN_HOST = "% Unknown command or computer name, or unable to find computer address"
BANNER_PROMPT = "Enter TEXT message.  End with the character '{}'."
# Literal `^C` (two characters, as show running-config prints the delimiter) delimits
# too, so a saved configuration replays; IOS reads ETX there.
CARET_C = "^C"


def translating(word: str, lookup: bool) -> str:
    head = f'Translating "{word}"'
    return head + ("...domain server (255.255.255.255)" if lookup else "") + "\n" + UNKNOWN_HOST


def _level(word: str | int) -> str | None:
    """`5`, `warn` or `warnings` -> `warnings`; None when it names no level."""
    if isinstance(word, int):
        return LEVELS[word] if 0 <= word < len(LEVELS) else None
    found = [name for name in LEVELS if name.startswith(word.lower())]
    return found[0] if len(found) == 1 else None


class ExtrasCommands:
    """Mixin for Session."""

    @property
    def extras(self) -> Extras:
        return self.device.config.extras

    # -- banners -------------------------------------------------------------------------
    def _banner(self, kind: str, text: str) -> str:
        if text.startswith(CARET_C):
            delimiter, rest = CARET_C, text[len(CARET_C) :]
        else:
            delimiter, rest = text[0], text[1:]
        if delimiter in rest:  # the whole banner on one line
            self.extras.banners[kind] = rest[: rest.index(delimiter)]
            return ""
        lines = [rest]

        def more(line: str) -> str:
            if delimiter in line:
                lines.append(line[: line.index(delimiter)])
                self.extras.banners[kind] = "\n".join(lines)
                return ""
            lines.append(line)
            return self.collect(more)

        self.collect(more)
        return "" if self.replay else BANNER_PROMPT.format(delimiter[0])

    def _banner_exec(self, args: list) -> str:
        return self._banner("exec", args[0])

    def _banner_login(self, args: list) -> str:
        return self._banner("login", args[0])

    def _banner_motd(self, args: list) -> str:
        return self._banner("motd", args[0])

    def _no_banner_exec(self, args: list) -> str:
        self.extras.banners.pop("exec", None)
        return ""

    def _no_banner_login(self, args: list) -> str:
        self.extras.banners.pop("login", None)
        return ""

    def _no_banner_motd(self, args: list) -> str:
        self.extras.banners.pop("motd", None)
        return ""

    # -- logging -------------------------------------------------------------------------
    def _logging_buffered(self, args: list) -> str:
        log = self.extras.logging
        size = next((a for a in args if isinstance(a, int) and a >= 4096), None)
        level_arg = next((a for a in args if not (isinstance(a, int) and a >= 4096)), None)
        level = None
        if level_arg is not None:
            level = _level(level_arg)
            if level is None:
                return self.caret(self.current_line, str(level_arg))
        log.buffered_off = False
        log.buffered_size = size if size is not None else log.buffered_size
        log.buffered_level = level if level is not None else log.buffered_level
        return ""

    def _no_logging_buffered(self, args: list) -> str:
        self.extras.logging.buffered_off = True
        self.extras.logging.buffered_size = self.extras.logging.buffered_level = None
        return ""

    def _logging_console(self, args: list) -> str:
        level = _level(args[0]) if args else None
        if args and level is None:
            return self.caret(self.current_line, str(args[0]))
        self.extras.logging.console = True
        self.extras.logging.console_level = level
        return ""

    def _no_logging_console(self, args: list) -> str:
        self.extras.logging.console = False
        return ""

    def _show_logging(self, args: list) -> str:
        # Shape of IOS 15 `show logging` (a router's capture in a public CCNA text):
        # a Syslog line, the per-destination lines, then the buffer.
        log = self.extras.logging
        lines = self.device.logbuf
        console = (
            f"level {log.console_level or 'debugging'}, {len(lines)} messages logged, "
            "xml disabled, filtering disabled"
            if log.console
            else "disabled"
        )
        buffered = (
            "disabled, xml disabled, filtering disabled"
            if log.buffered_off
            else f"level {log.buffered_level or 'debugging'}, {len(lines)} messages logged, "
            "xml disabled, filtering disabled"
        )
        out = [
            (
                "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, "
                "0 flushes, 0 overruns, xml disabled, filtering disabled)"
            ),
            "",
            "No Active Message Discriminator.",
            "",
            "",
            "No Inactive Message Discriminator.",
            "",
            "",
            f"    Console logging: {console}",
            (
                "    Monitor logging: level debugging, 0 messages logged, xml disabled, "
                "filtering disabled"
            ),
            f"    Buffer logging:  {buffered}",
            "    Logging Exception size (4096 bytes)",
            "    Count and timestamp logging messages: disabled",
            "    Persistent logging: disabled",
            "",
            "No active filter modules.",
            "",
            "    Trap logging: level informational, 0 message lines logged",
        ]
        if not log.buffered_off:
            size = log.buffered_size or DEFAULT_BUFFER_BYTES
            out += ["", f"Log Buffer ({size} bytes):", "", *lines]
        return "\n".join(out)

    def _clear_logging(self, args: list) -> str:
        def clear(answer: str) -> str:
            if answer.strip().lower() not in ("", "y", "yes"):
                return "\n"
            self.device.logbuf.clear()
            return "\n"  # scrapli's capture: `Clear logging buffer [confirm]`, an empty line

        return self.ask("Clear logging buffer [confirm]", clear)

    # -- name lookup ---------------------------------------------------------------------
    def _transport_preferred(self, args: list) -> str:
        found = [t for t in ("none", "ssh", "telnet") if t.startswith(args[0].lower())]
        if len(found) != 1:
            return self.caret(self.current_line, args[0])
        self.line.transport_preferred = found[0]
        return ""

    def _no_transport_preferred(self, args: list) -> str:
        self.line.transport_preferred = None
        return ""

    def looks_up_hosts(self) -> bool:
        """Whether an unknown exec word is taken for a host: unless this session's line
        has `transport preferred none` (Cisco tech note 46253)."""
        kind, number = self.device.line_of(self.tty or 0)
        blocks = self.device.config.setting_for(kind, number)
        chosen = next(
            (b.transport_preferred for b in reversed(blocks) if b.transport_preferred), None
        )
        return chosen != "none"

    def _domain_lookup_on(self, args: list) -> str:
        self.extras.domain_lookup = True
        return ""

    def _domain_lookup_off(self, args: list) -> str:
        self.extras.domain_lookup = False
        return ""

    # -- access lists --------------------------------------------------------------------
    def _acl_open(self, kind: str, name: str) -> str:
        acl = self.extras.acls.get(name)
        if acl is not None and acl.kind != kind:
            return f"% {name} access list exists, but is of a different type"
        if acl is None:
            acl = self.extras.acls[name] = AccessList(name, kind)
        self.acl = acl
        self.enter("config-ext-nacl" if kind == "extended" else "config-std-nacl")
        return ""

    def _acl_extended(self, args: list) -> str:
        return self._acl_open("extended", args[0])

    def _acl_standard(self, args: list) -> str:
        return self._acl_open("standard", args[0])

    def _no_acl(self, args: list) -> str:
        self.extras.acls.pop(args[0], None)
        return ""

    def _acl_entry(self, args: list) -> str:
        words = self.current_line.split()
        sequence = int(words[0]) if words[0].isdigit() else None
        entry = words[1:] if sequence is not None else words
        bad = bad_entry_word(self.acl.kind, entry)
        if bad is not None:
            if bad >= len(entry):
                return INCOMPLETE + "\n\n"
            return self.caret(self.current_line, entry[bad])
        if sequence is None:
            sequence = self.acl.next_sequence()
        elif sequence in self.acl.entries:
            return "% Duplicate sequence number"
        self.acl.entries[sequence] = " ".join(entry)
        return ""

    def _acl_remark(self, args: list) -> str:
        self.acl.entries[self.acl.next_sequence()] = f"remark {args[0]}"
        return ""

    def _acl_no_sequence(self, args: list) -> str:
        self.acl.entries.pop(args[0], None)
        return ""

    def _acl_no_entry(self, args: list) -> str:
        text = " ".join(self.current_line.split()[1:])
        for sequence, entry in list(self.acl.entries.items()):
            if entry == text:
                del self.acl.entries[sequence]
        return ""

    def _show_acls(self, args: list) -> str:
        return show_ip_access_lists(self.extras, args[0] if args else None)

    # -- interfaces ----------------------------------------------------------------------
    def _interface_named(self, args: list) -> str | None:
        """The interface `args` name on this platform (`e0/0`, `Gi 1/0/1`, `loopback 5`)."""
        return canonical(" ".join(str(a) for a in args), self.device.image.platform, self.extras)

    def _interface(self, args: list) -> str:
        name = self._interface_named(args)
        if name is None:
            return self.caret(self.current_line, args[0])
        iface = self.extras.interfaces.get(name)
        if iface is None:
            iface = self.extras.interfaces[name] = Interface(name)
        self.iface = iface
        self.enter("config-if")
        return ""

    def _no_interface(self, args: list) -> str:
        name = self._interface_named(args)
        if name is None:
            return self.caret(self.current_line, args[0])
        iface = self.extras.interfaces.get(name)
        if iface is not None and iface.physical:
            # [U] wording; IOS keeps a port: only what `interface X` created goes
            return "% Physical interfaces cannot be removed"
        self.extras.interfaces.pop(name, None)
        return ""

    def _if_address(self, args: list) -> str:
        address, mask = args
        for word in (address, mask):
            if not is_ipv4(word):
                return self.caret(self.current_line, word)
        if not host_address(address):
            # a Cisco CLI simulator's source (code index) prints IOS's words for it
            return f"Not a valid host address - {address}"
        problem = bad_mask(address, mask)
        if problem:
            return problem
        self.iface.address = (address, mask)
        # `show ip interface brief` Method: NVRAM when read from a saved configuration
        self.iface.method = "NVRAM" if self.replay else "manual"
        return ""

    def _if_no_address(self, args: list) -> str:
        self.iface.address = None
        self.iface.method = "NVRAM" if self.replay else "manual"
        return ""

    def _if_shutdown(self, args: list) -> str:
        self.iface.shutdown = True
        return ""

    def _if_no_shutdown(self, args: list) -> str:
        self.iface.shutdown = False
        return ""

    def _if_description(self, args: list) -> str:
        self.iface.description = args[0]
        return ""

    def _if_no_description(self, args: list) -> str:
        self.iface.description = ""
        return ""

    def _show_run_interface(self, args: list) -> str:
        # scrapli's functional test of a CSR1000v: `show run int loopback123` ->
        # Building configuration..., Current configuration : N bytes, !, the block, end.
        name = self._interface_named(args)
        iface = self.extras.interfaces.get(name or "")
        if iface is None:
            return self.caret(self.current_line, args[0])
        body = "\n".join(["!", *render_interface(iface), "end"]) + "\n"
        return f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n{body}\n"

    def _show_ip_int_brief(self, args: list) -> str:
        return show_ip_interface_brief(self.extras, self.device.image.platform)

    def _show_interfaces(self, args: list) -> str:
        platform = self.device.image.platform
        only = None
        if args:
            only = canonical(args[0], platform, self.extras)
            if only is None or only not in self.extras.interfaces:
                return self.caret(self.current_line, args[0].split()[0])
        return show_interfaces(self.extras, platform, self.device.mac_salt, only)
