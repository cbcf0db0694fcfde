"""What a metric source is asked, what it answers, and what it reports about its data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from okrctl.core.vocabulary import Aggregate

Where = tuple[tuple[str, tuple[str, ...]], ...]


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
    aggregate: Aggregate = Aggregate.LAST
    baseline_on: dt.date | None = None
    series: bool = False


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
    cell: str | None = None  # the text of the cell at fault, as exported


@dataclass(frozen=True, slots=True)
class Rejected:
    """Input left out of the numbers, with the problem that says why, and where it would
    have counted. ``None`` means that part could not be read, so it may belong to any
    metric, date or filter (a ragged row, a date that is not a date, an unreadable file)."""

    file: str
    problem: DataProblem
    metric: str | None
    day: dt.date | None
    dimensions: tuple[tuple[str, str], ...] | None = ()
    # how many refused cells this stands for: more than 1 for the cells of a large file
    # counted past the cap of those located (metrics/located.py), at line 0
    count: int = 1

    @property
    def missing(self) -> bool:
        """An empty value (missing data) rather than a value okrctl refused."""
        return self.problem.code == "D008"

    @property
    def whole_file(self) -> bool:
        """The file (or the rest of it) could not be read at all."""
        return self.problem.code in WHOLE_FILE_CODES


WHOLE_FILE_CODES = ("D004", "D007", "D010", "D014")


@dataclass(frozen=True, slots=True)
class Answer:
    value: float | None  # None: no data in the window (unknown, never zero)
    last_date: dt.date | None
    dates: int
    baseline: float | None = None
    baseline_date: dt.date | None = None
    series: tuple[tuple[dt.date, float], ...] = ()
    # input that would have counted in the window, or for the baseline, but was left out
    rejected: tuple[Rejected, ...] = ()
    baseline_rejected: tuple[Rejected, ...] = ()


NO_DATA = Answer(None, None, 0)


@dataclass(frozen=True, slots=True)
class UsedRow:
    """One row behind a number, for `okrctl explain`."""

    line: int
    day: dt.date
    value: float
    dimensions: tuple[tuple[str, str], ...]
    remark: str | None = None  # a check-in's confidence and note, or why it does not count
    superseded: bool = False  # a check-in replaced by a later one of the same day


class Source(Protocol):
    """A metric source. Implementations: ``memory.TableSource`` (exact, any size that
    fits comfortably in memory) and ``duck.DuckSource`` (large files, SQL)."""

    name: str
    path: str

    def metrics(self) -> set[str]:
        """Every metric the file names, including those all of whose rows were rejected."""
        ...

    def dimensions(self) -> tuple[str, ...]: ...

    def latest_date(self) -> dt.date | None: ...

    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]: ...

    def problems(self) -> list[DataProblem]: ...

    def rejected(self) -> list[Rejected]:
        """Everything left out of the numbers, in file order."""
        ...

    def rows(self, request: Request) -> list[UsedRow]: ...


def aggregate(series: Sequence[tuple[dt.date, float]], how: Aggregate) -> float | None:
    """``how`` over per-date totals (sorted by date); None for an empty series
    (docs/formulas.md, "From rows to a value")."""
    if not series:
        return None
    values = [v for _, v in series]
    match how:
        case Aggregate.LAST:
            return values[-1]
        case Aggregate.SUM:
            return sum(values)
        case Aggregate.AVG:
            return sum(values) / len(values)
        case Aggregate.MIN:
            return min(values)
        case Aggregate.MAX:
            return max(values)
        case Aggregate.COUNT:
            return float(len(values))


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


class RejectedIndex:
    """A source's rejected input by metric, to find what each request misses."""

    def __init__(self, rejected: Sequence[Rejected]) -> None:
        self.any_metric: list[Rejected] = []
        self.by_metric: dict[str, list[Rejected]] = {}
        for item in rejected:
            if item.metric is None:
                self.any_metric.append(item)
            else:
                self.by_metric.setdefault(item.metric, []).append(item)

    def __bool__(self) -> bool:
        return bool(self.any_metric or self.by_metric)

    def _candidates(self, request: Request) -> list[Rejected]:
        found = self.by_metric.get(request.metric, [])
        if not self.any_metric:
            return found
        return sorted([*found, *self.any_metric], key=lambda r: r.problem.line)

    def annotate(self, request: Request, answer: Answer) -> Answer:
        """``answer`` with the rejected input of its window and of its baseline."""
        candidates = [r for r in self._candidates(request) if _matches(r, request.where)]
        if not candidates:
            return answer
        window = tuple(
            r for r in candidates if r.day is None or request.start <= r.day <= request.end
        )
        base: tuple[Rejected, ...] = ()
        if request.baseline_on is not None:
            # what could have been the baseline: rows after the one used, up to the date
            since = answer.baseline_date or dt.date.min
            base = tuple(
                r for r in candidates if r.day is None or since <= r.day <= request.baseline_on
            )
        if not window and not base:
            return answer
        return replace(answer, rejected=window, baseline_rejected=base)


def _matches(item: Rejected, where: Where) -> bool:
    if item.dimensions is None or not where:
        return True
    values = dict(item.dimensions)
    return all(values[column] in allowed for column, allowed in where if column in values)
