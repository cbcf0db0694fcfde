"""A large metric source aggregated by DuckDB: the CSV is scanned once, in parallel, and
only per-date totals of the requested metrics reach Python.

Cells DuckDB cannot read as plain numbers and ISO dates are kept aside with their line
numbers (``store_rejects``). When some of them are numbers okrctl reads but DuckDB does
not (``45%``, ``1,200``, ``200万``), the file is read exactly by ``TableSource`` instead:
slower, never wrong.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from okrctl.config import MetricSource
from okrctl.metrics.cells import CellError, parse_cell
from okrctl.metrics.csvread import CsvError, Dialect, open_dialect
from okrctl.metrics.memory import TableSource
from okrctl.metrics.source import NO_DATA, Answer, DataProblem, Request, UsedRow, aggregate


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckSource:
    def __init__(self, config: MetricSource, root: Path) -> None:
        self.name = config.name
        self.path = config.path
        self.config = config
        self.root = root
        self._problems: list[DataProblem] = []
        self._fallback: TableSource | None = None
        self._latest: dt.date | None = None
        self._header: list[str] = []
        self._file = root / config.path
        self._tmp: str | None = None
        self._con: Any = None
        self._scanned = False
        try:
            self._dialect = open_dialect(self._file, config.encoding, config.delimiter)
            self._prepare()
        except CsvError as exc:
            self._problems.append(DataProblem(exc.code, exc.line, exc.message, exc.hint))
        except OSError as exc:
            self._problems.append(DataProblem("D010", 0, f"cannot read the file: {exc}"))

    def __del__(self) -> None:
        if self._tmp:
            Path(self._tmp).unlink(missing_ok=True)

    # -- setting up ------------------------------------------------------------------------
    def _prepare(self) -> None:
        dialect: Dialect = self._dialect
        for notice in dialect.notices:
            self._problems.append(DataProblem("D007", notice.line, notice.message, notice.hint))
            if not self.config.encoding:
                raise CsvError(notice.message, notice.line)
        readable = self._file
        if dialect.encoding not in ("utf-8", "utf-8-sig"):
            readable = Path(self._transcode(dialect.encoding))
        with readable.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle, delimiter=dialect.delimiter), None)
        if not header:
            raise CsvError("file is empty: not even a header", 1, "export with a header row")
        self._header = [h.strip() for h in header]
        self._readable = readable
        names = {"date": "date", "metric": "metric", "value": "value", **self.config.columns}
        self._names = names
        required = ["date"] if self.config.layout == "wide" else ["date", "metric", "value"]
        for role in required:
            if names[role] not in self._header:
                raise CsvError(
                    f"header has no {role} column '{names[role]}' (columns: "
                    f"{', '.join(self._header)})",
                    1,
                    f"map it with `columns: {{{role}: YOUR_HEADER}}`",
                )
        import duckdb

        self._con = duckdb.connect()
        self._con.execute("SET preserve_insertion_order = false")

    def _transcode(self, encoding: str) -> str:
        fd, name = tempfile.mkstemp(prefix="okrctl-", suffix=".csv")
        self._tmp = name
        decoder = codecs.getincrementaldecoder(encoding)()
        with self._file.open("rb") as source, os.fdopen(fd, "wb") as target:
            while chunk := source.read(1 << 22):
                target.write(decoder.decode(chunk).encode("utf-8"))
            target.write(decoder.decode(b"", final=True).encode("utf-8"))
        return name

    def _scan(self, rejects: bool = True) -> str:
        """The read_csv() call; with ``rejects``, bad cells are kept aside with their lines
        instead of failing the query."""
        columns = {}
        for name in self._header:
            if name == self._names["date"]:
                columns[name] = "DATE"
            elif self.config.layout == "wide" or name == self._names["value"]:
                columns[name] = "DOUBLE"
            else:
                columns[name] = "VARCHAR"
        spec = ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in columns.items())
        options = [
            "header = true",
            f"delim = {_literal(self._dialect.delimiter)}",
            "quote = '\"'",
            "escape = '\"'",
            "auto_detect = false",
            f"store_rejects = {'true' if rejects else 'false'}",
            f"columns = {{{spec}}}",
        ]
        if self.config.decimal == ",":
            options.append("decimal_separator = ','")
        if self.config.date_format:
            options.append(f"dateformat = {_literal(self.config.date_format)}")
        return f"read_csv({_literal(str(self._readable))}, {', '.join(options)})"

    # -- answering -------------------------------------------------------------------------
    def _filters(self, requests: Sequence[Request]) -> dict[object, tuple[int, str]]:
        """Distinct `where` filters -> (filter id, SQL condition). Filter 0 is no filter."""
        out: dict[object, tuple[int, str]] = {(): (0, "TRUE")}
        dims = set(self.dimensions())
        for request in requests:
            if request.where in out:
                continue
            if any(column not in dims for column, _ in request.where):
                continue
            condition = " AND ".join(
                f"{_quote(column)} IN ({', '.join(_literal(v) for v in values)})"
                for column, values in request.where
            )
            out[request.where] = (len(out), condition)
        return out

    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        if self._fallback is not None:
            return self._fallback.answer(requests)
        if self._con is None:
            return {r.key: NO_DATA for r in requests}
        filters = self._filters(requests)
        self._fids = {where: fid for where, (fid, _) in filters.items()}
        built = (
            self._daily_wide_layout()
            if self.config.layout == "wide"
            else self._daily_long(list(filters.values()))
        )
        if not built:  # numbers DuckDB cannot read: read the file exactly instead
            self._fallback = TableSource(self.config, self.root)
            return self._fallback.answer(requests)
        return self._answers(requests, len(filters))

    def _rejects(self) -> list[tuple[int, str | None, str, str]]:
        rows = self._con.execute(
            "SELECT line, column_name, error_type, csv_line FROM reject_errors ORDER BY line"
        ).fetchall()
        self._con.execute("DELETE FROM reject_errors")
        return [(int(r[0]), r[1], str(r[2]), str(r[3])) for r in rows]

    def _record_rejects(self) -> bool:
        """Turn rejected cells into problems; False when a rejected cell is in fact a number
        okrctl reads (then the exact reader must take over). Called once per scan."""
        self._scanned = True
        value_columns = (
            {h for h in self._header if h != self._names["date"]}
            if self.config.layout == "wide"
            else {self._names["value"]}
        )
        problems = []
        for line, column, kind, raw in self._rejects():
            if kind == "CAST" and column in value_columns:
                cells = next(csv.reader([raw], delimiter=self._dialect.delimiter), [])
                index = self._header.index(column)
                text = cells[index] if index < len(cells) else ""
                try:
                    parse_cell(text, self.config.decimal)
                    return False
                except CellError as exc:
                    problems.append(
                        DataProblem(
                            "D002",
                            line,
                            f"column '{column}': {exc}",
                            "fix the export; okrctl never guesses or skips a value",
                            index + 1,
                        )
                    )
            elif kind == "CAST":
                index = self._header.index(column) + 1 if column in self._header else 1
                fields = next(csv.reader([raw], delimiter=self._dialect.delimiter), [""])
                shown = fields[index - 1] if index - 1 < len(fields) else ""
                problems.append(
                    DataProblem(
                        "D003",
                        line,
                        f"'{shown.strip()}' is not an ISO date (YYYY-MM-DD); set "
                        "`date_format:` on the source for other formats",
                        None,
                        index,
                    )
                )
            else:
                problems.append(
                    DataProblem(
                        "D009",
                        line,
                        f"malformed row: {kind.lower()}",
                        "check for a missing or extra delimiter",
                    )
                )
        self._problems.extend(problems)
        return True

    def _daily_long(self, filters: list[tuple[int, str]]) -> bool:
        """One scan: per metric and date, the total and row count under each filter."""
        names = self._names
        # CASE inside the aggregate measured faster than FILTER on 10M rows
        sums = ", ".join(
            f"sum(v) AS t{fid}, count(v) AS n{fid}"
            if cond == "TRUE"
            else f"sum(CASE WHEN {cond} THEN v END) AS t{fid}, "
            f"count(CASE WHEN {cond} THEN v END) AS n{fid}"
            for fid, cond in filters
        )
        dims = "".join(f", {_quote(d)}" for d in self.dimensions())
        return self._build(
            lambda scan: (
                f"""
            CREATE OR REPLACE TEMP TABLE daily AS
            SELECT m, d, {sums} FROM (
                SELECT {_quote(names["metric"])} AS m, {_quote(names["date"])} AS d,
                       {_quote(names["value"])} AS v{dims}
                FROM {scan} WHERE isfinite(v)
            ) GROUP BY m, d
        """
            )
        )

    def _build(self, statement: Callable[[str], str]) -> bool:
        """Run a scanning statement strictly (fastest: a clean file is the usual case); if
        DuckDB meets a cell it cannot read, run it again keeping such rows aside, and
        record them. False when the exact reader must take over."""
        import duckdb

        try:
            self._con.execute(statement(self._scan(rejects=False)))
        except duckdb.Error:
            self._con.execute(statement(self._scan(rejects=True)))
            return self._record_rejects()
        self._scanned = True
        return True

    def _daily_wide_layout(self) -> bool:
        """Per date and column, the total: the same table shape as the long layout."""
        date = self._names["date"]
        metrics = [h for h in self._header if h != date]
        if not metrics:
            self._con.execute(
                "CREATE OR REPLACE TEMP TABLE daily (m VARCHAR, d DATE, t0 DOUBLE, n0 BIGINT)"
            )
            return True
        sums = ", ".join(
            f"sum({_quote(m)}) FILTER (WHERE isfinite({_quote(m)})) AS {_quote(m)}" for m in metrics
        )
        columns = ", ".join(_quote(m) for m in metrics)
        return self._build(
            lambda scan: (
                f"""
            CREATE OR REPLACE TEMP TABLE daily AS
            SELECT m, d, v AS t0, 1 AS n0 FROM (
                UNPIVOT (SELECT {_quote(date)} AS d, {sums} FROM {scan} GROUP BY d)
                ON {columns} INTO NAME m VALUE v
            )
        """
            )
        )

    def _answers(self, requests: Sequence[Request], filter_count: int) -> dict[str, Answer]:
        rows = [
            (r.key, r.metric, self._fids.get(r.where, -1), r.start, r.end, r.baseline_on)
            for r in requests
        ]
        self._con.execute(
            "CREATE OR REPLACE TEMP TABLE requests (key VARCHAR, metric VARCHAR, "
            "fid INT, start DATE, stop DATE, base DATE)"
        )
        # one statement with column lists: executemany costs 0.3 ms a row
        columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 6
        self._con.execute(
            "INSERT INTO requests SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "unnest(?::INT[]), unnest(?::DATE[]), unnest(?::DATE[]), unnest(?::DATE[])",
            columns,
        )
        pick_total = " ".join(f"WHEN {i} THEN l.t{i}" for i in range(filter_count))
        pick_count = " ".join(f"WHEN {i} THEN l.n{i}" for i in range(filter_count))
        wanted = [r.key for r in requests if r.series]
        joined = f"""
            SELECT key, d, v FROM (
                SELECT r.key, l.d, CASE r.fid {pick_total} END AS v,
                       CASE r.fid {pick_count} END AS n
                FROM requests r JOIN daily l
                ON l.m = r.metric AND l.d BETWEEN r.start AND r.stop
            ) WHERE n > 0"""
        if wanted:
            self._con.execute(f"CREATE OR REPLACE TEMP TABLE joined AS {joined}")
            joined = "SELECT * FROM joined"
        windows = {
            row[0]: row[1:]
            for row in self._con.execute(f"""
                SELECT key, arg_max(v, d), max(d), count(v), sum(v), min(v), max(v)
                FROM ({joined}) GROUP BY key
            """).fetchall()
        }
        # the baseline is the last total on or before the baseline date: one grouped join
        # for every filter (measured 14x faster than an ASOF JOIN per filter: 0.02 s against 0.27 s)
        baselines: dict[str, tuple[float, dt.date]] = (
            {
                row[0]: (row[1], row[2])
                for row in self._con.execute(f"""
                SELECT key, arg_max(v, d), max(d) FROM (
                    SELECT r.key, l.d, CASE r.fid {pick_total} END AS v,
                           CASE r.fid {pick_count} END AS n
                    FROM requests r JOIN daily l ON l.m = r.metric AND l.d <= r.base
                    WHERE r.base IS NOT NULL AND r.fid >= 0
                ) WHERE n > 0 GROUP BY key
            """).fetchall()
            }
            if any(r.baseline_on is not None for r in requests)
            else {}
        )
        latest = self._con.execute("SELECT max(d) FROM daily").fetchone()
        self._latest = latest[0] if latest else None
        series: dict[str, list[tuple[dt.date, float]]] = {}
        if wanted:
            self._con.execute(
                "CREATE OR REPLACE TEMP TABLE wanted AS SELECT unnest(?::VARCHAR[]) AS key",
                [wanted],
            )
            for key, day, value in self._con.execute(
                "SELECT key, d, v FROM joined WHERE key IN (SELECT key FROM wanted) ORDER BY key, d"
            ).fetchall():
                series.setdefault(key, []).append((day, value))
        out = {}
        for request in requests:
            base = baselines.get(request.key)
            window = windows.get(request.key)
            value = None
            last_date = None
            count = 0
            if window is not None:
                last, last_date, count, total, low, high = window
                value = {
                    "last": last,
                    "sum": total,
                    "min": low,
                    "max": high,
                    "count": float(count),
                    "avg": total / count,
                }[request.aggregate]
                if request.key in series:
                    value = aggregate(series[request.key], request.aggregate)
            out[request.key] = Answer(
                value=value,
                last_date=last_date,
                dates=int(count),
                baseline=base[0] if base else None,
                baseline_date=base[1] if base else None,
                series=tuple(series.get(request.key, ())) if request.series else (),
            )
        return out

    # -- the rest of the Source protocol ----------------------------------------------------
    def metrics(self) -> set[str]:
        if self.config.layout == "wide":
            return set(self._header) - {self._names.get("date", "date")}
        if self._con is None:
            return set()
        rows = self._con.execute(
            f"SELECT DISTINCT {_quote(self._names['metric'])} FROM {self._scan()}"
        ).fetchall()
        return {r[0] for r in rows}

    def dimensions(self) -> tuple[str, ...]:
        if self.config.layout == "wide" or not self._header:
            return ()
        roles = {self._names["date"], self._names["metric"], self._names["value"]}
        return tuple(h for h in self._header if h not in roles)

    def latest_date(self) -> dt.date | None:
        if self._fallback is not None:
            return self._fallback.latest_date()
        if self._latest is None and self._con is not None:
            row = self._con.execute(
                f"SELECT max({_quote(self._names['date'])}) FROM {self._scan()}"
            ).fetchone()
            self._record_rejects()
            self._latest = row[0] if row else None
        return self._latest

    def problems(self) -> list[DataProblem]:
        """Everything wrong with the file, including duplicate rows (a full extra pass,
        so only `okrctl check` asks for it)."""
        if self._fallback is not None:
            return self._fallback.problems()
        out = list(self._problems)
        if self._con is None:
            return out
        if not self._scanned:
            self._con.execute(f"SELECT count(*) FROM {self._scan()}").fetchall()
            if not self._record_rejects():
                return TableSource(self.config, self.root).problems()
            out = list(self._problems)
        if self._duplicates_exist():
            # rare: find the lines exactly
            exact = TableSource(self.config, self.root).problems()
            out.extend(p for p in exact if p.code == "D001")
        return out

    def _duplicates_exist(self) -> bool:
        date = _quote(self._names["date"])
        if self.config.layout == "wide":
            key = date
        else:
            key = ", ".join(
                [
                    date,
                    _quote(self._names["metric"]),
                    *(_quote(d) for d in self.dimensions()),
                ]
            )
        row = self._con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {self._scan()} GROUP BY ALL "
            "HAVING count(*) > 1 LIMIT 1)"
        ).fetchone()
        return bool(row and row[0])

    def rows(self, request: Request) -> list[UsedRow]:
        """Rows behind one request, with their lines: an exact scan (explain only)."""
        return TableSource(self.config, self.root).rows(request)
