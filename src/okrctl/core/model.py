"""The in-memory goal model: immutable records that remember where they were written.

Every record carries ``file`` (repository-relative, POSIX separators), the ``line`` and
``column`` where its mapping starts, and ``lc``: for each key written, the 1-based
``(key_line, key_column, value_line, value_column)``, packed (``pack_positions``).
``at(field)`` gives the place a diagnostic about that field should point to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from okrctl.core.diagnostics import Diagnostic, Suppression
from okrctl.core.vocabulary import (
    Aggregate,
    Direction,
    GoalType,
    KRKind,
    Period,
    ScorecardKind,
    Unknown,
)

Positions = Mapping[str, tuple[int, int, int, int]]
# Records keep each field's four numbers packed into one int: the cache holds hundreds of
# thousands of them, and one int loads several times faster than a tuple of four.
PackedPositions = Mapping[str, int]
_MASK = (1 << 24) - 1


def pack_positions(lc: Positions) -> dict[str, int]:
    """``{key: (key_line, key_col, value_line, value_col)}`` packed for a record."""
    return {
        key: (kline << 72) | (kcol << 48) | (vline << 24) | vcol
        for key, (kline, kcol, vline, vcol) in lc.items()
    }


def _position(
    lc: PackedPositions, line: int, column: int, name: str | None, key: bool
) -> tuple[int, int]:
    """(line, column) of field ``name`` (its value, or its key), else of the record."""
    packed = lc.get(name) if name is not None else None
    if packed is None:
        return line, column
    if key:
        return packed >> 72, (packed >> 48) & _MASK
    return (packed >> 24) & _MASK, packed & _MASK


# The records below are NamedTuples: immutable, and rebuilt from the cache several times
# faster than frozen dataclasses (a large organisation has 60,000 of them). Every located
# record starts with ``file, line, column, lc`` and has ``at()``.


class Ref(NamedTuple):
    """A reference to an objective, or to one of its key results (``OBJ/KR``)."""

    objective: str
    kr: str | None = None
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> Ref:
        """``"O1/KR2"`` -> ``Ref("O1", "KR2")``; ``"O1"`` -> ``Ref("O1")``. Never raises:
        the schema has refused malformed text before (docs/format.md)."""
        objective, _, kr = text.partition("/")
        return cls(objective, kr or None, f"{objective}/{kr}" if kr else objective)

    def __str__(self) -> str:
        return self.text or (f"{self.objective}/{self.kr}" if self.kr else self.objective)


class MetricRef(NamedTuple):
    """``SOURCE:METRIC``."""

    source: str
    name: str

    @classmethod
    def parse(cls, text: str) -> MetricRef:
        """``"crm:revenue"`` -> ``MetricRef("crm", "revenue")`` (split at the first colon)."""
        source, _, name = text.partition(":")
        return cls(source, name)

    def __str__(self) -> str:
        return f"{self.source}:{self.name}"


Where = tuple[tuple[str, tuple[str, ...]], ...]


class KeyResult(NamedTuple):
    """A key result as written (docs/format.md, "key results"). Numbers are plain floats
    as written: ``percent`` says they were written as percentages (``45%`` is 0.45);
    ``relative`` is a fraction (``+30%`` is 0.3); ``plan`` holds (date, value) checkpoints;
    ``weight`` a fraction of the objective."""

    file: str
    line: int
    column: int
    lc: PackedPositions = {}  # noqa: RUF012 - never mutated; a record is immutable
    id: str = ""
    objective_id: str = ""
    title: str = ""
    kind: KRKind = KRKind.METRIC
    metric: MetricRef | None = None
    where: Where = ()
    aggregate: Aggregate | Unknown = Aggregate.LAST
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
    percent: bool = False  # values were written as percentages: show them as such
    # how numbers are written where numbers.plain_text would show them otherwise
    # (``target: 200万``); keys are field names, ``low``/``high`` for a range, ``plan.N``
    written: Mapping[str, str] = {}  # never mutated
    checkin_every: str | None = None  # cadence of check-ins, a duration such as 7d

    def at(self, name: str | None = None, *, key: bool = False) -> tuple[int, int]:
        """(line, column), 1-based, of field ``name``'s value (its key with ``key``), else
        of the record itself."""
        return _position(self.lc, self.line, self.column, name, key)

    @property
    def path(self) -> str:
        """``OBJECTIVE/KR``, how other goals refer to this key result."""
        return f"{self.objective_id}/{self.id}"


class Objective(NamedTuple):
    """An objective with its key results (docs/format.md, "objectives")."""

    file: str
    line: int
    column: int
    lc: PackedPositions = {}  # noqa: RUF012 - never mutated; a record is immutable
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

    def at(self, name: str | None = None, *, key: bool = False) -> tuple[int, int]:
        """(line, column), 1-based, of field ``name``'s value (its key with ``key``), else
        of the record itself."""
        return _position(self.lc, self.line, self.column, name, key)


class Kpi(NamedTuple):
    """A KPI (docs/format.md, "kpis"): ``weight``, ``zero_below``, ``full_at``, ``cap``
    and ``bands`` are fractions of attainment (docs/formulas.md, "KPI attainment and
    score")."""

    file: str
    line: int
    column: int
    lc: PackedPositions = {}  # noqa: RUF012 - never mutated; a record is immutable
    id: str = ""
    title: str = ""
    owner: str | None = None
    unit: str | None = None
    cycle: str | None = None
    metric: MetricRef | None = None
    where: Where = ()
    aggregate: Aggregate | Unknown = Aggregate.LAST
    period: Period | Unknown = Period.CYCLE
    direction: Direction | Unknown = Direction.HIGHER
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
    percent: bool = False
    written: Mapping[str, str] = {}  # as KeyResult.written; ``bands.N.0``

    def at(self, name: str | None = None, *, key: bool = False) -> tuple[int, int]:
        """(line, column), 1-based, of field ``name``'s value (its key with ``key``), else
        of the record itself."""
        return _position(self.lc, self.line, self.column, name, key)


class Measure(NamedTuple):
    """One measure of a scorecard: a KPI or objective id, with an optional weight."""

    id: str
    weight: float | None
    line: int
    column: int


class Perspective(NamedTuple):
    """One perspective of a balanced scorecard: its ``weight`` (a fraction of the card)
    and the measures scored in it."""

    name: str
    title: str | None
    weight: float | None
    measures: tuple[Measure, ...]
    line: int
    column: int


class Link(NamedTuple):
    """A strategy-map arrow: ``driver`` drives ``result``."""

    driver: str
    result: str
    line: int
    column: int


class Scorecard(NamedTuple):
    """A scorecard (docs/format.md, "scorecards"); ``okr_weight`` and ``kpi_weight`` are
    fractions of the total (docs/formulas.md, "Scorecards")."""

    file: str
    line: int
    column: int
    lc: PackedPositions = {}  # noqa: RUF012 - never mutated; a record is immutable
    id: str = ""
    title: str | None = None
    kind: ScorecardKind | Unknown = ScorecardKind.INDIVIDUAL
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
    written: Mapping[str, str] = {}  # as KeyResult.written

    def at(self, name: str | None = None, *, key: bool = False) -> tuple[int, int]:
        """(line, column), 1-based, of field ``name``'s value (its key with ``key``), else
        of the record itself."""
        return _position(self.lc, self.line, self.column, name, key)


class GoalFile(NamedTuple):
    """What one goal file holds, and what was wrong with it on its own."""

    path: str
    objectives: tuple[Objective, ...]
    kpis: tuple[Kpi, ...]
    scorecards: tuple[Scorecard, ...]
    diagnostics: tuple[Diagnostic, ...]
    # its ``# okrctl: disable=...`` comments (docs/rules.md, "Suppressions")
    suppressions: tuple[Suppression, ...] = ()


@dataclass(frozen=True, slots=True)
class Unit:
    """An organisational unit of okrctl.yaml: its level and parent unit."""

    id: str
    level: str
    parent: str | None
    name: str | None
    lead: str | None
    line: int
    column: int
    lc: Positions = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Person:
    """One entry of okrctl.yaml's ``people``: the display name and the chat handles
    (``wecom``, ``feishu``, ``dingtalk``, ``slack``, ``email``) of a person id."""

    id: str
    name: str | None
    handles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Names:
    """What people read instead of ids: person id -> display name (``li.na`` -> 李娜) and
    unit id -> unit name; an id without a name is shown as itself."""

    people: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)

    def person(self, ident: str | None) -> str:
        """The display name of person ``ident`` ('' for None)."""
        return "" if ident is None else self.people.get(ident, ident)

    def unit(self, ident: str | None) -> str:
        """The name of unit ``ident`` ('' for None)."""
        return "" if ident is None else self.units.get(ident, ident)


@dataclass(frozen=True, slots=True)
class Cycle:
    """A cycle of okrctl.yaml: ``start`` and ``end`` both inclusive."""

    id: str
    start: dt.date
    end: dt.date
    name: str | None
    line: int
    column: int

    def contains(self, other: Cycle) -> bool:
        """True when ``other`` lies wholly inside this cycle (an annual cycle holds its
        quarters)."""
        return self.start <= other.start and other.end <= self.end

    @property
    def days(self) -> int:
        """The cycle's length in days, both ends counted."""
        return (self.end - self.start).days + 1
