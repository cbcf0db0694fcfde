"""Excel workbooks as metric sources (``path: metrics/sales.xlsx``, ``sheet: 销售``).

python-calamine reads the sheet (the values Excel saved, so a formula cell gives the
result Excel last computed); each cell becomes the text a CSV export would hold
(``metrics/typedcells.py``) and the one row reader judges it, so a workbook and its CSV
export give the same numbers. calamine reads an error cell (``#N/A``, ``#DIV/0!``) as an
empty one; okrctl finds the error cells in the sheet's XML itself and hands the reader
their error text, so they are refused values (D002), never missing data or zero.
Problems are located by row (the line) and column of the sheet, and their message names
the sheet and the cell (docs/metrics.md, "Excel workbooks").
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

from okrctl.load.config import MetricSource
from okrctl.metrics.csvread import CsvError, Record
from okrctl.metrics.memory import TableSource
from okrctl.metrics.source import DataProblem
from okrctl.metrics.typedcells import cell_text

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# workbook formats whose error cells cannot be told from empty ones by okrctl
UNSUPPORTED_SUFFIXES = (".xls", ".xlsb", ".ods")
# a sheet's XML above this is not scanned whole for error cells (every command stays
# under 1 GiB): such a sheet is read in pieces
_CHUNK = 8 << 20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ERROR_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>')
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def column_letters(index: int) -> str:
    """A, B, ..., Z, AA for the 1-based column ``index``."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index


class ExcelSource(TableSource):
    """A worksheet of an .xlsx/.xlsm workbook, read like a CSV export of it."""

    def __init__(self, config: MetricSource, root: Path) -> None:
        self._sheet = config.sheet
        self._start = (0, 0)  # 0-based row and column of the sheet's first used cell
        super().__init__(config, root)
        self._problems = [self._locate(p) for p in self._problems]
        self._rejected = [replace(r, problem=self._locate(r.problem)) for r in self._rejected]

    def _locate(self, problem: DataProblem) -> DataProblem:
        """``problem`` placed on the sheet: its column counted from column A, and the
        sheet and cell named in its message."""
        sheet = f"sheet '{self._sheet}'"
        if problem.line == 0:
            return problem  # the workbook as a whole: its message names the sheet if need be
        column = problem.column + self._start[1]
        place = (
            f"cell {column_letters(column)}{problem.line}"
            if problem.cell is not None
            else (f"row {problem.line}")
        )
        return replace(problem, column=column, message=f"{sheet} {place}: {problem.message}")

    def _records(self, path: Path) -> tuple[list[str], Iterable[Record]] | None:
        from python_calamine import CalamineError, CalamineWorkbook

        if path.suffix.lower() in UNSUPPORTED_SUFFIXES:
            raise CsvError(
                f"okrctl reads .xlsx and .xlsm workbooks, not {path.suffix}: in that format "
                "an error cell (#N/A) cannot be told from an empty one",
                0,
                "save the workbook as .xlsx (Excel Workbook), or export the sheet as CSV",
            )
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            names = list(workbook.sheet_names)
            if self._sheet is None:
                if not names:
                    raise CsvError("the workbook has no sheets", 0)
                self._sheet = names[0]
            elif self._sheet not in names:
                raise CsvError(
                    f"the workbook has no sheet '{self._sheet}' (sheets: {', '.join(names)})",
                    0,
                    "name one of its sheets in `sheet:` on the source",
                )
            sheet = workbook.get_sheet_by_name(self._sheet)
            rows = sheet.to_python()
        except CalamineError as exc:
            raise CsvError(
                f"cannot read the workbook: {exc}", 0, "save it again from Excel as .xlsx"
            ) from None
        if not rows:
            raise CsvError(
                f"sheet '{self._sheet}' is empty: not even a header", 1, "export with a header row"
            )
        self._start = sheet.start or (0, 0)
        errors = _error_cells(path, self._sheet)
        header = [cell_text(c, date_column=False, date_format=None, serials=False) for c in rows[0]]
        return header, self._typed(rows, header, errors)

    def _typed(
        self,
        rows: Sequence[Sequence[object]],
        header: list[str],
        errors: dict[tuple[int, int], str],
    ) -> Iterator[Record]:
        names = {"date": "date", **self.config.columns}
        stripped = [h.strip() for h in header]
        date = stripped.index(names["date"]) if names["date"] in stripped else -1
        first_row, first_column = self._start
        fmt, dec = self.config.date_format, self.config.decimal
        for offset, row in enumerate(rows[1:], start=1):
            line = first_row + offset + 1
            cells = [
                cell_text(
                    value, date_column=index == date, date_format=fmt, serials=True, decimal=dec
                )
                for index, value in enumerate(row)
            ]
            if errors:
                for index, cell in enumerate(cells):
                    if not cell:
                        cells[index] = errors.get((line, first_column + index + 1), "")
            yield Record(line, cells)


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The name of the XML part that holds ``sheet`` in an .xlsx archive."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
    for node in workbook.iter(f"{_MAIN}sheet"):
        if node.get("name") == sheet:
            target = targets.get(node.get(f"{_REL}id"), "")
            if target.startswith("/"):
                return target[1:]
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def _error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """The error cells of ``sheet``: {(row, column), both 1-based: error text}."""
    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return found
            with archive.open(part) as handle:
                tail = b""
                while chunk := handle.read(_CHUNK):
                    data = tail + chunk
                    # a cell cut by the chunk's end is scanned again with the next chunk
                    cut = data.rfind(b"<c ")
                    scan, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                    _scan(scan, found)
                _scan(tail, found)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return found
    return found


def _scan(data: bytes, found: dict[tuple[int, int], str]) -> None:
    if b't="e"' not in data:
        return
    for match in _ERROR_CELL.finditer(data):
        ref = _REF.search(match.group(0))
        end = data.find(b"</c>", match.end())
        value = _VALUE.search(data, match.end(), end) if end > 0 else None
        if ref is None or value is None:
            continue
        column, row = _column_index(ref.group(1)), int(ref.group(2))
        found[(row, column)] = value.group(1).decode("utf-8", "replace")
