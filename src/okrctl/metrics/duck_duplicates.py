"""Duplicate rows of a large metric file, found by DuckDB (docs/metrics.md, "Large
files"): the exact reader counts the first row of a key (date; or date, metric and
dimension values) and refuses the others (D001), so the DuckDB engine must never sum
them.

The scan that totals each metric and date already knows how many rows each (metric,
date text) has. Without dimension columns that is the whole question: more than one row
is a duplicate. With them, each group also keeps a 64-bit mask, one bit per hash of its
dimension values (``mask_sql``): when as many bits are set as the group has rows, its
rows have distinct dimension values, so it holds no duplicate. The bits are six of the
hash's 64, chosen so that the dimension values sampled over the file fall on distinct
bits (``salt_for``); a value the sample missed may share a bit, which only sends the file to
the exact question (``duplicate_keys``, a GROUP BY over every key, a second scan). The
mask never misses a duplicate: distinct bits mean distinct values.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from okrctl.metrics.duck_view import View
from okrctl.metrics.rows import Layout

# duplicated keys located by line (each costs the exact reader one dict entry); a file
# with more is reported with the first ones
MAX_DUPLICATE_KEYS = 100_000
MASK_BITS = 64
SALTS = 59  # the windows of six bits in a 64-bit hash, tried for the sampled values
SAMPLES, SAMPLE_BYTES = 128, 1 << 12  # pieces of the file read for its dimension values
# a refused value this many times what remains of its total may have rounded digits of
# the rows that count away (2^18: at most about 2^-30 of the total, relative)
CANCELLATION = 1 << 18


def sampled_dimensions(
    path: Path, latin1: bool, delimiter: str, layout: Layout
) -> set[tuple[str | None, ...]]:
    """The distinct dimension values of the complete records in ``SAMPLES`` pieces of
    ``path`` spread evenly over it (an export sorted by channel shows one channel at
    its head), read as the scan reads them: bytes as Latin-1 characters with
    ``latin1``, an empty cell (quoted or not) as NULL. A record cut or misread at a
    piece's edge only makes a worse choice of bits, never a missed duplicate."""
    values: set[tuple[str | None, ...]] = set()
    if not layout.dimensions:
        return values
    size = path.stat().st_size
    with path.open("rb") as handle:
        for k in range(SAMPLES):
            handle.seek(size * k // SAMPLES)
            piece = handle.read(SAMPLE_BYTES)
            text = piece.decode("latin-1" if latin1 else "utf-8", errors="replace")
            lines = text.splitlines()[1:-1]  # the first: the header or cut; the last: cut
            values.update(
                tuple(record[i] or None for i in layout.dimensions)
                for record in csv.reader(lines, delimiter=delimiter)
                if len(record) == layout.width
            )
    return values


def _hash(layout: Layout, salt: int | str) -> str:
    """SQL: the bit of a row's dimension values, six bits of their hash from ``salt``
    on. DuckDB reads every empty cell as NULL, so one hash stands for all of them, as
    the exact reader reads them all as ''; the mask's soundness needs nothing more."""
    cells = ", ".join(f"c{i}" for i in layout.dimensions)
    return f"(hash({cells}) >> {salt}) % {MASK_BITS}"


def salt_for(con: Any, layout: Layout, values: set[tuple[str | None, ...]]) -> int | None:
    """A salt (where the mask's six bits start in the hash) under which ``values``
    (dimension values) fall on distinct bits; None when none does (more values than
    bits, or bad luck): the file's groups are then checked by ``duplicate_keys``. The
    window of six bits costs 0.08 s on 10M rows, a second hashed value 0.13 s."""
    if not layout.dimensions or len(values) > MASK_BITS:
        return None
    if not values:
        return 0
    columns = [list(column) for column in zip(*values, strict=True)]
    names = ", ".join(f"unnest(?::VARCHAR[]) AS c{i}" for i in layout.dimensions)
    row = con.execute(
        f"SELECT min(s) FROM (SELECT s, count(DISTINCT {_hash(layout, 's')}) AS bits "
        f"FROM (SELECT {names}) CROSS JOIN range({SALTS}) t(s) GROUP BY s) "
        f"WHERE bits = {len(values)}",
        columns,
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def mask_sql(layout: Layout, salt: int | None) -> str:
    """The aggregate b of the scan: the mask of the group's dimension values; nothing
    for a file without dimension columns or without a salt."""
    if not layout.dimensions or salt is None:
        return ""
    return f", bit_or(1::UBIGINT << {_hash(layout, salt)}) AS b"


def maybe_duplicated(con: Any, layout: Layout, masked: bool, one_text_per_date: bool) -> bool:
    """Over the tables raw (the scan's groups, with q_rows and the mask b) and dates:
    whether some key may have more than one row. Exact without dimension columns; with
    them, a group whose mask has fewer bits than rows may hold one; without a mask
    (``masked`` False), any group of more than one row may. ``one_text_per_date``: no
    date is written two ways, so each group of raw is one key's (metric and) date."""
    masked = masked and bool(layout.dimensions)
    if one_text_per_date:
        bits = "bit_count(b)" if masked else "1"
        sql = f"SELECT bool_or(q_rows > {bits}) FROM raw WHERE ds IN (SELECT ds FROM dates)"
    else:
        keys = "dates.d" if layout.metric is None else "raw.m, dates.d"
        bits = "bit_count(bit_or(raw.b))" if masked else "1"
        sql = (
            f"SELECT bool_or(rows > bits) FROM (SELECT sum(raw.q_rows) AS rows, {bits} AS bits "
            f"FROM raw JOIN dates USING (ds) GROUP BY {keys})"
        )
    row = con.execute(sql).fetchone()
    return bool(row and row[0])


def duplicate_keys(
    con: Any, scan: str, layout: Layout, view: View | None
) -> frozenset[tuple[object, ...]] | None:
    """The keys (date; or date, metric and dimension values) that more than one row of
    ``scan`` has, as the exact reader writes them: a GROUP BY in DuckDB (which spills to
    disk), so the exact reader then tracks only rows with these keys and memory grows
    with the duplicates, not the file. None when more than ``MAX_DUPLICATE_KEYS``
    keys repeat: more than the engine tracks."""
    key = ["dates.d"]
    if layout.metric is not None:
        key += [f"s.c{layout.metric}", *(f"s.c{i}" for i in layout.dimensions)]
    rows = con.execute(
        f"SELECT {', '.join(key)} FROM {scan} s "
        f"JOIN dates ON s.c{layout.date} = dates.ds GROUP BY ALL "
        f"HAVING count(*) > 1 LIMIT {MAX_DUPLICATE_KEYS + 1}"
    ).fetchall()
    if len(rows) > MAX_DUPLICATE_KEYS:
        return None
    if layout.metric is None:
        return frozenset((row[0],) for row in rows)

    def text(cell: str | None) -> str:  # the cells are valid text: the scan was built
        if cell is None:  # an empty cell, which the exact reader reads as ''
            return ""
        return cell if view is None else view.text(cell)

    return frozenset((row[0], text(row[1]), tuple(text(c) for c in row[2:])) for row in rows)


# (metric, date, dimension values, value): a row refused as a duplicate that the scan
# summed (memory.TableSource.dropped)
Dropped = tuple[str, dt.date, tuple[str, ...], float]


def remove_dropped(
    con: Any,
    layout: Layout,
    filters: list[tuple[int, str]],
    dropped: list[Dropped],
    view: View | None,
) -> bool:
    """Take the rows refused as duplicates out of the table daily (m, d, t<fid>,
    n<fid>), under each filter they match, as if the scan had not summed them: the exact
    reader found them, tracking only the duplicated keys. False (daily left as it was)
    when a refused value is more than ``CANCELLATION`` times what remains of a total it
    was summed into: the sum rounded away digits of the rows that count (0.1 +
    999999999999999 - 999999999999999 is 0.125), so only the exact reader is right."""
    if not dropped:
        return True
    of = (lambda text: text) if view is None else view.of
    names = [f"c{i}" for i in layout.dimensions]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE dropped (m VARCHAR, d DATE, v DOUBLE"
        + "".join(f", {name} VARCHAR" for name in names)
        + ")"
    )
    # the metric '' as raw holds it (NULL), matched by IS NOT DISTINCT FROM
    columns: list[list[Any]] = [[row[0] or None for row in dropped], [row[1] for row in dropped]]
    columns.append([row[3] for row in dropped])
    # an empty cell as the scan holds it (NULL), so each filter matches as it does there
    columns += [[of(row[2][k]) or None for row in dropped] for k in range(len(names))]
    casts = ["VARCHAR", "DATE", "DOUBLE", *(["VARCHAR"] * len(names))]
    con.execute(
        "INSERT INTO dropped SELECT " + ", ".join(f"unnest(?::{cast}[])" for cast in casts),
        columns,
    )
    sums = ", ".join(
        f"sum(CASE WHEN {cond} THEN v END) AS t{fid}, count(CASE WHEN {cond} THEN v END) AS n{fid}"
        f", max(CASE WHEN {cond} THEN abs(v) END) AS a{fid}"
        for fid, cond in filters
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE taken AS SELECT m, d, {sums} FROM dropped GROUP BY m, d"
    )
    lost = " OR ".join(
        f"(daily.n{fid} > x.n{fid} AND x.a{fid} > {CANCELLATION} * abs(daily.t{fid} - x.t{fid}))"
        for fid, _ in filters
    )
    same = "daily.m IS NOT DISTINCT FROM x.m AND daily.d = x.d"
    row = con.execute(f"SELECT bool_or({lost}) FROM daily JOIN taken x ON {same}").fetchone()
    if row and row[0]:
        return False
    kept = ", ".join(
        f"CASE WHEN daily.n{fid} > coalesce(x.n{fid}, 0) "
        f"THEN daily.t{fid} - coalesce(x.t{fid}, 0) END AS t{fid}, "
        f"daily.n{fid} - coalesce(x.n{fid}, 0) AS n{fid}"
        for fid, _ in filters
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE daily AS SELECT daily.m, daily.d, {kept}
        FROM daily LEFT JOIN taken x ON {same}
    """)
    return True
