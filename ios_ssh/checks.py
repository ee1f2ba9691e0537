"""Verification checks: every intent field against the parsed device state (pure)."""

from __future__ import annotations

from collections.abc import Iterator

from . import served_key
from .aaa_servers import server_checks
from .capabilities import fit
from .intent import SshIntent
from .login_path import login_local_under_aaa
from .report import Check
from .state import DeviceState, KeyInfo

_VERSION_SHOWN = {1: "1.5", 2: "2.0", "compat": "1.99"}


def state_checks(state: DeviceState, intent: SshIntent) -> list[Check]:
    # With `unsupported: skip`, what the image cannot do is not checked either.
    return list(_checks(state, fit(intent, state.image).intent))


def intended_key(state: DeviceState, intent: SshIntent) -> tuple[str, KeyInfo | None]:
    """The RSA key SSH is meant to serve, with its `show crypto key` entry (served_key:
    `ip ssh rsa keypair-name`, else the served key when it meets the intent, else the
    intent's label or `<hostname>.<domain>`)."""
    return served_key.intended(state, intent)


def expected_host_key(state: DeviceState, intent: SshIntent) -> tuple[str, str]:
    """The SHA256 fingerprint the wire must show, and where it comes from: `show ip ssh`'s
    key blob (the key SSH serves) when it prints one, else `show crypto key mypubkey rsa`
    for the intended key (12.2SX, 12.4 and early 15.x print no blob)."""
    if state.ssh_key_sha256:
        return state.ssh_key_sha256, "show ip ssh"
    name, key = intended_key(state, intent)
    if key is not None:
        return key.sha256, f"show crypto key mypubkey rsa: {name}"
    return "", "no key shown"


def _eq(name: str, expected: object, found: object, evidence: str) -> Check:
    return Check(name, expected == found, str(expected), str(found), evidence)


_CHAIN = "running-config: ip ssh pubkey-chain"


def _absent(name: str, there: bool, evidence: str) -> Check:
    return Check(f"{name} absent", not there, "absent", "present" if there else "absent", evidence)


def _checks(state: DeviceState, intent: SshIntent) -> Iterator[Check]:
    cfg, ssh = state.config, intent.ssh
    shown = f"SSH {'Enabled' if state.ssh_enabled else 'Disabled'} - version {state.ssh_version}"
    yield _eq("ssh enabled", True, state.ssh_enabled, f"show ip ssh: {shown}")
    if intent.hostname:
        yield _eq(
            "hostname",
            intent.hostname,
            state.hostname,
            f"running-config: hostname {state.hostname}",
        )
    if intent.domain_name:
        yield _eq(
            "domain",
            intent.domain_name,
            state.domain,
            f"running-config: ip domain name {state.domain}",
        )
    if ssh.version is not None:
        yield _eq(
            "ssh version", _VERSION_SHOWN[ssh.version], state.ssh_version, f"show ip ssh: {shown}"
        )
    timeouts = f"show ip ssh: Authentication timeout: {state.timeout} secs; Authentication retries: {state.retries}"
    if ssh.timeout is not None:
        yield _eq("ssh time-out", ssh.timeout, state.timeout, timeouts)
    if ssh.authentication_retries is not None:
        yield _eq("ssh authentication-retries", ssh.authentication_retries, state.retries, timeouts)
    if ssh.dh_min_size is not None:
        yield _eq(
            "ssh dh min size",
            ssh.dh_min_size,
            state.dh_min_size,
            f"show ip ssh: Minimum expected Diffie Hellman key size : {state.dh_min_size} bits",
        )
    if ssh.keypair_name is not None:
        yield _eq(
            "ssh key pair",
            ssh.keypair_name,
            state.ssh_key_name,
            f"show ip ssh: IOS Keys in SECSH format(ssh-rsa, base64 encoded): {state.ssh_key_name}",
        )
    if (intent.rsa is not None or ssh.keypair_name is not None) and state.ssh_key_sha256:
        name, key = intended_key(state, intent)
        if key is not None:  # else the "rsa key" or "ssh key pair" check already fails
            served = state.ssh_key_name or "(no label)"
            yield Check(
                "ssh key in use",
                state.ssh_key_sha256 == key.sha256,
                f"{name} ({key.sha256})",
                f"{served} ({state.ssh_key_sha256})",
                "show ip ssh key blob vs show crypto key mypubkey rsa",
            )
    if ssh.stricthostkeycheck is not None:
        have = cfg["ip_ssh"]["stricthostkeycheck"]
        yield _eq("ssh stricthostkeycheck", ssh.stricthostkeycheck, have, "running-config")
    if intent.rsa is not None:
        # the key SSH is to serve: the served one when it meets the intent (no label)
        label, key = intended_key(state, intent)
        if intent.rsa.usage_keys and not label.endswith(".sig"):
            label = f"{label}.sig"
        found = f"{key.modulus} bits" if key else "no such key"
        yield Check(
            f"rsa key {label}",
            key is not None and key.modulus >= intent.rsa.modulus,
            f">= {intent.rsa.modulus} bits",
            found,
            f"show crypto key mypubkey rsa: Key name: {label}"
            + (f" ({key.sha256})" if key else ""),
        )
    have_users = {u["username"]: u["key_hashes"] for u in cfg["ip_ssh"]["pubkey_users"]}
    for user in ssh.pubkey_users:
        if user.state == "absent":
            yield _absent(f"pubkey user {user.username}", user.username in have_users, _CHAIN)
            continue
        want = sorted(user.all_key_hashes)
        got = sorted(have_users.get(user.username, []))
        yield _eq(f"pubkey user {user.username}", want, got, _CHAIN)
    have_servers = {s["server"]: s["key_hashes"] for s in cfg["ip_ssh"]["pubkey_servers"]}
    for server in ssh.pubkey_servers:
        if server.state == "absent":
            yield _absent(f"pubkey server {server.server}", server.server in have_servers, _CHAIN)
            continue
        yield _eq(
            f"pubkey server {server.server}",
            [server.hash],
            have_servers.get(server.server, []),
            _CHAIN,
        )
    if intent.owns("ssh.pubkey_users"):
        want = sorted(u.username for u in ssh.pubkey_users if u.state == "present")
        yield _eq("pubkey users (exclusive)", want, sorted(have_users), _CHAIN)
    if intent.owns("ssh.pubkey_servers"):
        want = sorted(s.server for s in ssh.pubkey_servers if s.state == "present")
        yield _eq("pubkey servers (exclusive)", want, sorted(have_servers), _CHAIN)
    if intent.aaa is not None:
        aaa = cfg["aaa"]
        if intent.aaa.new_model:
            yield _eq("aaa new-model", True, aaa["new_model"], "running-config")
        yield from server_checks(aaa, intent.aaa)
        for name, methods in intent.aaa.authentication_login.items():
            yield _eq(
                f"aaa authentication login {name}",
                methods,
                aaa["authentication_login"].get(name),
                "running-config",
            )
        for name, methods in intent.aaa.authorization_exec.items():
            yield _eq(
                f"aaa authorization exec {name}",
                methods,
                aaa["authorization_exec"].get(name),
                "running-config",
            )
    present = {u["name"]: u["privilege"] for u in cfg["users"]}
    for user in intent.users:
        if user.state == "absent":
            yield _absent(f"user {user.name}", user.name in present, "running-config: username")
            continue
        yield _eq(
            f"user {user.name} privilege",
            user.privilege,
            present.get(user.name),
            "running-config: username",
        )
    if intent.owns("users"):
        want = sorted(u.name for u in intent.present_users)
        yield _eq("local users (exclusive)", want, sorted(present), "running-config: username")
    if "scp" in intent.model_fields_set:
        yield _eq(
            "scp server",
            intent.scp.enabled,
            cfg["scp_server"],
            "running-config: ip scp server enable",
        )
    yield from _line_checks(state, intent)
    if "reverse_ssh" in intent.model_fields_set:
        want = sorted((p.port, p.rotary, p.last_rotary) for p in intent.reverse_ssh)
        got = sorted((p["port"], p["rotary"], p["last_rotary"]) for p in cfg["ip_ssh"]["ports"])
        yield _eq("reverse ssh ports", want, got, "running-config: ip ssh port")


def _line_checks(state: DeviceState, intent: SshIntent) -> Iterator[Check]:
    blocks = {(b["kind"], b["first"], b["last"]): b for b in state.config["lines"]}
    for line in intent.lines:
        first, last = line.numbers
        block = blocks.get((line.kind, first, last))
        where = f"running-config: line {line.ios_name}"
        if block is None:
            yield Check(f"line {line.ios_name}", False, "configured", "absent", where)
            continue
        name = f"line {line.ios_name}"
        if line.transport_input is not None:
            yield _eq(
                f"{name} transport input", line.transport_input, block["transport_input"], where
            )
        under_aaa = login_local_under_aaa(state.config, intent, line)
        if under_aaa:  # IOS ignores `login local` there: the method list is the login
            yield Check(f"{name} login", True, "local", "aaa method list", under_aaa)
        elif line.login is not None:
            yield _eq(f"{name} login", line.login, block["login"], where)
        if line.login_authentication is not None:
            yield _eq(
                f"{name} login authentication",
                line.login_authentication,
                block["login_authentication"],
                where,
            )
        if line.exec_timeout is not None:
            yield _eq(f"{name} exec-timeout", [line.exec_timeout, 0], block["exec_timeout"], where)
        if line.no_exec is not None:
            yield _eq(f"{name} no exec", line.no_exec, not block["exec"], where)
        if line.rotary is not None:
            yield _eq(f"{name} rotary", line.rotary, block["rotary"], where)
            shown = {
                int(r["tty"])
                for r in state.lines
                if r["rotary"] == str(line.rotary) and r["tty"].isdigit()
            }
            if line.kind == "tty":
                want = set(range(first, last + 1))
                yield Check(
                    f"{name} rotary in show line",
                    want <= shown,
                    f"ttys {sorted(want)} in rotary {line.rotary}",
                    f"ttys {sorted(shown)}",
                    "show line: Roty column",
                )
        if line.access_class_in is not None:
            yield _eq(
                f"{name} access-class in", line.access_class_in, block["access_class_in"], where
            )
