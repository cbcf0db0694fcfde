"""Excel workbooks and Parquet files as metric sources: the same numbers as the CSV
export of the same data, and every refused cell located by sheet, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from conftest import run_okrctl
from okrctl.load.config import load_config
from okrctl.metrics.parquet_duck import typed_layout
from typed_tables import Table, copy_example, repoint, tables
from xlsx import Error, Formula, Serial, write_xlsx

AS_OF = "2026-11-30"
EPOCH = dt.date(1899, 12, 30)


def serial(day: dt.date) -> Serial:
    return Serial(float((day - EPOCH).days))


def to_xlsx(root: Path, table: Table) -> str:
    name = table.path.rsplit(".", 1)[0] + ".xlsx"
    rows = [[serial(c) if isinstance(c, dt.date) else c for c in row] for row in table.rows]
    write_xlsx(root / name, {"Sheet1": [table.columns, *rows]})
    return name


def to_parquet(root: Path, table: Table) -> str:
    name = table.path.rsplit(".", 1)[0] + ".parquet"
    con = duckdb.connect()
    types = []
    for i, column in enumerate(table.columns):
        kinds = {type(row[i]) for row in table.rows if row[i] not in (None, "")}
        kind = "DATE" if i == table.date else "DOUBLE" if kinds <= {float} else "VARCHAR"
        types.append(kind)
        del column
    columns = ", ".join(f'"c{i}" {t}' for i, t in enumerate(types))
    con.execute(f"CREATE TABLE t ({columns})")
    for row in table.rows:
        values = [None if v == "" and types[i] != "VARCHAR" else v for i, v in enumerate(row)]
        con.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(row))})", values)
    renamed = ", ".join(f'"c{i}" AS "{c}"' for i, c in enumerate(table.columns))
    con.execute(f"COPY (SELECT {renamed} FROM t) TO '{root / name}' (FORMAT parquet)")
    return name


@pytest.mark.parametrize("example", ["education", "manufacturing"])
@pytest.mark.parametrize("kind", ["xlsx", "parquet", "large parquet"])
def test_examples_give_the_numbers_of_their_csv_files(
    tmp_path: Path, example: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kind == "large parquet":  # every file counted as large: aggregated by DuckDB
        import okrctl.metrics.engine

        monkeypatch.setattr(okrctl.metrics.engine, "LARGE_FILE_BYTES", 0)
    root = copy_example(example, tmp_path / example)
    expected = run_okrctl("status", "--as-of", AS_OF, "--format", "json", cwd=root)
    assert expected.returncode == 0, expected.stderr
    typed = tables(root)
    assert {t.layout for t in typed} >= ({"long", "wide"} if example == "education" else {"long"})
    for table in typed:
        name = to_xlsx(root, table) if kind == "xlsx" else to_parquet(root, table)
        if kind == "large parquet":
            assert typed_layout(load_config(root).metrics[table.source], root / name)
        repoint(root, table, {"path": name})
        (root / table.path).unlink()
    actual = run_okrctl("status", "--as-of", AS_OF, "--format", "json", cwd=root)
    assert actual.returncode == 0, actual.stderr
    assert actual.stdout == expected.stdout
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root)
    assert checked.returncode == 0, checked.stdout


CONFIG = """\
okrctl: 1
units:
  - {id: acme, level: company}
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
metrics:
  - {name: sales, path: metrics/sales.xlsx, sheet: 销售, date_format: "%Y/%m/%d"}
"""
GOAL = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Sell
    key_results:
      - {id: revenue, metric: sales:revenue, aggregate: sum, target: 1000, baseline: 0}
"""


def workbook_repo(root: Path, rows: list[list[object]], **where: int) -> Path:
    (root / "goals").mkdir(parents=True)
    (root / "okrctl.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "goals" / "a.yaml").write_text(GOAL, encoding="utf-8")
    sheets = {"Notes": [["not this sheet"]], "销售": rows}
    write_xlsx(root / "metrics" / "sales.xlsx", sheets, **where)  # type: ignore[arg-type]
    return root


def test_workbook_cells_date_serials_text_dates_formulas_and_errors(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["date", "metric", "value"],
        [serial(dt.date(2026, 10, 5)), "revenue", 100.0],  # a date cell, a number
        ["2026/10/06", "revenue", Formula("A1*2", 250.0)],  # a text date, a formula result
        ["2026/10/07", "revenue", "1,200"],  # a number written as text
        ["2026/10/08", "revenue", Error("#N/A")],
        ["2026/10/09", "revenue", Formula("1/0", "#DIV/0!")],
        ["2026/10/10", "revenue", None],  # empty: missing data
        [46000.0, "revenue", 7.0],  # a serial that is no date cell: 2025-12-09
    ]
    # the table starts at B3: rows and columns are counted from the sheet's A1
    root = workbook_repo(tmp_path / "repo", rows, first_row=3, first_column=1)
    status = run_okrctl("status", "--as-of", AS_OF, "--format", "json", cwd=root)
    assert status.returncode == 0, status.stderr
    assert '"current": 1550' in status.stdout.replace(".0,", ",")  # 100 + 250 + 1,200
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root)
    lines = checked.stdout.splitlines()
    na = [x for x in lines if "#N/A" in x]
    assert na and na[0].startswith("metrics/sales.xlsx:7:4: error D002"), na
    assert "sheet '销售' cell D7" in na[0]
    div = [x for x in lines if "#DIV/0!" in x]
    assert div and div[0].startswith("metrics/sales.xlsx:8:4:"), div
    assert "sheet '销售' cell D8" in div[0]
    empty = [x for x in lines if "D008" in x]
    assert empty and empty[0].startswith("metrics/sales.xlsx:9:4:"), empty
    explained = run_okrctl("explain", "--as-of", AS_OF, "CO-1/revenue", cwd=root)
    assert explained.returncode == 0, explained.stderr
    assert "metrics/sales.xlsx:4  2026-10-05  100" in explained.stdout
    assert "metrics/sales.xlsx:7  2026-10-08  '#N/A'" in explained.stdout


def test_missing_sheet_and_old_workbook_formats_are_located(tmp_path: Path) -> None:
    root = workbook_repo(tmp_path / "repo", [["date", "metric", "value"]])
    config = root / "okrctl.yaml"
    config.write_text(CONFIG.replace("sheet: 销售", "sheet: Sales"), encoding="utf-8")
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root)
    assert "metrics/sales.xlsx: error D010" in checked.stdout
    assert "no sheet 'Sales' (sheets: Notes, 销售)" in checked.stdout
    (root / "metrics" / "sales.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    config.write_text(CONFIG.replace("sales.xlsx", "sales.xls"), encoding="utf-8")
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root)
    assert "metrics/sales.xls: error D010" in checked.stdout
    assert "save the workbook as .xlsx" in checked.stdout


def test_parquet_refused_cells_keep_the_lines_of_the_csv_export(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "goals").mkdir(parents=True)
    (root / "metrics").mkdir()
    (root / "okrctl.yaml").write_text(
        CONFIG.replace("path: metrics/sales.xlsx, sheet: 销售, ", "path: metrics/s.parquet, "),
        encoding="utf-8",
    )
    (root / "goals" / "a.yaml").write_text(GOAL, encoding="utf-8")
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT * FROM (VALUES (DATE '2026-10-05', 'revenue', '12.5万'), "
        "(DATE '2026-10-06', 'revenue', 'n/a'), (DATE '2026-10-07', 'revenue', '45%')) "
        f"t(date, metric, value)) TO '{root / 'metrics' / 's.parquet'}' (FORMAT parquet)"
    )
    status = run_okrctl("status", "--as-of", AS_OF, "--format", "json", cwd=root)
    assert '"current": 125000.45' in status.stdout  # 12.5万 + 45%
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root)
    assert "metrics/s.parquet:3:3: error D002 metric 'revenue': 'n/a' is not a number" in (
        checked.stdout
    )
