"""Layers import one way: base (kaynak) <- ingest <- index <- assistant <- application (app, ui, evaluation).

Every import in every module is read from its source (also those inside functions and under TYPE_CHECKING),
so a lazy import cannot hide an upward dependency, and the module graph must have no cycle.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"kaynak": 0, "ingest": 1, "index": 2, "assistant": 3, "app": 4, "ui": 4, "evaluation": 4}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Project modules this file imports, resolved to dotted names (relative imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return {m for m in found if m.split(".")[0] in LAYERS}


def _graph() -> dict[str, set[str]]:
    files = [p for top in LAYERS for p in (ROOT / top).rglob("*.py")]
    modules = {_module_name(p): p for p in files}
    graph = {}
    for name, path in modules.items():
        # "from index import store" names the module index.store; keep only names that are modules
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_no_module_imports_a_higher_layer() -> None:
    wrong = [
        f"{mod} imports {dep}"
        for mod, deps in _graph().items()
        for dep in deps
        if LAYERS[dep.split(".")[0]] > LAYERS[mod.split(".")[0]]
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep):], dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("package", ["ingest", "index", "assistant"])
def test_library_never_imports_the_web_framework(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {m for m in names if m.split(".")[0] == "gradio"}, path
