"""The arithmetic of docs/formulas.md: progress, expected pace, status, KPI scores.

Pure functions of numbers: no files, no rendering. docs/formulas.md states each formula
and every choice okrctl makes where the format leaves one open.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from okrctl.core.i18n import N_
from okrctl.core.vocabulary import Period

# Values are settled to this many significant digits, and thresholds decided on settled
# values (docs/formulas.md, "Exactness"): binary floats make 0.72 / 0.9 come out as
# 0.7999999999999999, which must still reach a 0.8 band.
SIGNIFICANT_DIGITS = 12

# After the cycle (docs/formulas.md): the score a goal must reach to be green
COMMITTED_PASS = 1.0
ASPIRATIONAL_PASS = 0.7
FINAL_AT_RISK = 0.4


def settle(value: float) -> float:
    """``value`` rounded to ``SIGNIFICANT_DIGITS`` significant digits: what is exact in
    decimal becomes exact again (0.7999999999999999 -> 0.8, 0.5900000000000001 -> 0.59).
    Non-finite values and zero come back unchanged."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def reaches(value: float, threshold: float) -> bool:
    """``value >= threshold``, decided on settled values: the one comparison every band,
    status line, rating and grading threshold goes through."""
    return settle(value) >= settle(threshold)


class Status(enum.StrEnum):
    """The colour of a goal on a date (docs/formulas.md, "Status")."""

    GREEN = "green"  # on track
    YELLOW = "yellow"  # at risk
    RED = "red"  # off track
    GREY = "grey"  # unknown: no data

    @property
    def word(self) -> str:
        """The status as people read it, in English (``i18n.tr`` translates it)."""
        return _WORDS[self.value]

    @classmethod
    def parse(cls, word: str) -> Status | None:
        """The status a word names: a colour (green, yellow, red, grey), or a word okrctl
        prints for it in any language (on-track, at risk, 有风险, no_data); else None."""
        from okrctl.core.i18n import LANGUAGES, tr

        folded = " ".join(word.strip().casefold().replace("-", " ").replace("_", " ").split())
        for status in cls:
            words = {status.value, status.word} | {tr(status.word, lang) for lang in LANGUAGES}
            if folded in words or (status is cls.GREY and folded == "gray"):
                return status
        return None

    @classmethod
    def choices(cls, lang: str = "en") -> list[str]:
        """The words ``parse`` accepts, for a usage message: colours and printed words."""
        from okrctl.core.i18n import tr

        return [s.value for s in cls] + [tr(s.word, lang).replace(" ", "-") for s in cls]


_WORDS = {
    "green": N_("on track"),
    "yellow": N_("at risk"),
    "red": N_("off track"),
    "grey": N_("no data"),
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Fractions of expected progress (or of full KPI score) from which a goal is green
    (``on_track``) or yellow (``at_risk``); okrctl.yaml ``status:`` sets them."""

    on_track: float = 0.9
    at_risk: float = 0.7


def elapsed_fraction(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """e = (as_of - start + 1) / (end - start + 1), whole days, both ends included;
    0 before the start, 1 from the last day on."""
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def metric_progress(current: float, baseline: float, target: float) -> float | None:
    """p = (current - baseline) / (target - baseline); None when target == baseline."""
    if target == baseline:
        return None
    return settle((current - baseline) / (target - baseline))


def range_progress(current: float, baseline: float | None, low: float, high: float) -> float | None:
    """1 inside [low, high]; outside, metric progress toward the nearer bound."""
    if reaches(current, low) and reaches(high, current):
        return 1.0
    nearer = low if current < low else high
    if baseline is None:
        return None
    return metric_progress(current, baseline, nearer)


def guardrail_progress(current: float, at_least: float | None, at_most: float | None) -> float:
    """1 while the guard holds (inclusive), else the attainment ratio X/actual or actual/X."""
    if at_least is not None:
        if reaches(current, at_least):
            return 1.0
        return settle(max(current / at_least, 0.0)) if at_least > 0 else 0.0
    assert at_most is not None
    if reaches(at_most, current):
        return 1.0
    return settle(at_most / current) if current > 0 else 0.0


def planned_fraction(
    plan: Sequence[tuple[dt.date, float]],
    start: dt.date,
    end: dt.date,
    baseline: float,
    target: float,
    as_of: dt.date,
) -> float:
    """Expected progress from dated checkpoints: the planned value on ``as_of``,
    interpolated linearly, as a fraction of the way from baseline to target.

    The plan is anchored at (start - 1 day, baseline) and (end, target), so a plan with no
    checkpoints gives exactly the elapsed fraction.
    """
    # the day before the start; a cycle starting on the calendar's first day has none
    anchor = start - dt.timedelta(days=1) if start > dt.date.min else start
    points = [(anchor, baseline), *sorted(plan)]
    if points[-1][0] < end:
        points.append((end, target))
    if target == baseline:
        return elapsed_fraction(start, end, as_of)
    if as_of <= points[0][0]:
        return 0.0
    for (d0, v0), (d1, v1) in itertools.pairwise(points):
        if as_of <= d1:
            share = (as_of - d0).days / max((d1 - d0).days, 1)
            planned = v0 + (v1 - v0) * share
            return settle((planned - baseline) / (target - baseline))
    return settle((points[-1][1] - baseline) / (target - baseline))


def pace_status(progress: float | None, expected: float, thresholds: Thresholds) -> Status:
    """During the cycle: green when p >= on_track x e, yellow when p >= at_risk x e."""
    if progress is None:
        return Status.GREY
    p = max(progress, 0.0)
    if reaches(p, thresholds.on_track * expected):
        return Status.GREEN
    if reaches(p, thresholds.at_risk * expected):
        return Status.YELLOW
    return Status.RED


def final_status(score: float | None, committed: bool) -> Status:
    """After the cycle: green from 1.0 (committed) or 0.7 (aspirational), yellow from 0.4."""
    if score is None:
        return Status.GREY
    if reaches(score, COMMITTED_PASS if committed else ASPIRATIONAL_PASS):
        return Status.GREEN
    if reaches(score, FINAL_AT_RISK):
        return Status.YELLOW
    return Status.RED


def weighted_progress(
    items: Sequence[tuple[float | None, float]], cap: float
) -> tuple[float | None, bool]:
    """Objective progress: the weighted mean of known KR progress values, each clamped to
    [0, cap]; weights renormalised over the known ones. Returns (progress, partial)."""
    known = [(min(max(p, 0.0), cap), w) for p, w in items if p is not None]
    partial = len(known) != len(items)
    total = sum(w for _, w in known)
    if not known or total <= 0:
        return None, partial
    return settle(sum(p * w for p, w in known) / total), partial


def attainment(actual: float, target: float, lower_is_better: bool) -> float | None:
    """a = actual / target, or target / actual when lower is better."""
    if lower_is_better:
        if actual == 0:
            return float("inf") if target > 0 else None
        return settle(target / actual)
    if target == 0:
        return None
    return settle(actual / target)


def banded_score(a: float, zero_below: float, full_at: float, cap: float) -> float | None:
    """0 below zero_below; linear from 0 to 1 up to full_at; min(a / full_at, cap) beyond.
    None (no score) when full_at is not above 0: W005 refuses such a standard."""
    if full_at <= 0:
        return None
    if not reaches(a, zero_below):
        return 0.0
    if not reaches(a, full_at):
        return settle(max(a - zero_below, 0.0) / (full_at - zero_below))
    return min(settle(a / full_at), cap)


def stepped_score(a: float, bands: Sequence[tuple[float, float]]) -> float:
    """The score of the highest band whose minimum attainment a reaches; 0 below all."""
    score = 0.0
    for minimum, band_score in sorted(bands):
        if reaches(a, minimum):
            score = band_score
    return score


def kpi_status(score: float | None, thresholds: Thresholds) -> Status:
    """A KPI is green from on_track (0.9) of full score, yellow from at_risk (0.7)."""
    if score is None:
        return Status.GREY
    if reaches(score, thresholds.on_track):
        return Status.GREEN
    if reaches(score, thresholds.at_risk):
        return Status.YELLOW
    return Status.RED


def periods(start: dt.date, end: dt.date, kind: Period) -> list[tuple[dt.date, dt.date]]:
    """Calendar months or quarters inside [start, end] (both inclusive, clipped to them),
    or the whole span for ``Period.CYCLE`` (docs/formulas.md, "KPI attainment and score")."""
    if kind == Period.CYCLE:
        return [(start, end)]
    step = 1 if kind == Period.MONTHLY else 3
    out = []
    month = start.month - ((start.month - 1) % step)
    cursor = dt.date(start.year, month, 1)
    while cursor <= end:
        year, month = divmod(cursor.month - 1 + step, 12)
        if cursor.year + year > dt.MAXYEAR:  # the calendar's last period ends with it
            out.append((max(cursor, start), end))
            break
        following = dt.date(cursor.year + year, month + 1, 1)
        out.append((max(cursor, start), min(following - dt.timedelta(days=1), end)))
        cursor = following
    return out
