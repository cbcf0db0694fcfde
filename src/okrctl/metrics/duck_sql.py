"""The SQL text the DuckDB engine runs over a scanned metric file (docs/metrics.md).

Pure functions of the file's layout and decimal mark: the scan names its columns c0, c1,
... by position, every cell as text; ``typed_sql`` adds x<i> and v<i>, the number
okrctl's grammar reads in value column i (metrics/duck_cells.py). Texts the scan leaves
unread are flagged (``recheck_condition``) and checked one by one in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from okrctl.metrics.duck_cells import number_sql, sql_text
from okrctl.metrics.rows import Layout
from okrctl.metrics.source import Request


def value_columns(layout: Layout) -> tuple[int, ...]:
    """The positions of the value columns: the one ``value`` column of a long file, or
    every metric column of a wide one."""
    return layout.values if layout.value is None else (layout.value,)


def typed_sql(scan: str, layout: Layout, full: bool = True) -> str:
    """SQL: the scan with x<i> and v<i>, the number okrctl reads in value column i, or
    NULL (metrics/duck_cells.py; its macros must exist on the connection); ``full``
    False reads only the forms of the quick step."""
    values = value_columns(layout)
    vs = ", ".join(f"x{i} AS v{i}" for i in values)
    return f"(SELECT *, {vs} FROM {number_sql(scan, values, full)})"


def recheck_condition(layout: Layout, decimal: str) -> str:
    """SQL over one scanned row: a value text okrctl must judge itself (one the scan
    left unread: not a number, or a form only Python decides)."""
    return " OR ".join(f"(c{i} IS NOT NULL AND x{i} IS NULL)" for i in value_columns(layout))


def filter_conditions(requests: Sequence[Request], layout: Layout) -> dict[object, tuple[int, str]]:
    """Distinct `where` filters -> (filter id, SQL condition). Filter 0 is no filter; a
    filter naming a column the file does not have is left out (it matches nothing)."""
    out: dict[object, tuple[int, str]] = {(): (0, "TRUE")}
    column = {layout.names[i]: i for i in layout.dimensions}
    for request in requests:
        if request.where in out:
            continue
        if any(name not in column for name, _ in request.where):
            continue
        condition = " AND ".join(
            f"c{column[name]} IN ({', '.join(sql_text(v) for v in values)})"
            for name, values in request.where
        )
        out[request.where] = (len(out), condition)
    return out
