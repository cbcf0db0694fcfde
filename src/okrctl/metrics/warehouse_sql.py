"""Connecting to a database source and the SQL okrctl sends it (docs/metrics.md, "SQL
warehouses"), through SQLAlchemy Core: identifiers are quoted by SQLAlchemy, every value
from a goal file or okrctl.yaml is a bound parameter, the transaction is read-only and
every statement has a time limit.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrctl.core.errors import OkrctlError
from okrctl.core.vocabulary import Layout
from okrctl.load.config import MetricSource
from okrctl.load.configsources import database_file

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SOURCE_NAME = "okrctl_source"  # the name a `query:` is given in the SQL okrctl sends
CONNECT_SECONDS = 10


class WarehouseError(OkrctlError):
    """A database source that cannot be used; ``code`` is the data rule it breaks (D010:
    a table, column or query the database refuses; D014: the database cannot be reached or
    the query ran out of time)."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code


def expand(text: str) -> str:
    """``text`` with each ``${NAME}`` replaced by the environment variable NAME; raises
    ``WarehouseError`` naming a variable that is not set (never any value)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise WarehouseError(
                "D014",
                f"the url names the environment variable {name}, which is not set",
                f"set {name} where okrctl runs (in CI: a secret), never in the repository",
            )
        return os.environ[name]

    return _ENV.sub(value, text)


@dataclass
class Connection:
    """An open database source: the SQLAlchemy engine, where it is (for messages: host,
    port and database, or the file; never the user or password) and its secrets (scrubbed
    from every message)."""

    engine: Any
    where: str
    secrets: tuple[str, ...]
    timeout: float

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def connect(spec: MetricSource, root: Path) -> Connection:
    """An engine for ``spec``'s URL; nothing is sent before the first query. Raises
    ``WarehouseError`` for an unset variable or a URL that cannot be read."""
    import sqlalchemy
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    assert spec.url is not None
    try:
        url = make_url(spec.url)
    except (ArgumentError, ValueError):
        raise WarehouseError(
            "D010", "the url is not a database URL", "write postgresql://USER:${PASSWORD}@HOST/DB"
        ) from None
    secrets = tuple(s for s in (expand(url.password) if url.password else "",) if s)
    url = url.set(
        username=expand(url.username) if url.username else url.username,
        password=secrets[0] if secrets else url.password,
        host=expand(url.host) if url.host else url.host,
        database=expand(url.database) if url.database else url.database,
    )
    backend = url.get_backend_name()
    kwargs: dict[str, Any] = {"poolclass": sqlalchemy.pool.NullPool}
    if backend == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
        ms = int(spec.timeout * 1000)
        kwargs["connect_args"] = {
            "connect_timeout": max(1, min(CONNECT_SECONDS, int(spec.timeout))),
            "options": f"-c statement_timeout={ms} -c default_transaction_read_only=on",
        }
        where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    else:
        file = database_file(spec.url)
        where = file or "an in-memory database"
        if backend == "duckdb":
            # no file but the database itself: a `query:` from a pull request cannot
            # read_csv('/etc/...'), install extensions or write anywhere
            kwargs["connect_args"] = {"config": {"enable_external_access": False}}
        if file is not None:
            path = str(root / file)
            if backend == "sqlite":
                url = url.set(database=f"file:{path}?mode=ro", query={"uri": "true"})
            else:
                url = url.set(database=path)
                kwargs["connect_args"]["read_only"] = True
    engine = sqlalchemy.create_engine(url, **kwargs)
    if backend == "sqlite":

        @sqlalchemy.event.listens_for(engine, "connect")
        def _query_only(dbapi: Any, _: Any) -> None:
            dbapi.execute("PRAGMA query_only = ON")

    return Connection(engine, where, secrets, spec.timeout)


@contextmanager
def read_only(connection: Connection) -> Iterator[Any]:
    """A read-only transaction, cut off after the source's timeout (PostgreSQL's
    statement_timeout; SQLite and DuckDB are interrupted)."""
    with connection.engine.connect() as conn:
        dialect = conn.dialect.name
        if dialect == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        timer = None
        if dialect in ("sqlite", "duckdb"):
            raw = conn.connection.dbapi_connection
            target = getattr(raw, "interrupt", None)
            if target is None and hasattr(raw, "_ConnectionWrapper__c"):
                target = raw._ConnectionWrapper__c.interrupt  # duckdb_engine's wrapper
            if target is not None:
                timer = threading.Timer(connection.timeout, target)
                timer.daemon = True
                timer.start()
        try:
            yield conn
        finally:
            if timer is not None:
                timer.cancel()
            conn.rollback()


Where = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Slot:
    """One metric and filter okrctl needs per-date totals of, up to ``end``."""

    metric: str
    where: Where
    end: dt.date


@dataclass(frozen=True, slots=True)
class Plan:
    """The statement that answers a set of slots in one scan, and how to read its rows:
    each row is one date (and, long layout, one metric); ``parts[i]`` names the columns
    ``t{i}`` (sum), ``n{i}`` (rows) and ``c{i}`` (values) of one filter (long layout) or
    one metric column (wide layout)."""

    statement: Any
    parts: tuple[object, ...]

    def part(self, slot: Slot, long: bool) -> int:
        return self.parts.index(slot.where if long else slot.metric)


def relation(spec: MetricSource, columns: Sequence[str] = ()) -> Any:
    """The table, or the query as a common table expression (so a data-modifying
    statement in it is refused by the database's read-only transaction)."""
    import sqlalchemy as sa

    if spec.table is not None:
        schema, _, name = spec.table.rpartition(".")
        return sa.table(name, *(sa.column(c) for c in columns), schema=schema or None)
    assert spec.query is not None
    return sa.text(spec.query).columns(*(sa.column(c) for c in columns)).cte(SOURCE_NAME)


def probe(spec: MetricSource) -> Any:
    """The statement that asks for the column names (no rows)."""
    import sqlalchemy as sa

    return sa.select(sa.text("*")).select_from(relation(spec)).limit(0)


def day_of(source: Any, name: str, dialect: str) -> Any:
    """The date of a date column's value (a timestamp's day; SQLite's text dates)."""
    import sqlalchemy as sa

    column = source.c[name]
    if dialect == "sqlite":
        return sa.func.date(column)
    return sa.cast(column, sa.Date)


def totals(spec: MetricSource, names: dict[str, str], slots: Sequence[Slot], dialect: str) -> Plan:
    """ONE statement for all ``slots``, scanning the table once: per date (and metric, in
    the long layout) the sum, the number of rows and of values under each distinct filter
    (long layout) or of each metric column (wide layout); rows without a date form one
    group with a NULL date. ``names`` maps date/metric/value (long layout; wide: date) to
    column names. What is fetched grows with metrics x dates x filters, never with rows."""
    import sqlalchemy as sa

    long = spec.layout is Layout.LONG
    parts: list[object] = list(dict.fromkeys(s.where if long else s.metric for s in slots))
    used = {names["date"]}
    if long:
        used |= {names["metric"], names["value"]}
        used |= {c for where in parts for c, _ in where}  # type: ignore[attr-defined]
    else:
        used |= {str(p) for p in parts}
    source = relation(spec, sorted(used))
    day = day_of(source, names["date"], dialect)
    end = max(s.end for s in slots)
    keys = [day.label("day")]
    conditions = [sa.or_(day <= sa.literal(end, sa.Date), day.is_(None))]
    if long:
        keys.insert(0, source.c[names["metric"]].label("metric"))
        metrics = sorted({s.metric for s in slots})
        conditions.append(source.c[names["metric"]].in_([sa.literal(m) for m in metrics]))
    measures = []
    for index, part in enumerate(parts):
        value = source.c[names["value"] if long else str(part)]
        filters: Where = part if long else ()  # type: ignore[assignment]
        where = [
            source.c[column].in_([sa.literal(v) for v in allowed]) for column, allowed in filters
        ]
        if where:
            matched = sa.and_(*where)
            measures += [
                sa.func.sum(sa.case((matched, value))).label(f"t{index}"),
                sa.func.count(sa.case((matched, 1))).label(f"n{index}"),
                sa.func.count(sa.case((matched, value))).label(f"c{index}"),
            ]
        else:
            measures += [
                sa.func.sum(value).label(f"t{index}"),
                sa.func.count().label(f"n{index}"),
                sa.func.count(value).label(f"c{index}"),
            ]
    statement = sa.select(*keys, *measures).where(*conditions).group_by(*(k.element for k in keys))
    return Plan(statement, tuple(parts))


def shown(statement: Any, dialect: Any) -> str:
    """``statement`` as SQL text with its bound values written in (quoted by the
    dialect), for `okrctl explain`."""
    try:
        return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    except Exception:  # a value the dialect cannot write literally: show the parameters
        compiled = statement.compile(dialect=dialect)
        return f"{compiled}\n-- parameters: {compiled.params!r}"
