"""Where secrets come from: a mapping the caller gives, else the environment. Never inline."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from . import redact
from .errors import IntentError
from .intent import SshIntent, cli_text_problem

_TYPED = re.compile(r"^\d+\s")
_TYPE7 = re.compile(r"^[0-9]{2}(?:[0-9A-Fa-f]{2})+$")


def secret_key(env: str | None, username: str) -> str:
    """The name a secret is looked up by: its env var, or `user:<name>` when it has none."""
    return env or f"user:{username}"


def secret_value_problem(value: str) -> str | None:
    """Why a secret cannot be typed after `secret 0` / `password 0` as it is, or None.

    One CLI line of printable ASCII without `?`; no space at either end (IOS strips it, so
    the stored secret would differ); never `<digit> ...`, which an image that ignores the
    explicit type would read as an already-encrypted value."""
    problem = cli_text_problem(value)
    if problem:
        return problem
    if value != value.strip():
        return "may not start or end with a space"
    if _TYPED.match(value):
        return "may not start with a digit and a space (IOS would read an encryption type)"
    return None


def server_keys(intent: SshIntent) -> list[tuple[str, list]]:
    """The intent's AAA servers by field name: where their keys come from."""
    aaa = intent.aaa
    if aaa is None:
        return []
    return [
        ("tacacs_servers", list(aaa.tacacs_servers)),
        ("radius_servers", list(aaa.radius_servers)),
    ]


# IOS type 7 (a reversible encoding, `service password-encryption`): the running-config
# shows a server key as `key 7 SSHHHH...`, SS a seed IOS picks from 00 to 15 (public
# descriptions of the scheme, e.g. Cisco's "Type 7 passwords are reversible" notices).
_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def type7_decode(encoded: str) -> str | None:
    if not _TYPE7.match(encoded) or int(encoded[:2]) >= len(_XLAT):
        return None
    seed, data = int(encoded[:2]), bytes.fromhex(encoded[2:])
    return "".join(chr(b ^ ord(_XLAT[(seed + i) % len(_XLAT)])) for i, b in enumerate(data))


def key_forms(value: str, is_type7: bool) -> list[str]:
    """A server key as it may appear anywhere (clear, and each type 7 form the router may
    print), so that redact masks every one of them in logs and session logs."""
    clear = type7_decode(value) if is_type7 else value
    forms = [value] + ([clear] if clear else [])
    if clear:
        for seed in range(16):
            forms.append(
                f"{seed:02d}"
                + "".join(
                    f"{ord(c) ^ ord(_XLAT[(seed + i) % len(_XLAT)]):02X}"
                    for i, c in enumerate(clear)
                )
            )
    return forms


def _clear_keys(intent: SshIntent) -> set[str]:
    return {
        server.key_env
        for _, servers in server_keys(intent)
        for server in servers
        if server.key_env and server.key_type == 0
    }


def typed7_values(found: Mapping[str, str], typed7: set[str]) -> set[str]:
    return {found[env] for env in typed7 if env in found}


def _source(name: str) -> str:
    return f"for {name[5:]!r}" if name.startswith("user:") else f"${name}"


def resolve_secrets(intent: SshIntent, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every secret the intent names, or IntentError naming each missing one (no I/O)."""
    source: Mapping[str, str] = given if given is not None else os.environ
    found: dict[str, str] = {}
    problems: list[str] = []
    wanted = [
        (f"users[{i}].secret_env", secret_key(u.secret_env, u.name))
        for i, u in enumerate(intent.users)
        if u.state == "present"
    ]
    # An absent user's secret_env is its OLD secret, only to prove it is refused: optional.
    optional = {
        secret_key(u.secret_env, u.name)
        for u in intent.users
        if u.state == "absent" and u.secret_env
    }
    wanted += [
        (f"users[{i}].secret_env", secret_key(u.secret_env, u.name))
        for i, u in enumerate(intent.users)
        if u.state == "absent" and u.secret_env
    ]
    wanted += [
        (f"lines[{i}].password_env", line.password_env)
        for i, line in enumerate(intent.lines)
        if line.password_env
    ]
    typed7: set[str] = set()
    for kind, servers in server_keys(intent):
        for i, server in enumerate(servers):
            if server.key_env:
                wanted.append((f"aaa.{kind}[{i}].key_env", server.key_env))
                if server.key_type == 7:
                    typed7.add(server.key_env)
    for field, name in wanted:
        value = source.get(name) or (os.environ.get(name) if given is not None else None)
        if value:
            redact.register([value])  # masked from now on, even a value refused below
            problem = secret_value_problem(value)
            if problem is None and name in typed7 and not _TYPE7.match(value):
                problem = "is not an IOS type 7 string (key_type: 7): two digits, then hex"
            if problem:  # the value itself is never shown
                problems.append(f"{field}: the secret from {_source(name)} {problem}")
                continue
            found[name] = value
        elif name in optional:
            continue
        elif name.startswith("user:"):
            problems.append(f"{field}: not set, and no secret given for {name!r}")
        else:
            problems.append(f"{field}: environment variable {name} is not set")
    if problems:
        raise IntentError(problems)
    keys = [found[env] for env in typed7 | _clear_keys(intent) if env in found]
    redact.register(
        form for key in keys for form in key_forms(key, key in typed7_values(found, typed7))
    )
    # A user's secret by name (`user:NAME`) or its previous one (`old:NAME`), given
    # explicitly: what verify proves on the wire (revocation.py), kept as given.
    for name, value in (given or {}).items():
        if name.startswith(("user:", "old:")) and value and name not in found:
            found[name] = value
    return found
