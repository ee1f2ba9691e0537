"""EXEC-mode commands: privilege, terminal, show, save, archive, rollback, reload, files."""

from __future__ import annotations

import time

import asyncssh

from .device import Revert, now_utc
from .version import show_version

CONFIG_BANNER = "Enter configuration commands, one per line.  End with CNTL/Z."
NO_PENDING = "%No Rollback Confirmed Change pending"
REPLACE_WARNING = (
    "This will apply all necessary additions and deletions\n"
    "to replace the current running configuration with the\n"
    "contents of the specified configuration file, which is\n"
    "assumed to be a complete configuration, not a partial\n"
    "configuration. Enter Y if you are sure you want to proceed. ? [no]: "
)

COMMON = [
    ("enable", "enable"),
    ("disable", "disable"),
    ("exit", "exit"),
    ("logout", "exit"),
    ("quit", "exit"),
    ("terminal length <0-512>", "noop"),
    ("terminal width <0-512>", "noop"),
    ("terminal monitor", "monitor"),
    ("terminal no monitor", "no_monitor"),
    ("show ip ssh", "show_ip_ssh"),
    ("show ssh", "show_ssh"),
    ("show version", "show_version"),
    ("show users", "show_users"),
    ("show users all", "show_users_all"),
    ("show line", "show_line"),
    ("show line <0-2000>", "show_line_number"),
    ("show line vty <0-1000>", "show_line_vty"),
    ("show line console <0-0>", "show_line_console"),
    ("show line aux <0-0>", "show_line_aux"),
    ("ssh LINE", "ssh_client"),
]
DEBUG = [
    ("debug ip ssh", "debug_ssh_on"),
    ("no debug ip ssh", "debug_ssh_off"),
    ("undebug ip ssh", "debug_ssh_off"),
    ("undebug all", "debug_ssh_off"),
]
PRIVILEGED = [
    ("configure terminal", "configure"),
    ("configure terminal revert timer <1-120>", "configure_revert"),
    ("configure terminal revert timer idle <1-120>", "configure_revert_idle"),
    ("configure confirm", "configure_confirm"),
    ("configure revert now", "configure_revert_now"),
    ("configure revert timer <1-120>", "configure_revert_reset"),
    ("configure replace WORD", "configure_replace"),
    ("configure replace WORD force", "configure_replace_force"),
    ("show running-config", "show_run"),
    ("show startup-config", "show_start"),
    ("show crypto key mypubkey rsa", "show_keys"),
    ("show crypto key mypubkey rsa WORD", "show_keys"),
    ("show archive", "show_archive"),
    ("show archive config rollback timer", "show_rollback_timer"),
    ("delete WORD", "delete"),
    ("write memory", "write"),
    ("write", "write"),
    ("copy running-config startup-config", "copy_run_start"),
    ("copy running-config WORD", "copy_run_file"),
    ("reload", "reload"),
    ("reload in WORD", "reload_in"),
    ("reload cancel", "reload_cancel"),
]
SPECS = {"user": COMMON, "enable": COMMON + PRIVILEGED + DEBUG}


class ExecCommands:
    """Mixin for Session: handlers named after the second element of each spec pair."""

    # -- privilege and terminal ----------------------------------------------------------
    def _noop(self, args: list) -> str:
        return ""

    def _monitor(self, args: list) -> str:
        self.device.monitors.add(self)
        return ""

    def _no_monitor(self, args: list) -> str:
        self.device.monitors.discard(self)
        return ""

    def _enable(self, args: list) -> str:
        if self.mode != "user":
            return ""
        if not self.device.config.enable_secret9:
            return "% No password set"
        return self.ask("Password: ", self._check_enable, hide=True)

    def _check_enable(self, answer: str) -> str:
        if self.device.check_enable(answer):
            self.modes, self._enable_tries = ["enable"], 0
            return ""
        self._enable_tries += 1
        if self._enable_tries >= 3:
            self._enable_tries = 0
            return "% Bad secrets\n"
        return self.ask("Password: ", self._check_enable, hide=True)

    def _disable(self, args: list) -> str:
        self.modes = ["user"]
        return ""

    def _exit(self, args: list) -> str:
        self.closed = True
        return ""

    # -- debug ---------------------------------------------------------------------------
    def _debug_ssh_on(self, args: list) -> str:
        self.device.debug_ssh = True
        return "Incoming SSH debugging is on"

    def _debug_ssh_off(self, args: list) -> str:
        self.device.debug_ssh = False
        return "Incoming SSH debugging is off"

    # -- the router's own SSH client ----------------------------------------------------
    def _ssh_client(self, args: list) -> str:
        from .client import RemoteSession, parse_args

        parsed = parse_args(args[0])
        if isinstance(parsed, str):
            return parsed
        if parsed.version == 1:
            return "% SSH version 1 is not supported by this client"

        def connect(password: str) -> str:
            try:
                remote = RemoteSession(self.device, parsed, password)
            except (OSError, asyncssh.Error, TimeoutError) as exc:
                return (
                    f"% Connection to {parsed.host} failed: {exc}"
                    if str(exc)
                    else (f"% Connection to {parsed.host} failed")
                )
            if remote.closed:
                remote.close()
                return remote.opening
            self.remote = remote  # lines go to the remote shell until it closes
            return remote.opening.lstrip("\n")

        return self.ask("Password: ", connect, hide=True)

    # -- show ----------------------------------------------------------------------------
    def _show_ip_ssh(self, args: list) -> str:
        return self.device.show_ip_ssh()

    def _show_ssh(self, args: list) -> str:
        return self.device.show_ssh()

    def _show_users(self, args: list) -> str:
        return self.device.show_users(self.tty)

    def _show_users_all(self, args: list) -> str:
        return self.device.show_users(self.tty, everyone=True)

    def _show_line(self, args: list) -> str:
        return self.device.show_line()

    def _show_one_line(self, kind: str, number: int, word: str) -> str:
        from .show_lines import show_one_line

        out = show_one_line(self.device, kind, number)
        return out if out is not None else self.caret(self.current_line, word)

    def _show_line_vty(self, args: list) -> str:
        return self._show_one_line("vty", args[0], str(args[0]))

    def _show_line_console(self, args: list) -> str:
        return self._show_one_line("con", 0, "console")

    def _show_line_aux(self, args: list) -> str:
        if not self.device.has_aux:
            return self.caret(self.current_line, self.current_line.split()[2])
        return self._show_one_line("aux", 0, "aux")

    def _show_line_number(self, args: list) -> str:
        kind, number = self.device.line_of(args[0])
        return self._show_one_line(kind, number, str(args[0]))

    def _show_version(self, args: list) -> str:
        device = self.device
        minutes = int((time.monotonic() - device.booted) / device.minute_seconds)
        return show_version(device.image, device.config.hostname, minutes, device.flash_fs)

    def _show_run(self, args: list) -> str:
        return self.device.running_text() + "\n"  # IOS: an empty line after `end`

    def _show_start(self, args: list) -> str:
        return self.device.show_startup()

    def _show_keys(self, args: list) -> str:
        return self.device.show_crypto_key(args[0] if args else None)

    def _show_archive(self, args: list) -> str:
        archive = self.device.config.archive
        if archive is None or not archive.path:
            return "Archive feature not enabled"
        names = self.device.archives
        out = [
            f"The maximum archive configurations allowed is {archive.maximum or 10}.",
            f"There are currently {len(names)} archive configurations saved.",
            f"The next archive file will be named {self.device.next_archive_name()}",
            " Archive #  Name",
        ]
        for index, name in enumerate(names, 1):
            recent = " <- Most Recent" if index == len(names) else ""
            out.append(f"   {index:<8} {name}{recent}")
        return "\n".join(out)

    def _show_rollback_timer(self, args: list) -> str:
        revert = self.device.revert
        if revert is None:
            return NO_PENDING
        return "\n".join(
            [
                f"Time configured(or reset): {revert.started.strftime('%H:%M:%S UTC %a %b %d %Y')}",
                f"Timer value: {revert.minutes} min",
                f"Timer type: {'idle' if revert.idle else 'absolute'}",
                f"User: {revert.user}",
            ]
        )

    # -- files and saving ----------------------------------------------------------------
    def _delete(self, args: list) -> str:
        path = self.device.flash_path(args[0])
        name = args[0].split(":", 1)[-1].lstrip("/")

        def confirm(answer: str) -> str:
            if answer.strip().lower() not in ("", "y", "yes"):
                return ""
            if path is None or not path.is_file():
                return f"%Error deleting flash:/{name} (No such file or directory)"
            path.unlink()
            return ""

        return self.ask(
            f"Delete filename [{name}]? ",
            lambda _a: self.ask(f"Delete flash:/{name}? [confirm]", confirm),
        )

    def _write(self, args: list) -> str:
        self.device.save(by=self.username)
        return "Building configuration...\n[OK]"

    def _copy_run_start(self, args: list) -> str:
        def done(answer: str) -> str:
            self.device.save(by=self.username)
            return "Building configuration...\n[OK]"

        return self.ask("Destination filename [startup-config]? ", done)

    def _copy_run_file(self, args: list) -> str:
        """`copy running-config <fs>name`: the running configuration into a file (a
        checkpoint for `configure replace`). IOS asks the destination name first, as for
        startup-config, and prints the bytes copied."""
        if args[0].lower() in ("startup-config", "nvram:startup-config"):
            return self._copy_run_start(args)
        path = self.device.flash_path(args[0])
        if path is None:
            return f"%Error opening {args[0]} (No such device)"
        name = args[0].split(":", 1)[-1].lstrip("/")

        def done(answer: str) -> str:
            text = self.device.running_body()
            path.write_text(text)
            return f"{len(text)} bytes copied in 0.112 secs"

        return self.ask(f"Destination filename [{name}]? ", done)

    # -- configure, rollback -------------------------------------------------------------
    def _configure(self, args: list) -> str:
        self.modes = ["enable", "config"]
        return CONFIG_BANNER

    def _configure_revert(self, args: list, idle: bool = False) -> str:
        device = self.device
        archive = device.config.archive
        if archive is None or not archive.path:
            return "%Turn config archive on before using Rollback Confirmed Change"
        if device.revert is not None:
            return "%Rollback Confirmed Change already in progress"
        name = device.write_archive()
        device.revert = Revert(
            deadline=time.monotonic() + args[0] * device.minute_seconds,
            backup_name=name,
            backup_text=(device.flash_path(name) or device.flash).read_text(),
            user=self.username,
            minutes=args[0],
            idle=idle,
        )
        device.timers_changed()
        self.modes = ["enable", "config"]
        return f"Rollback Confirmed Change: Backing up current running config to {name}\n\n{CONFIG_BANNER}"

    def _configure_revert_idle(self, args: list) -> str:
        return self._configure_revert(args, idle=True)

    def _configure_confirm(self, args: list) -> str:
        revert = self.device.revert
        if revert is None:
            return NO_PENDING
        if revert.user != self.username:
            return f"%Only user {revert.user} can confirm the Rollback Confirmed Change"
        self.device.revert = None
        self.device.syslog(
            "%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_CONFIRM: User: "
            + self.username
            + ": Confirm the configuration change"
        )
        return ""

    def _configure_revert_now(self, args: list) -> str:
        revert = self.device.revert
        if revert is None:
            return NO_PENDING
        self.device.revert = None
        self.device.load_config(revert.backup_text)
        return "Rollback Done"

    def _configure_revert_reset(self, args: list) -> str:
        revert = self.device.revert
        if revert is None:
            return NO_PENDING
        revert.minutes = args[0]
        revert.deadline = time.monotonic() + args[0] * self.device.minute_seconds
        revert.started = now_utc()
        self.device.timers_changed()
        return ""

    def _configure_replace(self, args: list, force: bool = False) -> str:
        path = self.device.flash_path(args[0])
        if path is None or not path.is_file():
            return f"%Error opening {args[0]} (No such file or directory)"
        text = path.read_text()

        def replace(answer: str = "y") -> str:
            if answer.strip().lower() not in ("y", "yes"):
                return ""
            self.device.load_config(text)
            return "Total number of passes: 1\nRollback Done"

        return replace() if force else self.ask(REPLACE_WARNING, replace)

    def _configure_replace_force(self, args: list) -> str:
        return self._configure_replace(args, force=True)

    # -- reload --------------------------------------------------------------------------
    def _reload(self, args: list, minutes: int | None = None) -> str:
        device = self.device

        def proceed(answer: str) -> str:
            if answer.strip().lower() not in ("", "y", "yes"):
                return ""
            if minutes is None:
                device.reload()
                self.closed = True
                return ""
            device.reload_at = time.monotonic() + minutes * device.minute_seconds
            device.reload_by = self.username
            device.timers_changed()
            return ""

        def maybe_save(answer: str) -> str:
            word = answer.strip().lower()
            if word in ("yes", "y"):
                device.save(by=self.username)
            elif word not in ("no", "n"):
                return "% Please answer 'yes' or 'no'."
            return self.ask("Proceed with reload? [confirm]", proceed)

        head = ""
        if minutes is not None:
            head = f"Reload scheduled in {minutes} minutes by {self.username or 'console'} on {self.line_name}\n"
        if device.startup != device.running_body():
            return self.ask(
                head + "System configuration has been modified. Save? [yes/no]: ", maybe_save
            )
        return self.ask(head + "Proceed with reload? [confirm]", proceed)

    def _reload_in(self, args: list) -> str:
        text = args[0]
        hours, _, mins = text.rpartition(":")
        if not mins.isdigit() or (hours and not hours.isdigit()):
            return self.caret(f"reload in {text}", text)
        return self._reload(args, minutes=int(hours or 0) * 60 + int(mins))

    def _reload_cancel(self, args: list) -> str:
        if self.device.reload_at is None:
            return "%No reload is scheduled."
        self.device.reload_at = None
        return "***\n*** --- SHUTDOWN ABORTED ---\n***"
