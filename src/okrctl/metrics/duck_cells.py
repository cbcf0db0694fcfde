"""Cells of a metric export read inside DuckDB exactly as ``cells.parse_cell`` reads them
(docs/metrics.md, "Large files"): the one SQL macro ``okr_number`` over a VARCHAR cell.

A plain number goes through DuckDB's own cast (its few extra forms, ``1_000`` and
``+-5``, are excluded); every other form the Python reader takes (thousands separators,
``45%``, K/M/B/万/亿 suffixes, yuan signs, decimal commas, ``5.``) is matched by one
regular expression and rebuilt as ``mantissa e exponent`` text, so the cast rounds the
exact decimal value once, as ``float(Decimal(...))`` does. Values whose range check would
be decided by the last digit are left unread here: the engine then asks ``parse_cell``.
"""

from __future__ import annotations

from typing import TypeVar

from okrctl.metrics.cells import CURRENCY_SIGNS
from okrctl.metrics.duck_view import View


def sql_text(text: str) -> str:
    """``text`` as an SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


# what Python's str.strip() and the \\s of NUMBER_PATTERN take as whitespace
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# the ASCII part of it, which SQL trims; a cell with other whitespace is left to Python
BLANKS = "' \t\n\x0b\x0c\r'"
T = TypeVar("T")
# no text ends with two of them, so their order changes no number, only how many tests
# a cell takes: the forms of Chinese exports first
SUFFIX_SHIFTS = {"万": 4, "亿": 8, "%": -2, "k": 3, "K": 3, "M": 6, "B": 9}


def _tokens(tokens: dict[str, T], view: View | None) -> dict[str, T]:
    """``tokens`` as the cells hold them: in ``view`` when there is one (a token its
    encoding cannot write is in no cell)."""
    if view is None:
        return dict(tokens)
    viewed = {token: view.of(token) for token in tokens}
    return {v: tokens[token] for token, v in viewed.items() if v is not None}


def number_macro(decimal: str, view: View | None = None) -> str:
    """SQL creating the macro ``okr_number(t)``: the finite number okrctl reads in the
    cell ``t``, or NULL (empty, not a number, or a text only Python decides: whitespace
    other than spaces around a suffix or sign, a range check decided by the last digit).

    Measured on 10M cells: the plain cast alone 1.3 s, a regular expression over every
    cell 12 s; so the only expression is the thousands grouping, on cells with a comma.

    ``okr_quick(u)`` is the text to cast for the forms exports write most: a plain
    number as it is, thousands grouping (``1,234.50``) without its commas, one suffix
    (``12.5万``, ``45%``) as ``12.5e+4``; never a form DuckDB's cast reads and okrctl
    does not (``okr_lenient``: ``1_000``, ``+-5``), so it is cast as it is. Other cells
    (yuan signs, spaces, exponents with suffixes) go through the full chain of
    ``NUMBER_STEPS``, which reads every form the quick step reads the same.

    With ``view``, cells are read in a file's Latin-1 view (metrics/duck_view.py): the
    suffixes and yuan signs are matched as their bytes in the file's encoding (万 as
    ``Íò``). A number is then read only from ASCII text around such a token, so a cell
    the SQL reads is always valid text in that encoding."""
    suffixes, signs_in = _tokens(SUFFIX_SHIFTS, view), _tokens(dict.fromkeys(CURRENCY_SIGNS), view)
    if decimal == ",":
        # parse_cell drops the thousands points, spaces and apostrophes, then reads the
        # comma as the decimal point; other whitespace is left to Python
        u = "replace(replace(replace(replace(t, '.', ''), ' ', ''), '''', ''), ',', '.')"
    else:
        u = "t"
    shifts = " ".join(
        f"WHEN ends_with(a, {sql_text(s)}) THEN "
        f"rtrim(left(a, -{len(s)}), {BLANKS}) || 'e' || '{n:+d}'"
        for s, n in suffixes.items()
    )
    signs = " ".join(
        f"WHEN starts_with(a, {sql_text(y)}) THEN "
        f"ltrim(substr(a, {len(y) + 1}), {BLANKS}) "
        f"WHEN starts_with(a, {sql_text('-' + y)}) "
        f"OR starts_with(a, {sql_text('+' + y)}) THEN "
        f"left(a, 1) || ltrim(substr(a, {len(y) + 2}), {BLANKS})"
        for y in signs_in
    )
    grouped = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?([eE][+-]?[0-9]+)?"
    plain_grouped = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?"
    # ends_with, not right(): it counts characters, slower; replace() is left() || 'e+4' in
    # one call (a suffix twice reads as no number either way: two exponents)
    shift = " ".join(
        f"WHEN ends_with(u, {sql_text(s)}) THEN replace(u, {sql_text(s)}, 'e{n:+d}')"
        for s, n in suffixes.items()
    )
    return f"""
        CREATE OR REPLACE TEMP MACRO okr_ranged(x, a) AS CASE
            WHEN abs(x) < 1e15 AND abs(x) > 1.001e-9 THEN x
            WHEN x = 0 AND ltrim(split_part(lower(a), 'e', 1), '+-0.') = '' THEN x
            ELSE NULL END;
        CREATE OR REPLACE TEMP MACRO okr_lenient(a) AS contains(a, '_') OR contains(a, '+-');
        CREATE OR REPLACE TEMP MACRO okr_cast(a) AS CASE
            WHEN okr_lenient(a) THEN NULL ELSE TRY_CAST(a AS DOUBLE) END;
        CREATE OR REPLACE TEMP MACRO okr_exponent(p) AS CASE
            WHEN length(p) BETWEEN 1 AND 7 AND ltrim(p, '+-0123456789') = ''
            THEN TRY_CAST(p AS INTEGER) END;
        CREATE OR REPLACE TEMP MACRO okr_scaled(a) AS CASE
            length(a) - length(replace(lower(a), 'e', ''))
            WHEN 1 THEN a
            WHEN 2 THEN split_part(lower(a), 'e', 1) || 'e' || CAST(
                okr_exponent(split_part(lower(a), 'e', 2))
                + okr_exponent(split_part(lower(a), 'e', 3)) AS VARCHAR)
            ELSE NULL END;
        CREATE OR REPLACE TEMP MACRO okr_ungrouped(a) AS CASE
            WHEN NOT contains(a, ',') THEN a
            WHEN regexp_full_match(split_part(a, 'e', 1), {sql_text(grouped)})
                OR regexp_full_match(a, {sql_text(grouped)}) THEN replace(a, ',', '')
            ELSE NULL END;
        CREATE OR REPLACE TEMP MACRO okr_unsigned(a) AS CASE {signs} ELSE a END;
        CREATE OR REPLACE TEMP MACRO okr_suffixed(a) AS CASE {shifts} ELSE a || 'e+0' END;
        CREATE OR REPLACE TEMP MACRO okr_text(t) AS {u};
        CREATE OR REPLACE TEMP MACRO okr_quick(u) AS CASE
            WHEN contains(u, ',') THEN CASE
                WHEN regexp_full_match(u, {sql_text(plain_grouped)}) THEN replace(u, ',', '') END
            WHEN okr_lenient(u) THEN NULL
            {shift}
            ELSE u END;
    """


# each step of the reading is a column of its own: a macro repeats its argument wherever
# it names it, so nested macros would grow the expression exponentially. A failed cast
# costs five successful ones, so the order depends on the file (``export_forms``): a
# dump of plain numbers is cast first, and only the cells that fail go through
# okr_quick (on 10M clean cells, okr_quick first cost 0.9 s more); an export's cells go
# through okr_quick first and are cast once (on 10M export cells, 1.7 s against 3.7 s)
PLAIN_FIRST = (
    ("u", "okr_text(c{i})"),
    ("f", "TRY_CAST(u{i} AS DOUBLE)"),
    ("q", "CASE WHEN f{i} IS NULL THEN okr_quick(u{i}) END"),
    (
        "f",
        "CASE WHEN f{i} IS NULL THEN TRY_CAST(q{i} AS DOUBLE) "
        "WHEN okr_lenient(u{i}) THEN NULL ELSE f{i} END",
    ),
    ("x", "okr_ranged(f{i}, coalesce(q{i}, u{i}))"),
)
QUICK_FIRST = (
    ("u", "okr_text(c{i})"),
    ("q", "okr_quick(u{i})"),
    ("f", "TRY_CAST(q{i} AS DOUBLE)"),
    ("x", "okr_ranged(f{i}, q{i})"),
)


def export_forms(cells: list[str]) -> bool:
    """Whether most of these value cells (a sample from the head of a file) are in an
    export's forms (``1,234.50``, ``12.5万``) rather than plain numbers: then the file is
    read with okr_quick first (``QUICK_FIRST``). Either order reads the same numbers."""
    plain = 0
    for cell in cells:
        try:
            float(cell)
            plain += 1
        except ValueError:
            pass
    return 2 * plain < len(cells)


def _steps(quick_first: bool, full: bool) -> tuple[tuple[str, str], ...]:
    quick = QUICK_FIRST if quick_first else PLAIN_FIRST
    if not full:
        return quick
    return (
        *quick[:-1],
        ("f", quick[-1][1]),
        ("a", "CASE WHEN f{i} IS NULL AND u{i} IS NOT NULL THEN trim(u{i}, " + BLANKS + ") END"),
        ("a", "okr_unsigned(a{i})"),
        ("a", "okr_ungrouped(a{i})"),
        ("a", "okr_suffixed(a{i})"),
        ("a", "okr_scaled(a{i})"),
        ("y", "okr_cast(a{i})"),
        ("x", "coalesce(f{i}, okr_ranged(y{i}, a{i}))"),
    )


def number_sql(
    scan: str, columns: tuple[int, ...], full: bool = True, quick_first: bool = False
) -> str:
    """SQL: ``scan`` with x<i>, the number okrctl reads in each value column i, or NULL
    (the macros of ``number_macro`` must exist on the connection); with ``full`` False,
    only the forms of the quick step are read (a scan that leaves value texts unread is
    run again with the full chain); ``quick_first``: the cells are mostly in an export's
    forms (``export_forms``)."""
    sql, defined = scan, set()
    for name, step in _steps(quick_first, full):
        exprs = ", ".join(f"{step.format(i=i)} AS {name}{i}" for i in columns)
        if name in defined:
            sql = f"(SELECT * REPLACE ({exprs}) FROM {sql})"
        else:
            sql = f"(SELECT *, {exprs} FROM {sql})"
        defined.add(name)
    return sql
