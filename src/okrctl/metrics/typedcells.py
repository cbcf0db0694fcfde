"""Typed cells (Excel workbooks, Parquet files) as the text the one row reader judges.

Excel and Parquet hold numbers and dates as values, not text; okrctl writes each one as
the text a CSV export of the same data would hold, so ``metrics/rows.py`` and
``metrics/cells.py`` judge every cell of every file kind with the same rules and the
numbers come out the same (docs/metrics.md, "Excel workbooks" and "Parquet files").
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

# Excel's day 0 in the 1900 date system (serial 60, the 29 February 1900 that never was,
# is why day 0 is 30 December 1899 for every serial from 61 on)
EXCEL_EPOCH = dt.date(1899, 12, 30)
# serials of 1 January 1901 to 31 December 9999: a number in a date column outside this
# range is no date Excel shows, so it is left to the date rules (D003)
SERIAL_RANGE = (367.0, 2958465.0)


def serial_date(value: float) -> dt.date | None:
    """The date of an Excel date serial (whole days; a time of day is dropped), or None
    when ``value`` is not a serial of a date between 1901 and 9999."""
    if not math.isfinite(value) or not SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=math.floor(value))


def date_text(day: dt.date, date_format: str | None) -> str:
    """A date as the source's dates are written: ISO, or its ``date_format``."""
    return day.strftime(date_format) if date_format else day.isoformat()


def cell_text(
    value: object,
    *,
    date_column: bool,
    date_format: str | None,
    serials: bool,
    decimal: str = ".",
) -> str:
    """The text of one typed cell. In the date column a date or timestamp is written in
    the source's date format (so a workbook mixing date cells and text dates reads both),
    and, with ``serials``, a number is read as an Excel date serial. Numbers are written
    exactly (``repr`` of a float round-trips) with the source's ``decimal`` mark, booleans
    as TRUE/FALSE (not numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if date_column:
            return date_text(value.date(), date_format)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return date_text(value, date_format) if date_column else value.isoformat()
    if isinstance(value, int | float):
        if date_column and serials:
            day = serial_date(float(value))
            if day is not None:
                return date_text(day, date_format)
        written = str(value) if isinstance(value, int) else repr(value)
        return written.replace(".", decimal)
    if isinstance(value, Decimal):
        return str(value).replace(".", decimal)
    return str(value)
