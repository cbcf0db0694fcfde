"""Repeated data problems reported once: 295 dates in one column that are not ISO dates
are one diagnostic with the count, the first lines and the fix, not 295 lines."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from okrctl.core.plural import agreeing, counted
from okrctl.metrics.cells import suggest_date_format
from okrctl.metrics.rows import EXCEL_ERRORS, EXCEL_HINT, VALUE_HINT
from okrctl.metrics.source import DataProblem

GROUP_FROM = 4  # this many problems of one kind in one column become one diagnostic
SHOWN_LINES = 5
GROUPED = ("D001", "D002", "D003", "D008", "D009")


def _lines(problems: list[DataProblem]) -> str:
    shown = ", ".join(str(p.line) for p in problems[:SHOWN_LINES])
    more = len(problems) - SHOWN_LINES
    return f"on lines {shown}" + (f" and {more} more" if more > 0 else "")


def _cells(problems: list[DataProblem]) -> str:
    counts = Counter(p.cell for p in problems if p.cell is not None)
    shown = [f"'{text}'" + (f" ({n})" if n > 1 else "") for text, n in counts.most_common(3)]
    if len(counts) > 3:
        shown.append("...")
    return ", ".join(shown)


def _phrase(code: str, problems: list[DataProblem]) -> str:
    first, n = problems[0], len(problems)
    if code == "D001":
        return f"{counted(n, 'duplicate row')}"
    if code == "D002":
        return (
            f"{counted(n, 'value')} "
            f"{agreeing(n, 'is not a finite number', 'are not finite numbers')}: {_cells(problems)}"
        )
    if code == "D003":
        what = "ISO dates (YYYY-MM-DD)"
        if "does not match date_format" in first.message:
            what = "in " + first.message.split("does not match ", 1)[-1]
        return f"{counted(n, 'date')} {agreeing(n, 'is', 'are')} not {what}: {_cells(problems)}"
    if code == "D008":
        return f"{counted(n, 'value')} {agreeing(n, 'is', 'are')} empty"
    if first.column > 1:
        return (
            f"{counted(n, 'value')} {agreeing(n, 'sits', 'sit')} under a column without a name: "
            f"{_cells(problems)}"
        )
    return f"{counted(n, 'row')} {agreeing(n, 'has', 'have')} more or fewer fields than the header"


def _hint(code: str, problems: list[DataProblem], date_hint: str | None) -> str | None:
    if code == "D003" and date_hint:
        return date_hint
    if code == "D002":
        excel = [(p.cell or "").upper() in EXCEL_ERRORS for p in problems]
        if all(excel):
            return EXCEL_HINT
        if any(excel):
            return (
                "fix the export: correct the formulas behind Excel's error values, or export "
                "those cells empty (missing data); okrctl never guesses or skips a value"
            )
        return VALUE_HINT
    return problems[0].hint


def group_problems(problems: list[DataProblem]) -> list[DataProblem]:
    """``problems`` with each kind (code and column) that occurs ``GROUP_FROM`` times or
    more replaced by one problem at its first line; D003 hints name the ``date_format``
    that reads the dates, when one does."""
    buckets: dict[tuple[str, int], list[DataProblem]] = defaultdict(list)
    for problem in problems:
        if problem.code in GROUPED and problem.line:
            buckets[(problem.code, problem.column)].append(problem)
    date_hints = {
        key: suggest_date_format([p.cell or "" for p in items])
        for key, items in buckets.items()
        if key[0] == "D003"
    }
    out = []
    for problem in problems:
        key = (problem.code, problem.column)
        items = buckets.get(key) if problem.code in GROUPED and problem.line else None
        if items is None:
            out.append(problem)
        elif len(items) < GROUP_FROM:
            hint = date_hints.get(key)
            out.append(replace(problem, hint=hint or problem.hint))
        elif problem is items[0]:
            message = f"{_phrase(problem.code, items)}, {_lines(items)}"
            if problem.code in ("D001", "D008"):
                message += f"; the first: {problem.message}"
            hint = _hint(problem.code, items, date_hints.get(key))
            out.append(DataProblem(problem.code, problem.line, message, hint, problem.column))
    return out
