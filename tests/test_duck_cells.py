"""The SQL number reader of metrics/duck_cells.py, cell by cell: every number it reads is
the number ``parse_cell`` reads, to the bit; a cell it leaves unread (NULL) is one the
engine hands to ``parse_cell``. Both orders of the chain, the quick step alone and the
full chain, in UTF-8 and in the Latin-1 view of GB18030, with either decimal mark."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from okrctl.metrics.cells import CellError, parse_cell
from okrctl.metrics.duck_cells import number_sql
from okrctl.metrics.duck_scan import connect
from okrctl.metrics.duck_view import View

_CONNECTIONS: dict[tuple[str, bool], Any] = {}

# what exports and typing accidents put in a number cell
ALPHABET = "0123456789,.+-_%kKMBe万亿¥￥ '\t"
# the forms exports write, signs and all, so that most examples read as numbers
FORMS = st.builds(
    lambda sign, whole, cents, form: form.format(s=sign, w=whole, c=cents, g=f"{whole:,}"),
    st.sampled_from(["", "-", "+"]),
    st.integers(0, 10**9),
    st.integers(0, 99),
    st.sampled_from(
        [
            "{s}{w}.{c:02d}",
            "{s}{g}.{c:02d}",
            "{s}{g}",
            "{s}{w}.{c:02d}万",
            "{s}{w}.{c:02d}亿",
            "{s}{w}.{c:02d}%",
            "{s}{w}K",
            "{s}{w}.{c}M",
            "{s}¥{g}.{c:02d}",
            "¥{s}{w}",
            " {s}{w}.{c:02d} 万",
            "{s}{w}.",
            "{s}{w}e3万",
            "{s}{w}_{c}",
            "+-{w}",
            "-+{w}",
            "{s}{w},{c:02d}",
            "{s}0,{c:02d}0",
        ]
    ),
)
CELLS = st.lists(st.one_of(FORMS, st.text(alphabet=ALPHABET, max_size=14)), max_size=40)


def _read(cells: list[str], decimal: str, view: bool, quick_first: bool, full: bool) -> list:
    """x0 for each cell, as the engine's SQL reads it."""
    key = (decimal, view)
    if key not in _CONNECTIONS:
        _CONNECTIONS[key] = connect(decimal, View("gb18030") if view else None)
    con = _CONNECTIONS[key]
    texts = [c.encode("gb18030").decode("latin-1") for c in cells] if view else cells
    scan = "(SELECT unnest(?::VARCHAR[]) AS c0, generate_subscripts(?::VARCHAR[], 1) AS k)"
    sql = f"SELECT x0 FROM {number_sql(scan, (0,), full, quick_first)} ORDER BY k"
    return [row[0] for row in con.execute(sql, [texts, texts]).fetchall()]


def _python(text: str, decimal: str) -> float | None:
    try:
        return parse_cell(text, decimal)
    except CellError:
        return None


@pytest.mark.parametrize("decimal", [".", ","])
@pytest.mark.parametrize("view", [False, True])
@settings(max_examples=60, deadline=None)
@given(cells=CELLS)
@example(cells=["1_000", "+-5", "-+5", " +-5", "1e1_0", "0,000", "-0.00万", "1e-400"])
@example(cells=["5万万", "万5万", "5%%", "1,234万", "1,234.5", "12,34", "0.1e-5%", "inf", "nan"])
def test_sql_reads_what_parse_cell_reads(cells: list[str], decimal: str, view: bool) -> None:
    expected = [_python(c, decimal) for c in cells]
    for quick_first in (True, False):
        for full in (True, False):
            got = _read(cells, decimal, view, quick_first, full)
            for cell, want, have in zip(cells, expected, got, strict=True):
                if have is None:
                    continue  # the engine hands such a cell to parse_cell
                assert want is not None and math.isfinite(have), (cell, have)
                assert have.hex() == want.hex(), (cell, quick_first, full)


@pytest.mark.parametrize("view", [False, True])
@pytest.mark.parametrize("quick_first", [True, False])
def test_the_sql_reads_every_export_form_itself(view: bool, quick_first: bool) -> None:
    """The forms of real exports are read in SQL, not left to Python (which would
    hand a large file to the slow exact reader)."""
    cells = ["1,234.50", "-1,234", "12.5万", "0.1亿", "45%", "3K", "1.5M", "¥1,234", "-￥5万"]
    cells += [" 7 ", "5.", "2e3", "12.5 万", "+8"]
    got = _read(cells, ".", view, quick_first, full=True)
    assert got == [_python(c, ".") for c in cells]
