"""Intent -> the ordered IOS configuration lines that build it from scratch (pure).

Order matters on a live router: names before keys (key generation needs a hostname and a
domain), local users before `aaa new-model` (so the next login still works), keys and
`ip ssh` before any `transport input ssh` (so the line never refuses its only way in).
Deciding what is already there is the planner's job; this renders everything the intent
sets.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from . import keys
from .errors import IntentError
from .intent import LineIntent, SshIntent, cli_text_problem

# confirm: IOS may ask `[confirm]` (XE: `no username X`), which is answered yes.
Kind = Literal["config", "keygen", "enter", "exit", "confirm"]
KEY_STRING_WIDTH = 72  # IOS takes long key-string lines, but short ones survive any terminal


@dataclass(frozen=True)
class ConfigLine:
    """One line to send. `display` is safe to print: secrets are replaced there."""

    command: str
    display: str
    kind: Kind = "config"
    needs_secret: str | None = None  # the env var whose value `command` still lacks

    def __str__(self) -> str:
        return self.display

    def __repr__(self) -> str:
        return f"ConfigLine({self.display!r})"


def plain(command: str, kind: Kind = "config") -> ConfigLine:
    return ConfigLine(command, command, kind)


def secret_line(prefix: str, env: str | None, secrets: Mapping[str, str] | None) -> ConfigLine:
    if env and not env.startswith("user:"):
        display = f"{prefix} <from ${env}>"
    else:
        display = f"{prefix} <given secret>"
    value = secrets.get(env) if (secrets is not None and env) else None
    if value is None:
        return ConfigLine(display, display, "config", needs_secret=env or "")
    # An explicit type 0: the value is always the clear text, never a pre-hashed secret.
    return ConfigLine(f"{prefix} 0 {value}", display, "config")


def keygen_command(intent: SshIntent) -> str | None:
    """`crypto key generate rsa ...` with every choice on the line (no dialogue)."""
    rsa = intent.rsa
    if rsa is None:
        return None
    words = ["crypto key generate rsa", "usage-keys" if rsa.usage_keys else "general-keys"]
    if rsa.label:
        words.append(f"label {rsa.label}")
    if rsa.exportable:
        words.append("exportable")
    words.append(f"modulus {rsa.modulus}")
    return " ".join(words)


def render_config(intent: SshIntent, secrets: Mapping[str, str] | None = None) -> list[ConfigLine]:
    """All configuration lines for `intent`, prerequisites first.

    Every command is one CLI line, checked here as well as in the intent: `secrets` come
    straight from the caller (a line break in one would type a second command), and an
    intent built without validation (`model_construct`) is not checked by its model.
    IntentError names the field or the secret, never a secret's value."""
    _check_secrets(secrets)
    lines = _render(intent, secrets)
    problems = [
        f"{line.display!r}: {problem}"
        for line in lines
        if (problem := cli_text_problem(line.command.strip()))
    ]
    if problems:
        raise IntentError([f"render_config: {p}" for p in problems])
    return lines


def _check_secrets(secrets: Mapping[str, str] | None) -> None:
    if secrets is None:
        return
    from .secrets import secret_value_problem  # secrets imports the intent, as we do

    problems = []
    for name, value in secrets.items():
        if not isinstance(value, str):
            problems.append(f"secrets[{name!r}]: expected text, got {type(value).__name__}")
        elif value and (problem := secret_value_problem(value)):
            problems.append(f"secrets[{name!r}]: the value {problem}")
    if problems:
        raise IntentError(problems)


def _render(intent: SshIntent, secrets: Mapping[str, str] | None) -> list[ConfigLine]:
    out: list[ConfigLine] = []
    if intent.hostname:
        out.append(plain(f"hostname {intent.hostname}"))
    if intent.domain_name:
        out.append(plain(f"ip domain-name {intent.domain_name}"))
    for user in intent.present_users:
        out.append(
            secret_line(
                f"username {user.name} privilege {user.privilege} {user.secret_kind}",
                user.secret_env,
                secrets,
            )
        )
    out.extend(_aaa_lines(intent, secrets))
    keygen = keygen_command(intent)
    if keygen:
        out.append(plain(keygen, "keygen"))
    out.extend(_ip_ssh_lines(intent))
    out.extend(_pubkey_chain_lines(intent))
    if intent.archive:
        out.append(plain("archive", "enter"))
        # No router here to ask for its file system: flash: is the common one.
        out.append(plain(f" path {intent.archive.path or 'flash:archive'}"))
        if intent.archive.maximum:
            out.append(plain(f" maximum {intent.archive.maximum}"))
        if intent.archive.write_memory:
            out.append(plain(" write-memory"))
        out.append(plain(" exit", "exit"))
    if intent.scp.enabled:
        out.append(plain("ip scp server enable"))
    for line in intent.lines:
        out.extend(render_line(line, secrets))
    for port in intent.reverse_ssh:
        last = f" {port.last_rotary}" if port.last_rotary is not None else ""
        out.append(plain(f"ip ssh port {port.port} rotary {port.rotary}{last}"))
    return out


def _aaa_lines(intent: SshIntent, secrets: Mapping[str, str] | None = None) -> list[ConfigLine]:
    from .aaa_servers import server_lines  # it builds on this module's ConfigLine

    aaa = intent.aaa
    if aaa is None or not aaa.new_model:
        return []
    out = [plain("aaa new-model")]
    out += server_lines({}, aaa, secrets, [])
    for name, methods in aaa.authentication_login.items():
        out.append(plain(f"aaa authentication login {name} {' '.join(methods)}"))
    for name, methods in aaa.authorization_exec.items():
        out.append(plain(f"aaa authorization exec {name} {' '.join(methods)}"))
    return out


def _ip_ssh_lines(intent: SshIntent) -> list[ConfigLine]:
    ssh = intent.ssh
    out: list[ConfigLine] = []
    if ssh.keypair_name:
        out.append(plain(f"ip ssh rsa keypair-name {ssh.keypair_name}"))
    if ssh.version == "compat":
        out.append(plain("no ip ssh version"))
    elif ssh.version is not None:
        out.append(plain(f"ip ssh version {ssh.version}"))
    if ssh.timeout is not None:
        out.append(plain(f"ip ssh time-out {ssh.timeout}"))
    if ssh.authentication_retries is not None:
        out.append(plain(f"ip ssh authentication-retries {ssh.authentication_retries}"))
    if ssh.dh_min_size is not None:
        out.append(plain(f"ip ssh dh min size {ssh.dh_min_size}"))
    if ssh.stricthostkeycheck is not None:
        prefix = "" if ssh.stricthostkeycheck else "no "
        out.append(plain(f"{prefix}ip ssh stricthostkeycheck"))
    return out


def _pubkey_chain_lines(intent: SshIntent) -> list[ConfigLine]:
    ssh = intent.ssh
    users = [u for u in ssh.pubkey_users if u.state == "present"]
    servers = [s for s in ssh.pubkey_servers if s.state == "present"]
    if not users and not servers:
        return []
    out = [plain("ip ssh pubkey-chain", "enter")]
    for user in users:
        out.append(plain(f" username {user.username}", "enter"))
        for key_line in user.keys:
            out.extend(key_string_lines(keys.info_from_openssh(key_line).base64))
        for key_hash in user.key_hashes:
            out.append(key_hash_line("ssh-rsa", key_hash.upper()))
        out.append(plain(" exit", "exit"))
    for server in servers:
        out.append(plain(f" server {server.server}", "enter"))
        out.append(key_hash_line("ssh-rsa", server.hash))
        out.append(plain(" exit", "exit"))
    out.append(plain("exit", "exit"))
    return out


def key_hash_line(key_type: str, md5: str, *, remove: bool = False) -> ConfigLine:
    """`key-hash TYPE MD5` under a pubkey-chain entry (`no key-hash ...` to remove one)."""
    return plain(f"  {'no ' if remove else ''}key-hash {key_type} {md5}")


def key_string_lines(blob_b64: str) -> list[ConfigLine]:
    out = [plain("  key-string", "enter")]
    out.extend(plain(f"   {chunk}") for chunk in textwrap.wrap(blob_b64, KEY_STRING_WIDTH))
    out.append(plain("  exit", "exit"))
    return out


def render_line(line: LineIntent, secrets: Mapping[str, str] | None = None) -> list[ConfigLine]:
    out = [plain(f"line {line.ios_name}", "enter")]
    if line.password_env:
        # Before `login`, or IOS warns "Login disabled on line N, until 'password' is set".
        out.append(secret_line(" password", line.password_env, secrets))
    if line.login == "local":
        out.append(plain(" login local"))
    elif line.login == "line":
        out.append(plain(" login"))
    if line.login_authentication:
        out.append(plain(f" login authentication {line.login_authentication}"))
    if line.no_exec is not None:
        out.append(plain(" no exec" if line.no_exec else " exec"))
    if line.exec_timeout is not None:
        out.append(plain(f" exec-timeout {line.exec_timeout} 0"))
    if line.rotary is not None:
        out.append(plain(f" rotary {line.rotary}"))
    if line.access_class_in:
        out.append(plain(f" access-class {line.access_class_in} in"))
    if line.transport_input is not None:
        out.append(plain(f" transport input {' '.join(line.transport_input)}"))
    return out


def render_text(intent: SshIntent) -> str:
    """The configuration as a person reads it (secrets shown as their source)."""
    return "\n".join(line.display for line in render_config(intent)) + "\n"
