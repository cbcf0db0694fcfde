"""What the evaluator computes, as records: a key result's value and progress, an
objective's, a KPI's per period, and the whole evaluation of a cycle on a date. Progress and
scores are fractions (0.5 is 50%); dates are inclusive (docs/formulas.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from okrctl.core.model import Cycle, KeyResult, Kpi, Objective
from okrctl.core.progress import Status
from okrctl.load.config import Config
from okrctl.metrics.engine import MetricData
from okrctl.metrics.rejected import unique
from okrctl.metrics.source import Answer, Rejected


@dataclass(frozen=True, slots=True)
class KRResult:
    kr: KeyResult
    current: float | None
    baseline: float | None
    baseline_from_data: bool
    target: float | None  # the effective target (relative targets applied)
    progress: float | None  # raw p: may exceed 1 or be negative
    expected: float
    status: Status
    answer: Answer
    source: str | None  # metric source name, or "checkins"
    note: str | None = None  # why the progress is unknown, or a flag
    # input the number misses: refused cells in the window (and of the baseline, when the
    # baseline comes from data)
    rejected: tuple[Rejected, ...] = ()
    # the owner's confidence (1-10) given with the check-in that set ``current``: their
    # judgement, never part of the computed status
    confidence: int | None = None

    @property
    def shown(self) -> float | None:
        """Progress as displayed: the raw value, but 0 when it moved the wrong way."""
        return None if self.progress is None else max(self.progress, 0.0)


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    objective: Objective
    cycle: Cycle
    as_of: dt.date
    final: bool
    progress: float | None
    partial: bool
    expected: float
    status: Status
    key_results: tuple[KRResult, ...]

    @property
    def rejected(self) -> tuple[Rejected, ...]:
        """Input the progress misses: that of its key results."""
        return unique(r for k in self.key_results if not k.kr.draft for r in k.rejected)


@dataclass(frozen=True, slots=True)
class PeriodResult:
    start: dt.date
    end: dt.date
    closed: bool
    actual: float | None
    target: float  # pro-rated for an open period of a cumulative KPI
    attainment: float | None
    score: float | None
    answer: Answer


@dataclass(frozen=True, slots=True)
class KpiResult:
    kpi: Kpi
    cycle: Cycle
    as_of: dt.date
    actual: float | None  # of the latest period used
    target: float | None  # of that period (pro-rated while it is open)
    attainment: float | None
    score: float | None
    status: Status
    periods: tuple[PeriodResult, ...]
    source: str | None
    note: str | None = None  # why the score is unknown, or which periods it leaves out
    rejected: tuple[Rejected, ...] = ()  # input the periods in the score miss


@dataclass
class Evaluation:
    config: Config
    as_of: dt.date
    cycle: Cycle
    objectives: dict[str, ObjectiveResult] = field(default_factory=dict)
    kpis: dict[str, KpiResult] = field(default_factory=dict)
    data: MetricData | None = None
