"""The problems reading a YAML file can find, and the limits that bound the work.

Every problem is a ``ReadProblem`` (code, message, 1-based line and column, hint): a file
above ``MAX_FILE_BYTES`` (Y004), nesting deeper than ``MAX_DEPTH`` (Y006), a syntax error
as libyaml reports it (Y001, with a hint where the fault is a common one). The codes are
listed in docs/rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from okrctl.core.encodings import DETECTED
from okrctl.core.i18n import msg

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
        msg(
            "file is {size} bytes; goal and config files may be at most {limit} bytes",
            size=f"{size:,}",
            limit=f"{MAX_FILE_BYTES:,}",
        ),
        0,
        0,
        msg("split it into several files under the goals globs"),
    )


def bad_bom(codec: str, reason: str) -> ReadProblem:
    """Y003 for a file whose UTF-16/32 byte-order mark the rest does not follow."""
    return ReadProblem(
        "Y003",
        msg("file starts with a {codec} mark but {reason}", codec=codec, reason=reason),
        1,
        1,
    )


def wide_text(codec: str) -> ReadProblem:
    """Y010 for a file in UTF-16 or UTF-32 (read, but binary to git)."""
    return ReadProblem(
        "Y010",
        msg(
            "file is {codec}; okrctl reads it, but git and most editors treat it as binary",
            codec=codec.upper(),
        ),
        1,
        1,
        msg("save it as UTF-8"),
    )


def binary(line: int, column: int) -> ReadProblem:
    """Y005 for a NUL byte at ``line``, ``column``."""
    return ReadProblem(
        "Y005",
        msg("file holds a NUL byte: it is binary, not YAML"),
        line,
        column,
        msg("remove it from the goals globs or save it as UTF-8 text"),
    )


def not_utf8(byte: int, line: int, column: int, guess: str | None) -> ReadProblem:
    """Y003 for ``byte`` that does not decode as UTF-8, naming the encoding the file
    looks like (``guess``, a codec name) when there is one."""
    if guess is None:
        message = msg("file is not UTF-8: byte 0x{byte:02x} cannot be decoded", byte=byte)
        hint = msg("save it as UTF-8 (GB18030 is read for metric CSV files, not for YAML)")
    else:
        message = msg(
            "file is not UTF-8: byte 0x{byte:02x} cannot be decoded; this looks like {guess}",
            byte=byte,
            guess=DETECTED[guess],
        )
        hint = msg(
            "save it as UTF-8 (GB18030 is read for metric CSV files, not for YAML), "
            "e.g. `iconv -f {guess} -t utf-8`",
            guess=guess,
        )
    return ReadProblem("Y003", message, line, column, hint)


def too_deep(line: int, column: int) -> ReadProblem:
    """Y006 for nesting deeper than ``MAX_DEPTH``, at 1-based ``line`` and ``column``."""
    return ReadProblem(
        "Y006",
        msg("nesting deeper than {depth} levels", depth=MAX_DEPTH),
        line,
        column,
        msg("goal files need only a few levels; flatten the structure"),
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
    # libyaml's own words (the problem and its context) are English whatever the language
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        message = msg(
            "invalid YAML: {problem} ({context} at line {line})",
            problem=problem,
            context=exc.context,
            line=exc.context_mark.line + 1,
        )
    elif exc.context:
        message = msg("invalid YAML: {problem} ({context})", problem=problem, context=exc.context)
    else:
        message = msg("invalid YAML: {problem}", problem=problem)
    hint = None
    if found == "\t" or "tab" in problem:
        hint = msg("YAML indentation must use spaces, not tabs")
    elif found in ("%", "@", "`"):
        hint = msg("quote values that start with %, @ or `, e.g. unit_label: '%'")
    elif "mapping values are not allowed" in problem:
        hint = msg("quote text that contains ': ', e.g. title: 'Goal: grow'")
    elif "expected a single document" in problem:
        hint = msg("keep one YAML document per file (remove the extra '---')")
    elif "undefined alias" in problem:
        hint = msg("define the anchor (&name) before using the alias (*name)")
    return ReadProblem("Y001", message, line, column, hint)
