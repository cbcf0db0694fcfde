"""The SQL text the DuckDB engine runs over a scanned metric file (docs/metrics.md).

Pure functions of the file's layout and decimal mark: the scan names its columns c0, c1,
... by position, every cell as text; ``typed_sql`` adds x<i> and v<i>, the number
okrctl's grammar reads in value column i (metrics/duck_cells.py). Texts the scan leaves
unread are flagged (``recheck_condition``) and checked one by one in Python.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence

from okrctl.metrics.duck_cells import WHITESPACE, export_forms, number_sql, sql_text
from okrctl.metrics.duck_view import View, invalid_counts
from okrctl.metrics.rows import Layout
from okrctl.metrics.source import Request


def value_columns(layout: Layout) -> tuple[int, ...]:
    """The positions of the value columns: the one ``value`` column of a long file, or
    every metric column of a wide one."""
    return layout.values if layout.value is None else (layout.value,)


def typed_sql(
    scan: str, layout: Layout, full: bool = True, quick_first: bool = False, fixed: bool = False
) -> str:
    """SQL: the scan with x<i> and v<i>, the number okrctl reads in value column i, or
    NULL (metrics/duck_cells.py; its macros must exist on the connection); ``full``
    False reads only the forms of the quick step; ``quick_first``: the file's cells are
    mostly in an export's forms (``sampled_export``); ``fixed``: v<i> is read through the
    table ``fixes`` (t, x) of the texts Python reads differently (metrics/duck_recheck.py)."""
    values = value_columns(layout)
    typed = number_sql(scan, values, full, quick_first)
    if not fixed:
        vs = ", ".join(f"x{i} AS v{i}" for i in values)
        return f"(SELECT *, {vs} FROM {typed})"
    vs = ", ".join(f"CASE WHEN f{i}.t IS NULL THEN s.x{i} ELSE f{i}.x END AS v{i}" for i in values)
    joins = " ".join(f"LEFT JOIN fixes f{i} ON s.c{i} = f{i}.t" for i in values)
    return f"(SELECT s.*, {vs} FROM {typed} s {joins})"


def sampled_export(head: str, delimiter: str, layout: Layout) -> bool:
    """Whether the value cells of the complete records in ``head`` (the start of the
    file, as text) are mostly in an export's forms (``duck_cells.export_forms``)."""
    lines = head.splitlines()[1:-1]  # the header; the last line may be cut
    values = value_columns(layout)
    cells = [
        record[i].strip()
        for record in csv.reader(lines, delimiter=delimiter)
        if len(record) == layout.width
        for i in values
        if record[i].strip()
    ]
    return export_forms(cells)


def recheck_condition(layout: Layout, decimal: str) -> str:
    """SQL over one scanned row: a value text okrctl must judge itself (one the scan
    left unread: not a number, or a form only Python decides)."""
    return " OR ".join(f"(c{i} IS NOT NULL AND x{i} IS NULL)" for i in value_columns(layout))


def filter_conditions(
    requests: Sequence[Request], layout: Layout, view: View | None = None
) -> dict[object, tuple[int, str]]:
    """Distinct `where` filters -> (filter id, SQL condition). Filter 0 is no filter; a
    filter naming a column the file does not have is left out (it matches nothing). With
    ``view``, the values are compared as the cells hold them (metrics/duck_view.py)."""
    out: dict[object, tuple[int, str]] = {(): (0, "TRUE")}
    column = {layout.names[i]: i for i in layout.dimensions}
    for request in requests:
        if request.where in out:
            continue
        if any(name not in column for name, _ in request.where):
            continue
        parts = []
        for name, values in request.where:
            texts = values if view is None else [view.of(v) for v in values]
            # a value the file's encoding cannot write is in no cell; the scan reads an
            # empty cell (quoted or not) as NULL, which the exact reader reads as ''
            literals = [sql_text(t) for t in texts if t]
            cell = f"c{column[name]}"
            tests = [f"{cell} IN ({', '.join(literals)})"] if literals else []
            if "" in values:
                tests.append(f"{cell} IS NULL")
            parts.append(f"({' OR '.join(tests)})" if tests else "FALSE")
        out[request.where] = (len(out), " AND ".join(parts))
    return out


# the statement creating the table raw from a scan (``statement(scan, full)``), and over
# raw: a value text left to Python, something for the exact reader to locate
RawSql = tuple[Callable[[str, bool], str], str, str]


def filled_row_sql(layout: Layout, metric: str | None, view: View | None) -> str:
    """SQL over a scan: whether a row whose metric cell holds ``metric`` (a blank text;
    None: the empty cell) is a row to the exact reader (rows.RowReader skips a row of
    blank cells, Python's whitespace). In a Latin-1 view only ASCII whitespace is known
    as such: a row of ideographic spaces there is the exact reader's to judge."""
    blanks = WHITESPACE if view is None else "".join(c for c in WHITESPACE if c < "\x80")
    cells = [f"c{i}" for i in range(layout.width) if i != layout.metric]
    filled = " OR ".join(f"trim({c}, {sql_text(blanks)}) <> ''" for c in cells) or "FALSE"
    cell = f"c{layout.metric}"
    match = f"{cell} IS NULL" if metric is None else f"{cell} = {sql_text(metric)}"
    return f"{match} AND ({filled})"


def raw_long(
    layout: Layout,
    filters: list[tuple[int, str]],
    view: View | None,
    quick_first: bool,
    mask: str = "",
    fixed: bool = False,
) -> RawSql:
    """The table raw (m, ds, t<fid>, n<fid>, q_rows, counts of texts per column and the
    aggregate ``mask``, duck_duplicates.mask_sql) per metric and date text of a long
    file. Counting non-empty cells per group costs next to nothing; a per-row condition
    costs a tenth of the scan, so the scan has none."""
    assert layout.metric is not None and layout.value is not None
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
    counts += invalid_counts(view, others) + mask
    stray = [f"q{i} > 0" for i in layout.unnamed]
    undated = " OR ".join(["m IS NOT NULL", "q_text > 0", *(f"q{i} > 0" for i in others)])
    return (
        lambda scan, full: (
            f"""
            CREATE OR REPLACE TEMP TABLE raw AS
            SELECT c{layout.metric} AS m, c{layout.date} AS ds, {sums}, count(*) AS q_rows,
                   count(c{value}) AS q_text{counts}
            FROM {typed_sql(scan, layout, full, quick_first, fixed)} GROUP BY ALL
        """
        ),
        "q_text > n0",  # n0 counts the values read (filter 0: none)
        " OR ".join(
            [*stray, f"(ds IS NULL AND ({undated}))", "(ds IS NOT NULL AND q_rows > q_text)"]
        ),
    )


def raw_wide(layout: Layout, view: View | None, quick_first: bool, fixed: bool = False) -> RawSql:
    """The table raw (ds, m<i> the total of column i, q_rows and counts of texts) per
    date text of a wide file."""
    columns = ", count(*) AS q_rows" + "".join(
        f", sum(v{i}) AS m{i}, count(c{i}) AS q_text{i}, count(v{i}) AS q_num{i}"
        for i in layout.values
    )
    counts = "".join(f", count(c{i}) AS q{i}" for i in layout.unnamed)
    counts += invalid_counts(view, layout.unnamed)
    recheck = [f"q_text{i} > q_num{i}" for i in layout.values]
    texts = [f"q_text{i} > 0" for i in layout.values]
    dirt = [f"q{i} > 0" for i in layout.unnamed]
    if texts:
        dirt.append(f"(ds IS NULL AND ({' OR '.join(texts)}))")
    return (
        lambda scan, full: (
            f"""
            CREATE OR REPLACE TEMP TABLE raw AS
            SELECT c{layout.date} AS ds{columns}{counts}
            FROM {typed_sql(scan, layout, full, quick_first, fixed)} GROUP BY ALL
        """
        ),
        " OR ".join(recheck) or "false",
        " OR ".join(dirt) or "false",
    )


def daily_sql(layout: Layout, filters: list[tuple[int, str]], one_text_per_date: bool) -> str:
    """The statement creating the table daily (m, d, t<fid>, n<fid>) from raw, dates
    (ds, d) and, for a wide file, names (k, m)."""
    if layout.value is None and not layout.values:
        return "CREATE OR REPLACE TEMP TABLE daily (m VARCHAR, d DATE, t0 DOUBLE, n0 BIGINT)"
    if layout.value is None:  # n0 counts the cells read, as for a long file
        columns = ", ".join(f"m{i}, q_num{i}" for i in layout.values)
        pairs = ", ".join(f"(m{i}, q_num{i}) AS m{i}" for i in layout.values)
        return f"""
            CREATE OR REPLACE TEMP TABLE daily AS
            SELECT names.m, dates.d, sum(u.v) AS t0, sum(u.c) AS n0 FROM
            (UNPIVOT (SELECT ds, {columns} FROM raw) ON {pairs} INTO NAME k VALUE v, c) u
            JOIN names USING (k) JOIN dates USING (ds) GROUP BY names.m, dates.d
        """
    if one_text_per_date:
        columns = ", ".join(f"raw.t{fid}, raw.n{fid}" for fid, _ in filters)
        return f"""
            CREATE OR REPLACE TEMP TABLE daily AS
            SELECT raw.m, dates.d, {columns} FROM raw JOIN dates USING (ds)
        """
    sums = ", ".join(f"sum(t{fid}) AS t{fid}, sum(n{fid}) AS n{fid}" for fid, _ in filters)
    return f"""
        CREATE OR REPLACE TEMP TABLE daily AS
        SELECT raw.m, dates.d, {sums} FROM raw JOIN dates USING (ds)
        GROUP BY raw.m, dates.d
    """  # 2026-10-05 and 2026-10-05T00:00 are one date
