"""One CLI session on a simulated router: the mode stack, dialogues, filters, dispatch.

Pure text in, text out: `feed(line)` returns what IOS would print before the next prompt,
`prompt` is that prompt, and `hide_input` says whether the next line is a secret (no
echo). The SSH and telnet servers are thin shells around it. Command handlers live in
the `cmd_*` mixins, one area each; their spec tables say which mode has which command.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from . import cmd_config, cmd_exec, cmd_extras, cmd_files, cmd_line, cmd_submodes, cmd_tools
from .cmd_config import ConfigCommands
from .cmd_exec import CONFIG_BANNER, ExecCommands
from .cmd_extras import ExtrasCommands, translating
from .cmd_files import FileCommands
from .cmd_image import ImageCommands, specs_for
from .cmd_line import LineCommands
from .cmd_submodes import SubmodeCommands
from .cmd_tools import ToolCommands
from .config import LineConfig
from .device import Device
from .extras import AccessList, Interface
from .faults import DropSession, HangSession, command_fault
from .grammar import INVALID, CommandError, Spec, match
from .modes import EXEC_MODES, parents, prompt_for

__all__ = ["CONFIG_BANNER", "DropSession", "HangSession", "Session"]


def _build_specs() -> dict[str, list[Spec]]:
    specs: dict[str, list[Spec]] = {}
    for module in (cmd_exec, cmd_config, cmd_line, cmd_submodes, cmd_files, cmd_extras, cmd_tools):
        for mode, pairs in module.SPECS.items():
            specs.setdefault(mode, []).extend(Spec.of(text, name) for text, name in pairs)
    return specs


SPECS = _build_specs()


class Session(
    ExecCommands,
    ConfigCommands,
    LineCommands,
    SubmodeCommands,
    FileCommands,
    ExtrasCommands,
    ImageCommands,
    ToolCommands,
):
    def __init__(
        self,
        device: Device,
        username: str = "",
        privilege: int = 1,
        *,
        replay: bool = False,
        tty: int | None = None,
        line_name: str = "console",
    ) -> None:
        self.device = device
        self.specs = specs_for(device.image, SPECS)  # the commands this router's image has
        self.username = username
        self.modes = ["enable" if privilege >= 15 else "user"]
        self.replay = replay  # loading configuration text: no dialogues, no idle reset
        self.tty = tty
        self.line_name = line_name
        self.hide_input = False
        self.closed = False
        self.notices: list[str] = []  # syslog for a `terminal monitor` session
        self.current_line = ""
        self.line: LineConfig | None = None
        self.chain_entry: tuple[str, str] = ("pubkey_users", "")
        self.aaa_entry: tuple[str, str] = ("tacacs_servers", "")  # the AAA block being edited
        self.key_data: list[str] = []
        self.acl: AccessList | None = None  # the list `ip access-list` opened
        self.iface: Interface | None = None  # the interface being configured
        self._pending: Callable[[str], str] | None = None
        self._pending_prompt = ""
        self._enable_tries = 0
        self.remote = None  # a RemoteSession while `ssh host` runs from this session

    # -- modes ---------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self.modes[-1]

    @property
    def prompt(self) -> str:
        if self._pending is not None:
            return self._pending_prompt
        if self.remote is not None:
            return ""  # the remote shell prints its own prompt
        return prompt_for(self.device.config.hostname, self.mode)

    def enter(self, mode: str) -> None:
        self.modes.append(mode)

    def leave(self) -> None:
        if len(self.modes) > 1:
            self.modes.pop()

    def _end(self, args: list) -> str:
        self.modes = ["enable"]
        return ""

    def _exit_mode(self, args: list) -> str:
        self.leave()
        return ""

    def _do(self, args: list) -> str:
        saved = list(self.modes)
        self.modes = ["enable"]
        try:
            return self.feed(args[0])
        finally:
            if self.modes == ["enable"] and not self.closed:
                self.modes = saved

    # -- dialogues -----------------------------------------------------------------------
    def ask(self, question: str, handler: Callable[[str], str], hide: bool = False) -> str:
        if self.replay:  # configuration text never answers questions
            return ""
        self._pending, self._pending_prompt, self.hide_input = handler, question, hide
        return ""

    def collect(self, handler: Callable[[str], str]) -> str:
        """Hand the next line to `handler` with no prompt (banner text); unlike `ask`,
        configuration text being replayed feeds it too."""
        self._pending, self._pending_prompt, self.hide_input = handler, "", False
        return ""

    @property
    def collecting(self) -> bool:
        return self._pending is not None

    def yes_no(self, answer: str, then: Callable[[str], str]) -> str:
        word = answer.strip().lower()
        if word in ("yes", "y"):
            return then("")
        if word in ("no", "n"):
            return ""
        return "% Please answer 'yes' or 'no'."

    def caret(self, command: str, bad: str) -> str:
        """IOS's invalid-input block with the caret under `bad` as the user typed it (the
        line as typed, abbreviations and all, when `bad` is in it), then an empty line."""
        typed = self.current_line if bad in self.current_line else command
        column = len(prompt_for(self.device.config.hostname, self.mode)) + typed.rfind(bad)
        return " " * column + "^\n" + INVALID + "\n\n"

    def _fault(self, line: str) -> str:
        if self.replay:
            return ""
        return command_fault(self.device.faults, line, self.caret)

    # -- input ---------------------------------------------------------------------------
    def feed(self, line: str) -> str:
        """Handle one line of input; returns the output (without the next prompt)."""
        self.device.tick()
        if not self.replay:  # `show users` Idle: time since the line's last input
            live = self.device.sessions.get(self.tty) if self.tty is not None else None
            if live is not None:
                live.last_input = time.monotonic()
            elif self.tty is None:
                self.device.console_input = time.monotonic()
        output = self._feed(line)
        if self.notices:
            output = "\n".join(filter(None, [output.rstrip("\n"), *self.notices])) + "\n"
            self.notices.clear()
        return output

    def _feed(self, line: str) -> str:
        if self._pending is not None:
            handler, self._pending, self.hide_input = self._pending, None, False
            return handler(line)
        if self.remote is not None:
            out = self.remote.send(line)
            if self.remote.closed:
                host = self.remote.args.host
                self.remote.close()
                self.remote = None
                out = out.rstrip("\n") + f"\n\n[Connection to {host} closed by foreign host]"
            return out
        revert = self.device.revert
        if revert is not None and revert.idle and revert.user == self.username and not self.replay:
            revert.deadline = time.monotonic() + revert.minutes * self.device.minute_seconds
        if self.mode == "conf-ssh-pubkey-data":
            return self.feed_key_data(line)
        if line.strip() == "\x1a" and self.mode not in EXEC_MODES:
            return self._end([])
        command, _, pipe = line.partition("|")
        if not command.strip() or command.lstrip().startswith("!"):
            return ""  # `!` starts a comment, as in saved configurations
        self.current_line = command.strip()
        fault = self._fault(self.current_line)
        if fault:
            return fault
        try:
            found = match(self.specs[self.mode], command, len(self.prompt))
        except CommandError as exc:
            found = None
            for parent in parents(self.mode):  # IOS tries the parents, and drops to one
                try:
                    found = match(self.specs[parent], command, len(self.prompt))
                except CommandError:
                    continue
                while self.mode != parent:
                    self.leave()
                break
            if found is None:
                words = command.split()
                if (
                    self.mode in ("user", "enable")
                    and exc.index == 0
                    and len(words) == 1
                    and self.looks_up_hosts()
                ):
                    return translating(words[0], self.device.config.extras.domain_lookup)
                return exc.text
        changing = self.mode not in EXEC_MODES or found.spec.name in _CHANGES_FROM_EXEC
        output = getattr(self, f"_{found.spec.name}")(found.args)
        if changing and not self.replay and _accepted(found.spec.name, output):
            self.device.changes.change(self.username)
        if self.mode not in EXEC_MODES or found.spec.name.startswith("configure"):
            self.device.config_changed()
        if pipe.strip() and output:
            output = _apply_filter(output, pipe.strip())
        return output


# Exec commands that rewrite the running-config (IOS stamps the change on them too).
_CHANGES_FROM_EXEC = ("configure_replace", "configure_replace_force", "configure_revert_now")
_NOT_CHANGES = ("end", "exit_mode", "do", "noop")


def _accepted(name: str, output: str) -> bool:
    """The command was a configuration change IOS accepted (no error printed)."""
    text = output.strip()
    return name not in _NOT_CHANGES and not text.startswith(("%", "^", "Bad mask"))


def _apply_filter(output: str, pipe: str) -> str:
    words = pipe.split(None, 1)
    if len(words) < 2:
        return "% Incomplete command.\n\n"
    how, pattern = words[0].lower(), words[1]
    lines = output.split("\n")
    try:
        regex = re.compile(pattern)
    except re.error:
        regex = re.compile(re.escape(pattern))
    if "include".startswith(how):
        return "\n".join(ln for ln in lines if regex.search(ln))
    if "exclude".startswith(how):
        return "\n".join(ln for ln in lines if not regex.search(ln))
    if "begin".startswith(how):
        for i, ln in enumerate(lines):
            if regex.search(ln):
                return "\n".join(lines[i:])
        return ""
    if "section".startswith(how):
        out, keep = [], False
        for ln in lines:
            if not ln.startswith(" "):
                keep = bool(regex.search(ln))
            if keep and ln.strip() != "!":
                out.append(ln)
        return "\n".join(out)
    return INVALID
