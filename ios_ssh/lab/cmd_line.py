"""`line ...` and the line configuration mode."""

from __future__ import annotations

from .ioshash import type7, untype7

TRANSPORTS = ("ssh", "telnet", "all", "none")
_COMMON_EXITS = [("end", "end"), ("exit", "exit_mode"), ("do LINE", "do")]

SPECS = {
    "config-line": [
        ("login", "login_line"),
        ("login local", "login_local"),
        ("login authentication WORD", "login_authentication"),
        ("no login", "no_login"),
        ("transport input LINE", "transport"),
        ("no transport input", "no_transport"),
        ("exec-timeout <0-35791>", "exec_timeout"),
        ("exec-timeout <0-35791> <0-2147483>", "exec_timeout"),
        ("no exec-timeout", "no_exec_timeout"),
        ("no exec", "no_exec"),
        ("exec", "exec"),
        ("rotary <1-127>", "rotary"),
        ("no rotary", "rotary"),
        ("password LINE", "password"),
        ("no password", "no_password"),
        ("access-class WORD in", "access_in"),
        ("access-class WORD out", "access_out"),
        ("no access-class WORD in", "no_access_in"),
        ("no access-class WORD out", "no_access_out"),
        ("privilege level <0-15>", "privilege_level"),
        ("no privilege level", "privilege_level"),
        *_COMMON_EXITS,
    ]
}


class LineCommands:
    """Mixin for Session; `self.line` is the block being configured."""

    def _enter_line(self, kind: str, args: list) -> str:
        first = args[0] if args else 0
        last = args[1] if len(args) > 1 else first
        word = str(last)
        if last < first:
            return self.caret(self.current_line, word)
        device = self.device
        if kind == "tty" and last > device.async_lines:
            return self.caret(self.current_line, word)
        self.line = device.config.line_block(kind, first, last)
        self.enter("config-line")
        return ""

    def _line_vty(self, args: list) -> str:
        return self._enter_line("vty", args)

    def _line_con(self, args: list) -> str:
        return self._enter_line("con", args)

    def _line_aux(self, args: list) -> str:
        return self._enter_line("aux", args)

    def _line_tty(self, args: list) -> str:
        return self._enter_line("tty", args)

    def _login_line(self, args: list) -> str:
        self.line.login, self.line.login_authentication = "line", ""
        if self.line.password7:
            return ""
        first = self.device.tty_number(self.line.kind, self.line.first)
        return "\n".join(
            f"% Login disabled on line {n}, until 'password' is set"
            for n in range(first, first + self.line.last - self.line.first + 1)
        )

    def _login_local(self, args: list) -> str:
        self.line.login, self.line.login_authentication = "local", ""
        return ""

    def _login_authentication(self, args: list) -> str:
        self.line.login, self.line.login_authentication = "", args[0]
        return ""

    def _no_login(self, args: list) -> str:
        self.line.login, self.line.login_authentication = "", ""
        return ""

    def _transport(self, args: list) -> str:
        chosen: list[str] = []
        for word in args[0].lower().split():
            full = [t for t in TRANSPORTS if t.startswith(word)]
            if len(full) != 1:
                return self.caret(self.current_line, word)
            chosen.append(full[0])
        self.line.transport_input = chosen
        return ""

    def _no_transport(self, args: list) -> str:
        self.line.transport_input = None
        return ""

    def _exec_timeout(self, args: list) -> str:
        self.line.exec_timeout = (args[0], args[1] if len(args) > 1 else 0)
        return ""

    def _no_exec_timeout(self, args: list) -> str:
        self.line.exec_timeout = None
        return ""

    def _exec(self, args: list) -> str:
        self.line.no_exec = False
        return ""

    def _no_exec(self, args: list) -> str:
        self.line.no_exec = True
        return ""

    def _rotary(self, args: list) -> str:
        self.line.rotary = args[0] if args else None
        self.device.ports_changed()
        return ""

    def _password(self, args: list) -> str:
        first, _, rest = args[0].partition(" ")
        if first == "7" and rest and untype7(rest.strip()) is not None:
            self.line.password7 = rest.strip()
        elif first == "0" and rest:
            self.line.password7 = type7(rest.strip())
        else:
            self.line.password7 = type7(args[0].strip())
        return ""

    def _no_password(self, args: list) -> str:
        self.line.password7 = ""
        return ""

    def _access_in(self, args: list) -> str:
        self.line.access_class_in = args[0]
        return ""

    def _access_out(self, args: list) -> str:
        self.line.access_class_out = args[0]
        return ""

    def _no_access_in(self, args: list) -> str:
        self.line.access_class_in = ""
        return ""

    def _no_access_out(self, args: list) -> str:
        self.line.access_class_out = ""
        return ""

    def _privilege_level(self, args: list) -> str:
        self.line.privilege_level = args[0] if args else None
        return ""
