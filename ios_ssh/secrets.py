"""Where secrets come from: a mapping the caller gives, else the environment. Never inline."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from . import redact
from .errors import IntentError
from .intent import SshIntent, cli_text_problem

_TYPED = re.compile(r"^\d+\s")


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
    ]
    wanted += [
        (f"lines[{i}].password_env", line.password_env)
        for i, line in enumerate(intent.lines)
        if line.password_env
    ]
    for field, name in wanted:
        value = source.get(name) or (os.environ.get(name) if given is not None else None)
        if value:
            redact.register([value])  # masked from now on, even a value refused below
            problem = secret_value_problem(value)
            if problem:  # the value itself is never shown
                problems.append(f"{field}: the secret from {_source(name)} {problem}")
                continue
            found[name] = value
        elif name.startswith("user:"):
            problems.append(f"{field}: not set, and no secret given for {name!r}")
        else:
            problems.append(f"{field}: environment variable {name} is not set")
    if problems:
        raise IntentError(problems)
    return found
