"""A metric source in a database (``url:`` with ``table:`` or ``query:``): the database
sums the rows per date, okrctl fetches only those totals (docs/metrics.md, "SQL
warehouses"; docs/scale.md). The same Source protocol as the file sources: rows without
a value are missing data (D008), rows without a date are refused (D003), a total that is
not finite is refused (D002); a database that cannot be reached (D014) or refuses the
table, a column or the query (D010, D004) is a problem located at the source in
okrctl.yaml, and for the commands that compute numbers an error (exit 2).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from okrctl.core import vocabulary
from okrctl.core.errors import OkrctlError
from okrctl.core.feedback import track
from okrctl.load.config import CONFIG_NAME, MetricSource
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
from okrctl.metrics.warehouse_sql import (
    Connection,
    Slot,
    WarehouseError,
    connect,
    probe,
    read_only,
    shown,
    totals,
)

Totals = list[tuple[dt.date, float]]
MISSING_EXTRA = "database sources need okrctl's warehouse extra, which is not installed"
INSTALL_HINT = "pip install 'okrctl[warehouse]' (SQLAlchemy, psycopg, duckdb-engine)"
MAX_METRICS = 100_000


class WarehouseSource:
    """A database table or query, aggregated where it lives."""

    def __init__(self, config: MetricSource, root: Path) -> None:
        self.name = config.name
        self.config = config
        self.root = root
        self.path = config.located
        self.sent: list[str] = []  # the SQL sent, bound values written in (explain)
        self.failure: OkrctlError | None = None
        self._problems: list[DataProblem] = []
        self._rejected: list[Rejected] = []
        self._connection: Connection | None = None
        self._layout: Layout | None = None
        self._totals: dict[tuple[str, object], tuple[Totals, list[Rejected]]] = {}
        self._metrics: set[str] | None = None
        self._latest: dt.date | None = None
        self._latest_read = False

    # -- connecting --------------------------------------------------------------------
    def _where(self) -> str:
        place = self._connection.where if self._connection else "the database"
        return f"metric source '{self.name}' ({place}, {self.path})"

    def _fail(self, code: str, message: str, hint: str | None) -> None:
        if self.failure is not None:
            return
        problem = DataProblem(code, 0, message, hint)
        self._problems.append(problem)
        self._rejected.append(Rejected(self.path, problem, None, None, None))
        self.failure = OkrctlError(
            message,
            hint=hint,
            file=CONFIG_NAME,
            line=self.config.line,
            column=self.config.column,
        )

    def _run(self, statement: Any, keys: bool = False) -> list[Any] | None:
        """The rows of ``statement`` (with ``keys``: its column names), or None when the
        source failed (recorded)."""
        if self.failure is not None:
            return None
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        try:
            if self._connection is None:
                self._connection = connect(self.config, self.root)
            with read_only(self._connection) as conn:
                self.sent.append(shown(statement, conn.dialect))
                with track(f"querying {self.config.name} ({self._where()})"):
                    result = conn.execute(statement)
                    if keys:
                        return [str(k) for k in result.keys()]  # noqa: SIM118
                    return list(result.all())
        except WarehouseError as exc:
            self._fail(exc.code, f"{self._where()}: {exc.message}", exc.hint)
        except ImportError as exc:  # the database's driver (psycopg, duckdb-engine)
            self._fail("D014", f"{self._where()}: {MISSING_EXTRA} ({exc.name})", INSTALL_HINT)
        except DBAPIError as exc:
            self._database_error(exc)
        except SQLAlchemyError as exc:
            self._fail("D010", f"{self._where()}: {self._text(exc)}", None)
        return None

    def _text(self, exc: BaseException) -> str:
        text = " ".join(str(exc).split())
        if self._connection is not None:
            text = self._connection.scrub(text)
        return text[:400]

    def _database_error(self, exc: Any) -> None:
        original = exc.orig if exc.orig is not None else exc
        text = self._text(original).split(" [SQL:")[0]
        if exc.connection_invalidated or _unreachable(original, text):
            self._fail(
                "D014",
                f"{self._where()}: cannot read the database: {text}",
                "check that the server is up and reachable from here, the url, and the "
                "credentials in its environment variables; raise `timeout:` for a slow query",
            )
        else:
            self._fail(
                "D010",
                f"{self._where()}: the database refused the query: {text}",
                "check `table:` / `query:` and `columns:` on the source (okrctl explain "
                "shows the SQL it sends)",
            )

    def _ensure_layout(self) -> Layout | None:
        if self._layout is None and self.failure is None:
            try:
                import sqlalchemy  # noqa: F401
            except ImportError:
                self._fail("D014", f"{self._where()}: {MISSING_EXTRA}", INSTALL_HINT)
                return None
            rows = self._run(probe(self.config), keys=True)
            if rows is None:
                return None
            layout = resolve_layout(self.config, rows)
            if isinstance(layout, DataProblem):
                self._fail("D004", f"{self._where()}: {_columns(layout.message)}", layout.hint)
                return None
            self._layout = layout
        return self._layout

    def _names(self, layout: Layout) -> dict[str, str]:
        names = {"date": layout.names[layout.date]}
        if layout.metric is not None and layout.value is not None:
            names |= {"metric": layout.names[layout.metric], "value": layout.names[layout.value]}
        return names

    # -- the Source protocol ---------------------------------------------------------------
    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        self._fetch(requests)
        out = {}
        for request in requests:
            found, rejected = self._totals.get((request.metric, request.where), ([], []))
            answer = answer_from_totals(found, request)
            out[request.key] = answer
            if rejected:
                out[request.key] = RejectedIndex(rejected).annotate(request, answer)
        return out

    def _fetch(self, requests: Sequence[Request]) -> None:
        """Per-date totals of every (metric, filter) of ``requests`` not fetched yet, in
        one statement."""
        layout = self._ensure_layout()
        if layout is None:
            return
        dims = set(self.dimensions())
        wanted: dict[tuple[str, object], Slot] = {}
        for request in requests:
            key = (request.metric, request.where)
            if key in self._totals:
                continue
            usable = all(c in dims for c, _ in request.where) and (
                layout.metric is not None or request.metric in layout.names
            )
            if not usable:  # a column the table lacks (D004 at the goal), or no such metric
                self._totals[key] = ([], [])
                continue
            end = max(request.end, request.baseline_on or request.end)
            old = wanted.get(key)
            wanted[key] = Slot(request.metric, request.where, max(end, old.end if old else end))
        if not wanted:
            return
        slots = list(wanted.values())
        assert self._connection is not None
        dialect = self._connection.engine.dialect.name
        plan = totals(self.config, self._names(layout), slots, dialect)
        rows = self._run(plan.statement)
        if rows is None:
            return
        long = layout.metric is not None
        by_metric: dict[object, list[Any]] = {}
        for row in rows:
            by_metric.setdefault(row[0] if long else None, []).append(row)
        first = 2 if long else 1  # the columns before the measures: (metric,) day
        for slot in slots:
            at = first + 3 * plan.part(slot, long)
            series: Totals = []
            rejected: list[Rejected] = []
            mine = by_metric.get(slot.metric if long else None, [])
            mine.sort(key=lambda r: (r[first - 1] is not None, r[first - 1] or dt.date.min))
            for row in mine:
                total, count, values = row[at], row[at + 1], row[at + 2]
                day = row[first - 1]
                if count and count == values and type(day) is dt.date and total is not None:
                    number = float(total)
                    if math.isfinite(number):
                        series.append((day, number))  # the common case, without a call
                        continue
                self._total(slot, day, (total, count, values), series, rejected)
            self._totals[(slot.metric, slot.where)] = (series, rejected)

    def _total(
        self,
        slot: Slot,
        when: object,
        counts: tuple[Any, int, int],
        series: Totals,
        rejected: list[Rejected],
    ) -> None:
        """One date's total of ``slot`` (``counts``: sum, rows, values), or what was left
        out of it."""
        total, rows, values = counts
        if not rows:
            return
        day = _date(when)
        dims = tuple((c, v[0]) for c, v in slot.where if len(v) == 1)
        if day is None:
            problem = DataProblem("D003", 0, f"{rows} rows of metric '{slot.metric}' have no date")
            rejected.append(Rejected(self.path, problem, slot.metric, None, dims))
            return
        if self.config.layout is vocabulary.Layout.LONG and rows > values:
            problem = DataProblem(
                "D008",
                0,
                f"metric '{slot.metric}' on {day} has {rows - values} rows without a value",
                "an empty value is missing data, not zero",
            )
            rejected.append(Rejected(self.path, problem, slot.metric, day, dims))
        if values == 0 or total is None:
            return
        number = float(total)
        if not math.isfinite(number):
            problem = DataProblem(
                "D002", 0, f"metric '{slot.metric}' on {day}: the total is not finite ({number})"
            )
            rejected.append(Rejected(self.path, problem, slot.metric, day, dims))
            return
        series.append((day, number))

    def metrics(self) -> set[str]:
        if self._metrics is None:
            layout = self._ensure_layout()
            self._metrics = set()
            if layout is not None and layout.metric is None:
                self._metrics = {layout.names[i] for i in layout.values}
            elif layout is not None:
                import sqlalchemy as sa

                from okrctl.metrics.warehouse_sql import relation

                name = self._names(layout)["metric"]
                source = relation(self.config, [name])
                statement = sa.select(source.c[name]).distinct().limit(MAX_METRICS)
                rows = self._run(statement) or []
                self._metrics = {str(r[0]) for r in rows if r[0] is not None}
        return set(self._metrics)

    def dimensions(self) -> tuple[str, ...]:
        layout = self._ensure_layout()
        if layout is None:
            return ()
        return tuple(layout.names[i] for i in layout.dimensions)

    def latest_date(self) -> dt.date | None:
        if not self._latest_read:
            self._latest_read = True
            layout = self._ensure_layout()
            if layout is not None:
                import sqlalchemy as sa

                from okrctl.metrics.warehouse_sql import day_of, relation

                names = self._names(layout)
                source = relation(self.config, sorted(set(names.values())))
                assert self._connection is not None
                day = day_of(source, names["date"], self._connection.engine.dialect.name)
                statement = sa.select(sa.func.max(day))
                if "value" in names:
                    statement = statement.where(source.c[names["value"]].is_not(None))
                rows = self._run(statement)
                self._latest = _date(rows[0][0]) if rows else None
        return self._latest

    def problems(self) -> list[DataProblem]:
        self._ensure_layout()
        return list(self._problems)

    def rejected(self) -> list[Rejected]:
        self._ensure_layout()
        found = [r for _, rejected in self._totals.values() for r in rejected]
        return [*self._rejected, *found]

    def rows(self, request: Request) -> list[UsedRow]:
        """The per-date totals the database returned for ``request`` (a database has no
        lines: ``line`` is 0)."""
        self._fetch([request])
        found, _ = self._totals.get((request.metric, request.where), ([], []))
        first = request.start if request.baseline_on is None else dt.date.min
        return [UsedRow(0, day, value, ()) for day, value in found if first <= day <= request.end]


def _date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _columns(message: str) -> str:
    """A file's "header has no ... column" as a table's."""
    return message.replace("header has no", "the table has no")


# what a database says when it refuses the statement (a table, column or query), before
# what it says when it cannot be reached or the statement ran out of time
_REFUSED = (
    "no such table",
    "no such column",
    "relation",
    "column",
    "catalog error",
    "binder error",
    "parser error",
    "syntax error",
    "read-only",
    "read only",
    "cannot execute",
    "readonly",
    "function",
)
_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "connection failed",
    "connection to server",
    "timeout",
    "canceling statement",
    "interrupt",
    "password authentication failed",
    "unable to open database file",
    "could not translate host name",
    "cannot open file",
)


def _unreachable(original: BaseException, text: str) -> bool:
    """Whether the database could not be reached, or the query ran out of time, rather
    than refused what it was asked."""
    lowered = text.lower()
    if any(marker in lowered for marker in _UNREACHABLE):
        return True
    if any(marker in lowered for marker in _REFUSED):
        return False
    return type(original).__name__ in ("OperationalError", "QueryCanceled", "ConnectionTimeout")
