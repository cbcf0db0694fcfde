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
        if file is not None:
            path = str(root / file)
            if backend == "sqlite":
                url = url.set(database=f"file:{path}?mode=ro", query={"uri": "true"})
            else:
                url = url.set(database=path)
                kwargs["connect_args"] = {"read_only": True}
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


@dataclass(frozen=True, slots=True)
class Slot:
    """One metric and filter okrctl needs per-date totals of, up to ``end``."""

    metric: str
    where: tuple[tuple[str, tuple[str, ...]], ...]
    end: dt.date


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


def totals(spec: MetricSource, names: dict[str, str], slots: Sequence[Slot], dialect: str) -> Any:
    """ONE statement for all ``slots``: per slot and date (rows without a date: one group
    with a NULL date), the sum of the values, the number of rows and of values. ``names``
    maps date/metric/value (long layout; wide: date) to column names."""
    import sqlalchemy as sa

    used = {names["date"]}
    for slot in slots:
        used |= {c for c, _ in slot.where}
        used |= {names["metric"], names["value"]} if spec.layout == "long" else {slot.metric}
    source = relation(spec, sorted(used))
    day = day_of(source, names["date"], dialect)
    parts = []
    for index, slot in enumerate(slots):
        value = source.c[names["value"] if spec.layout == "long" else slot.metric]
        conditions = [sa.or_(day <= sa.literal(slot.end, sa.Date), day.is_(None))]
        if spec.layout == "long":
            conditions.append(source.c[names["metric"]] == sa.literal(slot.metric))
        for column, allowed in slot.where:
            conditions.append(source.c[column].in_([sa.literal(v) for v in allowed]))
        parts.append(
            sa.select(
                sa.literal(index).label("slot"),
                day.label("day"),
                sa.func.sum(value).label("total"),
                sa.func.count().label("n"),
                sa.func.count(value).label("counted"),
            )
            .where(*conditions)
            .group_by(day)
        )
    return sa.union_all(*parts) if len(parts) > 1 else parts[0]


def shown(statement: Any, dialect: Any) -> str:
    """``statement`` as SQL text with its bound values written in (quoted by the
    dialect), for `okrctl explain`."""
    try:
        return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    except Exception:  # a value the dialect cannot write literally: show the parameters
        compiled = statement.compile(dialect=dialect)
        return f"{compiled}\n-- parameters: {compiled.params!r}"
