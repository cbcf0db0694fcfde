"""The problems reading a YAML file can find, and the limits that bound the work.

Every problem is a ``ReadProblem`` (code, message, 1-based line and column, hint): a file
above ``MAX_FILE_BYTES`` (Y004), nesting deeper than ``MAX_DEPTH`` (Y006), a syntax error
as libyaml reports it (Y001, with a hint where the fault is a common one). The codes are
listed in docs/rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 10_000


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something wrong in a file's bytes or YAML, before any meaning is given to it."""

    code: str
    message: str
    line: int
    column: int
    hint: str | None = None


class Stop(Exception):
    """Raised inside the reader to end it at once with ``problem``."""

    def __init__(self, problem: ReadProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def too_large(size: int) -> ReadProblem:
    """Y004 for a file of ``size`` bytes, above ``MAX_FILE_BYTES``."""
    return ReadProblem(
        "Y004",
        f"file is {size:,} bytes; goal and config files may be at most {MAX_FILE_BYTES:,} bytes",
        0,
        0,
        "split it into several files under the goals globs",
    )


def too_deep(line: int, column: int) -> ReadProblem:
    """Y006 for nesting deeper than ``MAX_DEPTH``, at 1-based ``line`` and ``column``."""
    return ReadProblem(
        "Y006",
        f"nesting deeper than {MAX_DEPTH} levels",
        line,
        column,
        "goal files need only a few levels; flatten the structure",
    )


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of the character at ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> ReadProblem:
    """Y001 for the syntax error ``exc`` libyaml found in ``text``, at its mark, with the
    offending character named and a hint for the common faults (tabs, a value starting
    with %, @ or `, an unquoted ': ', a second document, an undefined alias)."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    problem = exc.problem or "invalid YAML"
    found = ""
    if mark is not None and "found character" in problem:
        lines = text.split("\n", mark.line + 1)
        if mark.line < len(lines) and mark.column < len(lines[mark.line]):
            found = lines[mark.line][mark.column]
            problem = problem.replace("found character", f"found character {found!r}")
    message = f"invalid YAML: {problem}"
    if exc.context:
        message += f" ({exc.context}"
        if exc.context_mark and exc.context_mark is not mark:
            message += f" at line {exc.context_mark.line + 1}"
        message += ")"
    hint = None
    if found == "\t" or "tab" in problem:
        hint = "YAML indentation must use spaces, not tabs"
    elif found in ("%", "@", "`"):
        hint = "quote values that start with %, @ or `, e.g. unit_label: '%'"
    elif "mapping values are not allowed" in problem:
        hint = "quote text that contains ': ', e.g. title: 'Goal: grow'"
    elif "expected a single document" in problem:
        hint = "keep one YAML document per file (remove the extra '---')"
    elif "undefined alias" in problem:
        hint = "define the anchor (&name) before using the alias (*name)"
    return ReadProblem("Y001", message, line, column, hint)
