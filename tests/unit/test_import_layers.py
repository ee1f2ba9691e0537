"""No two modules of ios_ssh import each other at module level, directly or around a
circle (issue 23 item 5: engine/fleet.py, processes.py and dask.py once did). A circle
works only in some import orders; the plain data modules share (engine/jobs.py) is how
the engine avoids one. Imports inside functions, and under `if TYPE_CHECKING:`, are
deliberate late bindings and are not counted."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ios_ssh"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The ios_ssh modules `name` imports at module level."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    deps: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if full in modules:
                    deps.add(full)  # `from . import submodule`
                elif source in modules:
                    deps.add(source)
        elif isinstance(node, ast.Import):
            deps.update(alias.name for alias in node.names if alias.name in modules)
    deps.discard(name)
    return deps


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for start, deps in graph.items():
        if start in index:
            continue
        work = [(start, iter(sorted(deps)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for dep in edges:
                if dep not in index:
                    index[dep] = low[dep] = len(index)
                    stack.append(dep)
                    on_stack.add(dep)
                    work.append((dep, iter(sorted(graph[dep]))))
                    break
                if dep in on_stack:
                    low[node] = min(low[node], index[dep])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        circles.append(sorted(group))
    return circles


def test_no_module_level_import_circle_in_the_package() -> None:
    modules = _modules()
    assert "ios_ssh.engine.fleet" in modules and "ios_ssh.engine.dask" in modules
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert graph["ios_ssh.engine.dask"], "the walk sees the engine's imports"
    assert _circles(graph) == []


def test_the_walk_finds_a_circle_when_there_is_one() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []
