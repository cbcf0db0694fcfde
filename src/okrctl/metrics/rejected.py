"""Numbers that rest on input okrctl left out, said the same way by every command.

The metric layer names each cell or row it refused (``metrics.source.Rejected``) and the
evaluation attaches them to the results whose window they fall in; this module turns them
into warnings: per source file and metric, how many cells, which lines, which goals. Every
command that prints numbers shows them as a footnote, marks the rows they touch, and lists
them under ``warnings`` in JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from okrctl.core.i18n import localize
from okrctl.metrics.source import Rejected

SHOWN_LINES = 10
_ROW_CODES = ("D001", "D009")  # a whole row left out; D002, D003: a cell; D008: an empty one

_EN = {
    "cells": ("{n} cell rejected", "{n} cells rejected"),
    "rows": ("{n} row rejected", "{n} rows rejected"),
    "empty": ("{n} empty value", "{n} empty values"),
    "comma": ", ",
    "and": " and ",
    "line": ("line {lines}", "lines {lines}"),
    "more": "{shown}, ... ({n} in all)",
    "warning": "{what} in {file}{metric}, {lines}: see okrctl check",
    "warning_table": "{what} in {file}{metric}: see okrctl check",
    "short_table": "{what}: {file}",
    "unread": "{file} could not be read ({why}): see okrctl check",
    "short": "{what}: {file} {lines}",
    "short_unread": "{file} not read",
    "metric": " ({metric})",
}
_ZH = {
    "cells": ("{n} 个单元格被拒绝", "{n} 个单元格被拒绝"),
    "rows": ("{n} 行被拒绝", "{n} 行被拒绝"),
    "empty": ("{n} 个空值", "{n} 个空值"),
    "comma": "，",
    "and": "，",
    "line": ("第 {lines} 行", "第 {lines} 行"),
    "more": "{shown}……（共 {n} 行）",
    "warning": "{file}{metric}中有 {what}（{lines}），见 okrctl check",
    "warning_table": "{file}{metric}中有 {what}，见 okrctl check",
    "short_table": "{what}：{file}",
    "unread": "{file} 无法读取（{why}），见 okrctl check",
    "short": "{what}：{file} {lines}",
    "short_unread": "{file} 未能读取",
    "metric": "（{metric}）",
}


def unique(items: Iterable[Rejected]) -> tuple[Rejected, ...]:
    """Each rejected cell once, in file and line order."""
    seen: dict[Rejected, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(sorted(seen, key=lambda r: (r.file, r.problem.line, r.problem.column)))


@dataclass(frozen=True, slots=True)
class DataWarning:
    """Input left out of numbers that a command prints: one source file and metric
    (``metric`` None: rows whose metric could not be read, or the whole file)."""

    file: str
    metric: str | None
    rejected: tuple[Rejected, ...]
    goals: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        # an item of a large file counted past its cap stands for ``count`` cells
        return sum(r.count for r in self.rejected)

    @property
    def lines(self) -> tuple[int, ...]:
        # a database's rows have no lines (metrics/warehouse.py): line 0 is not shown
        return tuple(sorted({r.problem.line for r in self.rejected} - {0}))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(sorted({r.problem.code for r in self.rejected}))

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics whose cells were refused, in the order of their first line."""
        seen: dict[str, None] = {}
        for item in self.rejected:
            if item.metric is not None and not item.whole_file:
                seen.setdefault(item.metric, None)
        return tuple(seen)

    @property
    def unread(self) -> Rejected | None:
        """The problem that left the file unread, if that is what this is."""
        return next((r for r in self.rejected if r.whole_file), None)

    def what(self, lang: str = "en") -> str:
        """``3 cells rejected``, ``1 cell rejected and 1 empty value``."""
        return self._what(_ZH if lang == "zh" else _EN)

    def _what(self, words: dict[str, Any]) -> str:
        counts = {
            "cells": sum(
                r.count for r in self.rejected if not r.missing and r.problem.code not in _ROW_CODES
            ),
            "rows": sum(r.count for r in self.rejected if r.problem.code in _ROW_CODES),
            "empty": sum(r.count for r in self.rejected if r.missing),
        }
        parts = [str(words[k][n != 1]).format(n=n) for k, n in counts.items() if n]
        if len(parts) < 2:
            return "".join(parts)
        return str(words["comma"]).join(parts[:-1]) + str(words["and"]) + parts[-1]

    def _lines(self, words: dict[str, Any]) -> str:
        lines = self.lines
        shown = ", ".join(str(n) for n in lines[:SHOWN_LINES])
        if len(lines) > SHOWN_LINES:
            shown = str(words["more"]).format(shown=shown, n=len(lines))
        return str(words["line"][len(lines) != 1]).format(lines=shown)

    def text(self, lang: str = "en") -> str:
        """The footnote: ``2 cells rejected in metrics/fin.csv (营业收入), lines 3, 4: see
        okrctl check``."""
        words = _ZH if lang == "zh" else _EN
        unread = self.unread
        if unread is not None:
            why = localize(unread.problem.message, lang)
            return str(words["unread"]).format(file=self.file, why=why)
        names = list(self.metrics[:3]) + (["..."] if len(self.metrics) > 3 else [])
        metric = str(words["metric"]).format(metric=", ".join(names)) if names else ""
        template = words["warning"] if self.lines else words["warning_table"]
        return str(template).format(
            what=self._what(words), file=self.file, metric=metric, lines=self._lines(words)
        )

    def short(self, lang: str = "en") -> str:
        """The marker on a row: ``2 cells rejected: metrics/fin.csv lines 3, 4``."""
        words = _ZH if lang == "zh" else _EN
        if self.unread is not None:
            return str(words["short_unread"]).format(file=self.file)
        template = words["short"] if self.lines else words["short_table"]
        return str(template).format(
            what=self._what(words), file=self.file, lines=self._lines(words)
        )

    @property
    def message(self) -> str:
        return self.text()

    def as_dict(self, *, goals: bool = True) -> dict[str, Any]:
        """The machine-readable form, in every JSON output."""
        out: dict[str, Any] = {
            "kind": "unread-data" if self.unread is not None else "rejected-data",
            "file": self.file,
            "metric": self.metric,
            "count": self.count,
            "lines": list(self.lines),
            "codes": list(self.codes),
            "message": self.message,
        }
        if goals:
            out["goals"] = list(self.goals)
        return out


def warnings_for(items: Iterable[tuple[str, Sequence[Rejected]]]) -> list[DataWarning]:
    """The warnings of the numbers ``items`` (goal id, the input its number misses)
    print: one per file and metric, naming the goals it touches."""
    found: dict[tuple[str, str | None], tuple[list[Rejected], list[str]]] = {}
    for goal, rejected in items:
        for item in rejected:
            metric = None if item.whole_file else item.metric
            cells, goals = found.setdefault((item.file, metric), ([], []))
            cells.append(item)
            if goal and goal not in goals:
                goals.append(goal)
    return [
        DataWarning(file, metric, unique(cells), tuple(goals))
        for (file, metric), (cells, goals) in sorted(
            found.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        )
    ]


def by_file(warnings: Sequence[DataWarning]) -> list[DataWarning]:
    """One warning per file (the footnotes of text output); JSON keeps one per metric."""
    merged: dict[str, tuple[list[Rejected], list[str]]] = {}
    for warning in warnings:
        cells, goals = merged.setdefault(warning.file, ([], []))
        cells.extend(warning.rejected)
        goals.extend(g for g in warning.goals if g not in goals)
    return [
        DataWarning(file, None, unique(cells), tuple(goals))
        for file, (cells, goals) in merged.items()
    ]


def count_note(rejected: Sequence[Rejected], lang: str = "en") -> str | None:
    """How much input was left out, without where: ``3 cells rejected``."""
    if not rejected:
        return None
    return DataWarning("", None, unique(rejected)).what(lang)


def row_note(rejected: Sequence[Rejected], lang: str = "en") -> str | None:
    """What a row's number misses, in a few words, per file; None when nothing."""
    by_file: dict[str, list[Rejected]] = {}
    for item in rejected:
        by_file.setdefault(item.file, []).append(item)
    if not by_file:
        return None
    return "; ".join(
        DataWarning(file, None, unique(cells)).short(lang) for file, cells in by_file.items()
    )
