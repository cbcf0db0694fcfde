"""What a metric source is asked, what it answers, and what it reports about its data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

Where = tuple[tuple[str, tuple[str, ...]], ...]
AGGREGATES = ("last", "sum", "avg", "min", "max", "count")


@dataclass(frozen=True, slots=True)
class Request:
    """Aggregate one metric's per-date totals (rows matching ``where`` summed per date)
    over the dates in ``[start, end]``; also give the total on the latest date on or
    before ``baseline_on``."""

    key: str
    metric: str
    where: Where
    start: dt.date
    end: dt.date
    aggregate: str = "last"
    baseline_on: dt.date | None = None
    series: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    value: float | None  # None: no data in the window (unknown, never zero)
    last_date: dt.date | None
    dates: int
    baseline: float | None = None
    baseline_date: dt.date | None = None
    series: tuple[tuple[dt.date, float], ...] = ()


NO_DATA = Answer(None, None, 0)


@dataclass(frozen=True, slots=True)
class DataProblem:
    """A data-contract violation in a source file (``line`` 0: the whole file).

    ``column`` is the 1-based number of the cell's field in its record (the engines read
    records, not characters); ``MetricData.diagnostics`` turns it into the character
    column an editor shows."""

    code: str
    line: int
    message: str
    hint: str | None = None
    column: int = 1


@dataclass(frozen=True, slots=True)
class UsedRow:
    """One row behind a number, for `okrctl explain`."""

    line: int
    day: dt.date
    value: float
    dimensions: tuple[tuple[str, str], ...]


class Source(Protocol):
    """A metric source. Implementations: ``memory.TableSource`` (exact, any size that
    fits comfortably in memory) and ``duck.DuckSource`` (large files, SQL)."""

    name: str
    path: str

    def metrics(self) -> set[str]: ...

    def dimensions(self) -> tuple[str, ...]: ...

    def latest_date(self) -> dt.date | None: ...

    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]: ...

    def problems(self) -> list[DataProblem]: ...

    def rows(self, request: Request) -> list[UsedRow]: ...


def aggregate(series: Sequence[tuple[dt.date, float]], how: str) -> float | None:
    """``how`` over per-date totals (sorted by date); None for an empty series."""
    if not series:
        return None
    values = [v for _, v in series]
    if how == "last":
        return values[-1]
    if how == "sum":
        return sum(values)
    if how == "avg":
        return sum(values) / len(values)
    if how == "min":
        return min(values)
    if how == "max":
        return max(values)
    if how == "count":
        return float(len(values))
    raise ValueError(f"unknown aggregate {how}")


def answer_from_totals(totals: Sequence[tuple[dt.date, float]], request: Request) -> Answer:
    """The answer to ``request`` from all of a metric's per-date totals, sorted by date."""
    window = [(d, v) for d, v in totals if request.start <= d <= request.end]
    baseline = baseline_date = None
    if request.baseline_on is not None:
        before = [(d, v) for d, v in totals if d <= request.baseline_on]
        if before:
            baseline_date, baseline = before[-1]
    return Answer(
        value=aggregate(window, request.aggregate),
        last_date=window[-1][0] if window else None,
        dates=len(window),
        baseline=baseline,
        baseline_date=baseline_date,
        series=tuple(window) if request.series else (),
    )
