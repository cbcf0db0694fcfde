"""A large metric source aggregated by DuckDB: the CSV is scanned once, in parallel, and
only per-date totals of the requested metrics reach Python.

Both engines must count and refuse exactly the same cells. The scan reads every cell as
text and converts it itself, so a bad cell never costs its row the other cells, and it
flags what okrctl's reader would judge differently from DuckDB's cast: date texts (read
by okrctl's ``parse_date``, there are few), values DuckDB cannot read or reads as NaN or
infinity (left out of the sums), values DuckDB reads where okrctl does not (``1_000``),
rows with an empty date or value, text under unnamed columns, rows the parser refuses.

Flagged value texts are checked one by one with ``parse_cell``: when okrctl reads one as
a number (``45%``, ``200万``) or refuses one DuckDB counted, the exact Python reader takes
over for the file (slower, never wrong). Otherwise the sums stand, and the same Python
reader runs over the file without keeping its rows, to locate each refused cell by line
with the codes and messages of the small-file engine.
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

from okrctl.core.i18n import msg
from okrctl.load.config import MetricSource
from okrctl.metrics.cells import CellError, parse_cell, parse_date
from okrctl.metrics.csvread import CsvError, Dialect, decode_failed, open_dialect
from okrctl.metrics.duck_answers import answers_from_daily
from okrctl.metrics.duck_sql import (
    filter_conditions,
    odd_sql,
    recheck_condition,
    sql_text,
    typed_sql,
    value_columns,
)
from okrctl.metrics.memory import TableSource
from okrctl.metrics.rows import Layout, resolve_layout
from okrctl.metrics.source import (
    NO_DATA,
    Answer,
    DataProblem,
    Rejected,
    RejectedIndex,
    Request,
    UsedRow,
)

# DuckDB's share of the 1 GiB every command stays under; beyond it, it spills to disk
DUCKDB_MEMORY = "512MB"
# duplicated keys located by line (each costs the exact reader one dict entry); a file
# with more is reported with the first ones
MAX_DUPLICATE_KEYS = 100_000


class DuckSource:
    """A metric source read by DuckDB (files over 32 MB; docs/metrics.md): the same
    Source protocol, answers and refused cells as the small-file ``TableSource``, which it
    hands the file to whenever the two readers could disagree."""

    def __init__(self, config: MetricSource, root: Path) -> None:
        self.name = config.name
        self.path = config.path
        self.config = config
        self.root = root
        self._problems: list[DataProblem] = []
        self._unread: list[Rejected] = []  # the file could not be used at all
        self._fallback: TableSource | None = None
        self._exact: dict[bool, TableSource] = {}
        self._layout: Layout | None = None
        self._file = root / config.path
        self._tmp: str | None = None
        self._con: Any = None
        self._built = False
        self._one_text_per_date = True
        self._metrics: set[str] | None = None
        self._dirty = False  # something to locate with the exact reader
        try:
            self._dialect = open_dialect(self._file, config.encoding, config.delimiter)
            self._prepare()
        except CsvError as exc:
            self._unusable(DataProblem(exc.code, exc.line, exc.message, exc.hint))
        except OSError as exc:
            self._unusable(DataProblem("D010", 0, msg("cannot read the file: {exc}", exc=exc)))

    def __del__(self) -> None:
        if self._tmp:
            Path(self._tmp).unlink(missing_ok=True)

    # -- setting up ------------------------------------------------------------------------
    def _unusable(self, problem: DataProblem) -> None:
        self._problems.append(problem)
        self._unread.append(Rejected(self.path, problem, None, None, None))
        self._con = None

    def _prepare(self) -> None:
        dialect: Dialect = self._dialect
        for notice in dialect.notices:
            problem = DataProblem("D007", notice.line, notice.message, notice.hint)
            if not self.config.encoding:
                self._unusable(problem)
                return
            self._problems.append(problem)
        readable = self._file
        try:
            if dialect.encoding not in ("utf-8", "utf-8-sig"):
                readable = Path(self._transcode(dialect.encoding))
            with readable.open(encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle, delimiter=dialect.delimiter), None)
        except UnicodeDecodeError as exc:  # past the first bytes open_dialect looked at
            raise decode_failed(exc, dialect.encoding, 0) from None
        if not header:
            raise CsvError(
                msg("file is empty: not even a header"), 1, msg("export with a header row")
            )
        self._readable = readable
        layout = resolve_layout(self.config, header)
        if isinstance(layout, DataProblem):
            self._unusable(layout)
            return
        self._layout = layout
        import duckdb

        self._con = duckdb.connect()
        self._con.execute("SET preserve_insertion_order = false")
        # every command stays under 1 GiB: DuckDB spills what does not fit to disk
        spill = Path(tempfile.gettempdir()) / "okrctl-duckdb"
        self._con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        self._con.execute(f"SET temp_directory = {sql_text(str(spill))}")

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
        """The read_csv() call: every column as text, named c0, c1, ... by position; with
        ``rejects``, rows DuckDB's parser refuses are kept aside instead of failing."""
        assert self._layout is not None
        spec = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(self._layout.width))
        options = [
            "header = true",
            f"delim = {sql_text(self._dialect.delimiter)}",
            "quote = '\"'",
            "escape = '\"'",
            "auto_detect = false",
            f"store_rejects = {'true' if rejects else 'false'}",
            f"columns = {{{spec}}}",
        ]
        return f"read_csv({sql_text(str(self._readable))}, {', '.join(options)})"

    def _run(self, statement: Callable[[str], str]) -> None:
        """Run a scanning statement strictly (fastest: a clean file is the usual case); if
        DuckDB's parser refuses a row, run it again keeping such rows aside: the file is
        then dirty, and the exact reader locates the rows."""
        import duckdb

        from okrctl.core.feedback import track

        with track(f"reading {self.config.path} (DuckDB)"):
            try:
                self._con.execute(statement(self._scan(rejects=False)))
            except duckdb.Error:
                self._con.execute(statement(self._scan(rejects=True)))
                if self._clear_rejects():
                    self._dirty = True

    def _clear_rejects(self) -> int:
        """Forget the rows the last scan kept aside; how many there were."""
        import duckdb

        try:
            row = self._con.execute("SELECT count(*) FROM reject_errors").fetchone()
            self._con.execute("DELETE FROM reject_errors")
        except duckdb.CatalogException:  # no scan kept anything aside yet
            return 0
        return int(row[0]) if row else 0

    def _build(self, filters: list[tuple[int, str]]) -> None:
        """The table daily (m, d, t<fid>, n<fid>): per metric and date, the total and the
        number of counted cells under each filter; decides whether the file is dirty and
        whether the exact reader must take over."""
        import duckdb

        layout = self._layout
        assert layout is not None
        try:
            recheck, dirt = self._raw_wide() if layout.value is None else self._raw_long(filters)
            self._dates()
            if recheck:
                self._recheck()
            if dirt:
                self._dirty = True
        except duckdb.Error:
            self._fallback = TableSource(self.config, self.root)
            return
        if self._fallback is not None:
            return
        sums = ", ".join(f"sum(t{fid}) AS t{fid}, sum(n{fid}) AS n{fid}" for fid, _ in filters)
        if layout.value is None and not layout.values:
            self._con.execute(
                "CREATE OR REPLACE TEMP TABLE daily (m VARCHAR, d DATE, t0 DOUBLE, n0 BIGINT)"
            )
        elif layout.value is None:
            columns = ", ".join(f"m{i}" for i in layout.values)
            self._con.execute(f"""
                CREATE OR REPLACE TEMP TABLE daily AS
                SELECT names.m, dates.d, sum(u.v) AS t0, count(u.v) AS n0 FROM
                (UNPIVOT (SELECT ds, {columns} FROM raw) ON {columns} INTO NAME k VALUE v) u
                JOIN names USING (k) JOIN dates USING (ds) GROUP BY names.m, dates.d
            """)
        elif self._one_text_per_date:
            columns = ", ".join(f"raw.t{fid}, raw.n{fid}" for fid, _ in filters)
            self._con.execute(f"""
                CREATE OR REPLACE TEMP TABLE daily AS
                SELECT raw.m, dates.d, {columns} FROM raw JOIN dates USING (ds)
            """)
        else:  # 2026-10-05 and 2026-10-05T00:00 are one date
            self._con.execute(f"""
                CREATE OR REPLACE TEMP TABLE daily AS
                SELECT raw.m, dates.d, {sums} FROM raw JOIN dates USING (ds)
                GROUP BY raw.m, dates.d
            """)
        self._built = True

    def _flagged(self, recheck: str, dirt: str) -> tuple[bool, bool]:
        """Over the table raw: (a value text to recheck, something to locate)."""
        row = self._con.execute(f"SELECT bool_or({recheck}), bool_or({dirt}) FROM raw").fetchone()
        return (bool(row[0]), bool(row[1])) if row else (False, False)

    def _raw_long(self, filters: list[tuple[int, str]]) -> tuple[bool, bool]:
        """The table raw (m, ds, t<fid>, n<fid>, and counts of texts per column) per metric
        and date text. Counting non-empty cells per group costs next to nothing; a per-row
        condition costs a tenth of the scan, so the scan has only the one for lenient
        numbers."""
        layout = self._layout
        assert layout is not None and layout.metric is not None and layout.value is not None
        value = layout.value
        v = f"v{value}"
        # CASE inside the aggregate measured faster than FILTER on 10M rows
        sums = ", ".join(
            f"sum({v}) AS t{fid}, count({v}) AS n{fid}"
            if cond == "TRUE"
            else f"sum(CASE WHEN {cond} THEN {v} END) AS t{fid}, "
            f"count(CASE WHEN {cond} THEN {v} END) AS n{fid}"
            for fid, cond in filters
        )
        others = [*layout.dimensions, *layout.unnamed]
        counts = "".join(f", count(c{i}) AS q{i}" for i in others)
        odd = odd_sql(self.config.decimal, value)
        self._run(
            lambda scan: (
                f"""
            CREATE OR REPLACE TEMP TABLE raw AS
            SELECT c{layout.metric} AS m, c{layout.date} AS ds, {sums}, count(*) AS q_rows,
                   count(c{value}) AS q_text,
                   count_if(isfinite(x{value}) AND {odd}) AS q_odd{counts}
            FROM {typed_sql(scan, layout, self.config.decimal)} GROUP BY ALL
        """
            )
        )
        stray = [f"q{i} > 0" for i in layout.unnamed]
        undated = " OR ".join(["m IS NOT NULL", "q_text > 0", *(f"q{i} > 0" for i in others)])
        return self._flagged(
            "q_text > n0 OR q_odd > 0",  # n0 counts the finite values (filter 0: none)
            " OR ".join(
                [*stray, f"(ds IS NULL AND ({undated}))", "(ds IS NOT NULL AND q_rows > q_text)"]
            ),
        )

    def _raw_wide(self) -> tuple[bool, bool]:
        """The table raw (ds, m<i> the total of column i, and counts of texts) per date text."""
        layout = self._layout
        assert layout is not None
        self._con.execute("CREATE OR REPLACE TEMP TABLE names (k VARCHAR, m VARCHAR)")
        if layout.values:
            self._con.execute(
                "INSERT INTO names SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                [[f"m{i}" for i in layout.values], [layout.names[i] for i in layout.values]],
            )
        columns = "".join(
            f", sum(v{i}) AS m{i}, count(c{i}) AS q_text{i}, count(v{i}) AS q_num{i}, "
            f"count_if(isfinite(x{i}) AND {odd_sql(self.config.decimal, i)}) AS q_odd{i}"
            for i in layout.values
        )
        counts = "".join(f", count(c{i}) AS q{i}" for i in layout.unnamed)
        self._run(
            lambda scan: (
                f"""
            CREATE OR REPLACE TEMP TABLE raw AS
            SELECT c{layout.date} AS ds{columns}{counts}
            FROM {typed_sql(scan, layout, self.config.decimal)} GROUP BY ALL
        """
            )
        )
        recheck = [f"q_text{i} > q_num{i} OR q_odd{i} > 0" for i in layout.values]
        texts = [f"q_text{i} > 0" for i in layout.values]
        dirt = [f"q{i} > 0" for i in layout.unnamed]
        if texts:
            dirt.append(f"(ds IS NULL AND ({' OR '.join(texts)}))")
        return self._flagged(" OR ".join(recheck) or "false", " OR ".join(dirt) or "false")

    def _dates(self) -> None:
        """The table dates (ds, d): each distinct date text that okrctl reads as a date;
        a text it does not read makes the file dirty."""
        texts = [r[0] for r in self._con.execute("SELECT DISTINCT ds FROM raw").fetchall()]
        known: list[tuple[str, dt.date]] = []
        for text in texts:
            if text is None:
                continue
            try:
                known.append((text, parse_date(text, self.config.date_format)))
            except CellError:
                self._dirty = True
        self._one_text_per_date = len({d for _, d in known}) == len(known)
        self._con.execute("CREATE OR REPLACE TEMP TABLE dates (ds VARCHAR, d DATE)")
        if known:
            self._con.execute(
                "INSERT INTO dates SELECT unnest(?::VARCHAR[]), unnest(?::DATE[])",
                [[t for t, _ in known], [d for _, d in known]],
            )

    def _recheck(self) -> None:
        """Check the flagged value texts with okrctl's own reader: any that it reads as a
        number, or reads differently from DuckDB, hands the file to the exact reader."""
        layout = self._layout
        assert layout is not None
        decimal = self.config.decimal
        values = value_columns(layout)
        texts = ", ".join(f"c{i}" for i in values)
        numbers = ", ".join(f"x{i}" for i in values)
        rows = self._con.execute(f"""
            SELECT DISTINCT t, x FROM (
                SELECT unnest([{texts}]) AS t, unnest([{numbers}]) AS x
                FROM {typed_sql(self._scan(rejects=True), layout, decimal)}
                WHERE {recheck_condition(layout, decimal)}
            ) WHERE t IS NOT NULL
        """).fetchall()
        self._clear_rejects()
        for text, number in rows:
            try:
                value = parse_cell(text, self.config.decimal)
            except CellError:
                value = None
                if number is not None and number == number and abs(number) != float("inf"):
                    self._fallback = TableSource(self.config, self.root)  # DuckDB counted it
                    return
                self._dirty = True
                continue
            if value is None:
                self._dirty = True  # blank: an empty value
            elif value != number:
                self._fallback = TableSource(self.config, self.root)
                return

    def _ensure_built(self) -> None:
        if not self._built and self._fallback is None and self._con is not None:
            self._build([(0, "TRUE")])

    def _exact_reader(self, duplicates: bool | frozenset[tuple[object, ...]]) -> TableSource:
        """The exact reader over the file, without its rows: problems and rejected input;
        ``duplicates``: the duplicated keys to locate (False: none)."""
        slot = bool(duplicates)
        if slot not in self._exact:
            self._exact[slot] = TableSource(
                self.config, self.root, keep_rows=False, duplicates=duplicates
            )
        return self._exact[slot]

    # -- answering -------------------------------------------------------------------------
    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        """Each request's answer by request key: the per-date totals of its metric under
        its ``where`` filter, annotated with the refused cells that touch it."""
        if self._fallback is not None:
            return self._fallback.answer(requests)
        if self._con is None:
            index = RejectedIndex(self._unread)
            return {r.key: index.annotate(r, NO_DATA) for r in requests}
        assert self._layout is not None
        filters = filter_conditions(requests, self._layout)
        self._fids = {where: fid for where, (fid, _) in filters.items()}
        self._build(list(filters.values()))
        if self._fallback is not None:
            return self._fallback.answer(requests)
        out = answers_from_daily(self._con, requests, self._fids, len(filters))
        if self._dirty:
            index = RejectedIndex(self.rejected())
            out = {r.key: index.annotate(r, out[r.key]) for r in requests}
        return out

    # -- the rest of the Source protocol ----------------------------------------------------
    def metrics(self) -> set[str]:
        """The metric names the file holds (a long file's are found by one full scan)."""
        layout = self._layout
        if layout is None or self._con is None:
            return set()
        if layout.metric is None:
            return {layout.names[i] for i in layout.values}
        if self._metrics is None:  # a full scan: once
            rows = self._con.execute(
                f"SELECT DISTINCT c{layout.metric} FROM {self._scan()} "
                f"WHERE c{layout.metric} IS NOT NULL"
            ).fetchall()
            self._clear_rejects()
            self._metrics = {r[0] for r in rows}
        return set(self._metrics)

    def dimensions(self) -> tuple[str, ...]:
        """The names of the dimension columns, in file order; none if the file is unusable."""
        layout = self._layout
        return () if layout is None else tuple(layout.names[i] for i in layout.dimensions)

    def latest_date(self) -> dt.date | None:
        """The newest date with a value that counts."""
        self._ensure_built()
        if self._fallback is not None:
            return self._fallback.latest_date()
        if not self._built:
            return None
        row = self._con.execute("SELECT max(d) FROM daily WHERE n0 > 0").fetchone()
        return row[0] if row else None

    def problems(self) -> list[DataProblem]:
        """Everything wrong with the file, including duplicate rows (a full extra pass,
        so only `okrctl check` asks for it)."""
        self._ensure_built()
        if self._fallback is not None:
            return self._fallback.problems()
        if self._con is None:
            return list(self._problems)
        duplicates = self._duplicate_keys()
        if self._dirty or duplicates:
            return self._exact_reader(duplicates or False).problems()
        return list(self._problems)

    def rejected(self) -> list[Rejected]:
        """What the numbers leave out. Duplicate rows are summed by this engine (finding
        them takes the extra pass of ``problems``), so they are not among them."""
        self._ensure_built()
        if self._fallback is not None:
            return self._fallback.rejected()
        if self._con is None:
            return list(self._unread)
        return self._exact_reader(False).rejected() if self._dirty else []

    def _duplicate_keys(self) -> frozenset[tuple[object, ...]]:
        """The keys (date, or date, metric and dimensions) that more than one row has,
        found by a GROUP BY in DuckDB (which spills to disk): the exact reader then tracks
        only rows with these keys, so memory grows with the duplicates, not the file."""
        layout = self._layout
        assert layout is not None
        key = ["dates.d"]
        if layout.metric is not None:
            key += [f"s.c{layout.metric}", *(f"s.c{i}" for i in layout.dimensions)]
        rows = self._con.execute(
            f"SELECT {', '.join(key)} FROM {self._scan()} s "
            f"JOIN dates ON s.c{layout.date} = dates.ds GROUP BY ALL "
            f"HAVING count(*) > 1 LIMIT {MAX_DUPLICATE_KEYS}"
        ).fetchall()
        self._clear_rejects()
        if layout.metric is None:
            return frozenset((row[0],) for row in rows)
        return frozenset((row[0], row[1], tuple(row[2:])) for row in rows)

    def rows(self, request: Request) -> list[UsedRow]:
        """Rows behind one request, with their lines: an exact scan (explain only)."""
        return TableSource(self.config, self.root).rows(request)
