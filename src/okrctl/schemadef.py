"""The JSON Schemas of okrctl.yaml and of goal files, built from one place.

``okrctl schema`` writes them to schemas/ (draft-07, which editors' YAML language servers
read); ``okrctl check`` validates with the same dicts, so an editor and CI never disagree.
Vendor keyword ``x-message`` gives the sentence okrctl prints when a value fails.
"""

from __future__ import annotations

from typing import Any

from okrctl.numbers import NUMBER_HINT, NUMBER_PATTERN, RELATIVE_PATTERN

SCHEMA_BASE = "https://okrctl.dev/schemas"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?$"
METRIC_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*:.+$"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DURATION_PATTERN = r"^[0-9]+[hdw]$"
AGGREGATES = ["last", "sum", "avg", "min", "max", "count"]
PERIODS = ["monthly", "quarterly", "cycle"]
DIRECTIONS = ["higher", "lower"]
DEFAULT_LEVELS = ["company", "department", "team", "individual"]
DEFAULT_PERSPECTIVES = ["financial", "customer", "internal_process", "learning_growth"]

Schema = dict[str, Any]


def _id(what: str) -> Schema:
    return {
        "type": "string",
        "pattern": ID_PATTERN,
        "description": f"{what}. Letters, digits, '_', '.' and '-', starting with a letter "
        "or digit. Plain numbers are read as written (1.10 stays '1.10').",
        "x-message": "{field} {shown} is not a valid id",
        "x-hint": "start with a letter or digit and use only letters, digits, '_', '.' and '-'",
    }


def _number(description: str) -> Schema:
    return {
        "description": description + " A number, or text such as 45%, 1,200,000, 1.2M, 200万, 3亿.",
        "anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_PATTERN}],
        "x-message": "{field} {shown} is not a number",
        "x-hint": NUMBER_HINT,
    }


def _fraction(description: str) -> Schema:
    schema = _number(description)
    schema["description"] = description + " A fraction (0.4) or a percentage (40%)."
    return schema


def _ref(description: str) -> Schema:
    return {
        "type": "string",
        "pattern": REF_PATTERN,
        "description": description,
        "x-message": "{field} {shown} is not a reference",
        "x-hint": "write OBJECTIVE or OBJECTIVE/KR, e.g. CO-1/users",
    }


def _text(description: str) -> Schema:
    return {"type": "string", "description": description}


def _enum(values: list[str], description: str) -> Schema:
    return {"type": "string", "enum": values, "description": description}


def _bool(description: str) -> Schema:
    return {
        "type": "boolean",
        "description": description,
        "x-message": "{field} must be true or false, got {shown}",
        "x-hint": "YAML 1.2 reads yes/no/on/off as text; write true or false",
    }


def _date(description: str) -> Schema:
    return {
        "type": "string",
        "pattern": DATE_PATTERN,
        "description": description + " An ISO date, YYYY-MM-DD.",
        "x-message": "{field} {shown} is not a date",
        "x-hint": "write YYYY-MM-DD, e.g. 2026-10-01",
    }


def _where() -> Schema:
    return {
        "type": "object",
        "description": "Filter on the metric's dimension columns: column -> value, or a list "
        "of values (any of them).",
        "additionalProperties": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ]
        },
    }


def _metric() -> Schema:
    return {
        "type": "string",
        "pattern": METRIC_PATTERN,
        "description": "SOURCE:METRIC, where SOURCE is a `metrics` entry of okrctl.yaml.",
        "x-message": "{field} {shown} is not a metric reference",
        "x-hint": "write SOURCE:METRIC, e.g. crm:users_total",
    }


def _obj(properties: dict[str, Schema], required: list[str], description: str) -> Schema:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


_COMMON_GOAL = {
    "owner": _text("Who is accountable, e.g. li.na."),
    "unit": _text("The unit (department, team, ...) the goal belongs to: an id from `units`."),
    "cycle": _text("The cycle the goal runs in: an id from `cycles`."),
    "perspective": _text("Balanced Scorecard perspective, e.g. customer."),
    "draft": _bool("Validated but left out of status, alerts and scores."),
    "description": _text("Longer explanation, free text."),
    "tags": {"type": "array", "items": {"type": "string"}, "description": "Free labels."},
}

_PLAN = {
    "type": "array",
    "description": "Dated checkpoints of the planned value, for a non-linear pace.",
    "items": _obj(
        {"date": _date("Checkpoint date."), "value": _number("Planned value on that date.")},
        ["date", "value"],
        "One checkpoint.",
    ),
}

KEY_RESULT = _obj(
    {
        "id": _id("Key result id, unique within its objective; referenced as OBJECTIVE/KR"),
        "title": _text("What is measured, in words."),
        "description": _text("Longer explanation, free text."),
        "owner": _text("Who drives this key result, when not the objective's owner."),
        "metric": _metric(),
        "where": _where(),
        "aggregate": _enum(AGGREGATES, "How the metric's values in the window become one."),
        "baseline": _number("Value at the start; else the metric's value at cycle start."),
        "target": {
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
            "x-message": "{field} {shown} is not a target",
            "x-hint": "write a number (2000000, 45%, 200万), a relative change (+30%) or a "
            "range [3, 5]",
        },
        "at_least": _number("Guardrail: holds while the value stays at or above this."),
        "at_most": _number("Guardrail: holds while the value stays at or below this."),
        "milestone": _bool("A done-or-not key result."),
        "done": _bool("Whether a milestone is done."),
        "weight": _fraction("Share of the objective; weights of one objective sum to 1."),
        "plan": _PLAN,
        "unit_label": _text("How values are shown, e.g. '%', '元', 'users'."),
        "draft": _bool("Validated but left out of status, alerts and scores."),
    },
    ["id"],
    "A key result: measurable proof that the objective was reached.",
)

OBJECTIVE = _obj(
    {
        "id": _id("Objective id, unique in the repository"),
        "title": _text("The objective, qualitative and ambitious."),
        "level": _text("Level in the cascade (from `levels`); else the unit's level."),
        "aligns_to": _ref("The parent goal one level up: OBJECTIVE or OBJECTIVE/KR."),
        "type": _enum(
            ["committed", "aspirational"],
            "committed goals must land at 100%; aspirational ones pass at 70% (default).",
        ),
        "key_results": {
            "type": "array",
            "items": KEY_RESULT,
            "description": "Key results: 1 to 5 is healthy.",
        },
        **_COMMON_GOAL,
    },
    ["id", "title"],
    "An objective (O) with its key results (KRs).",
)

_SCORING = _obj(
    {
        "zero_below": _fraction("Attainment below this scores 0 (e.g. 80%)."),
        "full_at": _fraction("Attainment at which the score is full (e.g. 100%)."),
        "cap": _fraction("Highest score (e.g. 1.0 or 120%)."),
    },
    [],
    "Banded scoring of attainment.",
)

_BAND = {
    "type": "array",
    "minItems": 2,
    "maxItems": 2,
    "items": _number("Minimum attainment, then the score from there."),
    "description": "[minimum attainment, score], e.g. [0.9, 0.8].",
}

KPI = _obj(
    {
        "id": _id("KPI id, unique in the repository"),
        "title": _text("The indicator, e.g. 5 brand campaigns a month."),
        "metric": _metric(),
        "where": _where(),
        "aggregate": _enum(AGGREGATES, "How the metric's values in a period become one."),
        "period": _enum(
            PERIODS,
            "Scored per month or quarter and averaged, or once over the cycle (default).",
        ),
        "direction": _enum(DIRECTIONS, "higher is better (default) or lower."),
        "target": _number("The value to reach in each period."),
        "weight": _fraction("Share among the owner's KPIs in the cycle; they sum to 1."),
        "scoring": _SCORING,
        "bands": {
            "type": "array",
            "items": _BAND,
            "minItems": 1,
            "description": "Stepped scoring: [min attainment, score] steps, ascending.",
        },
        "supports": _ref("The key result (OBJECTIVE/KR) or objective this KPI evidences."),
        "balanced_by": {
            "anyOf": [
                {"type": "string", "pattern": ID_PATTERN},
                {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
            ],
            "description": "KPI id(s) that keep this one honest (speed vs quality).",
            "x-message": "{field} must be a KPI id or a list of KPI ids, got {shown}",
        },
        "unit_label": _text("How values are shown, e.g. '%', '元'."),
        **_COMMON_GOAL,
    },
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
            "additionalProperties": _fraction("Weight of the measure."),
        },
    ],
    "x-message": "{field} must be a list of KPI or objective ids, or id -> weight, got {shown}",
}

SCORECARD = _obj(
    {
        "id": _id("Scorecard id, unique in the repository"),
        "title": _text("Name of the scorecard."),
        "kind": _enum(["balanced", "individual", "team"], "What the scorecard evaluates."),
        "cycle": _text("The cycle it evaluates: an id from `cycles`."),
        "owner": _text("For individual scorecards: the person."),
        "unit": _text("For team and balanced scorecards: the unit."),
        "perspectives": {
            "type": "object",
            "description": "Balanced scorecard perspectives, top of the strategy map first.",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": _obj(
                {
                    "weight": _fraction("Share of the total; perspective weights sum to 1."),
                    "title": _text("Display name."),
                    "measures": _MEASURES,
                },
                ["weight"],
                "One perspective.",
            ),
        },
        "links": {
            "type": "array",
            "description": "Strategy map: [driver, result] pairs of measure ids, pointing up "
            "the chain (learning -> process -> customer -> financial).",
            "items": {
                "type": "array",
                "minItems": 2,
                "maxItems": 2,
                "items": {"type": "string", "pattern": ID_PATTERN},
            },
            "x-message": "{field} must be a list of [driver, result] id pairs",
            "x-hint": "e.g. links: [[KPI-TRAINING, KPI-CYCLE-TIME]]",
        },
        "objectives": {
            "type": "array",
            "items": {"type": "string", "pattern": ID_PATTERN},
            "description": "Objectives scored (default: all the owner's).",
        },
        "kpis": _MEASURES,
        "okr_weight": _fraction("Share of the OKR score in the total."),
        "kpi_weight": _fraction("Share of the KPI score in the total."),
        "draft": _bool("Validated but left out of scores."),
        "description": _text("Longer explanation, free text."),
    },
    ["id", "kind"],
    "A scorecard: individual, team or balanced.",
)

GOALS_SCHEMA: Schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": f"{SCHEMA_BASE}/goals.schema.json",
    "title": "okrctl goal file",
    "description": "Objectives, key results, KPIs and scorecards. See docs/format.md.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "defaults": _obj(
            {
                "cycle": _COMMON_GOAL["cycle"],
                "unit": _COMMON_GOAL["unit"],
                "owner": _COMMON_GOAL["owner"],
                "level": _text("Level for every objective in the file."),
                "type": OBJECTIVE["properties"]["type"],
                "perspective": _COMMON_GOAL["perspective"],
            },
            [],
            "Values applied to every entry of this file that does not set its own.",
        ),
        "objectives": {"type": "array", "items": OBJECTIVE, "description": "Objectives."},
        "kpis": {"type": "array", "items": KPI, "description": "KPIs."},
        "scorecards": {"type": "array", "items": SCORECARD, "description": "Scorecards."},
    },
}

_SEVERITY_SETTING = {
    "type": "string",
    "enum": ["off", "info", "warning", "error"],
    "description": "off turns the rule off; the others re-grade it.",
}

CONFIG_SCHEMA: Schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": f"{SCHEMA_BASE}/okrctl.schema.json",
    "title": "okrctl.yaml",
    "description": "Configuration of an okrctl goals repository. See docs/format.md.",
    "type": "object",
    "additionalProperties": False,
    "required": ["okrctl"],
    "properties": {
        "okrctl": {
            "type": "integer",
            "enum": [1],
            "description": "Format version. okrctl refuses versions it does not know.",
        },
        "org": _text("Organisation name."),
        "levels": {
            "type": "array",
            "items": {"type": "string", "pattern": ID_PATTERN},
            "minItems": 1,
            "uniqueItems": True,
            "description": "Alignment levels, top first. Default: " + ", ".join(DEFAULT_LEVELS),
        },
        "units": {
            "type": "array",
            "description": "The org chart: who sits under whom.",
            "items": _obj(
                {
                    "id": _id("Unit id"),
                    "name": _text("Display name."),
                    "level": _text("Its level, from `levels`."),
                    "parent": _text("The unit above it."),
                    "lead": _text("Who leads it."),
                },
                ["id", "level"],
                "One unit.",
            ),
        },
        "cycles": {
            "type": "array",
            "description": "Periods goals run in. Nested cycles (a quarter inside a year) "
            "may align to each other.",
            "items": _obj(
                {
                    "id": _id("Cycle id"),
                    "name": _text("Display name."),
                    "start": _date("First day."),
                    "end": _date("Last day (inclusive)."),
                },
                ["id", "start", "end"],
                "One cycle.",
            ),
        },
        "goals": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "description": "Globs of goal files, relative to okrctl.yaml. Default: "
            "goals/**/*.yaml.",
        },
        "metrics": {
            "type": "array",
            "description": "Metric dumps (CSV) exported from CRM, ERP, finance, HR.",
            "items": _obj(
                {
                    "name": _id("Source name, used as SOURCE in SOURCE:METRIC"),
                    "path": _text("CSV file, relative to okrctl.yaml, inside the repository."),
                    "layout": _enum(
                        ["long", "wide"],
                        "long: date, metric, value, dimensions; wide: date, one column per metric.",
                    ),
                    "columns": {
                        "type": "object",
                        "description": "Header mapping for the date, metric and value columns.",
                        "properties": {
                            "date": _text("Header of the date column."),
                            "metric": _text("Header of the metric column (long layout)."),
                            "value": _text("Header of the value column (long layout)."),
                        },
                        "additionalProperties": False,
                    },
                    "encoding": _text("utf-8, utf-8-sig or gb18030; detected when absent."),
                    "delimiter": {
                        "type": "string",
                        "enum": [",", ";", "\t", "tab"],
                        "description": "Field delimiter; detected when absent.",
                    },
                    "decimal": {
                        "type": "string",
                        "enum": [".", ","],
                        "description": "Decimal mark of the numbers in this source.",
                    },
                    "date_format": _text("strftime format of dates when not ISO, e.g. %d/%m/%Y."),
                    "stale_after": {
                        "type": "string",
                        "pattern": DURATION_PATTERN,
                        "description": "Data older than this is reported, e.g. 7d, 48h, 2w.",
                        "x-message": "{field} {shown} is not a duration",
                        "x-hint": "write 7d, 48h or 2w",
                    },
                },
                ["name", "path"],
                "One metric source.",
            ),
        },
        "checkins": {
            "type": "string",
            "description": "CSV file `okrctl checkin` records manual values in, for key "
            "results without a data feed. Default: metrics/checkins.csv.",
        },
        "status": _obj(
            {
                "on_track": _fraction("Green when progress >= on_track x expected."),
                "at_risk": _fraction("Yellow when progress >= at_risk x expected."),
            },
            [],
            "Thresholds of the red / yellow / green status.",
        ),
        "scoring": _obj(
            {
                "okr_weight": _fraction("Share of the OKR score in a scorecard's total."),
                "kpi_weight": _fraction("Share of the KPI score in a scorecard's total."),
                "kr_cap": _number("Highest progress one KR contributes to its objective."),
                "aspirational_full_at": _fraction(
                    "Opt-in rescale: an aspirational objective then scores min(progress / this, "
                    "kr_cap), e.g. 0.7 gives 70% of the way full marks. Unset (the default), "
                    "an objective's score is its progress."
                ),
                "ratings": {
                    "type": "array",
                    "minItems": 1,
                    "description": "Rating bands of a scorecard's total, e.g. S from 100%, A "
                    "from 90%, B from 80%, C from 60%, D below.",
                    "items": _obj(
                        {
                            "min": _fraction("Lowest total that earns this rating."),
                            "rating": _text("The rating, e.g. S, A, B, C, D."),
                        },
                        ["min", "rating"],
                        "One band.",
                    ),
                },
                "bonus": _obj(
                    {
                        "by_rating": {
                            "type": "object",
                            "description": "Bonus multiplier per rating, e.g. {S: 1.5, A: 1.2}.",
                            "additionalProperties": _number("Multiplier."),
                        },
                        "formula": _obj(
                            {
                                "base": _number("Multiplier paid per 100% of KPI score."),
                                "base_from": _fraction("KPI score below which no base is paid."),
                                "extra": _number("Extra multiplier for a high OKR score."),
                                "extra_from": _fraction("OKR score that earns the extra."),
                                "cap": _number("Highest multiplier."),
                            },
                            [],
                            "multiplier = min(cap, base x KPI score (when KPI score >= "
                            "base_from) + extra (when OKR score >= extra_from)).",
                        ),
                    },
                    [],
                    "Bonus multipliers, by rating or by formula (not both).",
                ),
            },
            [],
            "Scoring defaults.",
        ),
        "perspectives": {
            "type": "array",
            "items": {"type": "string", "pattern": ID_PATTERN},
            "minItems": 1,
            "uniqueItems": True,
            "description": "Balanced Scorecard perspectives, top of the strategy map first. "
            "Default: " + ", ".join(DEFAULT_PERSPECTIVES),
        },
        "rules": {
            "type": "object",
            "description": "Turn rules off or re-grade them, by code (A011) or name.",
            "additionalProperties": _SEVERITY_SETTING,
        },
    },
}

SCHEMAS: dict[str, Schema] = {
    "okrctl.schema.json": CONFIG_SCHEMA,
    "goals.schema.json": GOALS_SCHEMA,
}
