"""Refused input of a large file, located up to a cap and counted beyond it
(docs/metrics.md, "Large files"): memory stays bounded on a file where millions of
cells are refused (``#N/A`` in every third row), and no count is lost.

The row reader (metrics/rows.py) keeps the first ``MAX_LOCATED`` problems and the first
``MAX_LOCATED`` refused cells, each with its line, exactly as the small-file reader does.
Past the cap it counts: per code and column one problem at line 0 (the file) saying how
many more there are, from which line on, and the cell texts met most; per code and
metric one ``Rejected`` with ``count``, the number of refused cells it stands for, and
no date or filter (``None``: it may belong to any), so every number of that metric
says that it may rest on them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from okrctl.core.i18n import msg
from okrctl.metrics.source import DataProblem, Rejected

# problems and refused cells kept with their lines per file; beyond, counted. Through
# check's diagnostics each costs about 2 KB: 100,000 took a GB18030 export with millions
# of refused cells to 952 MiB beside DuckDB's 512 MB, 20,000 leaves room
MAX_LOCATED = 20_000
_TEXTS = 1_000  # distinct cell texts counted per kind past the cap


@dataclass
class _Kind:
    first: DataProblem
    count: int = 0
    texts: Counter[str] = field(default_factory=Counter)


@dataclass
class Overflow:
    """What a row reader refused past its cap, counted."""

    cap: int
    problems: dict[tuple[str, int], _Kind] = field(default_factory=dict)
    rejected: dict[tuple[str, str | None], tuple[Rejected, int]] = field(default_factory=dict)

    def problem(self, problem: DataProblem) -> None:
        kind = self.problems.setdefault((problem.code, problem.column), _Kind(problem))
        kind.count += 1
        cell = problem.cell
        if cell is not None and (cell in kind.texts or len(kind.texts) < _TEXTS):
            kind.texts[cell] += 1

    def reject(self, item: Rejected) -> None:
        key = (item.problem.code, item.metric)
        first, count = self.rejected.get(key, (item, 0))
        self.rejected[key] = (first, count + 1)

    def summary_problems(self) -> list[DataProblem]:
        """One problem at line 0 per code and column counted past the cap."""
        out = []
        for kind in self.problems.values():
            texts = ", ".join(f"'{t}' ({n:,})" for t, n in kind.texts.most_common(3))
            first = kind.first
            values = {
                "count": f"{kind.count:,}",
                "line": first.line,
                "first": first.message,
                "cap": f"{self.cap:,}",
                "texts": texts,
            }
            message = (
                msg(
                    "{count} more problems like line {line} ({first}), from line {line} on, "
                    "not listed one by one: okrctl lists the first {cap} problems of a file; "
                    "cells: {texts}",
                    **values,
                )
                if texts
                else msg(
                    "{count} more problems like line {line} ({first}), from line {line} on, "
                    "not listed one by one: okrctl lists the first {cap} problems of a file",
                    **values,
                )
            )
            out.append(DataProblem(first.code, 0, message, first.hint, first.column))
        return out

    def summary_rejected(self) -> list[Rejected]:
        """One ``Rejected`` per code and metric counted past the cap: ``count`` cells,
        date and filter unknown (it may belong to any)."""
        out = []
        for first, count in self.rejected.values():
            problem = replace(
                first.problem,
                line=0,
                message=msg(
                    "{count} more cells refused from line {line} on, not located",
                    count=f"{count:,}",
                    line=first.problem.line,
                ),
                cell=None,
            )
            out.append(Rejected(first.file, problem, first.metric, None, None, count))
        return out
