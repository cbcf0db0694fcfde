"""A CSV file as its records with their physical lines, for edits that change only the
rows they mean to: every other byte (byte-order mark, line endings, quoting, columns, order
of rows) stays as it was."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# a cell starting with one of these is run as a formula by spreadsheet programs
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A cell that spreadsheet programs would run as a formula, made plain text (a leading
    ``'``); any other text unchanged."""
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass(frozen=True, slots=True)
class Record:
    start: int  # index of its first physical line
    end: int  # index after its last physical line
    cells: list[str]


@dataclass
class CsvText:
    bom: bool
    lines: list[str]  # physical lines, each with its own line ending
    records: list[Record]  # the header first; blank lines are not records
    quote_all: bool  # every cell of the header is quoted: new rows are written that way

    @property
    def header(self) -> list[str]:
        return self.records[0].cells if self.records else []

    def ending(self, index: int | None = None) -> str:
        """The line ending of line ``index``; by default that of the last record that has
        one (not a line break inside a quoted cell), else LF."""
        if index is not None:
            return _ending(self.lines[index])
        for record in reversed(self.records):
            found = _ending(self.lines[record.end - 1])
            if found:
                return found
        return "\n"

    def row(self, cells: list[str], ending: str) -> str:
        """``cells`` as one record in this file's quoting, ended by ``ending``."""
        return row(cells, ending, quote_all=self.quote_all)

    def data(self) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + "".join(self.lines).encode("utf-8")


def parse(data: bytes) -> CsvText:
    """The records of a UTF-8 CSV file (comma-separated) with their lines; ValueError
    when it is not UTF-8 or not CSV."""
    bom = data.startswith(codecs.BOM_UTF8)
    text = data[len(codecs.BOM_UTF8) :].decode("utf-8") if bom else data.decode("utf-8")
    lines = _LINE.findall(text)
    reader = csv.reader(iter(lines), strict=True)
    records = []
    try:
        while True:
            start = reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                break
            if cells:
                records.append(Record(start, reader.line_num, cells))
    except csv.Error as exc:
        raise ValueError(f"line {reader.line_num}: {exc}") from None
    quote_all = False
    if records:
        first = records[0]
        raw = "".join(lines[first.start : first.end]).rstrip("\r\n")
        quote_all = raw == _quoted_all(first.cells)
    return CsvText(bom, lines, records, quote_all)


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def row(cells: list[str], ending: str, *, quote_all: bool = False) -> str:
    """``cells`` as one CSV record ended by ``ending``: quoted where needed, or all."""
    buffer = io.StringIO()
    # "\r\n" makes the writer quote a cell holding either character
    if quote_all:
        csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerow(cells)
    else:
        csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2] + ending


def _quoted_all(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="", quoting=csv.QUOTE_ALL).writerow(cells)
    return buffer.getvalue()
