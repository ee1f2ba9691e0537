"""The host-key refusals as the user reads them: one line under 200 characters (the
project's rule for every error, `message.LIMIT`), naming the host and port, the step, what
is wrong with the key, the offered key's whole SHA256 fingerprint, and the fix.

Every driver says them in these words (session.identity's check, the netmiko driver's
own refusal, the failure mapping). The facts are fixed; the wording is not: each message
has a fuller form and terser ones, and only when none fits is the known_hosts path elided
in its middle (its file name kept). The tersest form fits a 63-character host name on
port 65535, with room left for `message.compose` to put a step before it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..message import LIMIT, elide, fits
from .known_hosts import host_name, shown

__all__ = ["LIMIT", "changed", "elide", "refused", "revoked", "unknown"]


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
            lambda f: f"{where}: host key: CHANGED to {offered}; nothing sent; remove it from {f}",
        ],
        shown(file),
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
            lambda f: f"{where}: host key: unknown: {offered} not in {f}; check it, add it",
        ],
        shown(file),
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
            lambda f: f"{where}: host key: REVOKED: {offered} in {f}; give the router a new key",
        ],
        shown(file),
    )


def refused(where: str, step: str, file: Path | str) -> str:
    """A driver refused the key and did not say which it was offered."""
    return _fit(
        [lambda f: f"{where}: {step}: host key refused; check it out of band and fix {f}"],
        shown(file),
    )


def _fit(forms: list[Callable[[str], str]], file: str) -> str:
    """The first form that fits with the whole path; else the first terse one that fits
    with the path elided to a useful width; only then the last, tersest form (for very
    long host names), its path elided as far as it must be (the file name kept)."""
    *usual, last = forms
    for form in usual:
        if fits(text := form(file)):
            return text
    useful = min(len(file), _USEFUL_PATH)
    for form in usual[1:]:
        room = LIMIT - 1 - len(form(""))
        if room >= useful:
            return form(elide(file, room))
    room = LIMIT - 1 - len(last(""))
    return last(elide(file, max(room, len(Path(file).name) + 3)))


_USEFUL_PATH = 28  # characters of an elided path that still say where it is
