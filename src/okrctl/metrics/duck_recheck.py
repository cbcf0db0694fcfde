"""Value texts the DuckDB scan leaves to Python, read by Python without leaving DuckDB
(docs/metrics.md, "Large files").

The scan leaves a value cell unread when only okrctl's own reader can decide it: a text
that is no number, or one with whitespace other than spaces and tabs (a trailing
ideographic space U+3000 or a no-break space, as Chinese exports write), or a magnitude
within a rounding of the limits. Each *distinct* such text is read once with
``cells.parse_cell``; the texts it reads differently from the SQL go into the table
``fixes`` (t VARCHAR, x DOUBLE: the text as the cells hold it, the number okrctl reads
in it or NULL for a text it refuses), and the scan runs again reading each value column
through it (``duck_sql.typed_sql`` with ``fixed``). The texts are fetched and the fixes
inserted in batches of ``BATCH`` rows, so memory is bounded by the batch whatever the
number of distinct texts; DuckDB spills the tables to disk beyond its memory limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from okrctl.metrics.cells import CellError, parse_cell
from okrctl.metrics.duck_view import View

BATCH = 65_536  # texts read by Python per round trip


@dataclass(frozen=True, slots=True)
class Rechecked:
    """What reading the flagged texts found: ``fixed``, texts to read through the table
    ``fixes``; ``refused``, texts okrctl refuses or empty ones (the exact reader then
    locates them by line)."""

    fixed: bool
    refused: bool


def recheck(con: Any, flagged_sql: str, view: View | None, decimal: str) -> Rechecked:
    """Read the distinct (text, SQL's number) pairs of ``flagged_sql`` (columns t, x)
    with ``parse_cell`` and fill the table ``fixes`` with every text whose number okrctl
    reads differently from the SQL. Raises ``duck_view.Undecodable`` for a text of a
    Latin-1 view that is no text in the file's encoding."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE flagged AS SELECT DISTINCT t, x FROM {flagged_sql}")
    con.execute("CREATE OR REPLACE TEMP TABLE fixes (t VARCHAR, x DOUBLE)")
    row = con.execute("SELECT count(*) FROM flagged").fetchone()
    total = int(row[0]) if row else 0
    fixed = refused = False
    for start in range(0, total, BATCH):
        texts: list[str] = []
        numbers: list[float | None] = []
        for viewed, number in con.execute(
            "SELECT t, x FROM flagged WHERE rowid >= ? AND rowid < ?", [start, start + BATCH]
        ).fetchall():
            value = _read(viewed if view is None else view.text(viewed), decimal)
            if value is None or isinstance(value, CellError):
                refused = True
                value = None
            counted = number is not None and math.isfinite(number)
            if value != (number if counted else None):
                texts.append(viewed)
                numbers.append(value)
        if texts:
            fixed = True
            con.execute(
                "INSERT INTO fixes SELECT unnest(?::VARCHAR[]), unnest(?::DOUBLE[])",
                [texts, numbers],
            )
    con.execute("DROP TABLE flagged")
    return Rechecked(fixed, refused)


def _read(text: str, decimal: str) -> float | CellError | None:
    try:
        return parse_cell(text, decimal)
    except CellError as exc:
        return exc
