"""The examples' metric CSV files as typed tables (dates as dates, numbers as numbers),
to load into a workbook, a Parquet file or a database and compare with the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from okrctl.load.config import load_config
from okrctl.metrics.cells import CellError, parse_cell
from okrctl.metrics.csvread import open_dialect

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass
class Table:
    source: str  # the metric source's name in okrctl.yaml
    path: str  # its CSV file, relative to the repository
    layout: str
    columns: list[str]  # the header, as the file writes it
    date: int  # index of the date column
    rows: list[list[object]]  # dates as dt.date, numbers as float, other cells as text


def copy_example(name: str, into: Path) -> Path:
    """A copy of examples/NAME at ``into`` (a git repository is not needed)."""
    shutil.copytree(EXAMPLES / name, into)
    return into


def tables(root: Path) -> list[Table]:
    """Every CSV metric source of the repository at ``root``, typed."""
    config = load_config(root)
    out = []
    for spec in config.metrics.values():
        path = root / spec.path
        dialect = open_dialect(path, spec.encoding, spec.delimiter)
        with path.open(encoding=dialect.encoding, newline="") as handle:
            records = list(csv.reader(handle, delimiter=dialect.delimiter))
        header = records[0]
        date = header.index(spec.columns.get("date", "date"))
        value_columns = (
            {i for i in range(len(header)) if i != date}
            if spec.layout == "wide"
            else {header.index(spec.columns.get("value", "value"))}
        )
        rows = []
        for record in records[1:]:
            row: list[object] = []
            for i, cell in enumerate(record):
                if i == date:
                    row.append(dt.date.fromisoformat(cell.strip()))
                elif i in value_columns:
                    try:
                        row.append(parse_cell(cell, spec.decimal))
                    except CellError:
                        row.append(cell)
                else:
                    row.append(cell)
            rows.append(row)
        out.append(Table(spec.name, spec.path, spec.layout, header, date, rows))
    return out


def repoint(root: Path, table: Table, settings: dict[str, str]) -> None:
    """okrctl.yaml of ``root`` with ``table``'s ``path: FILE`` replaced by ``settings``
    (e.g. ``{"url": ..., "table": ...}``); the source's other settings stay."""
    import json

    config = root / "okrctl.yaml"
    lines = config.read_text(encoding="utf-8").split("\n")
    old = f"path: {table.path}"
    (index,) = [i for i, line in enumerate(lines) if old in line]
    line = lines[index]
    written = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in settings.items()]
    if "{" in line:  # a flow mapping: {name: crm, path: ...}
        lines[index] = line.replace(old, ", ".join(written))
    else:
        indent = line[: len(line) - len(line.lstrip())]
        lines[index] = "\n".join(indent + item for item in written)
    config.write_text("\n".join(lines), encoding="utf-8")
