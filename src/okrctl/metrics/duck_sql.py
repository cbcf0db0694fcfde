"""The SQL text the DuckDB engine runs over a scanned metric file (docs/metrics.md).

Pure functions of the file's layout and decimal mark: the scan names its columns c0, c1,
... by position, every cell as text; ``typed_sql`` adds x<i>, the number DuckDB reads in
value column i, and v<i>, that number when it is finite (the one that counts). Texts
DuckDB and okrctl's own reader might judge differently are flagged (``odd_sql``,
``recheck_condition``) and checked one by one in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from okrctl.metrics.rows import Layout
from okrctl.metrics.source import Request


def sql_text(text: str) -> str:
    """``text`` as an SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


COMMA, DOT = sql_text(","), sql_text(".")


def lenient_sql(text: str) -> str:
    """SQL: a text DuckDB reads as a finite number where okrctl's reader does not:
    ``1_000``, ``+-5`` (checked exhaustively against ``parse_cell`` on random texts of
    digits, signs, points, exponents, underscores, spaces and letters)."""
    return f"(contains({text}, '_') OR contains({text}, '+-'))"


def number_sql(decimal: str, i: int) -> str:
    """SQL: column i as DuckDB reads the number, with ``decimal`` ("." or ",") as the
    decimal mark."""
    text = f"c{i}" if decimal != "," else f"replace(c{i}, {COMMA}, {DOT})"
    return f"TRY_CAST({text} AS DOUBLE)"


def odd_sql(decimal: str, i: int) -> str:
    """SQL: column i holds a number DuckDB reads where okrctl might not, or might read
    differently; such texts are checked with okrctl's reader."""
    if decimal == ",":
        # okrctl drops the dots of 1.234,5 as thousands separators; DuckDB would not
        return f"({lenient_sql(f'c{i}')} OR contains(c{i}, {DOT}))"
    return lenient_sql(f"c{i}")


def value_columns(layout: Layout) -> tuple[int, ...]:
    """The positions of the value columns: the one ``value`` column of a long file, or
    every metric column of a wide one."""
    return layout.values if layout.value is None else (layout.value,)


def typed_sql(scan: str, layout: Layout, decimal: str) -> str:
    """SQL: the scan with x<i>, the number DuckDB reads in value column i, and v<i>,
    that number when it counts (finite)."""
    values = value_columns(layout)
    xs = ", ".join(f"{number_sql(decimal, i)} AS x{i}" for i in values)
    vs = ", ".join(f"CASE WHEN isfinite(x{i}) THEN x{i} END AS v{i}" for i in values)
    return f"(SELECT *, {vs} FROM (SELECT *, {xs} FROM {scan}))"


def recheck_condition(layout: Layout, decimal: str) -> str:
    """SQL over one scanned row: a value text okrctl must judge itself."""
    return " OR ".join(
        f"(c{i} IS NOT NULL AND NOT coalesce(isfinite(x{i}), false)) OR "
        f"(isfinite(x{i}) AND {odd_sql(decimal, i)})"
        for i in value_columns(layout)
    )


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
