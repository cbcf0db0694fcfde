"""The check-ins file (`okrctl checkin`) as a metric source, and its rows as check-ins.

Several check-ins of one key result on one day are all kept (each with its note and
confidence). The day's value is the one recorded last, i.e. the one lower in the file
(`okrctl checkin` only ever appends): docs/metrics.md, "Check-ins". The earlier rows stay
visible — `okrctl explain` lists them marked "superseded", `okrctl checkins` lists them
all — and are never summed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from okrctl.core.i18n import msg
from okrctl.load.config import MetricSource
from okrctl.metrics.csvread import CsvError, open_dialect, read_records
from okrctl.metrics.memory import TableSource
from okrctl.metrics.source import DataProblem, Request, UsedRow

# the one documented confidence scale: whole numbers 1 (no chance) .. 10 (certain)
CONFIDENCE_MIN = 1
CONFIDENCE_MAX = 10


@dataclass(frozen=True, slots=True)
class Checkin:
    """One row of the check-ins file: ``confidence`` on the 1-10 scale (None: not given)."""

    line: int
    day: dt.date
    kr: str  # OBJ/KR (or a KPI id)
    value: float
    confidence: int | None
    note: str
    superseded_by: int | None = None  # line of a later check-in of the same day


def parse_confidence(text: str) -> int | None:
    """The confidence written in a cell: a whole number 1..10; None when empty.
    ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(msg("confidence {text} is not a number", text=repr(text))) from None
    if not number.is_integer() or not CONFIDENCE_MIN <= number <= CONFIDENCE_MAX:
        raise ValueError(
            msg(
                "confidence {text} is outside the scale: a whole number {low} (no chance) "
                "to {high} (certain)",
                text=repr(text),
                low=CONFIDENCE_MIN,
                high=CONFIDENCE_MAX,
            )
        )
    return int(number)


def shown_confidence(value: int | None) -> str:
    return "" if value is None else f"{value}/{CONFIDENCE_MAX}"


class CheckinSource(TableSource):
    """The check-ins file read exactly: same-day rows of a key result are kept, the last
    one of the day counts (never a sum, never a duplicate error)."""

    def __init__(self, config: MetricSource, root: Path) -> None:
        super().__init__(config, root, duplicates=False)
        self._extra, bad = _extra_cells(root / config.path, config)
        self._problems.extend(bad)

    def totals(self, request: Request) -> list[tuple[dt.date, float]]:
        by_day: dict[dt.date, float] = {}
        for _, day, value, _ in sorted(self._matching(request)):  # file order: last wins
            by_day[day] = value
        return sorted(by_day.items())

    def checkins(self, kr: str | None = None) -> list[Checkin]:
        """Every accepted check-in (of ``kr``, or all), in file order, each marked with
        the later same-day row that supersedes it."""
        out: list[Checkin] = []
        for metric, rows in self._rows.items():
            if kr is not None and metric != kr:
                continue
            last_of_day: dict[dt.date, int] = {}
            for line, day, _, _ in rows:
                last_of_day[day] = max(line, last_of_day.get(day, 0))
            for line, day, value, _ in rows:
                confidence, note = self._extra.get(line, (None, ""))
                later = last_of_day[day]
                out.append(
                    Checkin(
                        line, day, metric, value, confidence, note, later if later != line else None
                    )
                )
        return sorted(out, key=lambda c: c.line)

    def rows(self, request: Request) -> list[UsedRow]:
        by_line = {c.line: c for c in self.checkins(request.metric)}
        out = []
        for row in super().rows(request):
            checkin = by_line.get(row.line)
            out.append(row if checkin is None else _cited(row, checkin))
        return out


def _cited(row: UsedRow, checkin: Checkin) -> UsedRow:
    parts = []
    if checkin.confidence is not None:
        parts.append(f"confidence {shown_confidence(checkin.confidence)}")
    if checkin.note:
        parts.append(f"note: {checkin.note}")
    if checkin.superseded_by is not None:
        parts.append(f"superseded by line {checkin.superseded_by}: the day's last check-in counts")
    return UsedRow(
        row.line,
        row.day,
        row.value,
        row.dimensions,
        "; ".join(parts) or None,
        checkin.superseded_by is not None,
    )


def _extra_cells(
    path: Path, config: MetricSource
) -> tuple[dict[int, tuple[int | None, str]], list[DataProblem]]:
    """Confidence and note of each line, and a D002 problem for each confidence off the
    scale (the check-in's value still counts; its confidence is unknown)."""
    try:
        dialect = open_dialect(path, config.encoding, config.delimiter)
        header, records = read_records(path, dialect)
    except (CsvError, OSError, UnicodeError):
        return {}, []
    names = [h.strip() for h in header]
    conf = names.index("confidence") if "confidence" in names else None
    note = names.index("note") if "note" in names else None
    out: dict[int, tuple[int | None, str]] = {}
    problems = []
    for record in records:
        cells = record.cells
        confidence = None
        if conf is not None and conf < len(cells):
            try:
                confidence = parse_confidence(cells[conf])
            except ValueError as exc:
                problems.append(
                    DataProblem(
                        "D002",
                        record.line,
                        exc.args[0],
                        msg("write a whole number 1-10, or leave the cell empty"),
                        conf + 1,
                        cells[conf].strip(),
                    )
                )
        text = cells[note].strip() if note is not None and note < len(cells) else ""
        out[record.line] = (confidence, _plain_note(text))
    return out, problems


def _plain_note(text: str) -> str:
    """A note as typed: the apostrophe `okrctl checkin` put before a formula-like note
    taken off again."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def latest_checkins(rows: Sequence[Checkin]) -> dict[str, Checkin]:
    """The check-in that counts last, per key result: the latest day's last row."""
    out: dict[str, Checkin] = {}
    for checkin in rows:
        known = out.get(checkin.kr)
        if known is None or (checkin.day, checkin.line) >= (known.day, known.line):
            out[checkin.kr] = checkin
    return out


def confidences(source: object) -> dict[tuple[str, dt.date], int | None]:
    """The confidence of the check-in that counts, by (key result, day): the day's last
    row (``source`` is the check-ins source, or None when there is no file)."""
    rows = source.checkins() if isinstance(source, CheckinSource) else []
    return {(c.kr, c.day): c.confidence for c in rows if c.superseded_by is None}
