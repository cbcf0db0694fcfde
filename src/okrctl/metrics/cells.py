"""Cells of metric dumps: numbers as finance and CRM exports write them, and dates."""

from __future__ import annotations

import datetime as dt
import math
import re

from okrctl.core.i18n import msg
from okrctl.core.numbers import NumberError, parse_number


class CellError(ValueError):
    """A cell that is not a value okrctl can use; the message says why."""


_DECIMAL_COMMA_THOUSANDS = re.compile(r"[.\s\u00a0\u202f']")
# ``5.`` and ``5.e3``: a decimal point with no digits after it, as some exports write
# whole numbers (and as DuckDB reads them)
_BARE_POINT = re.compile(r"(?<=[0-9])\.(?![0-9])")
# a yuan sign after the sign (``-¥1,234``) or before it (``¥-1,234``), as finance exports
# write amounts; the SQL reader of metrics/duck_cells.py mirrors this grammar
_CURRENCY = re.compile(r"^([+-]?)[¥￥]\s*")
CURRENCY_SIGNS = ("¥", "￥")


def parse_cell(text: str, decimal: str = ".") -> float | None:
    """A number from a CSV cell; None for an empty cell (missing, never zero).

    Accepts what goal files accept (``45%``, ``1,200,000``, ``1.2M``, ``200万``), a yuan
    sign (``¥1,234``, ``-￥5万``) and, for a source with ``decimal: ","``, ``1.234,5`` and
    ``12,5%``. Raises ``CellError`` for anything else (docs/metrics.md, "Cells").
    """
    stripped = text.strip()
    if not stripped:
        return None
    candidate = stripped
    if decimal == ",":
        candidate = _DECIMAL_COMMA_THOUSANDS.sub("", candidate).replace(",", ".")
    if "¥" in candidate or "￥" in candidate:
        candidate = _CURRENCY.sub(r"\1", candidate, count=1)
    candidate = _BARE_POINT.sub(".0", candidate)
    try:
        value = parse_number(candidate)
    except NumberError:
        if stripped.lower() in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity"):
            raise CellError(msg("'{text}' is not a finite number", text=stripped)) from None
        raise CellError(msg("'{text}' is not a number", text=stripped)) from None
    if not math.isfinite(value):  # pragma: no cover - the grammar admits no inf
        raise CellError(msg("'{text}' is not a finite number", text=stripped))
    return value


def parse_date(text: str, date_format: str | None = None) -> dt.date:
    """An ISO date (``2026-10-01``, or an ISO timestamp's date), or ``date_format``."""
    stripped = text.strip()
    if date_format:
        try:
            return dt.datetime.strptime(stripped, date_format).date()
        except ValueError:
            raise CellError(
                msg(
                    "'{text}' does not match date_format {format}",
                    text=stripped,
                    format=date_format,
                )
            ) from None
    if len(stripped) >= 10 and stripped[4] == "-" and stripped[7] == "-":
        head, rest = stripped[:10], stripped[10:]
        if not rest or rest[0] in "T ":
            try:
                day = dt.date.fromisoformat(head)
                if rest:
                    dt.datetime.fromisoformat(f"{head}T{rest[1:]}")
                return day
            except ValueError:
                pass
    raise CellError(
        msg(
            "'{text}' is not an ISO date (YYYY-MM-DD); set `date_format:` on the source "
            "for other formats",
            text=stripped,
        )
    )


# formats exports commonly write, in the order a suggestion prefers them
DATE_FORMATS = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
)
_DAY_FIRST, _MONTH_FIRST = "%d/%m/%Y", "%m/%d/%Y"


def _reads(text: str, date_format: str) -> bool:
    try:
        dt.datetime.strptime(text, date_format)
    except ValueError:
        return False
    return True


def suggest_date_format(texts: list[str]) -> str | None:
    """A hint naming the ``date_format`` that reads these date texts, when one of the
    common formats reads most of them; day/month and month/day only when the values tell
    them apart (a day above 12), never guessed."""
    sample = [t.strip() for t in texts if t.strip()][:1000]
    if not sample:
        return None
    counts = {f: sum(_reads(t, f) for t in sample) for f in DATE_FORMATS}
    best = max(counts.values())
    if best * 2 < len(sample):
        return None
    fits = [f for f in DATE_FORMATS if counts[f] == best]
    if _DAY_FIRST in fits and _MONTH_FIRST in fits:
        return msg(
            'they read as "{day_first}" and as "{month_first}" alike: set `date_format:` '
            "on the source to the one the export uses; okrctl does not guess",
            day_first=_DAY_FIRST,
            month_first=_MONTH_FIRST,
        )
    if best == len(sample):
        return msg(
            'set `date_format: "{format}"` on the source: all of them read that way', format=fits[0]
        )
    return msg(
        'set `date_format: "{format}"` on the source: {best} of {count} read that way',
        format=fits[0],
        best=best,
        count=len(sample),
    )
