"""The host-key refusals as the user reads them: one line of at most 200 characters (the
project's rule for every error), naming the host and port, the step, what is wrong with
the key, the offered key's whole SHA256 fingerprint, and the fix.

Every driver says them in these words (session.identity's check, the netmiko driver's
own refusal, the failure mapping). The facts are fixed; the wording is not: each message
has a fuller form and a terser one, and only when neither fits is the known_hosts path
elided in its middle (its file name kept). A host name too long to fit even then is
still named whole.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .known_hosts import host_name

LIMIT = 200


def changed(host: str, port: int, offered: str, file: Path | str) -> str:
    """The server offers another key than the one pinned for it."""
    where, name = f"{host}:{port}", host_name(host, port)
    return _fit(
        [
            lambda f: (
                f"{where}: host key: CHANGED, server offers {offered}; nothing sent. "
                f"If expected: ssh-keygen -R '{name}' -f {f}"
            ),
            lambda f: (
                f"{where}: host key: CHANGED to {offered}; nothing sent; "
                f"if expected, remove its line from {f}"
            ),
        ],
        str(file),
    )


def unknown(host: str, port: int, offered: str, file: Path | str) -> str:
    """host_key_check=strict and nothing pinned for this host."""
    where = f"{host}:{port}"
    return _fit(
        [
            lambda f: (
                f"{where}: host key: unknown (strict), server offers {offered}, not in "
                f"{f}; check it out of band, then add it or use accept-new"
            ),
            lambda f: (
                f"{where}: host key: unknown (strict): {offered} not in {f}; "
                "check it, add it or use accept-new"
            ),
        ],
        str(file),
    )


def revoked(host: str, port: int, offered: str, file: Path | str) -> str:
    """The server offers a key marked @revoked: refused whatever the check mode (but off)."""
    where = f"{host}:{port}"
    return _fit(
        [
            lambda f: (
                f"{where}: host key: REVOKED, server offers {offered}, marked @revoked "
                f"in {f}; nothing sent. Give the router a new key, then pin that"
            ),
            lambda f: (
                f"{where}: host key: REVOKED: {offered} in {f}; "
                "give the router a new key, then pin that"
            ),
        ],
        str(file),
    )


def refused(where: str, step: str, file: Path | str) -> str:
    """A driver refused the key and did not say which it was offered."""
    return _fit(
        [lambda f: f"{where}: {step}: host key refused; check it out of band and fix {f}"],
        str(file),
    )


def elide(path: str, width: int) -> str:
    """`path` in at most `width` characters: its middle replaced by `...`, its end (the
    file name) kept."""
    if len(path) <= width:
        return path
    keep = max(width - 3, 1)
    tail = max(keep * 2 // 3, min(len(Path(path).name), keep))
    return f"{path[: keep - tail]}...{path[len(path) - tail :]}"


def _fit(forms: list[Callable[[str], str]], file: str) -> str:
    """The first form that fits with the whole path, else the last with the path elided."""
    for form in forms:
        text = form(file)
        if len(text) <= LIMIT:
            return text
    last = forms[-1]
    room = LIMIT - len(last(""))
    return last(elide(file, max(room, len(Path(file).name) + 3)))
