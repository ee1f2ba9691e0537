"""YAML as users write it, read strictly: UTF-8 text, no duplicate keys (YAML's "last one
wins" silently drops a setting), and errors that name the file and line, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlProblem(ValueError):
    """A YAML source that cannot be used; the message is one line and names the source."""


class _UniqueKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlProblem(
                    f"line {line}: key {key!r} appears twice (first at line {seen[key]})"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def read_text(path: Path) -> str:
    """A user's text file (an intent, an inventory, saved device output), or YamlProblem
    saying plainly why it cannot be read."""
    if path.is_dir():
        raise YamlProblem(f"{path}: is a directory, not a YAML file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise YamlProblem(f"{path}: no such file") from None
    except OSError as exc:
        raise YamlProblem(f"{path}: {exc.strerror or exc}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise YamlProblem(f"{path}: not UTF-8 text (UTF-16 or binary); save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def loads(text: str, source: str = "YAML") -> Any:
    """Parse YAML text strictly; YamlProblem names `source` and the line."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: no objects
    except YamlProblem as exc:
        raise YamlProblem(f"{source}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlProblem(f"{source}: {where}not valid YAML: {what}") from None


def load(path: Path) -> Any:
    return loads(read_text(path), str(path))
