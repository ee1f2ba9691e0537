"""Global configuration commands: names, RSA keys, `ip ssh`, users, AAA, SCP, SNMP."""

from __future__ import annotations

import time

from .config import AaaServer, Archive, ServerGroup, SshPort, User
from .device import RsaKey
from .ioshash import is_type9, type7, type9, untype7

_EXITS = [("end", "end"), ("exit", "exit_mode"), ("do LINE", "do")]
GROUP_KINDS = ("tacacs+", "radius")
AAA_METHODS = ("local", "local-case", "enable", "line", "none", "if-authenticated", "krb5")

SPECS = {
    "config": [
        # Fixed lines of every running-config: accepted so the text replays.
        ("version WORD", "noop"),
        ("service timestamps LINE", "noop"),
        ("service password-encryption", "noop"),
        ("boot-start-marker", "noop"),
        ("boot-end-marker", "noop"),
        ("aaa session-id common", "noop"),
        ("hostname WORD", "hostname"),
        ("no hostname", "no_hostname"),
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
        ("no ip ssh dh min size", "ssh_dh"),
        ("ip ssh stricthostkeycheck", "ssh_strict_on"),
        ("no ip ssh stricthostkeycheck", "ssh_strict_off"),
        ("ip ssh port <2000-10000> rotary <1-127>", "ssh_port"),
        ("ip ssh port <2000-10000> rotary <1-127> <1-127>", "ssh_port"),
        ("no ip ssh port <2000-10000> rotary <1-127>", "no_ssh_port"),
        ("no ip ssh port <2000-10000> rotary <1-127> <1-127>", "no_ssh_port"),
        ("ip ssh pubkey-chain", "pubkey_chain"),
        ("no ip ssh pubkey-chain", "no_pubkey_chain"),
        ("username WORD privilege <0-15> secret LINE", "username_secret"),
        ("username WORD privilege <0-15> password LINE", "username_password"),
        ("username WORD secret LINE", "username_secret"),
        ("username WORD password LINE", "username_password"),
        ("no username WORD", "no_username"),
        ("enable secret LINE", "enable_secret"),
        ("no enable secret", "no_enable_secret"),
        ("aaa new-model", "aaa_on"),
        ("no aaa new-model", "aaa_off"),
        ("aaa authentication login WORD LINE", "aaa_login"),
        ("no aaa authentication login WORD", "no_aaa_login"),
        ("aaa authorization exec WORD LINE", "aaa_exec"),
        ("no aaa authorization exec WORD", "no_aaa_exec"),
        ("aaa group server WORD WORD", "aaa_group"),
        ("no aaa group server WORD WORD", "no_aaa_group"),
        ("tacacs server WORD", "tacacs_server"),
        ("no tacacs server WORD", "no_tacacs_server"),
        ("radius server WORD", "radius_server"),
        ("no radius server WORD", "no_radius_server"),
        ("ip scp server enable", "scp_on"),
        ("no ip scp server enable", "scp_off"),
        ("archive", "archive"),
        ("no archive", "no_archive"),
        ("snmp-server host WORD LINE", "snmp_host"),
        ("no snmp-server host WORD LINE", "no_snmp_host"),
        ("line vty <0-1869>", "line_vty"),
        ("line vty <0-1869> <0-1869>", "line_vty"),
        ("line console <0-0>", "line_con"),
        ("line aux <0-0>", "line_aux"),
        ("line <1-1869>", "line_tty"),
        ("line <1-1869> <1-1869>", "line_tty"),
        ("end", "end"),
        ("exit", "exit_mode"),
        ("do LINE", "do"),
    ],
    # `tacacs server NAME`, `radius server NAME` and `aaa group server KIND NAME` blocks
    # (IOS 15 / IOS-XE named-server form; prompts as IOS prints them).
    "config-server-tacacs": [
        ("address ipv4 WORD", "server_address"),
        ("no address ipv4", "server_no_address"),
        ("port <1-65535>", "server_port"),
        ("no port", "server_port"),
        ("key LINE", "server_key"),
        ("no key", "server_no_key"),
        *_EXITS,
    ],
    "config-radius-server": [
        ("address ipv4 WORD", "server_address"),
        ("address ipv4 WORD auth-port <0-65535>", "server_address"),
        ("address ipv4 WORD auth-port <0-65535> acct-port <0-65535>", "server_address"),
        ("no address ipv4", "server_no_address"),
        ("key LINE", "server_key"),
        ("no key", "server_no_key"),
        *_EXITS,
    ],
    "config-sg-tacacs+": [
        ("server name WORD", "group_server"),
        ("no server name WORD", "group_no_server"),
        *_EXITS,
    ],
    "config-sg-radius": [
        ("server name WORD", "group_server"),
        ("no server name WORD", "group_no_server"),
        *_EXITS,
    ],
}


def _methods(text: str) -> list[str] | None:
    """`group tacacs+ local` -> ['group tacacs+', 'local']; None when a word is no method."""
    words, out, i = text.split(), [], 0
    while i < len(words):
        if words[i] == "group" and i + 1 < len(words):
            out.append(f"group {words[i + 1]}")
            i += 2
        elif words[i] in AAA_METHODS:
            out.append(words[i])
            i += 1
        else:
            return None
    return out or None


class ConfigCommands:
    """Mixin for Session."""

    # -- names ---------------------------------------------------------------------------
    def _hostname(self, args: list) -> str:
        self.device.config.hostname = args[0]
        return ""

    def _no_hostname(self, args: list) -> str:
        self.device.config.hostname = "Router"
        return ""

    def _domain(self, args: list) -> str:
        self.device.config.domain = args[0]
        return ""

    def _no_domain(self, args: list) -> str:
        self.device.config.domain = ""
        return ""

    # -- RSA keys ------------------------------------------------------------------------
    def _keygen(self, args: list, background: bool = False) -> str:
        text = args[0] if args else ""
        low, high = self.device.image.modulus_range  # 360-4096, 360-2048 or 2048-4096
        options = text.split()
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
                if not options[i + 1].isdigit() or not low <= int(options[i + 1]) <= high:
                    return self.caret(f"crypto key generate rsa {text}", options[i + 1])
                modulus, i = int(options[i + 1]), i + 1
            else:
                return self.caret(f"crypto key generate rsa {text}", options[i])
            i += 1
        config = self.device.config
        if label is None:
            if config.hostname == "Router":
                return "% Please define a hostname other than Router."
            if not config.domain:
                return "% Please define a domain-name first."
        name = label or self.device.default_key_label()
        exists = name in self.device.keys or f"{name}.sig" in self.device.keys
        purpose = "Signature and Encryption Keys" if usage else "General Purpose Keys"

        def generate(bits: int) -> str:
            if background:  # XE 17 at the EXEC prompt
                return self._generate_in_background(name, bits, usage, exportable)
            return self._generate(name, bits, usage, exportable)

        if modulus is not None:
            head = f"The name for the keys will be: {name}\n"
            if exists:
                head = (
                    f"% You already have RSA keys defined named {name}.\n"
                    f"% They will be replaced.\n\n{head}"
                )
            return head + f"\n% The key modulus size is {modulus} bits\n" + generate(modulus)

        default = self.device.image.modulus_prompt_default

        def ask_modulus(_: str = "") -> str:
            return self.ask(
                f"The name for the keys will be: {name}\n"
                f"Choose the size of the key modulus in the range of {low} to {high} for your\n"
                f"  {purpose}. Choosing a key modulus greater than 512 may take\n"
                f"  a few minutes.\n\nHow many bits in the modulus [{default}]: ",
                answer_modulus,
            )

        def answer_modulus(answer: str) -> str:
            text = answer.strip() or str(default)
            if not text.isdigit() or not low <= int(text) <= high:
                return f"% You must specify a number in the range of {low} to {high}"
            return generate(int(text))

        if exists:
            return self.ask(
                f"% You already have RSA keys defined named {name}.\n"
                "% Do you really want to replace them? [yes/no]: ",
                lambda answer: self.yes_no(answer, ask_modulus),
            )
        return ask_modulus()

    def _generate(self, name: str, bits: int, usage: bool, exportable: bool) -> str:
        device = self.device
        started = time.monotonic()
        was_enabled = device.ssh_enabled
        labels = (
            [(f"{name}.sig", "Signature Key"), (f"{name}.enc", "Encryption Key")]
            if usage
            else [(name, "General Purpose Key")]
        )
        new = [
            RsaKey(label, device.keygen(bits), usage_name, exportable)
            for label, usage_name in labels
        ]
        delay = 0.0 if self.replay else device.keygen_time(bits)  # a slow CPU, on demand
        if delay:
            time.sleep(max(0.0, delay - (time.monotonic() - started)))
        with device.lock:
            for stale in (name, f"{name}.sig", f"{name}.enc"):
                device.keys.pop(stale, None)
            for key in new:
                device.keys[key.label] = key
        device.keys_changed()
        kind = "exportable" if exportable else "non-exportable"
        elapsed = max(1, round(time.monotonic() - started))
        text = (
            f"% Generating {bits} bit RSA keys, keys will be {kind}...\n"
            f"[OK] (elapsed time was {elapsed} seconds)\n"
        )
        if not was_enabled and device.ssh_enabled:
            device.syslog(f"%SSH-5-ENABLED: SSH {device.version_text} has been enabled")
        return text

    def _zeroize(self, args: list) -> str:
        device = self.device
        label = args[0] if args else None
        if label is not None and label not in device.keys:
            return f"% RSA keypair {label} is not present."
        if label is None:
            question = (
                "% All keys will be removed.\n"
                "% All router certs issued using these keys will also be removed.\n"
                "Do you really want to remove these keys? [yes/no]: "
            )
        else:
            question = (
                f"% Keys to be removed are named {label}.\n"
                "% All router certs issued using these keys will also be removed.\n"
                "Do you really want to remove these keys? [yes/no]: "
            )

        def remove(_: str) -> str:
            was_enabled = device.ssh_enabled
            version = device.version_text
            with device.lock:
                if label is None:
                    device.keys.clear()
                else:
                    device.keys.pop(label, None)
            device.keys_changed()
            if was_enabled and not device.ssh_enabled:
                device.syslog(f"%SSH-5-DISABLED: SSH {version} has been disabled")
            return ""

        return self.ask(question, lambda answer: self.yes_no(answer, remove))

    # -- ip ssh --------------------------------------------------------------------------
    def _ssh_timeout(self, args: list) -> str:
        self.device.config.ssh_time_out = args[0] if args else 120
        return ""

    def _ssh_retries(self, args: list) -> str:
        self.device.config.ssh_retries = args[0] if args else 3
        return ""

    def _ssh_version(self, args: list) -> str:
        image = self.device.image
        if args and args[0] == 1 and not image.version1_accepted:  # XE 17: v1 is gone
            return self.caret(self.current_line, "1")
        if args and args[0] == image.default_version and image.version_hidden:
            args = []  # XE 17 keeps its default, which `show run` does not print [U]
        self.device.config.ssh_version = args[0] if args else None
        return ""

    def _ssh_keypair(self, args: list) -> str:
        self.device.config.ssh_keypair_name = args[0] if args else ""
        self.device.keys_changed()
        return ""

    def _ssh_dh(self, args: list) -> str:
        if args and args[0] not in (self.device.image.dh_sizes or ()):
            return self.caret(f"ip ssh dh min size {args[0]}", str(args[0]))
        self.device.config.ssh_dh_min = args[0] if args else None
        return ""

    def _ssh_strict_on(self, args: list) -> str:
        self.device.config.ssh_stricthostkeycheck = True
        return ""

    def _ssh_strict_off(self, args: list) -> str:
        self.device.config.ssh_stricthostkeycheck = False
        return ""

    def _ssh_port(self, args: list) -> str:
        port, first = args[0], args[1]
        last = args[2] if len(args) > 2 else None
        ports = [p for p in self.device.config.ssh_ports if p.port != port]
        ports.append(SshPort(port, first, last))
        self.device.config.ssh_ports = sorted(ports, key=lambda p: p.port)
        # A port this machine cannot listen on is said to whoever configured it.
        return "\n".join(self.device.ports_changed())

    def _no_ssh_port(self, args: list) -> str:
        config = self.device.config
        config.ssh_ports = [p for p in config.ssh_ports if p.port != args[0]]
        self.device.ports_changed()
        return ""

    def _pubkey_chain(self, args: list) -> str:
        self.enter("conf-ssh-pubkey")
        return ""

    def _no_pubkey_chain(self, args: list) -> str:
        self.device.config.pubkey_users.clear()
        self.device.config.pubkey_servers.clear()
        self.device.config.pubkey_key_types.clear()
        return ""

    # -- users and AAA -------------------------------------------------------------------
    def _username_secret(self, args: list) -> str:
        kind, _, value = self._typed(args[-1])
        if kind == "0":
            stored = type9(value)
        elif kind == "9" and is_type9(value):
            stored = value
        else:
            return self.caret(self.current_line, args[-1].split()[0])
        return self._set_user(args, "secret", stored)

    def _username_password(self, args: list) -> str:
        kind, _, value = self._typed(args[-1])
        if kind == "0":
            stored = type7(value)
        elif kind == "7" and untype7(value) is not None:
            stored = value
        else:
            return self.caret(self.current_line, args[-1].split()[0])
        return self._set_user(args, "password", stored)

    @staticmethod
    def _typed(text: str) -> tuple[str, str, str]:
        """`0 clear`, `9 $9$...` or `clear` -> (type, ' ', value)."""
        first, _, rest = text.partition(" ")
        if first.isdigit() and len(first) == 1 and rest:
            return first, " ", rest.strip()
        return "0", " ", text.strip()

    def _set_user(self, args: list, kind: str, stored: str) -> str:
        privilege = args[1] if len(args) == 3 else 1
        self.device.config.users[args[0]] = User(privilege, kind, stored)
        return ""

    def _no_username(self, args: list) -> str:
        def remove(_: str = "") -> str:
            self.device.config.users.pop(args[0], None)
            return ""

        if self.replay or not self.device.image.no_username_confirm:
            return remove()
        # IOS XE asks first (images.py no_username_confirm); Enter or y confirms
        return self.ask(
            "This operation will remove all username related configurations with same "
            "name.Do you want to continue? [confirm]",
            lambda answer: remove() if answer.strip().lower() in ("", "y", "yes") else "",
        )

    def _enable_secret(self, args: list) -> str:
        kind, _, value = self._typed(args[0])
        if kind == "0":
            self.device.config.enable_secret9 = type9(value)
        elif kind == "9" and is_type9(value):
            self.device.config.enable_secret9 = value
        else:
            return self.caret(self.current_line, args[0].split()[0])
        return ""

    def _no_enable_secret(self, args: list) -> str:
        self.device.config.enable_secret9 = ""
        return ""

    def _aaa_on(self, args: list) -> str:
        self.device.config.aaa_new_model = True
        return ""

    def _aaa_off(self, args: list) -> str:
        config = self.device.config
        config.aaa_new_model = False
        config.aaa_login.clear()
        config.aaa_exec.clear()
        config.server_groups.clear()
        return ""

    def _aaa_list(self, args: list, table: str) -> str:
        config = self.device.config
        if not config.aaa_new_model:  # without new-model IOS has no such keyword
            return self.caret(self.current_line, self.current_line.split()[1])
        methods = _methods(args[1])
        if methods is None:
            bad = next(w for w in args[1].split() if w not in AAA_METHODS and w != "group")
            return self.caret(self.current_line, bad)
        getattr(config, table)[args[0]] = methods
        return ""

    def _aaa_login(self, args: list) -> str:
        return self._aaa_list(args, "aaa_login")

    def _aaa_exec(self, args: list) -> str:
        return self._aaa_list(args, "aaa_exec")

    def _no_aaa_login(self, args: list) -> str:
        self.device.config.aaa_login.pop(args[0], None)
        return ""

    def _no_aaa_exec(self, args: list) -> str:
        self.device.config.aaa_exec.pop(args[0], None)
        return ""

    # -- SCP, archive, SNMP --------------------------------------------------------------
    def _scp_on(self, args: list) -> str:
        self.device.config.scp_server = True
        return ""

    def _scp_off(self, args: list) -> str:
        self.device.config.scp_server = False
        return ""

    def _archive(self, args: list) -> str:
        if self.device.config.archive is None:
            self.device.config.archive = Archive()
        self.enter("config-archive")
        return ""

    def _no_archive(self, args: list) -> str:
        self.device.config.archive = None
        return ""

    def _snmp_host(self, args: list) -> str:
        entry = f"{args[0]} {args[1]}"
        if entry not in self.device.config.snmp_hosts:
            self.device.config.snmp_hosts.append(entry)
        return ""

    def _no_snmp_host(self, args: list) -> str:
        entry = f"{args[0]} {args[1]}"
        self.device.config.snmp_hosts = [h for h in self.device.config.snmp_hosts if h != entry]
        return ""

    # -- AAA servers and server groups -----------------------------------------------------
    def _server_block(self, table: str, name: str, mode: str) -> str:
        getattr(self.device.config, table).setdefault(name, AaaServer())
        self.aaa_entry = (table, name)
        self.enter(mode)
        return ""

    def _tacacs_server(self, args: list) -> str:
        return self._server_block("tacacs_servers", args[0], "config-server-tacacs")

    def _radius_server(self, args: list) -> str:
        return self._server_block("radius_servers", args[0], "config-radius-server")

    def _no_tacacs_server(self, args: list) -> str:
        self.device.config.tacacs_servers.pop(args[0], None)
        return ""

    def _no_radius_server(self, args: list) -> str:
        self.device.config.radius_servers.pop(args[0], None)
        return ""

    def _server(self) -> AaaServer:
        table, name = self.aaa_entry
        return getattr(self.device.config, table).setdefault(name, AaaServer())

    def _server_address(self, args: list) -> str:
        if not _ipv4(args[0]):
            return self.caret(self.current_line, args[0])
        server = self._server()
        server.address = args[0]
        if self.aaa_entry[0] == "radius_servers":
            server.auth_port = args[1] if len(args) > 1 else 1812
            server.acct_port = args[2] if len(args) > 2 else 1813
        return ""

    def _server_no_address(self, args: list) -> str:
        self._server().address = ""
        return ""

    def _server_port(self, args: list) -> str:
        self._server().port = args[0] if args and args[0] != 49 else None
        return ""

    def _server_key(self, args: list) -> str:
        kind, _, value = self._typed(args[0])
        if kind == "0":
            self._server().key7 = type7(value)
        elif kind == "7" and untype7(value) is not None:
            self._server().key7 = value
        else:
            return self.caret(self.current_line, args[0].split()[0])
        return ""

    def _server_no_key(self, args: list) -> str:
        self._server().key7 = ""
        return ""

    def _aaa_group(self, args: list) -> str:
        config = self.device.config
        if not config.aaa_new_model:
            return self.caret(self.current_line, self.current_line.split()[1])
        kind, name = args[0].lower(), args[1]
        if kind not in GROUP_KINDS:
            return self.caret(self.current_line, args[0])
        group = config.server_groups.get(name)
        if group is not None and group.kind != kind:
            return f"% Server group {name} is already defined as {group.kind}"  # [U] wording
        config.server_groups.setdefault(name, ServerGroup(kind))
        self.aaa_entry = ("server_groups", name)
        self.enter(f"config-sg-{kind}")
        return ""

    def _no_aaa_group(self, args: list) -> str:
        self.device.config.server_groups.pop(args[1], None)
        return ""

    def _group_server(self, args: list) -> str:
        group = self.device.config.server_groups[self.aaa_entry[1]]
        if args[0] not in group.servers:
            group.servers.append(args[0])
        return ""

    def _group_no_server(self, args: list) -> str:
        group = self.device.config.server_groups[self.aaa_entry[1]]
        if args[0] in group.servers:
            group.servers.remove(args[0])
        return ""


def _ipv4(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) <= 255 for p in parts)
