"""Parquet files as metric sources (``path: metrics/sales.parquet``), read by DuckDB.

DuckDB decodes the file in batches; each value becomes the text a CSV export of the same
table would hold (``metrics/typedcells.py``) and the one row reader judges it, so a
Parquet file and its CSV export give the same numbers and the same refused cells. Rows
are numbered as that export's lines: the column names are line 1, the first row line 2
(docs/metrics.md, "Parquet files").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from okrctl.metrics.csvread import CsvError, Record
from okrctl.metrics.memory import TableSource
from okrctl.metrics.typedcells import cell_text

PARQUET_SUFFIXES = (".parquet", ".parq")
_BATCH = 50_000
# DuckDB's share of the 1 GiB every command stays under
_MEMORY = "256MB"


class ParquetSource(TableSource):
    """A Parquet file, read like a CSV export of it."""

    def _records(self, path: Path) -> tuple[list[str], Iterable[Record]] | None:
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{_MEMORY}'")
        con.execute("SET enable_progress_bar = false")
        try:
            result = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        except duckdb.Error as exc:
            con.close()
            message = str(exc).splitlines()[0]
            raise CsvError(
                f"cannot read the Parquet file: {message}", 0, "export the file again"
            ) from None
        header = [str(d[0]) for d in result.description or []]
        return header, self._typed(con, result, header)

    def _typed(self, con: Any, result: Any, header: list[str]) -> Iterator[Record]:
        names = {"date": "date", **self.config.columns}
        date = header.index(names["date"]) if names["date"] in header else -1
        fmt, dec = self.config.date_format, self.config.decimal
        line = 1
        try:
            while batch := result.fetchmany(_BATCH):
                for row in batch:
                    line += 1
                    yield Record(
                        line,
                        [
                            cell_text(
                                v,
                                date_column=i == date,
                                date_format=fmt,
                                serials=False,
                                decimal=dec,
                            )
                            for i, v in enumerate(row)
                        ],
                    )
        finally:
            con.close()
