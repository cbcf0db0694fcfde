"""A metric source read whole with Python's csv module: exact lines for every problem."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from okrctl.config import MetricSource
from okrctl.metrics.cells import CellError, parse_cell, parse_date
from okrctl.metrics.csvread import CsvError, open_dialect, read_records
from okrctl.metrics.source import Answer, DataProblem, Request, UsedRow, answer_from_totals

# (line, date, value, dimension values)
Row = tuple[int, dt.date, float, tuple[str, ...]]


class TableSource:
    """Long or wide CSV, parsed and checked row by row."""

    def __init__(self, config: MetricSource, root: Path) -> None:
        self.name = config.name
        self.path = config.path
        self.config = config
        self._problems: list[DataProblem] = []
        self._rows: dict[str, list[Row]] = defaultdict(list)
        self._dimensions: tuple[str, ...] = ()
        self._latest: dt.date | None = None
        try:
            self._load(root / config.path)
        except CsvError as exc:
            self._problems.append(DataProblem(exc.code, exc.line, exc.message, exc.hint))
        except OSError as exc:
            self._problems.append(
                DataProblem("D010", 0, f"cannot read the file: {exc.strerror or exc}")
            )

    # -- loading -------------------------------------------------------------------------
    def _load(self, path: Path) -> None:
        config = self.config
        dialect = open_dialect(path, config.encoding, config.delimiter)
        for notice in dialect.notices:
            self._problems.append(DataProblem("D007", notice.line, notice.message, notice.hint))
            if not config.encoding:
                return  # a lossy file is not used until its encoding is declared
        header, records = read_records(path, dialect)
        header = [h.strip() for h in header]
        names = {"date": "date", "metric": "metric", "value": "value", **config.columns}
        if names["date"] not in header:
            self._problems.append(
                DataProblem(
                    "D004",
                    1,
                    f"header has no date column '{names['date']}' (columns: {', '.join(header)})",
                    "map it with `columns: {date: YOUR_HEADER}` on the source",
                )
            )
            return
        if config.layout == "wide":
            self._load_wide(header, names["date"], records)
        else:
            for role in ("metric", "value"):
                if names[role] not in header:
                    self._problems.append(
                        DataProblem(
                            "D004",
                            1,
                            f"header has no {role} column '{names[role]}' "
                            f"(columns: {', '.join(header)})",
                            f"map it with `columns: {{{role}: YOUR_HEADER}}`, or "
                            "declare `layout: wide`",
                        )
                    )
                    return
            self._load_long(header, names, records)

    def _cell_problem(
        self, code: str, line: int, column: int, message: str, hint: str | None = None
    ) -> None:
        self._problems.append(DataProblem(code, line, message, hint, column))

    def _well_formed(self, cells: list[str], header: list[str], line: int) -> bool:
        if len(cells) == len(header):
            return True
        self._cell_problem(
            "D009",
            line,
            1,
            f"row has {len(cells)} fields, the header {len(header)}",
            "check for a missing or extra delimiter",
        )
        return False

    def _date(self, text: str, line: int, column: int) -> dt.date | None:
        try:
            day = parse_date(text, self.config.date_format)
        except CellError as exc:
            self._cell_problem("D003", line, column, str(exc))
            return None
        if self._latest is None or day > self._latest:
            self._latest = day
        return day

    def _number(self, text: str, line: int, column: int, what: str) -> float | None:
        try:
            value = parse_cell(text, self.config.decimal)
        except CellError as exc:
            self._cell_problem(
                "D002",
                line,
                column,
                f"{what}: {exc}",
                "fix the export; okrctl never guesses or skips a value",
            )
            return None
        return value

    def _load_long(self, header: list[str], names: dict[str, str], records: object) -> None:
        i_date, i_metric, i_value = (header.index(names[r]) for r in ("date", "metric", "value"))
        dims = [i for i in range(len(header)) if i not in (i_date, i_metric, i_value)]
        self._dimensions = tuple(header[i] for i in dims)
        seen: dict[tuple[object, ...], int] = {}
        for record in records:  # type: ignore[attr-defined]
            cells, line = record.cells, record.line
            if not self._well_formed(cells, header, line):
                continue
            day = self._date(cells[i_date], line, i_date + 1)
            metric = cells[i_metric]
            value = self._number(cells[i_value], line, i_value + 1, f"metric '{metric}'")
            if day is None:
                continue
            dim_values = tuple(cells[i] for i in dims)
            key = (day, metric, dim_values)
            if key in seen:
                where = ", ".join(
                    f"{n}={v}" for n, v in zip(self._dimensions, dim_values, strict=True)
                )
                self._cell_problem(
                    "D001",
                    line,
                    1,
                    f"duplicate row: {metric} on {day}"
                    + (f" ({where})" if dim_values else "")
                    + f" already appears on line {seen[key]}",
                    "remove one of the rows; okrctl does not sum or drop duplicates silently",
                )
                continue
            seen[key] = line
            if value is None:
                if not cells[i_value].strip():
                    self._cell_problem(
                        "D008",
                        line,
                        i_value + 1,
                        f"metric '{metric}' on {day} has an empty value",
                        "an empty cell is missing data, not zero",
                    )
                continue
            self._rows[metric].append((line, day, value, dim_values))

    def _load_wide(self, header: list[str], date_name: str, records: object) -> None:
        i_date = header.index(date_name)
        columns = [(i, h) for i, h in enumerate(header) if i != i_date]
        seen: dict[dt.date, int] = {}
        for record in records:  # type: ignore[attr-defined]
            cells, line = record.cells, record.line
            if not self._well_formed(cells, header, line):
                continue
            day = self._date(cells[i_date], line, i_date + 1)
            if day is None:
                continue
            if day in seen:
                self._cell_problem(
                    "D001",
                    line,
                    i_date + 1,
                    f"duplicate row: {day} already appears on line {seen[day]}",
                    "remove one of the rows",
                )
                continue
            seen[day] = line
            for index, name in columns:
                value = self._number(cells[index], line, index + 1, f"column '{name}'")
                if value is not None:
                    self._rows[name].append((line, day, value, ()))

    # -- the Source protocol ---------------------------------------------------------------
    def metrics(self) -> set[str]:
        return set(self._rows)

    def dimensions(self) -> tuple[str, ...]:
        return self._dimensions

    def latest_date(self) -> dt.date | None:
        return self._latest

    def problems(self) -> list[DataProblem]:
        return list(self._problems)

    def _matching(self, request: Request) -> list[Row]:
        rows = self._rows.get(request.metric, [])
        if not request.where:
            return rows
        index = {name: i for i, name in enumerate(self._dimensions)}
        wanted = [(index[c], set(values)) for c, values in request.where if c in index]
        if len(wanted) != len(request.where):
            return []
        return [row for row in rows if all(row[3][i] in values for i, values in wanted)]

    def totals(self, request: Request) -> list[tuple[dt.date, float]]:
        by_day: dict[dt.date, float] = defaultdict(float)
        for _, day, value, _ in self._matching(request):
            by_day[day] += value
        return sorted(by_day.items())

    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        cache: dict[tuple[str, object], list[tuple[dt.date, float]]] = {}
        out = {}
        for request in requests:
            slot = (request.metric, request.where)
            if slot not in cache:
                cache[slot] = self.totals(request)
            out[request.key] = answer_from_totals(cache[slot], request)
        return out

    def rows(self, request: Request) -> list[UsedRow]:
        last = request.end
        first = request.start if request.baseline_on is None else dt.date.min
        return [
            UsedRow(line, day, value, tuple(zip(self._dimensions, dims, strict=False)))
            for line, day, value, dims in self._matching(request)
            if first <= day <= last
        ]
