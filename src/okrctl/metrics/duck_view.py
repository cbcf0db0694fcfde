"""A GB18030 export scanned by DuckDB without transcoding it (docs/metrics.md, "Large
files"): the Latin-1 view.

DuckDB reads UTF-8 only (its GB18030 reader is an extension downloaded at run time). But
no GB18030 character holds a byte below 0x30: the delimiters okrctl sniffs (comma,
semicolon, tab), the quote, CR and LF are never part of a character. So DuckDB splits a
GB18030 file into records and cells correctly when it reads every byte as the Latin-1
character of the same value: each cell holds its bytes, one character per byte. Only the
few distinct texts okrctl needs as text (metric names, date texts, the value texts its
SQL leaves to Python) are turned back (``View.text``), and every text okrctl writes into
the SQL (dimension filters, the 万/亿/yuan tokens of the number grammar) is turned into
the view (``View.of``): 万 is the two characters ``Íò``.

DuckDB's own ``latin-1`` reader scans the file as it is, but refuses the bytes 0x80-0x9F
(C1 controls), which GBK-extension characters (many names, traditional characters) hold;
such a file is scanned from a UTF-8 copy of its view (``view_copy``, 2.5 times faster to
write than the transcoded copy). A byte sequence that is no GB18030 character is found
in SQL (``VALID_CELL``, per cell, on the cells holding a non-ASCII byte) or when a text
is turned back; the exact reader then says where.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# the encodings read through the view: the codecs whose valid sequences ``VALID_CELL``
# states (tests/test_duck_view.py checks it against Python's codec, sequence by sequence)
VIEW_ENCODINGS = frozenset({"gb18030"})
# delimiters no GB18030 byte sequence contains (its second and fourth bytes may be
# 0x30-0x39 and 0x40-0x7E: a `|` or a letter could sit inside a character)
SAFE_DELIMITERS = frozenset({",", ";", "\t"})

# one cell of GB18030 in the view, in RE2 syntax over the characters U+0000-U+00FF, as
# Python's codec accepts it: ASCII; two bytes, lead 0x81-0xFE, trail 0x40-0x7E or
# 0x80-0xFE; four bytes, 0x81-0x84 or 0x90-0xE3, a digit, 0x81-0xFE, a digit, up to
# 84 31 A4 39 (U+FFFF) and E3 32 9A 35 (U+10FFFF)
_FOUR = (
    r"[\x{81}-\x{83}\x{90}-\x{e2}][0-9][\x{81}-\x{fe}][0-9]"
    r"|\x{84}(?:0[\x{81}-\x{fe}]|1[\x{81}-\x{a4}])[0-9]"
    r"|\x{e3}(?:[01][\x{81}-\x{fe}][0-9]|2(?:[\x{81}-\x{99}][0-9]|\x{9a}[0-5]))"
)
VALID_CELL = r"(?:[\x{00}-\x{7f}]|[\x{81}-\x{fe}][\x{40}-\x{7e}\x{80}-\x{fe}]|" + _FOUR + ")*"

# the bytes DuckDB's latin-1 reader refuses, all turned into 0x80
_MARK_C1 = bytes(0x80 if 0x80 <= b < 0xA0 else b for b in range(256))


class Undecodable(Exception):
    """A cell read in the view holds bytes that are no text in the file's encoding."""


@dataclass(frozen=True, slots=True)
class View:
    """The Latin-1 view of files in ``encoding``."""

    encoding: str

    def of(self, text: str) -> str | None:
        """``text`` as it reads in the view: its bytes in ``encoding``, one character
        each; None if the encoding cannot write it (no cell of the file holds it)."""
        try:
            return text.encode(self.encoding).decode("latin-1")
        except UnicodeEncodeError:
            return None

    def text(self, viewed: str) -> str:
        """The text of a cell read in the view. Raises ``Undecodable`` for bytes that
        are not ``encoding``."""
        try:
            return viewed.encode("latin-1").decode(self.encoding)
        except UnicodeDecodeError as exc:
            raise Undecodable(str(exc)) from None


def view_for(encoding: str, delimiter: str) -> View | None:
    """The view that scans a file of ``encoding`` split by ``delimiter``, or None when
    the file must be transcoded (other encodings, other delimiters)."""
    name = codecs.lookup(encoding).name
    if name in VIEW_ENCODINGS and delimiter in SAFE_DELIMITERS:
        return View(name)
    return None


def refused_by_latin1(path: Path) -> bool:
    """Whether ``path`` holds a byte 0x80-0x9F, which DuckDB's latin-1 reader refuses:
    one pass, 1.1 GB/s measured (``bytes.translate`` marks them, ``in`` finds one)."""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            if b"\x80" in chunk.translate(_MARK_C1):
                return True
    return False


def view_copy(path: Path) -> str:
    """A temporary UTF-8 file holding the view of ``path`` (the caller deletes it): each
    byte as the Latin-1 character of its value; memory flat (4 MiB chunks)."""
    fd, name = tempfile.mkstemp(prefix="okrctl-", suffix=".csv")
    try:
        with path.open("rb") as source, os.fdopen(fd, "wb") as target:
            while chunk := source.read(1 << 22):
                target.write(chunk.decode("latin-1").encode("utf-8"))
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return name


def invalid_macro() -> str:
    """SQL creating ``okr_invalid(t)``: true for a cell of the view that is no GB18030
    text; cells of ASCII only are passed by a length test, cheaper than the expression."""
    return (
        "CREATE OR REPLACE TEMP MACRO okr_invalid(t) AS "
        f"strlen(t) <> length(t) AND NOT regexp_full_match(t, '{VALID_CELL}');"
    )


def invalid_counts(view: View | None, columns: Sequence[int]) -> str:
    """Aggregates w<i> over a scan in ``view``: how many cells of column i are no text in
    the encoding; nothing without a view. Value cells need none: the SQL reads a number
    only from ASCII around a known token, and the texts it leaves are turned back."""
    if view is None:
        return ""
    # count(CASE ...) measured cheaper than bool_or() on 10M rows
    return "".join(f", count(CASE WHEN okr_invalid(c{i}) THEN 1 END) AS w{i}" for i in columns)


def decode_raw(con: Any, view: View | None) -> dict[str, str]:
    """For a scan in ``view``, over the table raw (ds, m when long, w<i>): the date texts
    turned back, by their view; raw's metric names turned back in place. Raises
    ``Undecodable`` if a w<i> counts a cell, or a name or date text is no text in the
    encoding. Nothing to do without a view: {}."""
    if view is None:
        return {}
    columns = [d[0] for d in con.execute("SELECT * FROM raw LIMIT 0").description]
    flags = [c for c in columns if c.startswith("w")]
    if flags:
        row = con.execute(f"SELECT sum({' + '.join(flags)}) FROM raw").fetchone()
        if row and row[0]:
            raise Undecodable(f"{row[0]} cells")
    texts = {t: view.text(t) for (t,) in _distinct(con, "ds")}
    names = [(t, view.text(t)) for (t,) in _distinct(con, "m")] if "m" in columns else []
    if any(v != m for v, m in names):  # ASCII names read the same in the view
        con.execute("CREATE OR REPLACE TEMP TABLE viewed (v VARCHAR, m VARCHAR)")
        con.execute(
            "INSERT INTO viewed SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [[v for v, _ in names], [m for _, m in names]],
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE raw AS SELECT viewed.m AS m, raw.* EXCLUDE (m) "
            "FROM raw LEFT JOIN viewed ON raw.m = viewed.v"
        )
    return texts


def _distinct(con: Any, column: str) -> list[tuple[str]]:
    return list(
        con.execute(f"SELECT DISTINCT {column} FROM raw WHERE {column} IS NOT NULL").fetchall()
    )
