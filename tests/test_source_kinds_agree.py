"""Every source kind agrees with the exact CSV reader on random dumps: an Excel sheet
and a Parquet file holding the CSV's cells refuse the same cells on the same rows, and a
SQLite table of the clean values gives the same answers."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import random
import sqlite3
from pathlib import Path

import duckdb
import pytest

from okrctl.metrics.excel import ExcelSource
from okrctl.metrics.memory import TableSource
from okrctl.metrics.parquet import ParquetSource
from okrctl.metrics.parquet_duck import LargeParquetSource, typed_layout
from okrctl.metrics.source import DataProblem, Request
from okrctl.metrics.warehouse import WarehouseSource
from test_metrics_data import _random_long, _random_requests, _source
from xlsx import write_xlsx


def _cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _same_answers(a: dict[str, object], b: dict[str, object], requests: list[Request]) -> None:
    for request in requests:
        x, y = a[request.key], b[request.key]
        assert x.value == pytest.approx(y.value), request  # type: ignore[attr-defined]
        for field in ("last_date", "dates", "baseline_date"):
            assert getattr(x, field) == getattr(y, field), (field, request)
        assert x.baseline == pytest.approx(y.baseline), request  # type: ignore[attr-defined]
        lines_x = [r.problem.line for r in x.rejected]  # type: ignore[attr-defined]
        lines_y = [r.problem.line for r in y.rejected]  # type: ignore[attr-defined]
        assert lines_x == lines_y, request


def _plain(problem: DataProblem) -> tuple[str, int, int, str]:
    """A problem without the sheet and cell an Excel source names in its message."""
    message = problem.message
    if message.startswith("sheet '"):
        message = message.split(": ", 1)[1]
    return problem.code, problem.line, problem.column, message


@pytest.mark.parametrize("seed", range(4))
def test_excel_and_parquet_refuse_what_csv_refuses(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    spec = _source(tmp_path, _random_long(rng, 300, dirt=0.2))
    rows = [r for r in _cells((tmp_path / "m.csv").read_bytes()) if len(r) == 4]
    # ragged rows cannot be a sheet's or a table's: the CSV is rewritten without them
    (tmp_path / "m.csv").write_text(
        "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n", encoding="utf-8"
    )
    write_xlsx(tmp_path / "m.xlsx", {"S": rows})  # type: ignore[dict-item]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (date TEXT, metric TEXT, value TEXT, channel TEXT)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows[1:])
    con.execute(f"COPY t TO '{tmp_path / 'm.parquet'}' (FORMAT parquet)")
    requests = _random_requests(rng, 30)
    exact = TableSource(spec, tmp_path)
    assert {"D002", "D003", "D008"} <= {p.code for p in exact.problems()}
    for source in (
        ExcelSource(dataclasses.replace(spec, path="m.xlsx"), tmp_path),
        ParquetSource(dataclasses.replace(spec, path="m.parquet"), tmp_path),
    ):
        _same_answers(exact.answer(requests), source.answer(requests), requests)  # type: ignore[arg-type]
        assert [_plain(p) for p in source.problems()] == [_plain(p) for p in exact.problems()]
        assert source.metrics() == exact.metrics()
        assert source.latest_date() == exact.latest_date()


@pytest.mark.parametrize("seed", range(4))
def test_a_database_table_answers_as_its_csv_file(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    spec = _source(tmp_path, _random_long(rng, 400))
    rows = _cells((tmp_path / "m.csv").read_bytes())[1:]
    con = sqlite3.connect(tmp_path / "m.db")
    con.execute("CREATE TABLE t (date TEXT, metric TEXT, value REAL, channel TEXT)")
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)", [(d, m, float(v), c) for d, m, v, c in rows]
    )
    con.commit()
    con.close()
    requests = _random_requests(rng, 40)
    database = dataclasses.replace(spec, path="", url="sqlite:///m.db", table="t")
    exact, warehouse = TableSource(spec, tmp_path), WarehouseSource(database, tmp_path)
    _same_answers(exact.answer(requests), warehouse.answer(requests), requests)  # type: ignore[arg-type]
    assert warehouse.metrics() == exact.metrics()
    assert warehouse.latest_date() == exact.latest_date()
    assert warehouse.dimensions() == exact.dimensions()
    assert len(warehouse.sent) == 4  # the columns, the totals, the metrics, the latest date


def _typed_parquet(root: Path, rows: list[list[str]], name: str) -> None:
    """The CSV's rows as a typed Parquet file: DATE dates, DOUBLE values, NULL for
    empty cells; a cell that is neither a date nor a number makes the file untyped, so
    only clean values and empty or unreadable ones (as NULL) are used here."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t (date DATE, metric TEXT, value DOUBLE, channel TEXT)")
    typed = []
    for d, m, v, c in rows:
        try:
            day = dt.date.fromisoformat(d.strip()) if d.strip() else None
        except ValueError:
            day = None
        try:
            number = float(v) if v.strip() else None
        except ValueError:
            number = float("nan")
        typed.append((day, m, number, c))
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", typed)
    con.execute(f"COPY t TO '{root / name}' (FORMAT parquet)")


@pytest.mark.parametrize("seed", range(6))
def test_a_large_typed_parquet_file_is_aggregated_by_duckdb_with_the_same_answers(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    dirt = 0.0 if seed < 2 else 0.15
    spec = _source(tmp_path, _random_long(rng, 400, dirt=dirt))
    rows = [r for r in _cells((tmp_path / "m.csv").read_bytes())[1:] if len(r) == 4]
    if seed % 3 == 2:
        rows += rows[:5]  # duplicated keys: the later rows are refused (D001)
    _typed_parquet(tmp_path, rows, "m.parquet")
    parquet = dataclasses.replace(spec, path="m.parquet")
    typed = typed_layout(parquet, tmp_path / "m.parquet")
    assert typed is not None
    large, exact = LargeParquetSource(parquet, tmp_path, *typed), ParquetSource(parquet, tmp_path)
    requests = _random_requests(rng, 40)
    _same_answers(exact.answer(requests), large.answer(requests), requests)  # type: ignore[arg-type]
    assert large.problems() == exact.problems()
    assert (large.problems() != []) == (seed >= 2)
    assert large.metrics() == exact.metrics()
    assert large.latest_date() == exact.latest_date()
    for request in requests[:10]:
        assert large.rows(request) == exact.rows(request)
