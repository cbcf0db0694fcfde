"""Write small .xlsx workbooks for tests, cell by cell, as Excel stores them.

A workbook is written as its XML parts, so a test controls exactly what Excel would have
saved: numbers, shared strings, inline text, date serials with a date format, formulas
with their cached result, and error cells (``#N/A``, ``#DIV/0!``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Formula:
    """A formula cell and the result Excel cached for it (a number, or an error text)."""

    formula: str
    result: float | str


@dataclass(frozen=True)
class Serial:
    """A date stored as Excel stores it: a day count shown through a date format."""

    days: float


@dataclass(frozen=True)
class Error:
    text: str  # e.g. "#N/A", "#DIV/0!"


Cell = str | int | float | bool | None | Formula | Serial | Error


def column_name(index: int) -> str:
    """A, B, ..., Z, AA for the 0-based column ``index``."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        if isinstance(value.result, str):
            cached = f"<v>{escape(value.result)}</v>"
            return f'<c r="{ref}" t="e"><f>{escape(value.formula)}</f>{cached}</c>'
        return f'<c r="{ref}"><f>{escape(value.formula)}</f><v>{value.result!r}</v></c>'
    if isinstance(value, Serial):
        return f'<c r="{ref}" s="1"><v>{value.days!r}</v></c>'
    if isinstance(value, Error):
        return f'<c r="{ref}" t="e"><v>{escape(value.text)}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def _sheet(rows: list[list[Cell]], first_row: int, first_column: int) -> str:
    body = []
    for r, row in enumerate(rows):
        number = first_row + r
        cells = "".join(
            _cell(f"{column_name(first_column + c)}{number}", v) for c, v in enumerate(row)
        )
        body.append(f'<row r="{number}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list[Cell]]],
    *,
    first_row: int = 1,
    first_column: int = 0,
) -> Path:
    """A workbook at ``path`` with ``sheets`` (name -> rows), in order; the rows start at
    ``first_row`` (1-based) and ``first_column`` (0-based: 0 is column A)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    names = list(sheets)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(len(names))
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        listed = "".join(
            f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, n in enumerate(names)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{main}" '
            f'xmlns:r="{rel}"><sheets>{listed}</sheets></workbook>',
        )
        links = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(names))
        )
        styles = f'<Relationship Id="rId{len(names) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{links}{styles}</Relationships>",
        )
        z.writestr("xl/styles.xml", _STYLES)
        for i, name in enumerate(names):
            z.writestr(
                f"xl/worksheets/sheet{i + 1}.xml", _sheet(sheets[name], first_row, first_column)
            )
    return path
