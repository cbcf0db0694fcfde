"""How DuckDB reads a metric file (docs/metrics.md, "Large files"): the connection's
settings and the ``read_csv()`` call of every scan.

UTF-8 files (with or without BOM) are scanned as they are; GB18030 files split by a
comma, semicolon or tab are scanned in their Latin-1 view (metrics/duck_view.py), as
they are or, when they hold bytes DuckDB's latin-1 reader refuses, from a UTF-8 copy of
the view. Any other encoding (GBK or GB2312 declared, UTF-16) is first transcoded,
streaming, to a temporary UTF-8 copy: 0.4 s for a 79 MB export. DuckDB reads no GB18030
itself (its ``encodings`` extension is downloaded at run time, which CI runners and
offline machines cannot do).
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrctl.metrics.duck_cells import number_macro, sql_text
from okrctl.metrics.duck_view import View, invalid_macro

# DuckDB's share of the 1 GiB every command stays under; beyond it, it spills to disk
DUCKDB_MEMORY = "512MB"
# DuckDB decodes a latin-1 file one buffer at a time while the other threads wait; with
# buffers of 8 MiB instead of its 32 MiB, 10M rows of an export scan in 0.97 s, not 1.3 s
LATIN1_BUFFER = 8 << 20


def transcode(path: Path, encoding: str) -> str:
    """A temporary UTF-8 copy of ``path`` (the caller deletes it); decoding streams in
    4 MiB chunks, so memory stays flat. Raises ``UnicodeDecodeError`` on bytes that are
    not ``encoding``."""
    fd, name = tempfile.mkstemp(prefix="okrctl-", suffix=".csv")
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
        with path.open("rb") as source, os.fdopen(fd, "wb") as target:
            while chunk := source.read(1 << 22):
                target.write(decoder.decode(chunk).encode("utf-8"))
            target.write(decoder.decode(b"", final=True).encode("utf-8"))
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return name


def line_offset(path: Path, line: int) -> int:
    """The byte offset where physical line ``line`` (1-based) of ``path`` starts, lines
    ending as Python's csv module counts them (CR LF, CR or LF); the file's size if it
    has fewer lines. ``path`` is UTF-8 or GB18030, where CR and LF never occur inside a
    character."""
    ends = re.compile(rb"\r\n|\r|\n")
    count, base = 1, 0
    if line <= 1:
        return 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            if chunk.endswith(b"\r"):  # keep a CR LF in one chunk
                chunk += handle.read(1)
            for match in ends.finditer(chunk):
                count += 1
                if count == line:
                    return base + match.end()
            base += len(chunk)
    return base


def head_copy(path: Path, line: int) -> str:
    """A temporary copy of the lines of ``path`` before ``line`` (the caller deletes it):
    what the exact reader reads of a file whose record on ``line`` is malformed."""
    remaining = line_offset(path, line)
    fd, name = tempfile.mkstemp(prefix="okrctl-", suffix=".csv")
    try:
        with path.open("rb") as source, os.fdopen(fd, "wb") as target:
            while remaining > 0 and (chunk := source.read(min(remaining, 1 << 22))):
                target.write(chunk)
                remaining -= len(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return name


def lf_copy(path: Path) -> str:
    """A temporary copy of ``path`` (UTF-8 or GB18030, where no character holds a quote,
    CR or LF byte) whose record ends are all LF (the caller
    deletes it): CR LF and a lone CR outside quotes become LF, as Python's csv module
    splits records; quoted cells keep their bytes. For the rare file DuckDB's parser gives
    up on (a lone CR among CR LF line ends): a loop over the quoted parts, about 1 s
    per 2 million quoted cells, memory flat."""
    fd, name = tempfile.mkstemp(prefix="okrctl-", suffix=".csv")
    quoted = False  # inside a quoted cell at the start of the chunk
    try:
        with path.open("rb") as source, os.fdopen(fd, "wb") as target:
            while chunk := source.read(1 << 22):
                if chunk.endswith(b"\r"):  # keep a CR LF in one chunk
                    chunk += source.read(1)
                parts = chunk.split(b'"')
                for index in range(int(quoted), len(parts), 2):
                    parts[index] = parts[index].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                target.write(b'"'.join(parts))
                quoted ^= len(parts) % 2 == 0  # an odd number of quotes in the chunk
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return name


def connect(decimal: str, view: View | None = None) -> Any:
    """A DuckDB connection set up for okrctl's scans: memory capped (it spills to a
    temporary directory), no progress bar on stdout, okrctl's number macros defined (for
    cells read in ``view``, with ``okr_invalid``)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    # DuckDB draws a progress bar on stdout for long scans: it would corrupt the output
    con.execute("SET enable_progress_bar = false")
    # every command stays under 1 GiB: DuckDB spills what does not fit to disk
    spill = Path(tempfile.gettempdir()) / "okrctl-duckdb"
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    con.execute(f"SET temp_directory = {sql_text(str(spill))}")
    con.execute(number_macro(decimal, view))
    if view is not None:
        con.execute(invalid_macro())
    return con


@dataclass(frozen=True, slots=True)
class Scan:
    """The ``read_csv()`` of one file: ``path`` (the file or its UTF-8 copy), ``width``
    columns named c0, c1, ... by position, every cell as text; ``latin1``: each byte
    read as one character (the Latin-1 view of a GB18030 file)."""

    path: Path
    width: int
    delimiter: str
    newline: str | None = None  # "\\r" for bare-CR line ends
    latin1: bool = False

    def sql(self, rejects: bool) -> str:
        """The call; with ``rejects``, rows DuckDB's parser refuses are kept aside in
        ``reject_errors`` instead of failing the statement."""
        spec = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(self.width))
        options = [
            "header = true",
            f"delim = {sql_text(self.delimiter)}",
            "quote = '\"'",
            "escape = '\"'",
            "auto_detect = false",
            f"store_rejects = {'true' if rejects else 'false'}",
            f"columns = {{{spec}}}",
        ]
        if self.newline:
            options.append(f"new_line = {sql_text(self.newline)}")
        if self.latin1:
            options += ["encoding = 'latin-1'", f"buffer_size = {LATIN1_BUFFER}"]
        return f"read_csv({sql_text(str(self.path))}, {', '.join(options)})"
