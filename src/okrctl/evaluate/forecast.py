"""A key result's linear forecast: where its value lands at the cycle end on its
least-squares trend, and the pace per week it needs to reach its target
(docs/formulas.md, "Forecast")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from okrctl.core.progress import guardrail_progress, metric_progress, range_progress
from okrctl.core.vocabulary import Aggregate, KRKind
from okrctl.evaluate.evaluator import KRResult

Series = tuple[tuple[dt.date, float], ...]


@dataclass(frozen=True, slots=True)
class Forecast:
    landing_value: float
    landing_progress: float | None
    landing_score: float | None
    trend_per_week: float
    needed_per_week: float | None
    weeks_left: float


def _trend(series: Series) -> tuple[float, float] | None:
    """Least-squares line through (day number, value): (slope per day, intercept)."""
    if len(series) < 2:
        return None
    origin = series[0][0]
    xs = [(d - origin).days for d, _ in series]
    ys = [v for _, v in series]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    return slope, mean_y - slope * mean_x


def value_series(result: KRResult) -> Series:
    """What the key result's value was on each date: running totals for sum/count."""
    raw = result.answer.series
    if result.kr.aggregate is Aggregate.SUM:
        out, total = [], 0.0
        for day, value in raw:
            total += value
            out.append((day, total))
        return tuple(out)
    if result.kr.aggregate is Aggregate.COUNT:
        return tuple((day, float(i + 1)) for i, (day, _) in enumerate(raw))
    return raw


def forecast(result: KRResult, end: dt.date, as_of: dt.date, cap: float) -> Forecast | None:
    """Where the key result lands at the cycle end on its linear trend, and the pace per
    week it needs to reach its target."""
    series = value_series(result)
    line = _trend(series)
    if line is None:
        return None
    slope, intercept = line
    origin = series[0][0]
    landing = intercept + slope * (end - origin).days
    kr = result.kr
    progress = None
    if kr.kind is KRKind.GUARDRAIL:
        progress = guardrail_progress(landing, kr.at_least, kr.at_most)
    elif kr.kind is KRKind.RANGE and kr.low is not None and kr.high is not None:
        progress = range_progress(landing, result.baseline, kr.low, kr.high)
    elif result.baseline is not None and result.target is not None:
        progress = metric_progress(landing, result.baseline, result.target)
    score = None if progress is None else min(max(progress, 0.0), cap)
    weeks = max((end - as_of).days, 0) / 7
    needed = None
    if result.target is not None and result.current is not None and weeks > 0:
        needed = (result.target - result.current) / weeks
    return Forecast(landing, progress, score, slope * 7, needed, weeks)
