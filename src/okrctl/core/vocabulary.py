"""The closed vocabularies of goal files and okrctl.yaml, one enum each.

The JSON Schemas list their values (load/schemaparts.py takes them from here), the model
stores them, and every comparison names a member. A value outside a vocabulary is kept as
``Unknown`` with the text as written: ``check`` reports it (S001, in goal files and
okrctl.yaml), and where the rule is graded below error the number that needs it is shown
as not computed (docs/output.md, "Refusals: invalid repositories").
"""

from __future__ import annotations

import enum
from typing import NamedTuple, TypeVar


class KRKind(enum.StrEnum):
    """How a key result is measured (docs/format.md, "Key results")."""

    METRIC = "metric"
    RELATIVE = "relative"
    RANGE = "range"
    GUARDRAIL = "guardrail"
    MILESTONE = "milestone"


class GoalType(enum.StrEnum):
    """Committed objectives are expected in full; aspirational ones at about 0.7."""

    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


class Aggregate(enum.StrEnum):
    """How a metric's per-date totals in a window become one value (docs/formulas.md,
    "From rows to a value", step 3)."""

    LAST = "last"
    SUM = "sum"
    AVG = "avg"
    MIN = "min"
    MAX = "max"
    COUNT = "count"

    @property
    def cumulative(self) -> bool:
        """True when the value grows with the window (sum, count): pace is pro rata."""
        return self in (Aggregate.SUM, Aggregate.COUNT)


class Period(enum.StrEnum):
    """The windows a KPI is scored over (docs/formulas.md, "KPI attainment and score")."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    CYCLE = "cycle"


class Direction(enum.StrEnum):
    """Whether a KPI is better higher (the default) or lower."""

    HIGHER = "higher"
    LOWER = "lower"


class Layout(enum.StrEnum):
    """How a metric file holds its values: one row per (date, metric), or a column each
    (docs/metrics.md, "Layouts")."""

    LONG = "long"
    WIDE = "wide"


class ScorecardKind(enum.StrEnum):
    """What a scorecard evaluates (docs/formulas.md, "Scorecards")."""

    BALANCED = "balanced"
    INDIVIDUAL = "individual"
    TEAM = "team"

    @property
    def is_balanced(self) -> bool:
        """Balanced cards are scored by perspective; the others by owner or unit."""
        return self is ScorecardKind.BALANCED


class Unknown(NamedTuple):
    """A value outside its vocabulary, kept as written so messages can quote it."""

    written: str

    def __str__(self) -> str:
        return self.written


E = TypeVar("E", bound=enum.StrEnum)


def closed(vocabulary: type[E], written: str | None, default: E) -> E | Unknown:
    """The member of ``vocabulary`` spelled ``written``; ``default`` when nothing is
    written; ``Unknown(written)`` for any other text."""
    if written is None or written == "":
        return default
    try:
        return vocabulary(written)
    except ValueError:
        return Unknown(written)


def values(vocabulary: type[enum.StrEnum]) -> list[str]:
    """The spellings of a vocabulary, in declaration order (the schemas' ``enum``)."""
    return [member.value for member in vocabulary]
