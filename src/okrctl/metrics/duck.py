"""A large metric source aggregated by DuckDB: the CSV is scanned once, in parallel, and
only per-date totals of the requested metrics reach Python.

Both engines must count and refuse exactly the same cells. The scan reads every cell as
text and converts it itself, so a bad cell never costs its row the other cells, and it
flags what okrctl's reader would judge differently from DuckDB's cast: date texts (read
by okrctl's ``parse_date``, there are few), values DuckDB cannot read or reads as NaN or
infinity (left out of the sums), values DuckDB reads where okrctl does not (``1_000``),
rows with an empty date or value, text under unnamed columns, rows the parser refuses.

Value cells are read in SQL with okrctl's own grammar (metrics/duck_cells.py). Texts it
leaves to Python are checked with ``parse_cell``: when okrctl reads one as a number, the
exact reader takes over for the file (slower, never wrong); otherwise the sums stand, and
that reader runs without keeping rows, to locate each refused cell by line.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from okrctl.core.feedback import track
from okrctl.core.i18n import N_, msg
from okrctl.load.config import MetricSource
from okrctl.metrics.bounded import BoundedSource
from okrctl.metrics.cells import CellError, parse_date
from okrctl.metrics.csvread import CsvError, Dialect, open_dialect
from okrctl.metrics.duck_answers import answers_from_daily
from okrctl.metrics.duck_duplicates import (
    duplicate_keys,
    mask_sql,
    maybe_duplicated,
    remove_dropped,
    salt_for,
    sampled_dimensions,
)
from okrctl.metrics.duck_recheck import Rechecked, recheck
from okrctl.metrics.duck_scan import Scan, connect, head_copy, lf_copy, transcode
from okrctl.metrics.duck_sql import (
    daily_sql,
    filled_row_sql,
    filter_conditions,
    raw_long,
    raw_wide,
    recheck_condition,
    sampled_export,
    typed_sql,
    value_columns,
)
from okrctl.metrics.duck_view import (
    Undecodable,
    View,
    decode_raw,
    refused_by_latin1,
    view_copy,
    view_for,
)
from okrctl.metrics.located import MAX_LOCATED
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

_HEADER_HINT = N_("export with a header row")
T = TypeVar("T")


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
        self._fallback: BoundedSource | None = None
        self._exact: dict[bool, TableSource] = {}
        self._layout: Layout | None = None
        self._file = root / config.path
        self._temporary: list[str] = []  # files this source wrote, deleted with it
        self._con: Any = None
        self._scan_of: Scan | None = None
        self._built = False
        self._one_text_per_date = True
        self._metrics: set[str] | None = None
        self._dirty = False  # something to locate with the exact reader
        self._view: View | None = None  # cells read in the Latin-1 view (duck_view.py)
        self._texts: dict[str, str] = {}  # date texts of the view, turned back
        self._quick_first = False  # cells mostly in export forms (duck_cells.py)
        self._salt: int | None = None  # of the duplicate mask (duck_duplicates.py)
        self._maybe_duplicated = False  # some key may have two rows: ask duplicate_keys
        self._duplicates: frozenset[tuple[object, ...]] | None = None  # keys, once asked
        self._rechecked: Rechecked | None = None  # flagged texts read (duck_recheck.py)
        import duckdb

        try:
            self._dialect = open_dialect(self._file, config.encoding, config.delimiter)
            self._prepare()
        except CsvError as exc:
            self._unusable(DataProblem(exc.code, exc.line, exc.message, exc.hint))
        except OSError as exc:
            self._unusable(DataProblem("D010", 0, msg("cannot read the file: {exc}", exc=exc)))
        except (UnicodeError, csv.Error, duckdb.Error):
            # bytes not in the encoding, a header the csv module refuses, or DuckDB
            # failing to start: the exact reader reads the file and locates what is wrong
            self._con = None
            self._fallback = BoundedSource(self.config, self.root)

    def __del__(self) -> None:
        for name in self._temporary:
            Path(name).unlink(missing_ok=True)

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
        encoding = "utf-8-sig" if dialect.encoding == "utf-8" else dialect.encoding
        with self._file.open(encoding=encoding, newline="") as handle:
            header = next(csv.reader(handle, delimiter=dialect.delimiter), None)
        if not header:
            raise CsvError(msg("file is empty: not even a header"), 1, msg(_HEADER_HINT))
        layout = resolve_layout(self.config, header)
        if isinstance(layout, DataProblem):
            self._unusable(layout)
            return
        self._layout = layout
        readable = self._file
        self._view = None if encoding == "utf-8-sig" else view_for(encoding, dialect.delimiter)
        if encoding != "utf-8-sig" and self._view is None:  # DuckDB reads UTF-8 only
            self._temporary.append(transcode(self._file, dialect.encoding))
            readable = Path(self._temporary[-1])
        with readable.open("rb") as handle:
            head = handle.read(1 << 16)
        # an export with bare CR line ends (old Mac tools): DuckDB is told, not left to guess
        newline = "\\r" if b"\r" in head and b"\n" not in head else None
        latin1 = self._view is not None
        text = head.decode("latin-1" if latin1 else "utf-8", errors="replace")
        self._quick_first = sampled_export(text, dialect.delimiter, layout)
        self._scan_of = Scan(readable, layout.width, dialect.delimiter, newline, latin1)
        self._con = connect(self.config.decimal, self._view)
        dimensions = sampled_dimensions(readable, latin1, dialect.delimiter, layout)
        self._salt = salt_for(self._con, layout, dimensions)

    def _scan(self, rejects: bool = True) -> str:
        """The read_csv() call (``Scan.sql``)."""
        assert self._scan_of is not None
        return self._scan_of.sql(rejects)

    def _guarded(self, work: Callable[[], T], exact: Callable[[BoundedSource], T]) -> T:
        """``work()`` over DuckDB; if DuckDB fails in any step (a file it cannot parse,
        a full spill disk, a bug of its own), the exact reader takes over the file for
        good and ``exact`` asks it instead: slower, never wrong, never a crash."""
        import duckdb

        if self._fallback is None:
            try:
                return work()
            except duckdb.Error:
                if self._latin1_refused():
                    return self._guarded(work, exact)
                self._fallback = BoundedSource(self.config, self.root)
        return exact(self._fallback)

    def _latin1_refused(self) -> bool:
        """Whether DuckDB's latin-1 reader refused the file (bytes 0x80-0x9F): then the
        file is scanned from now on from a UTF-8 copy of its view (duck_view.py)."""
        scan = self._scan_of
        if scan is None or not scan.latin1 or not refused_by_latin1(scan.path):
            return False
        self._rescan(view_copy, latin1=False)
        return True

    def _run(self, statement: Callable[[str, bool], str], full: bool) -> None:
        """Run ``statement(scan, full)`` strictly (a clean file is the usual case). If
        DuckDB refuses a row, the scan stops where the exact reader stops (an unterminated
        quote), over a copy of the lines before it, and runs again keeping refused rows
        aside; a file DuckDB still gives up on (a lone CR among CR LF) is scanned as a
        copy whose record ends are all LF."""
        import duckdb

        with track(f"reading {self.config.path} (DuckDB)"):
            for _ in range(2):
                try:
                    self._con.execute(statement(self._scan(rejects=False), full))
                    return
                except duckdb.Error:
                    if not self._latin1_refused():
                        break
            stop = self._exact_reader(False).stopped_at
            if stop is not None:
                self._dirty = True
                self._rescan(lambda path: head_copy(path, stop))
            try:
                self._con.execute(statement(self._scan(rejects=True), full))
            except duckdb.Error:
                self._rescan(lf_copy, newline=None)
                self._con.execute(statement(self._scan(rejects=True), full))
            if self._clear_rejects():
                self._dirty = True

    def _rescan(self, copy: Callable[[Path], str], **changes: Any) -> None:
        """Scan from now on ``copy(path)``, a temporary copy of the file scanned so far."""
        assert self._scan_of is not None
        self._temporary.append(copy(self._scan_of.path))
        self._scan_of = dataclasses.replace(
            self._scan_of, path=Path(self._temporary[-1]), **changes
        )

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
        whether the exact reader must take over. A cell of a file read in its Latin-1
        view that is no text in its encoding stops the scan where the exact reader stops
        (it reports the bytes, D007), as the Python reader counts the lines before."""
        for _ in range(2):
            try:
                self._build_once(filters)
                return
            except Undecodable:
                stop = self._exact_reader(False).stopped_at
                if stop is None:  # the readers disagree: the exact one decides
                    break
                self._dirty = True
                self._rescan(partial(head_copy, line=stop))
        self._fallback = BoundedSource(self.config, self.root)

    def _build_once(self, filters: list[tuple[int, str]]) -> None:
        layout = self._layout
        assert layout is not None
        rechecked = self._rechecked  # the table fixes holds from an earlier build
        recheck, dirt = self._raw_table(filters, fixed=rechecked is not None and rechecked.fixed)
        self._dates()
        masked = self._salt is not None
        self._maybe_duplicated = maybe_duplicated(
            self._con, layout, masked, self._one_text_per_date
        )
        if recheck and rechecked is None:
            rechecked = self._rechecked = self._recheck()
            if rechecked.fixed:  # read again, with Python's numbers for its texts
                dirt = self._raw_table(filters, fixed=True)[1]
        if rechecked is not None:
            self._dirty |= rechecked.refused
        if dirt:
            self._dirty = True
        if layout.value is None:
            self._con.execute("CREATE OR REPLACE TEMP TABLE names (k VARCHAR, m VARCHAR)")
            keys, names = [f"m{i}" for i in layout.values], [layout.names[i] for i in layout.values]
            insert = "INSERT INTO names SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])"
            self._con.execute(insert, [keys, names])
        self._con.execute(daily_sql(layout, filters, self._one_text_per_date))
        duplicates = self._duplicate_keys()
        if duplicates and self._fallback is None:  # counted once, as the exact reader does
            self._dirty = True
            dropped = self._exact_reader(duplicates).dropped()
            if not remove_dropped(self._con, layout, filters, dropped, self._view):
                self._fallback = BoundedSource(self.config, self.root)  # digits lost
        self._built = True

    def _flagged(self, recheck: str, dirt: str) -> tuple[bool, bool]:
        """Over the table raw: (a value text to recheck, something to locate)."""
        row = self._con.execute(f"SELECT bool_or({recheck}), bool_or({dirt}) FROM raw").fetchone()
        return (bool(row[0]), bool(row[1])) if row else (False, False)

    def _raw_table(self, filters: list[tuple[int, str]], fixed: bool = False) -> tuple[bool, bool]:
        """Create the table raw per metric (long) and date text (``duck_sql.raw_long``,
        ``raw_wide``) with the quick number step, and with the full chain only if that
        left value texts unread; ``fixed``: with the full chain, reading the texts Python
        read through the table ``fixes``. (a value text to recheck, something to locate)."""
        layout = self._layout
        assert layout is not None
        statement, recheck, dirt = (
            raw_wide(layout, self._view, self._quick_first, fixed)
            if layout.value is None
            else raw_long(
                layout,
                filters,
                self._view,
                self._quick_first,
                mask_sql(layout, self._salt),
                fixed,
            )
        )
        for full in (True,) if fixed else (False, True):
            self._run(statement, full)
            self._texts = decode_raw(self._con, self._view)
            flags = self._flagged(recheck, dirt)
            if not flags[0]:
                break
        return flags

    def _dates(self) -> None:
        """The table dates (ds, d): each distinct date text that okrctl reads as a date;
        a text it does not read makes the file dirty."""
        texts = [r[0] for r in self._con.execute("SELECT DISTINCT ds FROM raw").fetchall()]
        known: list[tuple[str, dt.date]] = []
        for text in texts:
            if text is None:
                continue
            try:
                known.append(
                    (text, parse_date(self._texts.get(text, text), self.config.date_format))
                )
            except CellError:  # the exact reader locates it
                self._dirty = True
        self._one_text_per_date = len({d for _, d in known}) == len(known)
        self._con.execute("CREATE OR REPLACE TEMP TABLE dates (ds VARCHAR, d DATE)")
        if known:
            self._con.execute(
                "INSERT INTO dates SELECT unnest(?::VARCHAR[]), unnest(?::DATE[])",
                [[t for t, _ in known], [d for _, d in known]],
            )

    def _recheck(self) -> Rechecked:
        """Read the flagged value texts with okrctl's own reader, in batches, into the
        table ``fixes`` (metrics/duck_recheck.py): no text ever hands the file over."""
        layout = self._layout
        assert layout is not None
        values = value_columns(layout)
        texts = ", ".join(f"c{i}" for i in values)
        numbers = ", ".join(f"x{i}" for i in values)
        typed = typed_sql(self._scan(rejects=True), layout, True, self._quick_first)
        flagged = f"""(SELECT * FROM (
                SELECT unnest([{texts}]) AS t, unnest([{numbers}]) AS x FROM {typed}
                WHERE {recheck_condition(layout, self.config.decimal)}
            ) WHERE t IS NOT NULL)"""
        found = recheck(self._con, flagged, self._view, self.config.decimal)
        self._clear_rejects()
        return found

    def _ensure_built(self) -> None:
        if not self._built and self._fallback is None and self._con is not None:
            self._guarded(lambda: self._build([(0, "TRUE")]), lambda exact: None)

    def _exact_reader(self, duplicates: bool | frozenset[tuple[object, ...]]) -> TableSource:
        """The exact reader over the file, without its rows: problems and rejected input;
        ``duplicates``: the duplicated keys to locate (False: none)."""
        slot = bool(duplicates)
        if slot not in self._exact:
            self._exact[slot] = TableSource(
                self.config, self.root, keep_rows=False, duplicates=duplicates, cap=MAX_LOCATED
            )
        return self._exact[slot]

    # -- answering -------------------------------------------------------------------------
    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        """Each request's answer by request key: the per-date totals of its metric under
        its ``where`` filter, annotated with the refused cells that touch it."""
        if self._fallback is None and self._con is None:
            index = RejectedIndex(self._unread)
            return {r.key: index.annotate(r, NO_DATA) for r in requests}
        return self._guarded(lambda: self._answer(requests), lambda exact: exact.answer(requests))

    def _answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        assert self._layout is not None
        filters = filter_conditions(requests, self._layout, self._view)
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
        if self._fallback is not None:
            return self._fallback.metrics()
        if layout is None or self._con is None:
            return set()
        if layout.metric is None:
            return {layout.names[i] for i in layout.values}
        if self._metrics is None:  # a full scan: once
            self._metrics = self._guarded(self._metric_names, lambda exact: exact.metrics())
        return set(self._metrics)

    def _metric_names(self) -> set[str]:
        layout = self._layout
        assert layout is not None
        scan, view = self._scan(), self._view
        rows = self._con.execute(f"SELECT DISTINCT c{layout.metric} FROM {scan}").fetchall()
        try:
            texts = {r[0]: "" if r[0] is None else view.text(r[0]) if view else r[0] for r in rows}
        except Undecodable:  # the names the exact reader reads before the bytes
            return self._exact_reader(False).metrics()
        names = {text for text in texts.values() if text.strip()}
        for cell, text in texts.items():  # a blank metric: a row only beside other cells
            filled = f"SELECT 1 FROM {scan} WHERE {filled_row_sql(layout, cell, view)} LIMIT 1"
            if not text.strip() and self._con.execute(filled).fetchone():
                names.add(text)
        self._clear_rejects()
        return names

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
        return self._guarded(self._latest, lambda exact: exact.latest_date())

    def _latest(self) -> dt.date | None:
        row = self._con.execute("SELECT max(d) FROM daily WHERE n0 > 0").fetchone()
        return row[0] if row else None

    def problems(self) -> list[DataProblem]:
        """Everything wrong with the file, including duplicate rows."""
        self._ensure_built()
        if self._fallback is not None:
            return self._fallback.problems()
        if self._con is None:
            return list(self._problems)
        duplicates = self._duplicate_keys()
        if self._fallback is not None:
            return self._fallback.problems()
        if self._dirty or duplicates:
            return self._exact_reader(duplicates or False).problems()
        return list(self._problems)

    def rejected(self) -> list[Rejected]:
        """What the numbers leave out, duplicate rows among them (``_build_once`` takes
        them out of the totals)."""
        self._ensure_built()
        if self._fallback is not None:
            return self._fallback.rejected()
        if self._con is None:
            return list(self._unread)
        if not self._dirty:
            return []
        return self._exact_reader(self._duplicate_keys() or False).rejected()

    def _duplicate_keys(self) -> frozenset[tuple[object, ...]]:
        """The keys more than one row has (``duck_duplicates.duplicate_keys``, a second
        scan), asked only when the scan's groups say some key may have two rows."""
        if self._duplicates is None:
            found = (
                self._guarded(self._find_duplicates, lambda _: frozenset())
                if self._maybe_duplicated
                else frozenset()
            )
            if found is None:  # more than it tracks: the exact reader without rows says so
                self._fallback = BoundedSource(self.config, self.root)
            self._duplicates = found or frozenset()
        return self._duplicates

    def _find_duplicates(self) -> frozenset[tuple[object, ...]] | None:
        assert self._layout is not None
        keys = duplicate_keys(self._con, self._scan(), self._layout, self._view)
        self._clear_rejects()
        return keys

    def rows(self, request: Request) -> list[UsedRow]:
        """Rows behind one request, with their lines: an exact scan (explain only)."""
        return (self._fallback or BoundedSource(self.config, self.root)).rows(request)
