"""A metric source read whole with Python's csv module: exact lines for every problem."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from pathlib import Path

from okrctl.core.feedback import track
from okrctl.core.i18n import msg
from okrctl.load.config import MetricSource
from okrctl.metrics.csvread import CsvError, Record, open_dialect, read_records
from okrctl.metrics.rows import RowReader, resolve_layout
from okrctl.metrics.source import (
    Answer,
    DataProblem,
    Rejected,
    RejectedIndex,
    Request,
    UsedRow,
    answer_from_totals,
)

# (line, date, value, dimension values)
Row = tuple[int, dt.date, float, tuple[str, ...]]

# a value that counts: (metric, date, value, dimension values, line)
Accept = Callable[[str, dt.date, float, tuple[str, ...], int], None]

ROWS_PER_TICK = 8192  # rows read between two updates of a progress bar


class TableSource:
    """Long or wide CSV, parsed and checked row by row (``metrics/rows.py``); the base of
    the Excel and Parquet sources, which give the same reader their rows as text.

    With ``keep_rows=False`` only the problems and the rejected input are kept: the
    DuckDB engine reads a large file that way to locate what its scan flagged; ``cap``
    bounds how many of them are kept with their lines (metrics/located.py); ``accept``,
    given, receives every value that counts instead (metrics/bounded.py).
    """

    def __init__(
        self,
        config: MetricSource,
        root: Path,
        *,
        keep_rows: bool = True,
        duplicates: bool | Container[tuple[object, ...]] = True,
        cap: int | None = None,
        accept: Accept | None = None,
    ) -> None:
        self.name = config.name
        self.path = config.path
        self.config = config
        self._keep = keep_rows
        self._duplicates = duplicates
        self._cap = cap
        self._sink = accept
        self._problems: list[DataProblem] = []
        self._rejected: list[Rejected] = []
        self._rows: dict[str, list[Row]] = defaultdict(list)
        self._metrics: set[str] = set()
        self._dimensions: tuple[str, ...] = ()
        self._latest: dt.date | None = None
        self._dropped: list[tuple[str, dt.date, tuple[str, ...], float]] = []
        self._index: RejectedIndex | None = None
        # the line of a record the csv module refuses: nothing from it on is read
        self.stopped_at: int | None = None
        try:
            self._load(root / config.path)
        except CsvError as exc:
            self._file_problem(DataProblem(exc.code, exc.line, exc.message, exc.hint))
        except OSError as exc:
            self._file_problem(
                DataProblem(
                    "D010", 0, msg("cannot read the file: {value}", value=exc.strerror or exc)
                )
            )

    # -- loading -------------------------------------------------------------------------
    def _file_problem(self, problem: DataProblem) -> None:
        """A problem that leaves the file, or the rest of it, unread."""
        self._problems.append(problem)
        self._rejected.append(Rejected(self.path, problem, None, None, None))

    def _records(self, path: Path) -> tuple[list[str], Iterable[Record]] | None:
        """The header and the records of the file, each record with its line; None when
        the file is not to be used (the problem recorded). Raises ``CsvError`` for a file
        that cannot be read. Sources of other file kinds (metrics/excel.py,
        metrics/parquet.py) give their rows as text cells here."""
        config = self.config
        dialect = open_dialect(path, config.encoding, config.delimiter)
        for notice in dialect.notices:
            problem = DataProblem("D007", notice.line, notice.message, notice.hint)
            if not config.encoding:
                self._file_problem(problem)
                return None  # a lossy file is not used until its encoding is declared
            self._problems.append(problem)
        return read_records(path, dialect)

    def _load(self, path: Path) -> None:
        config = self.config
        read = self._records(path)
        if read is None:
            return
        header, records = read
        layout = resolve_layout(config, header)
        if isinstance(layout, DataProblem):
            self._file_problem(layout)
            return
        if layout.metric is None:
            self._metrics = {layout.names[i] for i in layout.values}
        else:
            self._dimensions = tuple(layout.names[i] for i in layout.dimensions)
        accept = self._accept if self._sink is None else self._sink
        reader = RowReader(config, self.path, layout, accept, self._duplicates, self._cap)
        try:
            with track(f"reading {self.path}") as advance:
                for count, record in enumerate(records, 1):
                    reader.read(record.line, record.cells)
                    if count % ROWS_PER_TICK == 0:
                        advance(ROWS_PER_TICK)
        except CsvError as exc:
            self.stopped_at = exc.line
            raise
        finally:
            reader.finish()
            self._problems.extend(reader.problems)
            self._rejected.extend(reader.rejected)
            self._metrics |= reader.metrics
            self._latest = reader.latest
            self._dropped = reader.dropped

    def _accept(
        self, metric: str, day: dt.date, value: float, dims: tuple[str, ...], line: int
    ) -> None:
        if self._keep:
            self._rows[metric].append((line, day, value, dims))

    # -- the Source protocol ---------------------------------------------------------------
    def metrics(self) -> set[str]:
        return set(self._metrics)

    def dimensions(self) -> tuple[str, ...]:
        return self._dimensions

    def latest_date(self) -> dt.date | None:
        return self._latest

    def problems(self) -> list[DataProblem]:
        return list(self._problems)

    def rejected(self) -> list[Rejected]:
        return list(self._rejected)

    def dropped(self) -> list[tuple[str, dt.date, tuple[str, ...], float]]:
        """Rows refused as duplicates whose value is a number: (metric, date, dimension
        values, value), in file order."""
        return list(self._dropped)

    def rejected_index(self) -> RejectedIndex:
        if self._index is None:
            self._index = RejectedIndex(self._rejected)
        return self._index

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
        index = self.rejected_index()
        if index:
            out = {r.key: index.annotate(r, out[r.key]) for r in requests}
        return out

    def rows(self, request: Request) -> list[UsedRow]:
        last = request.end
        first = request.start if request.baseline_on is None else dt.date.min
        return [
            UsedRow(line, day, value, tuple(zip(self._dimensions, dims, strict=False)))
            for line, day, value, dims in self._matching(request)
            if first <= day <= last
        ]
