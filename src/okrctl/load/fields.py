"""The catalogue of goal fields: one row per key a goal file may write, per record.

Each row is the key as written, its JSON Schema (type and the text an editor shows), and
the model attributes ``okrctl diff`` compares for it. The rows' order is the canonical
order: ``okrctl fmt`` writes keys in it, the schemas list properties in it, ``okrctl diff``
reports changes in it, and ``written.NUMBER_FIELDS`` takes the number fields from it. A
new field is one row here plus its attribute on the record in core/model.py (a test checks
that every compared attribute exists on the record). docs/format.md describes each field.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from okrctl.core.i18n import N_
from okrctl.core.numbers import NUMBER_PATTERN, RELATIVE_PATTERN
from okrctl.core.vocabulary import Aggregate, Direction, GoalType, Period, ScorecardKind, values
from okrctl.load.schemaparts import (
    DURATION_PATTERN,
    ID_PATTERN,
    Schema,
    date,
    flag,
    frac,
    ident,
    metric,
    num,
    obj,
    ref,
    text,
    where,
)
from okrctl.load.schemaparts import enum as one_of


class Read(enum.Enum):
    """How the loader turns a field's value into the record's attribute of that name."""

    TITLE = "title"  # a text, "" when absent
    TEXT = "text"  # a non-empty text, else None
    FLAG = "flag"  # True only for YAML true
    TAGS = "tags"  # the texts of a list
    CLOSED = "closed"  # a member of the field's vocabulary (core/vocabulary.py)
    OWN = "own"  # read by the record's own code in load/goalfile.py, or not stored


class GoalField(NamedTuple):
    """One key of a goal record: ``key`` as written, its ``schema``, the model attributes
    ``compared`` by `okrctl diff` (in order; empty when diff does not report it),
    ``number``: whether those attributes hold numbers kept as written (``200万``); how
    the loader ``read``s it (``default``: a closed field's value when none is written,
    whose enum is its vocabulary), and whether a file's ``defaults:`` may supply it."""

    key: str
    schema: Schema
    compared: tuple[str, ...]
    number: bool = False
    read: Read = Read.OWN
    default: enum.StrEnum | None = None
    defaultable: bool = False
    names: bool = False  # the value is names or ids: yamlread keeps it as written


def _field(
    key: str,
    schema: Schema,
    compared: tuple[str, ...] | None = None,
    *,
    read: Read = Read.OWN,
    defaultable: bool = False,
    names: bool = False,
) -> GoalField:
    chosen = (key,) if compared is None else compared
    names = names or read in (Read.TITLE, Read.TEXT, Read.TAGS)
    return GoalField(key, schema, chosen, read=read, defaultable=defaultable, names=names)


def _text(
    key: str, description: str, *, compared: bool = True, defaultable: bool = False
) -> GoalField:
    return _field(
        key, text(description), None if compared else (), read=Read.TEXT, defaultable=defaultable
    )


def _number(key: str, schema: Schema, compared: tuple[str, ...] | None = None) -> GoalField:
    return GoalField(key, schema, (key,) if compared is None else compared, number=True)


def _closed(key: str, description: str, default: enum.StrEnum) -> GoalField:
    schema = one_of(values(type(default)), description)
    return GoalField(key, schema, (key,), read=Read.CLOSED, default=default)


def properties(fields: tuple[GoalField, ...]) -> Schema:
    """The ``properties`` of a record's schema, in catalogue order."""
    return {f.key: f.schema for f in fields}


def keys(fields: tuple[GoalField, ...]) -> tuple[str, ...]:
    """The keys of a record in canonical (fmt) order."""
    return tuple(f.key for f in fields)


def compared(fields: tuple[GoalField, ...]) -> tuple[str, ...]:
    """The model attributes `okrctl diff` compares, in report order."""
    return tuple(name for f in fields for name in f.compared)


def read_by_name(fields: tuple[GoalField, ...]) -> tuple[GoalField, ...]:
    """The fields the loader reads the same way in every record (all but ``Read.OWN``)."""
    return tuple(f for f in fields if f.read is not Read.OWN)


def defaultable(fields: tuple[GoalField, ...]) -> tuple[str, ...]:
    """The keys a goal file's ``defaults:`` may supply to this record."""
    return tuple(f.key for f in fields if f.defaultable)


_DRAFT = _field(
    "draft", flag("Validated but left out of status, alerts and scores."), read=Read.FLAG
)
_DESCRIPTION = "Longer explanation, free text."
_TAGS = _field(
    "tags",
    {"type": "array", "items": {"type": "string"}, "description": "Free labels."},
    (),
    read=Read.TAGS,
)
_UNIT = "The unit (department, team, ...) the goal belongs to: an id from `units`."
_CYCLE = "The cycle the goal runs in: an id from `cycles`."
_PERSPECTIVE = "Balanced Scorecard perspective, e.g. customer."

_PLAN = {
    "type": "array",
    "description": "Dated checkpoints of the planned value, for a non-linear pace.",
    "items": obj(
        {"date": date("Checkpoint date."), "value": num("Planned value on that date.")},
        ["date", "value"],
        "One checkpoint.",
    ),
}

_TARGET = {
    "description": "The value to reach: a number, a relative change (+30%, -15%) "
    "applied to the baseline, or a range [low, high] met anywhere inside.",
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": NUMBER_PATTERN},
        {"type": "string", "pattern": RELATIVE_PATTERN},
        {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {
                "anyOf": [
                    {"type": "number"},
                    {"type": "string", "pattern": NUMBER_PATTERN},
                ]
            },
        },
    ],
    "x-message": N_("{field} {shown} is not a target"),
    "x-hint": N_(
        "write a number (2000000, 45%, 200万), a relative change (+30%) or a range [3, 5]"
    ),
}

KEY_RESULT_FIELDS = (
    _field(
        "id",
        ident("Key result id, unique within its objective; referenced as OBJECTIVE/KR"),
        (),
        names=True,
    ),
    _field("title", text("What is measured, in words."), read=Read.TITLE),
    _field("description", text(_DESCRIPTION), (), names=True),  # not kept: shown nowhere
    _text("owner", "Who drives this key result, when not the objective's owner."),
    _field("metric", metric()),
    _field("where", where(), names=True),
    _closed("aggregate", "How the metric's values in the window become one.", Aggregate.LAST),
    _number("baseline", num("Value at the start; else the metric's value at cycle start.")),
    _number("target", _TARGET, ("target", "relative", "low", "high")),
    _number("at_least", num("Guardrail: holds while the value stays at or above this.")),
    _number("at_most", num("Guardrail: holds while the value stays at or below this.")),
    _field("milestone", flag("A done-or-not key result."), ()),
    _field("done", flag("Whether a milestone is done.")),
    _number("weight", frac("Share of the objective; weights of one objective sum to 1.")),
    _number("plan", _PLAN),
    _text("unit_label", "How values are shown, e.g. '%', '元', 'users'.", compared=False),
    _field(
        "checkin_every",
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "Cadence of check-ins, e.g. 7d: a key result whose last "
            "check-in or data point is older is owed (`okrctl status --owed`).",
            "x-message": N_("{field} {shown} is not a duration"),
            "x-hint": N_("write 7d, 48h or 2w"),
        },
        read=Read.TEXT,
    ),
    _DRAFT,
)

KEY_RESULT = obj(
    properties(KEY_RESULT_FIELDS),
    ["id"],
    "A key result: measurable proof that the objective was reached.",
)

OBJECTIVE_FIELDS = (
    _field("id", ident("Objective id, unique in the repository"), (), names=True),
    _field("title", text("The objective, qualitative and ambitious."), read=Read.TITLE),
    _text("description", _DESCRIPTION, compared=False),
    _text("owner", "Who is accountable, e.g. li.na.", defaultable=True),
    _text("unit", _UNIT, defaultable=True),
    _text(
        "level", "Level in the cascade (from `levels`); else the unit's level.", defaultable=True
    ),
    _text("cycle", _CYCLE, defaultable=True),
    _field(
        "aligns_to", ref("The parent goal one level up: OBJECTIVE or OBJECTIVE/KR."), names=True
    ),
    _field(
        "type",
        one_of(
            values(GoalType),
            "committed goals must land at 100%; aspirational ones pass at 70% (default).",
        ),
        defaultable=True,
    ),
    _text("perspective", _PERSPECTIVE, defaultable=True),
    _TAGS,
    _DRAFT,
    _field(
        "key_results",
        {"type": "array", "items": KEY_RESULT, "description": "Key results: 1 to 5 is healthy."},
        (),
    ),
)

OBJECTIVE = obj(
    properties(OBJECTIVE_FIELDS), ["id", "title"], "An objective (O) with its key results (KRs)."
)

_SCORING = obj(
    {
        "zero_below": frac("Attainment below this scores 0 (e.g. 80%)."),
        "full_at": frac("Attainment at which the score is full (e.g. 100%)."),
        "cap": frac("Highest score (e.g. 1.0 or 120%)."),
    },
    [],
    "Banded scoring of attainment.",
)

_BAND = {
    "type": "array",
    "minItems": 2,
    "maxItems": 2,
    "items": num("Minimum attainment, then the score from there."),
    "description": "[minimum attainment, score], e.g. [0.9, 0.8].",
}

KPI_FIELDS = (
    _field("id", ident("KPI id, unique in the repository"), (), names=True),
    _field("title", text("The indicator, e.g. 5 brand campaigns a month."), read=Read.TITLE),
    _text("description", _DESCRIPTION, compared=False),
    _text("owner", "Who is accountable, e.g. li.na.", defaultable=True),
    _text("unit", _UNIT, defaultable=True),
    _text("cycle", _CYCLE, defaultable=True),
    _field("metric", metric()),
    _field("where", where(), names=True),
    _closed("aggregate", "How the metric's values in a period become one.", Aggregate.LAST),
    _closed(
        "period",
        "Scored per month or quarter and averaged, or once over the cycle (default).",
        Period.CYCLE,
    ),
    _closed("direction", "higher is better (default) or lower.", Direction.HIGHER),
    _number("target", num("The value to reach in each period.")),
    _number("weight", frac("Share among the owner's KPIs in the cycle; they sum to 1.")),
    _number("scoring", _SCORING, ("zero_below", "full_at", "cap")),
    _number(
        "bands",
        {
            "type": "array",
            "items": _BAND,
            "minItems": 1,
            "description": "Stepped scoring: [min attainment, score] steps, ascending.",
        },
    ),
    _field(
        "supports",
        ref("The key result (OBJECTIVE/KR) or objective this KPI evidences."),
        names=True,
    ),
    _text("perspective", _PERSPECTIVE, defaultable=True),
    _field(
        "balanced_by",
        {
            "anyOf": [
                {"type": "string", "pattern": ID_PATTERN},
                {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
            ],
            "description": "KPI id(s) that keep this one honest (speed vs quality).",
            "x-message": N_("{field} must be a KPI id or a list of KPI ids, got {shown}"),
        },
        names=True,
    ),
    _text("unit_label", "How values are shown, e.g. '%', '元'.", compared=False),
    _TAGS,
    _DRAFT,
)

KPI = obj(
    properties(KPI_FIELDS),
    ["id", "title", "target"],
    "A KPI: a weighted indicator with a period, a target and a scoring standard.",
)

_MEASURES = {
    "description": "Measures (KPI or objective ids): a list (equal weights) or id -> weight.",
    "anyOf": [
        {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
        {
            "type": "object",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": frac("Weight of the measure."),
        },
    ],
    "x-message": N_("{field} must be a list of KPI or objective ids, or id -> weight, got {shown}"),
}

_PERSPECTIVES = {
    "type": "object",
    "description": "Balanced scorecard perspectives, top of the strategy map first.",
    "propertyNames": {"pattern": ID_PATTERN},
    "additionalProperties": obj(
        {
            "weight": frac("Share of the total; perspective weights sum to 1."),
            "title": text("Display name."),
            "measures": _MEASURES,
        },
        ["weight"],
        "One perspective.",
    ),
}

_LINKS = {
    "type": "array",
    "description": "Strategy map: [driver, result] pairs of measure ids, pointing up "
    "the chain (learning -> process -> customer -> financial).",
    "items": {
        "type": "array",
        "minItems": 2,
        "maxItems": 2,
        "items": {"type": "string", "pattern": ID_PATTERN},
    },
    "x-message": N_("{field} must be a list of [driver, result] id pairs"),
    "x-hint": N_("e.g. links: [[KPI-TRAINING, KPI-CYCLE-TIME]]"),
}

SCORECARD_FIELDS = (
    _field("id", ident("Scorecard id, unique in the repository"), (), names=True),
    _text("title", "Name of the scorecard."),
    _text("description", _DESCRIPTION, compared=False),
    _closed("kind", "What the scorecard evaluates.", ScorecardKind.INDIVIDUAL),
    _text("cycle", "The cycle it evaluates: an id from `cycles`.", defaultable=True),
    _text("owner", "For individual scorecards: the person.", defaultable=True),
    _text("unit", "For team and balanced scorecards: the unit.", defaultable=True),
    _number("okr_weight", frac("Share of the OKR score in the total.")),
    _number("kpi_weight", frac("Share of the KPI score in the total.")),
    _field(
        "objectives",
        {
            "type": "array",
            "items": {"type": "string", "pattern": ID_PATTERN},
            "description": "Objectives scored (default: all the owner's).",
        },
        (),
    ),
    _field("kpis", _MEASURES, ()),
    _field("perspectives", _PERSPECTIVES, ()),
    _field("links", _LINKS, (), names=True),
    _field("draft", flag("Validated but left out of scores."), read=Read.FLAG),
)

SCORECARD = obj(
    properties(SCORECARD_FIELDS), ["id", "kind"], "A scorecard: individual, team or balanced."
)

NUMBER_ATTRIBUTES = frozenset(
    name
    for fields in (KEY_RESULT_FIELDS, KPI_FIELDS, SCORECARD_FIELDS)
    for f in fields
    if f.number
    for name in f.compared
)

# Keys of goal records whose values are names or ids, kept exactly as written
NAME_KEYS = frozenset(
    f.key
    for fields in (OBJECTIVE_FIELDS, KEY_RESULT_FIELDS, KPI_FIELDS, SCORECARD_FIELDS)
    for f in fields
    if f.names
)
