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

from okrctl.metrics.cells import CURRENCY_SIGNS


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
SUFFIX_SHIFTS = {"%": -2, "k": 3, "K": 3, "M": 6, "B": 9, "万": 4, "亿": 8}


def number_macro(decimal: str) -> str:
    """SQL creating the macro ``okr_number(t)``: the finite number okrctl reads in the
    cell ``t``, or NULL (empty, not a number, or a text only Python decides: whitespace
    other than spaces around a suffix or sign, a range check decided by the last digit).

    Measured on 10M cells: the plain cast alone 1.3 s, a regular expression over every
    cell 12 s; so the only expression is the thousands grouping, on cells with a comma.
    A cast that fails costs DuckDB about five times one that succeeds (1.0 s against
    0.2 s on 10M cells), so a cell is cast once, after cheap tests chose its form.

    ``okr_quick(u)`` is the text to cast for the forms exports write most, read in one
    step: a plain number as it is, plain thousands grouping (``1,234.50``) without its
    commas, a plain number with one suffix (``12.5万``, ``45%``) as ``12.5e+4``. DuckDB's
    cast reads no text with a comma or ending in a suffix, so the step changes only
    texts the plain cast refuses. Cells it cannot read that way (signs with yuan,
    spaces, exponents with suffixes, ...) go through the full chain of ``NUMBER_STEPS``,
    which gives the same number for every form the quick step reads."""
    if decimal == ",":
        # parse_cell drops the thousands points, spaces and apostrophes, then reads the
        # comma as the decimal point; other whitespace is left to Python
        u = "replace(replace(replace(replace(t, '.', ''), ' ', ''), '''', ''), ',', '.')"
    else:
        u = "t"
    shifts = " ".join(
        f"WHEN ends_with(a, {sql_text(s)}) THEN "
        f"rtrim(left(a, -{len(s)}), {BLANKS}) || 'e' || '{n:+d}'"
        for s, n in SUFFIX_SHIFTS.items()
    )
    signs = " ".join(
        f"WHEN starts_with(a, {sql_text(y)}) THEN "
        f"ltrim(substr(a, {len(y) + 1}), {BLANKS}) "
        f"WHEN starts_with(a, {sql_text('-' + y)}) "
        f"OR starts_with(a, {sql_text('+' + y)}) THEN "
        f"left(a, 1) || ltrim(substr(a, {len(y) + 2}), {BLANKS})"
        for y in CURRENCY_SIGNS
    )
    grouped = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?([eE][+-]?[0-9]+)?"
    plain_grouped = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?"
    # ends_with, not right(u, 1): right() counts characters, which measured slower
    shift = " ".join(
        f"WHEN ends_with(u, {sql_text(s)}) THEN left(u, -{len(s)}) || 'e{n:+d}'"
        for s, n in SUFFIX_SHIFTS.items()
    )
    return f"""
        CREATE OR REPLACE TEMP MACRO okr_ranged(x, a) AS CASE
            WHEN abs(x) < 1e15 AND abs(x) > 1.001e-9 THEN x
            WHEN x = 0 AND ltrim(split_part(lower(a), 'e', 1), '+-0.') = '' THEN x
            ELSE NULL END;
        CREATE OR REPLACE TEMP MACRO okr_lenient(a) AS
            contains(a, '_') OR contains(a, '+-') OR contains(a, '-+');
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
            {shift}
            ELSE u END;
    """


# each step of the reading is a column of its own: a macro repeats its argument wherever
# it names it, so nested macros would grow the expression exponentially. Every cell is
# cast once, the text okr_quick chose (the plain text for a plain number): on 10M export
# cells, casting each cell as it is first and again after okr_quick took 3.7 s, against
# 1.7 s for one cast (a failed cast is the expensive part)
QUICK_STEPS = (
    ("u", "okr_text(c{i})"),
    ("q", "okr_quick(u{i})"),
    ("f", "okr_cast(q{i})"),
    ("x", "okr_ranged(f{i}, q{i})"),
)
NUMBER_STEPS = (
    *QUICK_STEPS[:-1],
    ("f", QUICK_STEPS[-1][1]),
    ("a", "CASE WHEN f{i} IS NULL AND u{i} IS NOT NULL THEN trim(u{i}, " + BLANKS + ") END"),
    ("a", "okr_unsigned(a{i})"),
    ("a", "okr_ungrouped(a{i})"),
    ("a", "okr_suffixed(a{i})"),
    ("a", "okr_scaled(a{i})"),
    ("y", "okr_cast(a{i})"),
    ("x", "coalesce(f{i}, okr_ranged(y{i}, a{i}))"),
)


def number_sql(scan: str, columns: tuple[int, ...], full: bool = True) -> str:
    """SQL: ``scan`` with x<i>, the number okrctl reads in each value column i, or NULL
    (the macros of ``number_macro`` must exist on the connection); with ``full`` False,
    only the forms of the quick step are read (a scan that leaves value texts unread is
    run again with the full chain)."""
    sql, defined = scan, set()
    for name, step in NUMBER_STEPS if full else QUICK_STEPS:
        exprs = ", ".join(f"{step.format(i=i)} AS {name}{i}" for i in columns)
        if name in defined:
            sql = f"(SELECT * REPLACE ({exprs}) FROM {sql})"
        else:
            sql = f"(SELECT *, {exprs} FROM {sql})"
        defined.add(name)
    return sql
