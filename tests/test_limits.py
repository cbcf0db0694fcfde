"""The size limits of the source (issue 12, item 5): no module over 500 lines, no function
over 80 lines, and no source comment citing a file outside the repository."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "okrctl"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80

# Modules or functions allowed over the limits while being split on a parallel branch;
# each entry names one module or one function, never a whole file's functions. None now.
PENDING: set[tuple[str, str | None]] = set()


def over_limits(src: Path) -> list[str]:
    """Each module over MAX_MODULE_LINES and each function or method over
    MAX_FUNCTION_LINES (end_lineno - lineno + 1, decorators excluded) under ``src``, as
    'path: lines' or 'path:line name: lines', except those in PENDING."""
    found = []
    for path in sorted(src.rglob("*.py")):
        name = path.relative_to(src).as_posix()
        text = path.read_text("utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES and (name, None) not in PENDING:
            found.append(f"{name}: {lines}")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES and (name, node.name) not in PENDING:
                    found.append(f"{name}:{node.lineno} {node.name}: {length}")
    return found


def outside_references(src: Path) -> list[str]:
    """Lines under ``src`` that cite the shared files beside the project (a user's clone
    has none of them), as 'path:line'."""
    found = []
    for path in sorted(src.rglob("*.py")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            shared = "shared/" in line and (".md" in line or "SPEC" in line or "DOMAIN" in line)
            if shared or re.search(r"\bSPEC\b|SPEC\.md|DOMAIN\.md", line):
                found.append(f"{path.relative_to(src).as_posix()}:{number}")
    return found


def test_no_module_or_function_over_the_limits() -> None:
    assert over_limits(SRC) == []


def test_source_cites_only_the_projects_own_docs(tmp_path: Path) -> None:
    assert outside_references(SRC) == []
    (tmp_path / "cites.py").write_text('"""Scorecards (SPEC §4.5)."""\n', "utf-8")
    assert outside_references(tmp_path) == ["cites.py:1"]


def undocumented(src: Path) -> list[str]:
    """Public functions, classes and methods under ``src`` without a docstring, as
    'path:line name'."""
    found = []
    for path in sorted(src.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.ClassDef) or node.name.startswith("_"):
                continue
            members = [node] + [
                m
                for m in (node.body if isinstance(node, ast.ClassDef) else [])
                if isinstance(m, ast.FunctionDef) and not m.name.startswith("_")
            ]
            for item in members:
                if ast.get_docstring(item) is None:
                    found.append(f"{path.relative_to(src).as_posix()}:{item.lineno} {item.name}")
    return found


def test_every_public_name_of_the_core_has_a_docstring(tmp_path: Path) -> None:
    assert undocumented(SRC / "core") == []
    (tmp_path / "bare.py").write_text("def shown(x):\n    return x\n", "utf-8")
    assert undocumented(tmp_path) == ["bare.py:1 shown"]
