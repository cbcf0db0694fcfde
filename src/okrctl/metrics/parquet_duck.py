"""A large Parquet file aggregated by DuckDB where it lies: only per-date totals reach
Python, so memory does not grow with the file (docs/metrics.md, "Parquet files").

Used for files above the engine's size threshold whose columns are typed (a DATE or
TIMESTAMP date column, numeric values): then every cell means what the row reader would
make of it, and the SQL below counts exactly the cells it would count. A file that holds
anything the reader refuses (a date or value that is NULL, a value that is NaN or
infinite, a duplicated key) is also read by the row reader, without keeping its rows, to
locate each refused cell by line; the sums leave out the same cells. A file with text
columns is read by the row reader (``ParquetSource``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from okrctl.load.config import MetricSource
from okrctl.metrics.duck_sql import value_columns
from okrctl.metrics.parquet import ParquetSource
from okrctl.metrics.rows import Layout, resolve_layout
from okrctl.metrics.source import (
    Answer,
    DataProblem,
    Rejected,
    RejectedIndex,
    Request,
    UsedRow,
    answer_from_totals,
)

_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT")
_MEMORY = "512MB"


def quoted(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def typed_layout(config: MetricSource, path: Path) -> tuple[Any, Layout] | None:
    """A DuckDB connection and the file's layout when its columns are typed as the SQL
    path needs; None otherwise (the row reader then reads the file)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{_MEMORY}'")
    con.execute("SET enable_progress_bar = false")
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error:
        con.close()
        return None
    names = [str(row[0]) for row in described]
    types = {str(row[0]): str(row[1]).upper() for row in described}
    layout = resolve_layout(config, names)
    if isinstance(layout, DataProblem) or layout.width != len(layout.names):
        con.close()
        return None
    values = layout.values if layout.value is None else (layout.value,)
    ok = types[names[layout.date]] == "DATE" or types[names[layout.date]].startswith("TIMESTAMP")
    ok = ok and all(types[names[i]].startswith(_NUMERIC) for i in values)
    text = ("VARCHAR", *_INTEGERS)
    ok = ok and all(types[names[i]].startswith(text) for i in layout.dimensions)
    if layout.metric is not None:
        ok = ok and types[names[layout.metric]] == "VARCHAR"
    if not ok:
        con.close()
        return None
    return con, layout


class LargeParquetSource:
    """A typed Parquet file above the size threshold, aggregated in DuckDB."""

    def __init__(self, config: MetricSource, root: Path, con: Any, layout: Layout) -> None:
        self.name = config.name
        self.path = config.path
        self.config = config
        self._root = root
        self._con = con
        self._layout = layout
        self._file = str(root / config.path)
        names = layout.names
        self._date = quoted(names[layout.date])
        self._metric = quoted(names[layout.metric]) if layout.metric is not None else None
        self._dims = [quoted(names[i]) for i in layout.dimensions]
        self._values = [names[i] for i in value_columns(layout)]
        self._exact: ParquetSource | None = None
        self._totals: dict[tuple[str, object], list[tuple[dt.date, float]]] = {}
        self._metrics: set[str] | None = None
        self._dirty = self._find_dirt()

    # -- SQL -----------------------------------------------------------------------------
    def _key(self) -> str:
        return ", ".join(
            [f"CAST({self._date} AS DATE)", *([self._metric] if self._metric else []), *self._dims]
        )

    def _rows_sql(self) -> str:
        """The rows the row reader keeps: a date, and the first row of each key."""
        base = "SELECT * FROM read_parquet(?, file_row_number = true)"
        if not self._dirty:
            return base
        return (
            f"{base} WHERE {self._date} IS NOT NULL QUALIFY row_number() OVER "
            f"(PARTITION BY {self._key()} ORDER BY file_row_number) = 1"
        )

    def _find_dirt(self) -> bool:
        """Whether the file holds anything the row reader refuses."""
        finite = " OR ".join(f"NOT isfinite(CAST({quoted(v)} AS DOUBLE))" for v in self._values)
        empty = f" OR {quoted(self._values[0])} IS NULL" if self._metric else ""
        (bad,) = self._con.execute(
            f"SELECT count(*) FILTER (WHERE {self._date} IS NULL OR {finite}{empty}) "
            "FROM read_parquet(?)",
            [self._file],
        ).fetchone()
        duplicated = self._con.execute(
            f"SELECT 1 FROM read_parquet(?) WHERE {self._date} IS NOT NULL "
            f"GROUP BY {self._key()} HAVING count(*) > 1 LIMIT 1",
            [self._file],
        ).fetchall()
        return bool(bad or duplicated)

    def _exact_reader(self) -> ParquetSource:
        """The row reader over the file, keeping only what it refuses."""
        if self._exact is None:
            self._exact = ParquetSource(self.config, self._root, keep_rows=False)
        return self._exact

    def _fetch(self, requests: Sequence[Request]) -> None:
        slots = list(
            dict.fromkeys(
                (r.metric, r.where) for r in requests if (r.metric, r.where) not in self._totals
            )
        )
        if not slots:
            return
        dims = {self._layout.names[i] for i in self._layout.dimensions}
        params: list[object] = []  # the filters' values, in the order the SQL names them
        measures = []
        for index, (metric, where) in enumerate(slots):
            if any(c not in dims for c, _ in where) or (
                self._metric is None and (where or metric not in self._values)
            ):
                measures.append(f"NULL AS t{index}, 0 AS c{index}")
                continue
            value = f"CAST({quoted(self._values[0] if self._metric else metric)} AS DOUBLE)"
            conditions = [f"{value} IS NOT NULL", f"isfinite({value})"]
            bound: list[object] = []
            if self._metric:
                conditions.append(f"{self._metric} = ?")
                bound.append(metric)
            for column, allowed in where:
                marks = ", ".join("?" * len(allowed))
                conditions.append(f"CAST({quoted(column)} AS VARCHAR) IN ({marks})")
                bound.extend(allowed)
            condition = " AND ".join(conditions)
            measures.append(
                f"sum({value}) FILTER (WHERE {condition}) AS t{index}, "
                f"count(*) FILTER (WHERE {condition}) AS c{index}"
            )
            params += bound * 2  # the condition is written twice
        statement = (
            f"SELECT CAST({self._date} AS DATE) AS day, {', '.join(measures)} "
            f"FROM ({self._rows_sql()}) WHERE {self._date} IS NOT NULL GROUP BY day ORDER BY day"
        )
        # the measures name the filters' values before FROM names the file
        rows = self._con.execute(statement, [*params, self._file]).fetchall()
        for index, slot in enumerate(slots):
            self._totals[slot] = [
                (row[0], float(row[1 + 2 * index]))
                for row in rows
                if row[2 + 2 * index] and row[1 + 2 * index] is not None
            ]

    # -- the Source protocol ---------------------------------------------------------------
    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        self._fetch(requests)
        out = {r.key: answer_from_totals(self._totals[(r.metric, r.where)], r) for r in requests}
        if self._dirty:
            index = RejectedIndex(self._exact_reader().rejected())
            out = {r.key: index.annotate(r, out[r.key]) for r in requests}
        return out

    def metrics(self) -> set[str]:
        if self._metrics is None:
            if self._metric is None:
                self._metrics = set(self._values)
            else:
                rows = self._con.execute(
                    f"SELECT DISTINCT coalesce({self._metric}, '') FROM read_parquet(?)",
                    [self._file],
                ).fetchall()
                self._metrics = {str(r[0]) for r in rows}
        return set(self._metrics)

    def dimensions(self) -> tuple[str, ...]:
        return tuple(self._layout.names[i] for i in self._layout.dimensions)

    def latest_date(self) -> dt.date | None:
        counted = " OR ".join(f"isfinite(CAST({quoted(v)} AS DOUBLE))" for v in self._values)
        (latest,) = self._con.execute(
            f"SELECT max(CAST({self._date} AS DATE)) FROM ({self._rows_sql()}) WHERE {counted}",
            [self._file],
        ).fetchone()
        return latest  # type: ignore[no-any-return]

    def problems(self) -> list[DataProblem]:
        return self._exact_reader().problems() if self._dirty else []

    def rejected(self) -> list[Rejected]:
        return self._exact_reader().rejected() if self._dirty else []

    def rows(self, request: Request) -> list[UsedRow]:
        """The rows behind ``request``, numbered as lines of the file's CSV export."""
        if self._metric is None and request.metric not in self._values:
            return []
        value = quoted(self._values[0] if self._metric else request.metric)
        first = request.start if request.baseline_on is None else dt.date.min
        conditions = [
            f"isfinite(CAST({value} AS DOUBLE))",
            f"CAST({self._date} AS DATE) BETWEEN ? AND ?",
        ]
        params: list[object] = [self._file, first, request.end]
        if self._metric:
            conditions.append(f"{self._metric} = ?")
            params.append(request.metric)
        for column, allowed in request.where:
            conditions.append(
                f"CAST({quoted(column)} AS VARCHAR) IN ({', '.join('?' * len(allowed))})"
            )
            params.extend(allowed)
        dims = "".join(f", CAST({d} AS VARCHAR)" for d in self._dims)
        found = self._con.execute(
            f"SELECT file_row_number + 2, CAST({self._date} AS DATE), "
            f"CAST({value} AS DOUBLE){dims} FROM ({self._rows_sql()}) "
            f"WHERE {' AND '.join(conditions)} ORDER BY 1",
            params,
        ).fetchall()
        names = self.dimensions()
        return [
            UsedRow(int(r[0]), r[1], float(r[2]), tuple(zip(names, r[3:], strict=True)))
            for r in found
            if math.isfinite(r[2])
        ]
