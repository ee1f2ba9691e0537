"""One CLI session on a simulated router: modes, prompts, dialogues and command handlers.

Pure text in, text out: `feed(line)` returns what IOS would print before the next prompt,
`prompt` is that prompt, and `hide_input` says whether the next line is a secret (no
echo). The SSH and telnet servers are thin shells around it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from .device import Device, LineConfig, RsaKey
from .grammar import INVALID, CommandError, Spec, match
from .keygen import generate_rsa

CONFIG_BANNER = "Enter configuration commands, one per line.  End with CNTL/Z."
TRANSPORTS = ("ssh", "telnet", "all", "none")

_EXEC_COMMON = [
    ("enable", "enable"),
    ("disable", "disable"),
    ("exit", "exit"),
    ("logout", "exit"),
    ("terminal length <0-512>", "noop"),
    ("terminal width <0-512>", "noop"),
    ("terminal monitor", "monitor"),
    ("terminal no monitor", "no_monitor"),
    ("show ip ssh", "show_ip_ssh"),
    ("show ssh", "show_ssh"),
    ("show version", "show_version"),
]
_EXEC_PRIV = [
    ("configure terminal", "configure"),
    ("show running-config", "show_run"),
    ("show crypto key mypubkey rsa", "show_keys"),
    ("show crypto key mypubkey rsa WORD", "show_keys"),
    ("write memory", "write"),
    ("write", "write"),
    ("copy running-config startup-config", "copy_run_start"),
]
_CONFIG = [
    ("hostname WORD", "hostname"),
    ("ip domain-name WORD", "domain"),
    ("ip domain name WORD", "domain"),
    ("no ip domain-name", "no_domain"),
    ("no ip domain name", "no_domain"),
    ("crypto key generate rsa", "keygen"),
    ("crypto key generate rsa LINE", "keygen"),
    ("crypto key zeroize rsa", "zeroize"),
    ("crypto key zeroize rsa WORD", "zeroize"),
    ("ip ssh time-out <1-120>", "ssh_timeout"),
    ("no ip ssh time-out", "ssh_timeout"),
    ("ip ssh authentication-retries <0-5>", "ssh_retries"),
    ("no ip ssh authentication-retries", "ssh_retries"),
    ("ip ssh version <1-2>", "ssh_version"),
    ("no ip ssh version", "ssh_version"),
    ("ip ssh rsa keypair-name WORD", "ssh_keypair"),
    ("no ip ssh rsa keypair-name", "ssh_keypair"),
    ("ip ssh dh min size <1024-4096>", "ssh_dh"),
    ("username WORD privilege <0-15> secret LINE", "username_secret"),
    ("username WORD privilege <0-15> password LINE", "username_password"),
    ("username WORD secret LINE", "username_secret"),
    ("username WORD password LINE", "username_password"),
    ("no username WORD", "no_username"),
    ("enable secret LINE", "enable_secret"),
    ("ip scp server enable", "scp_on"),
    ("no ip scp server enable", "scp_off"),
    ("line vty <0-1869>", "line_vty"),
    ("line vty <0-1869> <0-1869>", "line_vty"),
    ("line console <0-0>", "line_con"),
    ("line aux <0-0>", "line_aux"),
    ("line <1-1869>", "line_tty"),
    ("line <1-1869> <1-1869>", "line_tty"),
    ("end", "end"),
    ("exit", "exit_config"),
    ("do LINE", "do"),
]
_LINE = [
    ("login", "login_line"),
    ("login local", "login_local"),
    ("login authentication WORD", "login_authentication"),
    ("no login", "no_login"),
    ("transport input LINE", "transport"),
    ("exec-timeout <0-35791>", "exec_timeout"),
    ("exec-timeout <0-35791> <0-2147483>", "exec_timeout"),
    ("no exec", "no_exec"),
    ("exec", "exec"),
    ("rotary <1-100>", "rotary"),
    ("no rotary", "rotary"),
    ("password LINE", "password"),
    ("end", "end"),
    ("exit", "exit_config"),
    ("do LINE", "do"),
]


def _specs(pairs: list[tuple[str, str]]) -> list[Spec]:
    return [Spec.of(text, name) for text, name in pairs]


SPECS = {
    "user": _specs(_EXEC_COMMON),
    "enable": _specs(_EXEC_COMMON + _EXEC_PRIV),
    "config": _specs(_CONFIG),
    "config-line": _specs(_LINE),
}


class Session:
    def __init__(self, device: Device, username: str = "", privilege: int = 1) -> None:
        self.device = device
        self.username = username
        self.mode = "enable" if privilege >= 15 else "user"
        self.hide_input = False
        self.closed = False
        self._pending: Callable[[str], str] | None = None
        self._pending_prompt = ""
        self._line: LineConfig | None = None
        self._enable_tries = 0
        self.monitor = False  # syslog reaches a vty only after `terminal monitor`

    # -- prompts -----------------------------------------------------------------------
    @property
    def prompt(self) -> str:
        if self._pending is not None:
            return self._pending_prompt
        host = self.device.hostname
        if self.mode == "user":
            return f"{host}>"
        if self.mode == "enable":
            return f"{host}#"
        return f"{host[:20]}({self.mode})#"

    def _ask(self, question: str, handler: Callable[[str], str], hide: bool = False) -> str:
        self._pending, self._pending_prompt, self.hide_input = handler, question, hide
        return ""

    # -- input ---------------------------------------------------------------------------
    def feed(self, line: str) -> str:
        """Handle one line of input; returns the output (without the next prompt)."""
        if self._pending is not None:
            handler, self._pending, self.hide_input = self._pending, None, False
            return handler(line)
        if line.strip() == "\x1a" and self.mode.startswith("config"):
            return self._end([])
        command, _, pipe = line.partition("|")
        if not command.strip():
            return ""
        try:
            found = match(SPECS[self.mode], command, len(self.prompt))
        except CommandError as exc:
            if self.mode == "config-line":  # IOS tries the parent mode, and drops to it
                try:
                    found = match(SPECS["config"], command, len(self.prompt))
                    self.mode = "config"
                except CommandError:
                    return exc.text
            else:
                return exc.text
        output = getattr(self, f"_{found.spec.name}")(found.args)
        if pipe.strip() and output:
            output = _apply_filter(output, pipe.strip())
        return output

    # -- exec --------------------------------------------------------------------------
    def _noop(self, args: list) -> str:
        return ""

    def _monitor(self, args: list) -> str:
        self.monitor = True
        return ""

    def _no_monitor(self, args: list) -> str:
        self.monitor = False
        return ""

    def _enable(self, args: list) -> str:
        if self.mode != "user":
            return ""
        if not self.device.enable_secret:
            return "% No password set"
        return self._ask("Password: ", self._check_enable, hide=True)

    def _check_enable(self, answer: str) -> str:
        if answer == self.device.enable_secret:
            self.mode, self._enable_tries = "enable", 0
            return ""
        self._enable_tries += 1
        if self._enable_tries >= 3:
            self._enable_tries = 0
            return "% Bad secrets\n"
        return self._ask("Password: ", self._check_enable, hide=True)

    def _disable(self, args: list) -> str:
        self.mode = "user"
        return ""

    def _exit(self, args: list) -> str:
        self.closed = True
        return ""

    def _show_ip_ssh(self, args: list) -> str:
        return self.device.show_ip_ssh()

    def _show_ssh(self, args: list) -> str:
        return "%No SSHv2 server connections running."

    def _show_version(self, args: list) -> str:
        return (
            "Cisco IOS XE Software, Version 17.15.01\n"
            "Cisco IOS Software [IOSXE], Linux Software (X86_64BI_LINUX-ADVENTERPRISEK9-M), "
            "Version 17.15.1, RELEASE SOFTWARE (fc4)\n"
            f"{self.device.hostname} uptime is 1 hour, 2 minutes"
        )

    def _show_run(self, args: list) -> str:
        return self.device.running_config().rstrip("\n")

    def _show_keys(self, args: list) -> str:
        return self.device.show_crypto_key(args[0] if args else None)

    def _write(self, args: list) -> str:
        return "Building configuration...\n[OK]"

    def _copy_run_start(self, args: list) -> str:
        return self._ask(
            "Destination filename [startup-config]? ",
            lambda _answer: "Building configuration...\n[OK]",
        )

    def _configure(self, args: list) -> str:
        self.mode = "config"
        return CONFIG_BANNER

    # -- global configuration ------------------------------------------------------------
    def _end(self, args: list) -> str:
        self.mode = "enable"
        return ""

    def _exit_config(self, args: list) -> str:
        self.mode = "config" if self.mode == "config-line" else "enable"
        return ""

    def _do(self, args: list) -> str:
        saved = self.mode
        self.mode = "enable"
        try:
            return self.feed(args[0])
        finally:
            if self.mode == "enable":
                self.mode = saved

    def _hostname(self, args: list) -> str:
        self.device.hostname = args[0]
        return ""

    def _domain(self, args: list) -> str:
        self.device.domain = args[0]
        return ""

    def _no_domain(self, args: list) -> str:
        self.device.domain = ""
        return ""

    def _keygen(self, args: list) -> str:
        options = (args[0] if args else "").split()
        label, modulus, usage, exportable = None, None, False, False
        i = 0
        while i < len(options):
            word = options[i].lower()
            if "general-keys".startswith(word):
                usage = False
            elif "usage-keys".startswith(word):
                usage = True
            elif "exportable".startswith(word):
                exportable = True
            elif "label".startswith(word) and i + 1 < len(options):
                label, i = options[i + 1], i + 1
            elif "modulus".startswith(word) and i + 1 < len(options):
                if not options[i + 1].isdigit() or not 360 <= int(options[i + 1]) <= 4096:
                    return _caret(self.prompt, f"crypto key generate rsa {args[0]}", options[i + 1])
                modulus, i = int(options[i + 1]), i + 1
            else:
                return _caret(self.prompt, f"crypto key generate rsa {args[0]}", options[i])
            i += 1
        if label is None:
            if self.device.hostname == "Router":
                return "% Please define a hostname other than Router."
            if not self.device.domain:
                return "% Please define a domain-name first."
        name = label or self.device.default_key_label()
        exists = name in self.device.keys

        def generate(bits: int) -> str:
            return self._generate(name, bits, usage, exportable)

        if modulus is not None:
            head = f"The name for the keys will be: {name}\n"
            if exists:
                head = (
                    f"% You already have RSA keys defined named {name}.\n% They will be replaced.\n\n"
                    + head
                )
            return head + f"\n% The key modulus size is {modulus} bits\n" + generate(modulus)

        def ask_modulus(_: str = "") -> str:
            question = (
                f"The name for the keys will be: {name}\n"
                "Choose the size of the key modulus in the range of 360 to 4096 for your\n"
                "  General Purpose Keys. Choosing a key modulus greater than 512 may take\n"
                "  a few minutes.\n\nHow many bits in the modulus [512]: "
            )
            return self._ask(question, answer_modulus)

        def answer_modulus(answer: str) -> str:
            text = answer.strip() or "512"
            if not text.isdigit() or not 360 <= int(text) <= 4096:
                return "% You must specify a number in the range of 360 to 4096"
            return generate(int(text))

        if exists:
            return self._ask(
                f"% You already have RSA keys defined named {name}.\n"
                "% Do you really want to replace them? [yes/no]: ",
                lambda answer: self._yes_no(answer, ask_modulus),
            )
        return ask_modulus()

    def _yes_no(self, answer: str, then: Callable[[str], str]) -> str:
        word = answer.strip().lower()
        if word in ("yes", "y"):
            return then("")
        if word in ("no", "n"):
            return ""
        return "% Please answer 'yes' or 'no'."

    def _generate(self, name: str, bits: int, usage: bool, exportable: bool) -> str:
        started = time.monotonic()
        was_enabled = self.device.ssh_enabled
        key = generate_rsa(bits)
        if self.device.keygen_seconds:
            time.sleep(max(0.0, self.device.keygen_seconds - (time.monotonic() - started)))
        self.device.keys[name] = RsaKey(name, key, exportable=exportable)
        kind = "exportable" if exportable else "non-exportable"
        elapsed = max(1, round(time.monotonic() - started))
        text = f"% Generating {bits} bit RSA keys, keys will be {kind}...\n[OK] (elapsed time was {elapsed} seconds)\n"
        if self.monitor and not was_enabled and self.device.ssh_enabled:
            text += f"%SSH-5-ENABLED: SSH {self.device.version_text} has been enabled\n"
        return text

    def _zeroize(self, args: list) -> str:
        label = args[0] if args else None
        if label is not None and label not in self.device.keys:
            return f"% RSA keypair {label} is not present."
        question = (
            "% All keys will be removed.\n"
            "% All router certs issued using these keys will also be removed.\n"
            "Do you really want to remove these keys? [yes/no]: "
        )

        def remove(_: str) -> str:
            if label is None:
                self.device.keys.clear()
            else:
                self.device.keys.pop(label, None)
            return ""

        return self._ask(question, lambda answer: self._yes_no(answer, remove))

    def _ssh_timeout(self, args: list) -> str:
        self.device.ssh_time_out = args[0] if args else 120
        return ""

    def _ssh_retries(self, args: list) -> str:
        self.device.ssh_retries = args[0] if args else 3
        return ""

    def _ssh_version(self, args: list) -> str:
        self.device.ssh_version = args[0] if args else None
        return ""

    def _ssh_keypair(self, args: list) -> str:
        self.device.ssh_keypair_name = args[0] if args else ""
        return ""

    def _ssh_dh(self, args: list) -> str:
        if args[0] not in (1024, 2048, 4096):
            return _caret(self.prompt, f"ip ssh dh min size {args[0]}", str(args[0]))
        self.device.ssh_dh_min = args[0]
        return ""

    def _username_secret(self, args: list) -> str:
        return self._set_user(args, "secret")

    def _username_password(self, args: list) -> str:
        return self._set_user(args, "password")

    def _set_user(self, args: list, kind: str) -> str:
        name, secret = args[0], args[-1]
        privilege = args[1] if len(args) == 3 else 1
        # `secret 0 TEXT` / `password 0 TEXT`: a leading type digit is not part of it.
        words = secret.split(None, 1)
        if len(words) == 2 and words[0] in ("0", "5", "7", "8", "9"):
            secret = words[1]
        self.device.users[name] = (privilege, kind, secret)
        return ""

    def _no_username(self, args: list) -> str:
        self.device.users.pop(args[0], None)
        return ""

    def _enable_secret(self, args: list) -> str:
        words = args[0].split(None, 1)
        self.device.enable_secret = words[1] if len(words) == 2 and words[0] == "0" else args[0]
        return ""

    def _scp_on(self, args: list) -> str:
        self.device.scp_server = True
        return ""

    def _scp_off(self, args: list) -> str:
        self.device.scp_server = False
        return ""

    def _enter_line(self, kind: str, args: list) -> str:
        first = args[0] if args else 0
        last = args[1] if len(args) > 1 else first
        if last < first:
            return _caret(self.prompt, f"line {first} {last}", str(last))
        self._line = self.device.line_for(kind, first, last)
        self.mode = "config-line"
        return ""

    def _line_vty(self, args: list) -> str:
        return self._enter_line("vty", args)

    def _line_con(self, args: list) -> str:
        return self._enter_line("con", args)

    def _line_aux(self, args: list) -> str:
        return self._enter_line("aux", args)

    def _line_tty(self, args: list) -> str:
        return self._enter_line("tty", args)

    # -- line configuration --------------------------------------------------------------
    def _login_line(self, args: list) -> str:
        self._line.login, self._line.login_authentication = "line", ""
        if not self._line.password:
            return "\n".join(
                f"% Login disabled on line {n}, until 'password' is set"
                for n in range(self._line.first, self._line.last + 1)
            )
        return ""

    def _login_local(self, args: list) -> str:
        self._line.login, self._line.login_authentication = "local", ""
        return ""

    def _login_authentication(self, args: list) -> str:
        self._line.login, self._line.login_authentication = "", args[0]
        return ""

    def _no_login(self, args: list) -> str:
        self._line.login, self._line.login_authentication = "", ""
        return ""

    def _transport(self, args: list) -> str:
        words = args[0].lower().split()
        chosen: list[str] = []
        for word in words:
            full = [t for t in TRANSPORTS if t.startswith(word)]
            if len(full) != 1:
                return _caret(self.prompt, f"transport input {args[0]}", word)
            chosen.append(full[0])
        if not chosen:
            return "% Incomplete command."
        self._line.transport_input = chosen
        return ""

    def _exec_timeout(self, args: list) -> str:
        self._line.exec_timeout = (args[0], args[1] if len(args) > 1 else 0)
        return ""

    def _exec(self, args: list) -> str:
        self._line.no_exec = False
        return ""

    def _no_exec(self, args: list) -> str:
        self._line.no_exec = True
        return ""

    def _rotary(self, args: list) -> str:
        self._line.rotary = args[0] if args else None
        return ""

    def _password(self, args: list) -> str:
        words = args[0].split(None, 1)
        self._line.password = words[1] if len(words) == 2 and words[0] == "0" else args[0]
        return ""


def _caret(prompt: str, command: str, bad: str) -> str:
    column = len(prompt) + command.rfind(bad)
    return " " * column + "^\n" + INVALID


def _apply_filter(output: str, pipe: str) -> str:
    words = pipe.split(None, 1)
    if len(words) < 2:
        return "% Incomplete command."
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
    return "% Invalid input detected at '^' marker."
