"""Where secrets come from: a mapping the caller gives, else the environment. Never inline."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import IntentError
from .intent import SshIntent


def secret_key(env: str | None, username: str) -> str:
    """The name a secret is looked up by: its env var, or `user:<name>` when it has none."""
    return env or f"user:{username}"


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
            found[name] = value
        elif name.startswith("user:"):
            problems.append(f"{field}: not set, and no secret given for {name!r}")
        else:
            problems.append(f"{field}: environment variable {name} is not set")
    if problems:
        raise IntentError(problems)
    return found
