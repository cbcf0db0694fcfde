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
from collections.abc import Sequence
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
            self._problems.append(DataProblem("D010", exc.line, exc.message, exc.hint))
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

    def _scan(self) -> str:
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
            "store_rejects = true",
            f"columns = {{{spec}}}",
        ]
        if self.config.decimal == ",":
            options.append("decimal_separator = ','")
        if self.config.date_format:
            options.append(f"dateformat = {_literal(self.config.date_format)}")
        return f"read_csv({_literal(str(self._readable))}, {', '.join(options)})"

    # -- answering -------------------------------------------------------------------------
    def _filters(self, requests: Sequence[Request]) -> dict[object, tuple[int, str]]:
        """Distinct `where` filters -> (filter id, SQL condition)."""
        out: dict[object, tuple[int, str]] = {(): (0, "TRUE")}
        dims = set(self.dimensions())
        for request in requests:
            if request.where in out:
                continue
            if any(column not in dims for column, _ in request.where):
                continue
            condition = " AND ".join(
                f"trim({_quote(column)}) IN ({', '.join(_literal(v) for v in values)})"
                for column, values in request.where
            )
            out[request.where] = (len(out), condition)
        return out

    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        if self._fallback is not None:
            return self._fallback.answer(requests)
        if self._con is None:
            return {r.key: NO_DATA for r in requests}
        if self.config.layout == "wide":
            daily = self._daily_wide(requests)
        else:
            daily = self._daily_long(requests)
        if daily is None:  # numbers DuckDB cannot read: read the file exactly instead
            self._fallback = TableSource(self.config, self.root)
            return self._fallback.answer(requests)
        return self._answers(requests)

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

    def _daily_long(self, requests: Sequence[Request]) -> bool | None:
        names = self._names
        filters = self._filters(requests)
        metrics = sorted({r.metric for r in requests})
        sums = ", ".join(
            f"sum(v) FILTER (WHERE {cond}) AS t{fid}, count(v) FILTER (WHERE {cond}) AS n{fid}"
            for fid, cond in filters.values()
        )
        metric_list = ", ".join(_literal(m) for m in metrics) or "NULL"
        dims = ", ".join(_quote(d) for d in self.dimensions())
        self._con.execute(f"""
            CREATE OR REPLACE TEMP TABLE daily_wide AS
            SELECT m, d, {sums} FROM (
                SELECT trim({_quote(names["metric"])}) AS m, {_quote(names["date"])} AS d,
                       {_quote(names["value"])} AS v{", " + dims if dims else ""}
                FROM {self._scan()}
                WHERE trim({_quote(names["metric"])}) IN ({metric_list}) AND isfinite(v)
            ) GROUP BY m, d
        """)
        if not self._record_rejects():
            return None
        unions = " UNION ALL ".join(
            f"SELECT m, d, {fid} AS fid, t{fid} AS v FROM daily_wide WHERE n{fid} > 0"
            for fid, _ in filters.values()
        )
        self._con.execute(f"CREATE OR REPLACE TEMP TABLE daily AS {unions}")
        self._fids = {where: fid for where, (fid, _) in filters.items()}
        return True

    def _daily_wide(self, requests: Sequence[Request]) -> bool | None:
        date = self._names["date"]
        metrics = sorted({r.metric for r in requests} & set(self._header) - {date})
        self._fids = {(): 0}
        if not metrics:
            self._con.execute(
                "CREATE OR REPLACE TEMP TABLE daily (m VARCHAR, d DATE, fid INT, v DOUBLE)"
            )
            return True
        sums = ", ".join(
            f"sum({_quote(m)}) FILTER (WHERE isfinite({_quote(m)})) AS {_quote(m)}" for m in metrics
        )
        self._con.execute(
            f"CREATE OR REPLACE TEMP TABLE daily_wide AS SELECT {_quote(date)} "
            f"AS d, {sums} FROM {self._scan()} GROUP BY d"
        )
        if not self._record_rejects():
            return None
        unions = " UNION ALL ".join(
            f"SELECT {_literal(m)} AS m, d, 0 AS fid, {_quote(m)} AS v FROM daily_wide WHERE "
            f"{_quote(m)} IS NOT NULL"
            for m in metrics
        )
        self._con.execute(f"CREATE OR REPLACE TEMP TABLE daily AS {unions}")
        return True

    def _answers(self, requests: Sequence[Request]) -> dict[str, Answer]:
        rows = [
            (
                r.key,
                r.metric,
                self._fids.get(r.where, -1),
                r.start,
                r.end,
                r.aggregate,
                r.baseline_on,
            )
            for r in requests
        ]
        self._con.execute(
            "CREATE OR REPLACE TEMP TABLE requests (key VARCHAR, metric VARCHAR, "
            "fid INT, start DATE, stop DATE, agg VARCHAR, base DATE)"
        )
        self._con.executemany("INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        inside = "l.d BETWEEN r.start AND r.stop"
        result = self._con.execute(f"""
            SELECT r.key,
                   arg_max(l.v, l.d) FILTER (WHERE {inside}),
                   max(l.d) FILTER (WHERE {inside}),
                   count(l.v) FILTER (WHERE {inside}),
                   sum(l.v) FILTER (WHERE {inside}),
                   min(l.v) FILTER (WHERE {inside}),
                   max(l.v) FILTER (WHERE {inside}),
                   arg_max(l.v, l.d) FILTER (WHERE l.d <= r.base),
                   max(l.d) FILTER (WHERE l.d <= r.base)
            FROM requests r LEFT JOIN daily l ON l.m = r.metric AND l.fid = r.fid
            GROUP BY r.key
        """).fetchall()
        latest = self._con.execute("SELECT max(d) FROM daily").fetchone()
        self._latest = latest[0] if latest else None
        by_key = {row[0]: row for row in result}
        series_keys = [r.key for r in requests if r.series]
        series: dict[str, list[tuple[dt.date, float]]] = {k: [] for k in series_keys}
        if series_keys:
            for key, day, value in self._con.execute(f"""
                SELECT r.key, l.d, l.v FROM requests r JOIN daily l
                ON l.m = r.metric AND l.fid = r.fid AND {inside}
                WHERE r.key IN ({", ".join(_literal(k) for k in series_keys)}) ORDER BY r.key, l.d
            """).fetchall():
                series[key].append((day, value))
        out = {}
        for request in requests:
            row = by_key.get(request.key)
            if row is None:
                out[request.key] = NO_DATA
                continue
            _, last, last_date, count, total, low, high, base, base_date = row
            values = {
                "last": last,
                "sum": total,
                "min": low,
                "max": high,
                "count": float(count) if count else None,
                "avg": total / count if count else None,
            }
            value = values[request.aggregate] if count else None
            if request.series and series.get(request.key):
                value = aggregate(series[request.key], request.aggregate)
            out[request.key] = Answer(
                value=value,
                last_date=last_date,
                dates=int(count or 0),
                baseline=base,
                baseline_date=base_date,
                series=tuple(series.get(request.key, ())),
            )
        return out

    # -- the rest of the Source protocol ----------------------------------------------------
    def metrics(self) -> set[str]:
        if self.config.layout == "wide":
            return set(self._header) - {self._names.get("date", "date")}
        if self._con is None:
            return set()
        rows = self._con.execute(
            f"SELECT DISTINCT trim({_quote(self._names['metric'])}) FROM {self._scan()}"
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
                    f"trim({_quote(self._names['metric'])})",
                    *(f"trim({_quote(d)})" for d in self.dimensions()),
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
