"""`ios-ssh intents`: the intents shipped with ios_ssh, usable by name."""

from __future__ import annotations

from pathlib import Path

from .app import app
from .common import bad_input, console


@app.command("intents")
def list_intents() -> None:
    """List the shipped intents (use a name where an intent file is asked for)."""
    from ..intents import IntentNotFound, directory, names

    try:
        folder = directory()
    except IntentNotFound as exc:
        raise bad_input(f"intents: {exc}") from None
    for name in names():
        about = _about(folder / f"{name}.yaml")
        console.print(f"{name:<16} {about}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"(in {folder})", markup=False, highlight=False, soft_wrap=True)


def _about(file: Path) -> str:
    """The first sentence of the file's opening comment: what the intent is for."""
    words: list[str] = []
    for line in file.read_text().splitlines():
        if not line.startswith("#"):
            break
        words.append(line.lstrip("#").strip())
    text = " ".join(words)
    return text.split(". ", 1)[0].rstrip(".") + "." if text else ""
