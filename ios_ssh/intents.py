"""The intents shipped with ios_ssh (hardening, full, console-server, scp-aaa), by name.

In a checkout they are `inventory/intents/*.yaml`; the wheel carries the same files as
package data (`ios_ssh/_intents`, see pyproject.toml), so `ios-ssh apply hardening` works
from any directory once installed. A name is the file's stem; a path is used as given.
"""

from __future__ import annotations

from pathlib import Path

from .errors import IosSshError

_HERE = Path(__file__).resolve().parent
# The wheel's package data first, then the checkout's folder (an editable install).
_PLACES = (_HERE / "_intents", _HERE.parent / "inventory" / "intents")


class IntentNotFound(IosSshError):
    """Neither a file at that path nor a shipped intent of that name."""


def directory() -> Path:
    """The folder that holds the shipped intents."""
    for place in _PLACES:
        if (place / "hardening.yaml").is_file():
            return place
    raise IntentNotFound(
        "the shipped intents are missing from this installation (looked in "
        + " and ".join(str(p) for p in _PLACES)
        + "): reinstall ios-ssh"
    )


def names() -> list[str]:
    """The shipped intents' names, sorted: what `ios-ssh intents` lists."""
    return sorted(p.stem for p in directory().glob("*.yaml"))


def path(name: str | Path) -> Path:
    """The file for `name`: an existing path as given, else the shipped intent of that
    name (`hardening` or `hardening.yaml`).

    Raises:
        IntentNotFound: Neither exists; the message names the shipped intents.
    """
    given = Path(name).expanduser()
    if given.exists():  # a path wins (and a directory says so when it is read)
        return given
    text = str(name)
    stem = text.removesuffix(".yaml")
    if "/" not in text and stem:
        shipped = directory() / f"{stem}.yaml"
        if shipped.is_file():
            return shipped
    raise IntentNotFound(
        f"{text}: no such file, and no shipped intent of that name "
        f"(shipped: {', '.join(names())}; `ios-ssh intents` lists them)"
    )
