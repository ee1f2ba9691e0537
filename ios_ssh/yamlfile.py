"""YAML as users write it, read strictly: UTF-8 text, no duplicate keys (YAML's "last one
wins" silently drops a setting), and errors that name the file and line, never a traceback.

Aliases are bounded. PyYAML builds `&a [...]` once and shares it wherever `*a` appears, so
a 500-byte file of nested aliases (a "billion laughs") loads in milliseconds, but whatever
walks the result as a tree visits every shared copy: since the intent model checks every
string that can reach the CLI (`intent._check_cli_strings`, walking every list and value),
such a file made `validate` and `apply` run for hours. So the document's size as a tree is
counted on PyYAML's node graph before anything is built (each node once, shared ones
by reference), and a document larger than MAX_NODES, or a value that contains itself, is
one error line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlProblem(ValueError):
    """A YAML source that cannot be used; the message is one line and names the source."""


MAX_NODES = 100_000  # a large inventory is a few thousand; a bomb is billions


def _check_tree_size(root: yaml.Node) -> None:
    """YamlProblem when `root`, as a tree (an alias counted each time it is used), passes
    MAX_NODES or contains itself. Each node is visited once, so a bomb is refused fast."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_NODES:
                raise YamlProblem(
                    f"line {node.start_mark.line + 1}: aliases (*name) expand this to more "
                    f"than {MAX_NODES:,} values; write the values out instead"
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlProblem(
                f"line {node.start_mark.line + 1}: an alias (*name) inside the value it names"
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class _UniqueKeyLoader(yaml.SafeLoader):
    def get_single_data(self) -> Any:
        node = self.get_single_node()  # type: ignore[no-untyped-call]
        if node is None:
            return None
        _check_tree_size(node)
        return self.construct_document(node)  # type: ignore[no-untyped-call]

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
