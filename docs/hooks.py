"""mkdocs hooks: the intent reference from the schema, and no undocumented public name.

`on_page_markdown` puts `ios_ssh.intent_doc.intent_reference()` (the table the README and
`ios-ssh schema --markdown` carry) where a page says `<!-- intent-reference -->`.

`on_pre_build` loads ios_ssh with griffe (as mkdocstrings does) and warns for every public
function, class and method, among the objects the pages document (`::: name` lines), that
has no docstring, and for every name in `ios_ssh.__all__` and `ios_ssh.nornir.__all__` that
no page documents. mkdocs counts the warnings: `mkdocs build --strict` then fails.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import griffe

log = logging.getLogger("mkdocs.hooks.ios_ssh")
MARKER = "<!-- intent-reference -->"
TARGET = re.compile(r"^::: ([\w.]+)", re.MULTILINE)
ROOT = Path(__file__).resolve().parent.parent


def on_page_markdown(markdown: str, **_: Any) -> str:
    if MARKER not in markdown:
        return markdown
    from ios_ssh.intent_doc import intent_reference

    # Angle brackets in the table are placeholders (`<hostname>.<domain>`), not HTML.
    table = intent_reference().replace("<", "&lt;").replace(">", "&gt;")
    return markdown.replace(MARKER, table)


def on_pre_build(config: Any, **_: Any) -> None:
    docs = Path(config["docs_dir"])
    targets = [t for page in sorted(docs.rglob("*.md")) for t in TARGET.findall(page.read_text())]
    package = griffe.load("ios_ssh", search_paths=[str(ROOT)], resolve_aliases=True)
    documented: set[str] = set()
    for target in targets:
        try:
            obj = (
                _final(package[target.removeprefix("ios_ssh.")]) if target != "ios_ssh" else package
            )
        except (KeyError, griffe.AliasResolutionError):
            log.warning("::: %s names nothing in ios_ssh", target)
            continue
        for problem in _undocumented(obj, documented):
            log.warning("undocumented public name: %s (give it a docstring)", problem)
    for module in ("ios_ssh", "ios_ssh.nornir"):
        exported = _final(
            package[module.removeprefix("ios_ssh").lstrip(".")] if "." in module else package
        )
        for name in exported.exports or []:
            obj = _final(exported[name])
            if obj.is_module and name in obj.members:  # `from .parse import parse`
                obj = _final(obj.members[name])
            path = obj.path
            if path not in documented:
                log.warning("%s.%s (%s) is on no page of the API reference", module, name, path)


def _final(obj: Any) -> Any:
    return obj.final_target if obj.is_alias else obj


def _undocumented(obj: Any, seen: set[str]) -> list[str]:
    """`obj` and its public members (a module's exports or its own public names; a class's
    public methods), each without a docstring; records every path it covers in `seen`."""
    seen.add(obj.path)
    missing = [] if obj.docstring else [obj.path]
    if obj.is_module:
        names = obj.exports or [n for n, m in obj.members.items() if not m.is_alias]
        for name in names:
            member = obj.members[name]
            if (
                name.startswith("_")
                or member.is_alias
                and member.target_path.split(".")[0] != "ios_ssh"
            ):
                continue
            member = _final(member)
            if member.is_function or member.is_class:
                missing += _undocumented(member, seen)
    elif obj.is_class:
        for name, member in obj.members.items():
            if name.startswith("_") or member.is_alias:
                continue
            if member.is_function or member.is_class:
                seen.add(member.path)
                if not member.docstring:
                    missing.append(member.path)
    return missing
