"""EXEC tools a router knows besides `show`: `ping` (ping.py) and `tclsh`, the IOS Tcl shell.

An exec word IOS knows is never taken for a host name: the commands the lab does not model
answer IOS's invalid-input error (grammar.HINTS puts the caret where IOS's parser, which
knows them, would stop).

`tclsh` (Cisco IOS Scripting with Tcl configuration guide): privileged EXEC only, prompt
`Router(tcl)#`, `tclquit` (or `exit`) leaves it; IOS commands run inside it; `puts` prints.
"""

from __future__ import annotations

from . import ping
from .extras import is_ipv4
from .grammar import INCOMPLETE
from .interfaces import canonical

# EXEC commands of IOS the lab does not model (the user and privileged EXEC command
# lists of the Cisco IOS command references): known words, so never a host name, and
# their partial spellings put the caret where IOS's parser stops (`conf t` at the user
# prompt: under the `f`, as `con` starts `connect`). Typed in full they are refused.
_USER_WORDS = (
    "clear", "connect", "disconnect", "help", "lock", "login", "name-connection", "pad",
    "release", "renew", "resume", "rlogin", "systat", "tclsh", "telnet", "traceroute",
    "tunnel", "where",
)  # fmt: skip
_ENABLE_WORDS = (
    "cd", "clock", "connect", "copy", "disconnect", "erase", "help", "lock", "login",
    "mkdir", "monitor", "name-connection", "pad", "pwd", "release", "rename", "renew",
    "resume", "rlogin", "rmdir", "send", "setup", "squeeze", "systat", "telnet", "test",
    "traceroute", "tunnel", "where",
)  # fmt: skip

SPECS = {
    "user": [
        ("ping LINE", "ping"),
        ("ping", "ping_incomplete"),
        *((text, "unmodelled") for word in _USER_WORDS for text in (word, f"{word} LINE")),
    ],
    "enable": [
        ("ping LINE", "ping"),
        ("ping", "ping_extended"),
        ("tclsh", "tclsh"),
        *((text, "unmodelled") for word in _ENABLE_WORDS for text in (word, f"{word} LINE")),
    ],
    "tcl": [("tclquit", "tclquit"), ("exit", "tclquit"), ("puts LINE", "tcl_puts")],
}

_NUMBERS = (
    ("repeat", "Repeat count [5]: "),
    ("size", "Datagram size [100]: "),
    ("timeout", "Timeout in seconds [2]: "),
)


class ToolCommands:
    """Mixin for Session."""

    def _unmodelled(self, args: list) -> str:
        """An IOS command the lab does not model: refused, never looked up as a host."""
        return self.caret(self.current_line, self.current_line.split()[0])

    # -- ping ----------------------------------------------------------------------------
    def _ping(self, args: list) -> str:
        words = args[0].split()
        if words and words[0].lower() == "ip" and len(words) > 1:
            words = words[1:]  # `ping ip ADDRESS`
        request = ping.parse(words)
        if isinstance(request, str):
            return self.caret(self.current_line, request) if request else INCOMPLETE + "\n\n"
        if not is_ipv4(request.target):
            return self._unresolved(request.target)
        if request.source:
            source = self._ping_source(request.source)
            if source is None:
                return self.caret(self.current_line, request.source)
            request.source = source
        return ping.result(self.device, request)

    def _unresolved(self, name: str) -> str:
        """A name that is no address: looked up (Cisco tech note 46253), then refused."""
        if self.device.config.extras.domain_lookup:
            return f'Translating "{name}"...domain server (255.255.255.255)\n{ping.UNRECOGNIZED}'
        return ping.UNRECOGNIZED

    def _ping_source(self, word: str) -> str | None:
        name = canonical(word, self.device.image.platform, self.device.config.extras)
        return ping.source_address(self.device, name or word)

    def _ping_incomplete(self, args: list) -> str:
        return INCOMPLETE + "\n\n"  # [U] user EXEC has no extended ping

    def _ping_extended(self, args: list) -> str:
        """`ping` alone: IOS asks for each parameter, defaults in brackets."""
        request = ping.Ping("")

        def protocol(answer: str) -> str:
            if answer.strip().lower() not in ("", "ip"):
                return "% Unknown protocol - " + f'"{answer.strip()}", type "ping ?" for help'
            return self.ask("Target IP address: ", target)

        def target(answer: str) -> str:
            if not is_ipv4(answer.strip()):
                return "% Bad IP address"
            request.target = answer.strip()
            return ask_number(0)

        def ask_number(index: int) -> str:
            field, question = _NUMBERS[index]

            def take(answer: str) -> str:
                text = answer.strip()
                if text and not text.isdigit():
                    return f"% A decimal number is required, {field} unchanged"  # [U]
                if text:
                    setattr(request, field, int(text))
                if index + 1 < len(_NUMBERS):
                    return ask_number(index + 1)
                return self.ask("Extended commands [n]: ", extended)

            return self.ask(question, take)

        def extended(answer: str) -> str:
            if answer.strip().lower().startswith("y"):
                return ask_extended(0)
            return self.ask("Sweep range of sizes [n]: ", run)

        def ask_extended(index: int) -> str:
            def take(answer: str) -> str:
                if index == 0 and answer.strip():
                    source = self._ping_source(answer.strip())
                    if source is None:
                        return f"% Invalid source address - {answer.strip()}"
                    request.source = source
                if index + 1 < len(ping.EXTENDED_PROMPTS):
                    return ask_extended(index + 1)
                return self.ask("Sweep range of sizes [n]: ", run)

            return self.ask(ping.EXTENDED_PROMPTS[index], take)

        def run(answer: str) -> str:
            return ping.result(self.device, request)

        return self.ask("Protocol [ip]: ", protocol)

    # -- tclsh ---------------------------------------------------------------------------
    def _tclsh(self, args: list) -> str:
        self.enter("tcl")
        return ""

    def _tclquit(self, args: list) -> str:
        self.modes = ["enable"]
        return ""

    def _tcl_puts(self, args: list) -> str:
        text = args[0].strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        return text
