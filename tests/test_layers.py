"""The layers of docs/architecture.md: each package of src/okrctl imports only from the
packages below it, and no modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "okrctl"

# bottom first; packages on one floor never import each other
FLOORS = [
    {"core"},
    {"load"},
    {"git"},
    {"metrics"},
    {"rules"},
    {"evaluate"},
    {"edit", "review"},
    {"render"},
    {"cli"},
]
FLOOR = {package: number for number, floor in enumerate(FLOORS) for package in floor}


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["okrctl", *parts])


def imports(src: Path) -> dict[str, set[str]]:
    """``{module: okrctl modules it imports}``, wherever in the module the import stands
    (a lazy import inside a function is an import too)."""
    modules = {module_name(p, src): p for p in src.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if not node.module.startswith("okrctl"):
                    continue
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    found.add(child if child in modules else node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("okrctl")}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in FLOOR) else None


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a package to one on a higher floor or beside it, as 'a -> b'."""
    found = []
    for source, targets in sorted(graph.items()):
        low = package(source)
        for target in sorted(targets):
            high = package(target)
            if low is None or high is None or low == high:
                continue
            if FLOOR[high] >= FLOOR[low]:
                found.append(f"{source} -> {target}")
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_package_is_on_a_floor() -> None:
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(FLOOR)
    assert sorted(p.name for p in SRC.glob("*.py")) == ["__init__.py", "__main__.py"]


def test_imports_only_run_down() -> None:
    assert upward(imports(SRC)) == []


def test_no_import_circle() -> None:
    graph = imports(SRC)
    # a package's __init__ that loads its own modules (rules.load_all) is no circle
    for name in list(graph):
        if name.count(".") == 1:
            graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    assert circles(graph) == []


def test_the_checks_find_what_they_look_for() -> None:
    graph = {
        "okrctl.core.model": {"okrctl.render.escape"},
        "okrctl.edit.fmt": {"okrctl.review.diff"},
        "okrctl.review.diff": {"okrctl.edit.fmt"},
    }
    assert upward(graph) == [
        "okrctl.core.model -> okrctl.render.escape",
        "okrctl.edit.fmt -> okrctl.review.diff",
        "okrctl.review.diff -> okrctl.edit.fmt",
    ]
    assert circles(graph) == [["okrctl.edit.fmt", "okrctl.review.diff"]]
