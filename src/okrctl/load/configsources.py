"""Database metric sources in okrctl.yaml: ``url`` with ``table`` or ``query``
(docs/metrics.md, "SQL warehouses").

Nothing here connects or imports a database driver: the URL is checked as written (its
``${ENV}`` references are expanded only when metrics/warehouse.py connects), so loading
okrctl.yaml stays fast and never reaches a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic
from okrctl.core.vocabulary import Layout, Unknown, closed
from okrctl.load.configpaths import CONFIG_NAME, inside
from okrctl.load.configsections import key_position, text
from okrctl.load.yamlread import YamlMap

# the source name of the manual check-ins (okrctl checkin), beside okrctl.yaml's metrics
CHECKINS = "checkins"

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True, slots=True)
class MetricSource:
    """One entry of okrctl.yaml's ``metrics``: a CSV file (``path`` relative to the
    repository) and how to read it (docs/metrics.md). ``delimiter`` None means detected;
    ``stale_after`` is a duration text such as ``7d``; ``line``/``column`` are 1-based."""

    name: str
    path: str
    layout: Layout | Unknown
    columns: dict[str, str]
    encoding: str | None
    delimiter: str | None
    decimal: str
    date_format: str | None
    stale_after: str | None
    line: int
    column: int
    # whether a long file's other columns are dimensions (summed over per date); the
    # check-ins file's are notes about a value, never summed (docs/metrics.md)
    dimensions: bool = True
    sheet: str | None = None  # the worksheet of an Excel workbook; None: the first one
    # a database instead of a file (docs/metrics.md, "SQL warehouses"): ``url`` as written,
    # ``${ENV}`` expanded only when connecting; ``table`` or ``query``; ``timeout`` seconds
    url: str | None = None
    table: str | None = None
    query: str | None = None
    timeout: float = 60.0

    @property
    def located(self) -> str:
        """Where the source's data lives, for messages: its file, or its database table."""
        if self.url is None:
            return self.path
        return f"table {self.table}" if self.table else "its query"


# the databases okrctl can hold to a read-only transaction and a statement timeout
URL_PATTERN = r"^(postgresql|postgresql\+psycopg|postgres|sqlite|duckdb)://"
TIMEOUT_PATTERN = r"^[0-9]+(\.[0-9]+)?(ms|s|m|h)$"
DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 24 * 3600.0
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
# the databases kept in a file, which must be one of the repository's files
_FILE_DATABASES = ("sqlite", "duckdb")
_MEMORY = ("", ":memory:")


def timeout_seconds(written: str) -> float | None:
    """Seconds of a ``timeout`` such as ``30s``, ``500ms``, ``2m`` or ``1h``; None when it
    is not written so."""
    found = re.fullmatch(TIMEOUT_PATTERN, written)
    if found is None:
        return None
    return float(written[: -len(found.group(2))]) * _UNITS[found.group(2)]


def database_file(url: str) -> str | None:
    """The file of a SQLite or DuckDB URL (``sqlite:///metrics/sales.db``: relative to the
    repository; four slashes: absolute), or None for a server or an in-memory database."""
    scheme, _, rest = url.partition("://")
    if scheme not in _FILE_DATABASES:
        return None
    path = rest.split("?", 1)[0]
    if not path.startswith("/"):
        return None if path in _MEMORY else path  # sqlite://host/... is not a file URL
    path = path[1:]
    return None if path in _MEMORY else path


def database_source(
    root: Path, raw: YamlMap, name: str, diagnostics: list[Diagnostic]
) -> MetricSource | None:
    """The database source ``raw`` of okrctl.yaml, or None (with the reason appended to
    ``diagnostics``) when it cannot be used: neither or both of ``table`` and ``query``
    (S001), a timeout out of range (S001), or a SQLite/DuckDB file outside the repository
    (C002). The schema has already checked the URL's scheme and the timeout's notation."""
    url = raw["url"]
    table, query = text(raw.get("table")), text(raw.get("query"))
    if (table is None) == (query is None):
        diagnostics.append(
            make(
                "S001",
                CONFIG_NAME,
                *key_position(raw, "url"),
                f"metric source '{name}' needs exactly one of `table:` and `query:`",
                "name the table (`table: sales`, or `table: analytics.sales`), or write the "
                "SELECT in `query:`",
            )
        )
        return None
    file = database_file(url)
    if file is not None and (
        ".." in PurePosixPath(file).parts or file.startswith("/") or not inside(root, file)
    ):
        diagnostics.append(
            make(
                "C002",
                CONFIG_NAME,
                *key_position(raw, "url"),
                f"metric source '{name}' url names the database file '{file}', which is "
                "outside the repository",
                "keep SQLite and DuckDB files inside the repository, written relative to "
                "okrctl.yaml (sqlite:///metrics/sales.db)",
            )
        )
        return None
    written = raw.get("timeout")
    seconds = timeout_seconds(written) if isinstance(written, str) else DEFAULT_TIMEOUT
    if seconds is None:
        return None  # the schema reports the notation
    if not 0 < seconds <= MAX_TIMEOUT:
        diagnostics.append(
            make(
                "S001",
                CONFIG_NAME,
                *key_position(raw, "timeout"),
                f"metric source '{name}': timeout {written} is out of range: more than 0 "
                "and at most 24h",
                "write e.g. 30s, 5m or 1h",
            )
        )
        return None
    columns = raw.get("columns")
    return MetricSource(
        name=name,
        path="",
        layout=closed(Layout, text(raw.get("layout")), Layout.LONG),
        columns={k: v for k, v in columns.items() if isinstance(v, str)}
        if isinstance(columns, dict)
        else {},
        encoding=None,
        delimiter=None,
        decimal=".",
        date_format=None,
        stale_after=text(raw.get("stale_after")),
        line=raw.line,
        column=raw.column,
        url=url,
        table=table,
        query=query,
        timeout=seconds,
    )
