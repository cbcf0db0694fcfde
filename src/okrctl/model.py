"""The in-memory goal model: immutable records that remember where they were written.

Every record carries ``file`` (repository-relative, POSIX separators), the ``line`` and
``column`` where its mapping starts, and ``lc``: for each key written, the 1-based
``(key_line, key_column, value_line, value_column)``. ``at(field)`` gives the place a
diagnostic about that field should point to.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

Positions = Mapping[str, tuple[int, int, int, int]]


class KRKind(enum.StrEnum):
    METRIC = "metric"
    RELATIVE = "relative"
    RANGE = "range"
    GUARDRAIL = "guardrail"
    MILESTONE = "milestone"


class GoalType(enum.StrEnum):
    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


@dataclass(frozen=True, slots=True)
class Located:
    """Mixin: a record's own place and the places of its fields."""

    file: str
    line: int
    column: int
    lc: Positions = field(default_factory=dict, repr=False, compare=False)

    def at(self, name: str | None = None, *, key: bool = False) -> tuple[int, int]:
        """(line, column) of field ``name`` (its value, or its key), else of the record."""
        if name is not None and name in self.lc:
            kline, kcol, vline, vcol = self.lc[name]
            return (kline, kcol) if key else (vline, vcol)
        return self.line, self.column


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to an objective, or to one of its key results (``OBJ/KR``)."""

    objective: str
    kr: str | None = None

    @classmethod
    def parse(cls, text: str) -> Ref:
        objective, _, kr = text.partition("/")
        return cls(objective, kr or None)

    def __str__(self) -> str:
        return f"{self.objective}/{self.kr}" if self.kr else self.objective


@dataclass(frozen=True, slots=True)
class MetricRef:
    """``SOURCE:METRIC``."""

    source: str
    name: str

    @classmethod
    def parse(cls, text: str) -> MetricRef:
        source, _, name = text.partition(":")
        return cls(source, name)

    def __str__(self) -> str:
        return f"{self.source}:{self.name}"


Where = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class KeyResult(Located):
    id: str = ""
    objective_id: str = ""
    title: str = ""
    kind: KRKind = KRKind.METRIC
    metric: MetricRef | None = None
    where: Where = ()
    aggregate: str = "last"
    baseline: float | None = None
    target: float | None = None
    relative: float | None = None
    low: float | None = None
    high: float | None = None
    at_least: float | None = None
    at_most: float | None = None
    done: bool | None = None
    weight: float | None = None
    plan: tuple[tuple[dt.date, float], ...] = ()
    unit_label: str | None = None
    owner: str | None = None
    draft: bool = False

    @property
    def path(self) -> str:
        return f"{self.objective_id}/{self.id}"


@dataclass(frozen=True, slots=True)
class Objective(Located):
    id: str = ""
    title: str = ""
    owner: str | None = None
    unit: str | None = None
    cycle: str | None = None
    level: str | None = None
    aligns_to: Ref | None = None
    type: GoalType = GoalType.ASPIRATIONAL
    perspective: str | None = None
    draft: bool = False
    description: str | None = None
    tags: tuple[str, ...] = ()
    key_results: tuple[KeyResult, ...] = ()


@dataclass(frozen=True, slots=True)
class Kpi(Located):
    id: str = ""
    title: str = ""
    owner: str | None = None
    unit: str | None = None
    cycle: str | None = None
    metric: MetricRef | None = None
    where: Where = ()
    aggregate: str = "last"
    period: str = "cycle"
    direction: str = "higher"
    target: float | None = None
    weight: float | None = None
    zero_below: float | None = None
    full_at: float | None = None
    cap: float | None = None
    bands: tuple[tuple[float, float], ...] = ()
    supports: Ref | None = None
    perspective: str | None = None
    balanced_by: tuple[str, ...] = ()
    unit_label: str | None = None
    draft: bool = False
    description: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of a scorecard: a KPI or objective id, with an optional weight."""

    id: str
    weight: float | None
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Perspective:
    name: str
    title: str | None
    weight: float | None
    measures: tuple[Measure, ...]
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Link:
    """A strategy-map arrow: ``driver`` drives ``result``."""

    driver: str
    result: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Scorecard(Located):
    id: str = ""
    title: str | None = None
    kind: str = "individual"
    cycle: str | None = None
    owner: str | None = None
    unit: str | None = None
    perspectives: tuple[Perspective, ...] = ()
    links: tuple[Link, ...] = ()
    objectives: tuple[str, ...] = ()
    kpis: tuple[Measure, ...] = ()
    okr_weight: float | None = None
    kpi_weight: float | None = None
    draft: bool = False
    description: str | None = None


@dataclass(frozen=True, slots=True)
class GoalFile:
    """What one goal file holds, and what was wrong with it on its own."""

    path: str
    objectives: tuple[Objective, ...]
    kpis: tuple[Kpi, ...]
    scorecards: tuple[Scorecard, ...]
    diagnostics: tuple[object, ...]  # Diagnostic; typed loosely to keep this module leaf


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    level: str
    parent: str | None
    name: str | None
    lead: str | None
    line: int
    column: int
    lc: Positions = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Cycle:
    id: str
    start: dt.date
    end: dt.date
    name: str | None
    line: int
    column: int

    def contains(self, other: Cycle) -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
