"""Records of a metric dump judged cell by cell, the same way for both engines: which
values count, which are refused (with the problem that says why) and what is skipped.

``TableSource`` reads every record through ``RowReader``; the DuckDB engine aggregates in
SQL and, when a file holds anything its scan flags, runs the same reader over the file to
find the lines, so both engines report the same cells with the same codes and lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from okrctl.core import vocabulary
from okrctl.core.i18n import msg
from okrctl.load.config import MetricSource
from okrctl.metrics.cells import CellError, parse_cell, parse_date
from okrctl.metrics.located import Overflow
from okrctl.metrics.source import DataProblem, Rejected

# (metric, date, value, dimension values)
Accepted = tuple[str, dt.date, float, tuple[str, ...]]

VALUE_HINT = msg("fix the export; okrctl never guesses or skips a value")
EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!")
EXCEL_HINT = msg(
    "an Excel error value: fix the formula in the workbook, or export the cell empty "
    "(missing data); okrctl never guesses a value"
)


def value_hint(text: str) -> str:
    return EXCEL_HINT if text.strip().upper() in EXCEL_ERRORS else VALUE_HINT


@dataclass(frozen=True, slots=True)
class Layout:
    """A header resolved against its source: which column plays which part.

    Trailing columns without a name (Excel's empty columns after the data) are left out
    of ``names`` but counted in ``width``, the number of fields every record has."""

    names: tuple[str, ...]
    width: int
    date: int
    metric: int | None = None  # long layout
    value: int | None = None  # long layout
    dimensions: tuple[int, ...] = ()  # long layout
    values: tuple[int, ...] = ()  # wide layout: one metric per column

    @property
    def unnamed(self) -> range:
        return range(len(self.names), self.width)


# header names that usually play a part, for the hint of a missing `columns:` mapping
_LIKELY = {
    "date": {"date", "day", "日期", "时间", "統計日期", "统计日期", "月份", "年月", "period"},
    "metric": {"metric", "指标", "指标名称", "kpi", "name", "名称"},
    "value": {"value", "数值", "值", "金额", "amount"},
}


def resolve_layout(config: MetricSource, header: list[str]) -> Layout | DataProblem:
    """The layout of a file with ``header``, or the D004 problem of a missing column."""
    stripped = [h.strip() for h in header]
    width = len(stripped)
    while stripped and not stripped[-1]:
        stripped.pop()
    names = {"date": "date", "metric": "metric", "value": "value", **config.columns}
    roles = ["date"] if config.layout is vocabulary.Layout.WIDE else ["date", "metric", "value"]
    for role in roles:
        if names[role] not in stripped:
            guesses = [h for h in stripped if h.lower() in _LIKELY[role]]
            mapped = guesses[0] if len(guesses) == 1 else "YOUR_HEADER"
            return DataProblem(
                "D004",
                1,
                msg(
                    "header has no {role} column '{value}' (columns: {value2})",
                    role=role,
                    value=names[role],
                    value2=", ".join(stripped),
                ),
                msg(
                    "map it with `columns: {{{role}: {mapped}}}` on the source",
                    role=role,
                    mapped=mapped,
                )
                if role == "date"
                else msg(
                    "map it with `columns: {{{role}: {mapped}}}` on the source, or declare "
                    "`layout: wide`",
                    role=role,
                    mapped=mapped,
                ),
            )
    date = stripped.index(names["date"])
    if config.layout is vocabulary.Layout.WIDE:
        values = tuple(i for i in range(len(stripped)) if i != date)
        return Layout(tuple(stripped), width, date, values=values)
    metric, value = stripped.index(names["metric"]), stripped.index(names["value"])
    dims = (
        tuple(i for i in range(len(stripped)) if i not in (date, metric, value))
        if config.dimensions
        else ()
    )
    return Layout(tuple(stripped), width, date, metric, value, dims)


@dataclass
class RowReader:
    """Judges records one by one; collects the problems, the input left out and, through
    ``accept``, the values that count."""

    config: MetricSource
    file: str
    layout: Layout
    accept: Callable[[str, dt.date, float, tuple[str, ...], int], None]
    # True: every row is checked against the rows before it (a dict of every key: memory
    # grows with the file); a set: only rows with one of these keys (the duplicated keys a
    # database found, or a filter of key hashes: metrics/bounded.py), so memory grows with
    # the duplicates; False: no check
    duplicates: bool | Container[tuple[object, ...]] = True
    # problems and refused cells kept with their lines; the rest counted in ``overflow``
    # (metrics/located.py); None: all kept
    cap: int | None = None
    problems: list[DataProblem] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    metrics: set[str] = field(default_factory=set)
    latest: dt.date | None = None
    # rows refused as duplicates whose value a sum over every row would count (metric,
    # date, dimension values, value): the DuckDB engine takes them out of its totals
    dropped: list[tuple[str, dt.date, tuple[str, ...], float]] = field(default_factory=list)
    _seen: dict[tuple[object, ...], int] = field(default_factory=dict)
    _dates: dict[str, dt.date | str] = field(default_factory=dict)
    overflow: Overflow = field(init=False)

    def __post_init__(self) -> None:
        self.overflow = Overflow(self.cap or 0)

    def _problem(
        self,
        code: str,
        line: int,
        column: int,
        message: str,
        hint: str | None = None,
        cell: str | None = None,
    ) -> DataProblem:
        problem = DataProblem(code, line, message, hint, column, cell)
        if self.cap is None or len(self.problems) < self.cap:
            self.problems.append(problem)
        else:
            self.overflow.problem(problem)
        return problem

    def _reject(
        self,
        problem: DataProblem,
        metric: str | None,
        day: dt.date | None,
        dims: tuple[tuple[str, str], ...] | None = (),
    ) -> None:
        item = Rejected(self.file, problem, metric, day, dims)
        if self.cap is None or len(self.rejected) < self.cap:
            self.rejected.append(item)
        else:
            self.overflow.reject(item)

    def finish(self) -> None:
        """Add what was counted past the cap: one problem per kind, one ``Rejected`` per
        code and metric (metrics/located.py)."""
        self.problems.extend(self.overflow.summary_problems())
        self.rejected.extend(self.overflow.summary_rejected())
        self.overflow = Overflow(self.overflow.cap)

    def _date(self, text: str, line: int) -> dt.date | DataProblem:
        known = self._dates.get(text)
        if known is None:
            try:
                known = parse_date(text, self.config.date_format)
            except CellError as exc:
                known = exc.args[0]
            if len(self._dates) < 100_000:
                self._dates[text] = known
        if isinstance(known, dt.date):
            return known
        return self._problem("D003", line, self.layout.date + 1, known, cell=text.strip())

    def _number(self, text: str, line: int, column: int, what: str) -> float | DataProblem | None:
        try:
            return parse_cell(text, self.config.decimal)
        except CellError as exc:
            return self._problem(
                "D002",
                line,
                column,
                msg("{what}: {problem}", what=what, problem=exc.args[0]),
                value_hint(text),
                text.strip(),
            )

    def _counted(
        self, metric: str, day: dt.date, value: float, dims: tuple[str, ...], line: int
    ) -> None:
        if self.latest is None or day > self.latest:
            self.latest = day
        self.accept(metric, day, value, dims, line)

    def read(self, line: int, cells: list[str]) -> None:
        if all(not c.strip() for c in cells):
            return  # a blank row: Excel's trailer rows (,,,,) and empty lines
        layout = self.layout
        if len(cells) > layout.width and not any(cells[layout.width :]):
            cells = cells[: layout.width]  # empty fields past the header: nothing in them
        if len(cells) != layout.width:
            problem = self._problem(
                "D009",
                line,
                1,
                msg(
                    "row has {count} fields, the header {width}",
                    count=len(cells),
                    width=layout.width,
                ),
                msg("check for a missing or extra delimiter"),
            )
            self._reject(problem, None, None, None)
            return
        for index in layout.unnamed:
            if cells[index].strip():
                self._problem(
                    "D009",
                    line,
                    index + 1,
                    msg(
                        "a value ('{value}') in column {column}, which has no name in the header",
                        value=cells[index].strip(),
                        column=index + 1,
                    ),
                    msg("name the column in the header, or export without it"),
                    cells[index].strip(),
                )
        if layout.metric is None:
            self._read_wide(line, cells)
        else:
            self._read_long(line, cells)

    def _read_long(self, line: int, cells: list[str]) -> None:
        layout = self.layout
        assert layout.metric is not None and layout.value is not None
        metric = cells[layout.metric]
        self.metrics.add(metric)
        dims = tuple(cells[i] for i in layout.dimensions)
        named = tuple(zip((layout.names[i] for i in layout.dimensions), dims, strict=True))
        day = self._date(cells[layout.date], line)
        value = self._number(
            cells[layout.value], line, layout.value + 1, msg("metric '{metric}'", metric=metric)
        )
        if isinstance(day, DataProblem):
            self._reject(day, metric, None, named)
            return
        key = (day, metric, dims)
        if self.duplicates is True or (self.duplicates and key in self.duplicates):
            first = self._seen.get(key)
            if first is not None:
                where = ", ".join(f"{n}={v}" for n, v in named)
                problem = self._problem(
                    "D001",
                    line,
                    1,
                    msg(
                        "duplicate row: {metric} on {day} ({where}) already appears on line "
                        "{first}",
                        metric=metric,
                        day=day,
                        where=where,
                        first=first,
                    )
                    if dims
                    else msg(
                        "duplicate row: {metric} on {day} already appears on line {first}",
                        metric=metric,
                        day=day,
                        first=first,
                    ),
                    msg("remove one of the rows: okrctl counts the first, refuses the others"),
                )
                self._reject(problem, metric, day, named)
                if isinstance(value, float):
                    self.dropped.append((metric, day, dims, value))
                return
            self._seen[key] = line
        if isinstance(value, DataProblem):
            self._reject(value, metric, day, named)
        elif value is None:
            problem = self._problem(
                "D008",
                line,
                layout.value + 1,
                msg("metric '{metric}' on {day} has an empty value", metric=metric, day=day),
                msg("an empty cell is missing data, not zero"),
                cells[layout.value],
            )
            self._reject(problem, metric, day, named)
        else:
            self._counted(metric, day, value, dims, line)

    def _drop(self, name: str, day: dt.date, text: str) -> None:
        """A wide row refused as a duplicate: its cell in ``dropped`` if it is a number."""
        try:
            value = parse_cell(text, self.config.decimal)
        except CellError:
            return
        if value is not None:
            self.dropped.append((name, day, (), value))

    def _read_wide(self, line: int, cells: list[str]) -> None:
        layout = self.layout
        day = self._date(cells[layout.date], line)
        if isinstance(day, DataProblem):
            for index in layout.values:
                if cells[index].strip():
                    self._reject(day, layout.names[index], None)
            return
        if self.duplicates is True or (self.duplicates and (day,) in self.duplicates):
            first = self._seen.get((day,))
            if first is not None:
                problem = self._problem(
                    "D001",
                    line,
                    layout.date + 1,
                    msg(
                        "duplicate row: {day} already appears on line {first}", day=day, first=first
                    ),
                    msg("remove one of the rows"),
                )
                for index in layout.values:
                    if cells[index].strip():
                        self._reject(problem, layout.names[index], day)
                        self._drop(layout.names[index], day, cells[index])
                return
            self._seen[(day,)] = line
        for index in layout.values:
            name = layout.names[index]
            value = self._number(cells[index], line, index + 1, msg("column '{name}'", name=name))
            if isinstance(value, DataProblem):
                self._reject(value, name, day)
            elif value is not None:
                self._counted(name, day, value, (), line)
