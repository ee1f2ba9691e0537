"""The plan: what to send so a router matches an intent, and whether that is safe (pure).

`make_plan(state, intent, context)` compares the parsed device state with the intent and
returns ordered steps (empty when the router already matches) plus refusals: changes that
would lock the operator out, found before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from . import login_path, removals, served_key
from .aaa_servers import server_lines
from .capabilities import configured_version, file_system, fit
from .intent import LineIntent, SshIntent
from .render import (
    ConfigLine,
    key_hash_line,
    key_string_lines,
    keygen_command,
    plain,
    render_line,
    secret_line,
)
from .secrets import secret_key
from .state import DeviceState

Section = Literal[
    "names",
    "users",
    "aaa",
    "keys",
    "ip ssh",
    "pubkey-chain",
    "archive",
    "scp",
    "lines",
    "reverse-ssh",
    "removals",
]


@dataclass(frozen=True)
class Step:
    section: Section
    lines: tuple[ConfigLine, ...]
    why: str

    @property
    def is_keygen(self) -> bool:
        return any(line.kind == "keygen" for line in self.lines)


@dataclass(frozen=True)
class PlanContext:
    """How we reach the router while changing it."""

    transport: Literal["ssh", "telnet"] = "ssh"
    username: str = ""
    # How the session (and the fresh login after the change) authenticates: with the
    # user's password, and/or with these keys (their IOS key-hash, MD5): removals.py.
    password_login: bool = True
    login_keys: tuple[str, ...] = ()


@dataclass
class Plan:
    """What apply would do: the steps (each with its configuration lines), what it
    refuses, and notes (settings this image cannot take, left out)."""

    steps: list[Step] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.steps

    @property
    def safe(self) -> bool:
        return not self.refusals

    def lines(self) -> list[ConfigLine]:
        """Every configuration line of every step, in order."""
        return [line for step in self.steps for line in step.lines]

    def diff(self) -> str:
        """The change as a reader sees it: `+ line` per command, secrets by source."""
        out = []
        for step in self.steps:
            out.append(f"! {step.section}: {step.why}")
            out += [f"+ {line.display}" for line in step.lines]
        return "\n".join(out) + ("\n" if out else "")

    def __repr__(self) -> str:
        state = "empty" if self.empty else f"{len(self.steps)} steps, {len(self.lines())} lines"
        refused = f", {len(self.refusals)} refusals" if self.refusals else ""
        return f"Plan({state}{refused})"


_VERSION_CONFIG = {1: 1, 2: 2, "compat": None}


def make_plan(
    state: DeviceState,
    intent: SshIntent,
    context: PlanContext | None = None,
    secrets: Mapping[str, str] | None = None,
) -> Plan:
    """The plan that takes a router in `state` to `intent` (pure: no I/O): only what
    differs, in a safe order, with the refusals that protect the operator's own access
    (`context`: how we reach the router) and the notes of what this image cannot do."""
    context = context or PlanContext()
    plan = Plan()
    cfg = state.config
    # 0. what the router's image can do: refused up front, or left out (unsupported: skip)
    fitted = fit(intent, state.image)
    if fitted.gaps and intent.unsupported == "skip":
        plan.notes += fitted.messages
    elif fitted.gaps:
        plan.refusals += [
            f"{message}; or set unsupported: skip to leave it out on such images"
            for message in fitted.messages
        ]
    intent = fitted.intent
    hostname = intent.hostname or state.hostname
    domain = intent.domain_name or state.domain

    def add(section: Section, why: str, lines: list[ConfigLine]) -> None:
        if lines:
            plan.steps.append(Step(section, tuple(lines), why))

    # 1. names: key generation and the default key label need them
    names = []
    if intent.hostname and intent.hostname != state.hostname:
        names.append(plain(f"hostname {intent.hostname}"))
    if intent.domain_name and intent.domain_name != state.domain:
        names.append(plain(f"ip domain-name {intent.domain_name}"))
    add("names", "hostname and domain", names)

    # 2. local users before aaa new-model, so the next login still works
    present = {u["name"]: u for u in cfg["users"]}
    users = []
    for user in intent.present_users:
        have = present.get(user.name)
        rotate = user.update_secret == "always"
        if have is None or have["privilege"] != user.privilege or rotate:
            users.append(
                secret_line(
                    f"username {user.name} privilege {user.privilege} {user.secret_kind}",
                    secret_key(user.secret_env, user.name),
                    secrets,
                )
            )
        else:
            plan.notes.append(
                f"user {user.name}: present at privilege {user.privilege}; secret left as it is"
            )
    add("users", "local users", users)

    # 3. AAA
    aaa_lines = []
    if intent.aaa is not None:
        have = cfg["aaa"]
        if intent.aaa.new_model and not have["new_model"]:
            aaa_lines.append(plain("aaa new-model"))
        # servers and groups before the method lists that name them (aaa_servers.py)
        aaa_lines += server_lines(have, intent.aaa, secrets, plan.notes)
        for table, word in (
            ("authentication_login", "authentication login"),
            ("authorization_exec", "authorization exec"),
        ):
            for name, methods in getattr(intent.aaa, table).items():
                if have[table].get(name) != methods:
                    aaa_lines.append(plain(f"aaa {word} {name} {' '.join(methods)}"))
    add("aaa", "AAA new-model, servers and method lists", aaa_lines)

    # 4. keys: which key SSH serves is settled first (served_key): a served key that
    # meets the intent is kept; a key made or picked is made the served one
    keys = served_key.settle(state, intent, hostname, domain)
    if keys.keygen and keys.label is None and (hostname == "Router" or not domain):
        plan.refusals.append(
            "rsa: keys without a label are named <hostname>.<domain>, and IOS refuses them "
            f"while the hostname is {hostname!r} and the domain {domain or 'unset'!r}: set "
            "hostname and domain_name (per host in the inventory), or rsa.label"
        )
    if keys.keygen and intent.rsa is not None:
        labelled = intent.model_copy(
            update={"rsa": intent.rsa.model_copy(update={"label": keys.label})}
        )
        add("keys", keys.keygen, [plain(keygen_command(labelled) or "", "keygen")])
    if keys.pin:
        add("keys", keys.pin, [plain(f"ip ssh rsa keypair-name {keys.target}")])
    elif keys.kept is not None and intent.rsa is not None and keys.kept.name:
        plan.notes.append(
            f"rsa: SSH serves {keys.kept.name} ({keys.kept.modulus} bits), which meets the "
            "intent: kept (a new key would change every known_hosts entry for this router)"
        )

    # 5. ip ssh settings, compared with what the router runs
    add("ip ssh", "SSH server settings", _ip_ssh_lines(state, intent))

    # 6. pubkey chain
    add("pubkey-chain", "public-key users and servers", _pubkey_lines(cfg, intent))

    # 7. archive (the revert timer needs it)
    if intent.archive is not None:
        have = cfg["archive"] or {}
        want = intent.archive
        sub = []
        # no path in the intent: keep the router's, else archive on its own file system
        path = want.path or have.get("path") or f"{file_system(state)}archive"
        if have.get("path") != path:
            sub.append(plain(f" path {path}"))
        if want.maximum is not None and have.get("maximum") != want.maximum:
            sub.append(plain(f" maximum {want.maximum}"))
        if want.write_memory and not have.get("write_memory"):
            sub.append(plain(" write-memory"))
        if sub:
            add(
                "archive",
                "configuration archive",
                [plain("archive", "enter"), *sub, plain(" exit", "exit")],
            )

    # 8. SCP (only when the intent says anything about it)
    if "scp" in intent.model_fields_set and intent.scp.enabled != cfg["scp_server"]:
        word = "" if intent.scp.enabled else "no "
        add("scp", "SCP server", [plain(f"{word}ip scp server enable")])

    # 9. lines
    for line in intent.lines:
        under_aaa = login_path.login_local_under_aaa(cfg, intent, line)
        if under_aaa:  # IOS ignores `login local` under aaa new-model
            plan.notes.append(under_aaa)
            line = line.model_copy(update={"login": None})
        delta = _line_delta(cfg, line)
        if delta is not None:
            add("lines", f"line {line.ios_name}", render_line(delta, secrets))

    # 10. reverse SSH ports
    if "reverse_ssh" in intent.model_fields_set:
        add("reverse-ssh", "reverse SSH ports", _port_lines(cfg, intent))

    # 11. removals (state: absent, exclusive lists), last, inside the same revert window
    removed = removals.find(state, intent)
    add("removals", removed.why(), removals.lines(removed))

    plan.refusals += _refusals(state, intent, context, plan)
    plan.refusals += removals.refusals(state, intent, context, removed)
    return plan


def _ip_ssh_lines(state: DeviceState, intent: SshIntent) -> list[ConfigLine]:
    ssh, have = intent.ssh, state.ip_ssh
    out = []
    if ssh.keypair_name is not None and have["rsa_keypair_name"] != ssh.keypair_name:
        out.append(plain(f"ip ssh rsa keypair-name {ssh.keypair_name}"))
    if ssh.version is not None and configured_version(state) != _VERSION_CONFIG[ssh.version]:
        out.append(
            plain(
                "no ip ssh version" if ssh.version == "compat" else f"ip ssh version {ssh.version}"
            )
        )
    if ssh.timeout is not None and state.timeout != ssh.timeout:
        out.append(plain(f"ip ssh time-out {ssh.timeout}"))
    if ssh.authentication_retries is not None and state.retries != ssh.authentication_retries:
        out.append(plain(f"ip ssh authentication-retries {ssh.authentication_retries}"))
    if ssh.dh_min_size is not None and state.dh_min_size != ssh.dh_min_size:
        out.append(plain(f"ip ssh dh min size {ssh.dh_min_size}"))
    if ssh.stricthostkeycheck is not None and have["stricthostkeycheck"] != ssh.stricthostkeycheck:
        word = "" if ssh.stricthostkeycheck else "no "
        out.append(plain(f"{word}ip ssh stricthostkeycheck"))
    return out


def _pubkey_lines(cfg: dict[str, Any], intent: SshIntent) -> list[ConfigLine]:
    have_users = {u["username"]: set(u["key_hashes"]) for u in cfg["ip_ssh"]["pubkey_users"]}
    have_types = {u["username"]: u.get("key_types", {}) for u in cfg["ip_ssh"]["pubkey_users"]}
    have_servers = {s["server"]: set(s["key_hashes"]) for s in cfg["ip_ssh"]["pubkey_servers"]}
    body: list[ConfigLine] = []
    for user in intent.ssh.pubkey_users:
        if user.state == "absent":
            continue  # removals.py
        have = have_users.get(user.username)
        entry: list[ConfigLine] = []
        wanted = set(user.all_key_hashes)
        from .keys import info_from_openssh  # local: only needed when keys are given

        for key_line in user.keys:
            info = info_from_openssh(key_line)
            if have is None or info.md5_hex not in have:
                entry += key_string_lines(info.base64)
        for key_hash in user.key_hashes:
            if have is None or key_hash.upper() not in have:
                entry.append(plain(f"  key-hash ssh-rsa {key_hash.upper()}"))
        types = have_types.get(user.username, {})
        for stale in sorted((have or set()) - wanted):  # a listed user has the listed keys
            entry.append(key_hash_line(types.get(stale, "ssh-rsa"), stale, remove=True))
        if entry or have is None:
            body += [plain(f" username {user.username}", "enter"), *entry, plain(" exit", "exit")]
    for server in intent.ssh.pubkey_servers:
        if server.state == "absent":
            continue  # removals.py
        have = have_servers.get(server.server)
        if have == {server.hash}:
            continue
        entry = (
            [plain(f"  key-hash ssh-rsa {server.hash}")]
            if not have or server.hash not in have
            else []
        )
        entry += [
            plain(f"  no key-hash ssh-rsa {h}") for h in sorted((have or set()) - {server.hash})
        ]
        body += [plain(f" server {server.server}", "enter"), *entry, plain(" exit", "exit")]
    if not body:
        return []
    return [plain("ip ssh pubkey-chain", "enter"), *body, plain("exit", "exit")]


def _find_block(cfg: dict[str, Any], line: LineIntent) -> dict[str, Any] | None:
    first, last = line.numbers
    for block in cfg["lines"]:
        if (block["kind"], block["first"], block["last"]) == (line.kind, first, last):
            return block
    return None


def _line_delta(cfg: dict[str, Any], line: LineIntent) -> LineIntent | None:
    """Only the settings of `line` the router does not have yet (None: nothing)."""
    block = _find_block(cfg, line)
    if block is None:
        return line
    changes: dict[str, Any] = {}
    if line.transport_input is not None and block["transport_input"] != line.transport_input:
        changes["transport_input"] = line.transport_input
    if line.login is not None and block["login"] != line.login:
        changes["login"] = line.login
    if (
        line.login_authentication is not None
        and block["login_authentication"] != line.login_authentication
    ):
        changes["login_authentication"] = line.login_authentication
    if line.password_env is not None and not block["password"]:
        changes["password_env"] = line.password_env
    if line.exec_timeout is not None and block["exec_timeout"] != [line.exec_timeout, 0]:
        changes["exec_timeout"] = line.exec_timeout
    if line.no_exec is not None and block["exec"] == line.no_exec:
        changes["no_exec"] = line.no_exec
    if line.rotary is not None and block["rotary"] != line.rotary:
        changes["rotary"] = line.rotary
    if line.access_class_in is not None and block["access_class_in"] != line.access_class_in:
        changes["access_class_in"] = line.access_class_in
    if not changes:
        return None
    return LineIntent.model_construct(
        lines=line.lines,
        **{name: changes.get(name) for name in LineIntent.model_fields if name != "lines"},
    )


def _port_lines(cfg: dict[str, Any], intent: SshIntent) -> list[ConfigLine]:
    have = {(p["port"], p["rotary"], p["last_rotary"]) for p in cfg["ip_ssh"]["ports"]}
    want = {(p.port, p.rotary, p.last_rotary) for p in intent.reverse_ssh}
    out = []
    for port, first, last in sorted(have - want):
        tail = f" {last}" if last is not None else ""
        out.append(plain(f"no ip ssh port {port} rotary {first}{tail}"))
    for port, first, last in sorted(want - have):
        tail = f" {last}" if last is not None else ""
        out.append(plain(f"ip ssh port {port} rotary {first}{tail}"))
    return out


# -- lock-out safety ---------------------------------------------------------------------
def _refusals(state: DeviceState, intent: SshIntent, context: PlanContext, plan: Plan) -> list[str]:
    out: list[str] = []
    cfg = state.config
    keygen = any(step.is_keygen for step in plan.steps)
    pinned = [
        line.command.split()[-1]
        for line in plan.lines()
        if line.command.startswith("ip ssh rsa keypair-name ")
    ]
    keypair = pinned[-1] if pinned else cfg["ip_ssh"]["rsa_keypair_name"]
    if keypair:
        hostname = intent.hostname or state.hostname
        domain = intent.domain_name or state.domain
        rsa_label = (
            (intent.rsa.label or intent.ssh.keypair_name or f"{hostname}.{domain}")
            if intent.rsa
            else None
        )
        ssh_works = state.key(keypair) is not None or (keygen and rsa_label == keypair)
    else:
        ssh_works = bool(state.keys) or keygen
    if not ssh_works:
        out.append(
            "SSH would have no RSA key"
            + (f" (ip ssh rsa keypair-name {keypair} names no key)" if keypair else "")
            + ": add an rsa section or name an existing key pair"
        )
    present = {(row["type"], int(row["tty"])) for row in state.lines if str(row["tty"]).isdigit()}
    for index, line in enumerate(intent.lines):
        first, last = line.numbers
        if line.kind == "tty" and not all(("TTY", n) in present for n in range(first, last + 1)):
            out.append(
                f"lines[{index}] ({line.ios_name}): the router has no such async lines "
                "(show line lists no TTY there)"
            )
    own = state.own_line
    if own is not None and own.get("type") == "vty":
        number = int(str(own["number"]).split("/")[-1])
        for index, line in enumerate(intent.lines):
            first, last = line.numbers
            if line.kind != "vty" or not first <= number <= last:
                continue
            where = (
                f"lines[{index}] ({line.ios_name}) covers vty {number}, the line this session uses"
            )
            allowed = line.transport_input
            if allowed is not None and "all" not in allowed and context.transport not in allowed:
                migrating = context.transport == "telnet" and "ssh" in allowed and ssh_works
                if not migrating:
                    out.append(
                        f"{where}: transport input {' '.join(allowed)} would refuse {context.transport}"
                    )
            if line.no_exec:
                out.append(f"{where}: no exec would end every login on it")
            if line.access_class_in and not _acl_exists(cfg, line.access_class_in):
                out.append(
                    f"{where}: access-class {line.access_class_in} names an ACL the router does not have"
                )
    # how the operator logs in: judged only when the plan changes it (login_path.py)
    judged = login_path.judge(state, intent, plan, context.username, context.transport)
    out += judged.refusals
    plan.notes += judged.notes
    final_version = (
        intent.ssh.version if intent.ssh.version is not None else configured_version(state)
    )
    about_server = intent.rsa is not None or any(
        step.section in ("keys", "ip ssh") for step in plan.steps
    )
    if final_version in (1, "compat", None) and about_server and not intent.ssh.allow_v1:
        shown = "1" if final_version == 1 else "1.99 (compatibility)"
        out.append(
            f"SSH version would stay {shown}, which leaves SSH version 1 enabled: "
            "set ssh.version: 2, or ssh.allow_v1: true to accept it"
        )
    return out


def _acl_exists(cfg: dict[str, Any], name: str) -> bool:
    for text in cfg["other"]:
        words = text.split()
        if words[:2] == ["access-list", name]:
            return True
        if words[:2] == ["ip", "access-list"] and name in words[2:4]:
            return True
    return False
