"""The vocabulary and building blocks of okrctl's JSON Schemas (docs/format.md).

Patterns and closed vocabularies (aggregates, periods, directions, default levels and
perspectives), and one small constructor per kind of field, each with the ``x-message``
and ``x-hint`` okrctl prints when a value fails.
"""

from __future__ import annotations

from typing import Any

from okrctl.core.i18n import N_
from okrctl.core.numbers import NUMBER_HINT, NUMBER_PATTERN
from okrctl.core.vocabulary import Aggregate, Direction, Layout, Period, values

SCHEMA_BASE = "https://okrctl.dev/schemas"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?$"
METRIC_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*:.+$"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DURATION_PATTERN = r"^[0-9]+[hdw]$"
AGGREGATES = values(Aggregate)
PERIODS = values(Period)
DIRECTIONS = values(Direction)
LAYOUTS = values(Layout)
DEFAULT_LEVELS = ["company", "department", "team", "individual"]
DEFAULT_PERSPECTIVES = ["financial", "customer", "internal_process", "learning_growth"]

Schema = dict[str, Any]


def ident(what: str) -> Schema:
    """A string id field; ``what`` starts its description. Other text is "not a valid id"."""
    return {
        "type": "string",
        "pattern": ID_PATTERN,
        "description": f"{what}. Letters, digits, '_', '.' and '-', starting with a letter "
        "or digit. Plain numbers are read as written (1.10 stays '1.10').",
        "x-message": N_("{field} {shown} is not a valid id"),
        "x-hint": N_("start with a letter or digit and use only letters, digits, '_', '.' and '-'"),
    }


def num(description: str) -> Schema:
    """A number field: a YAML number or text okrctl reads as one (docs/format.md)."""
    return {
        "description": description + " A number, or text such as 45%, 1,200,000, 1.2M, 200万, 3亿.",
        "anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_PATTERN}],
        "x-message": N_("{field} {shown} is not a number"),
        "x-hint": NUMBER_HINT,
    }


def frac(description: str) -> Schema:
    """A number field meant as a fraction of 1: 0.4 and 40% are the same value."""
    schema = num(description)
    schema["description"] = description + " A fraction (0.4) or a percentage (40%)."
    return schema


def ref(description: str) -> Schema:
    """A reference field: OBJECTIVE or OBJECTIVE/KR."""
    return {
        "type": "string",
        "pattern": REF_PATTERN,
        "description": description,
        "x-message": N_("{field} {shown} is not a reference"),
        "x-hint": N_("write OBJECTIVE or OBJECTIVE/KR, e.g. CO-1/users"),
    }


def text(description: str) -> Schema:
    """A free text field."""
    return {"type": "string", "description": description}


def enum(values: list[str], description: str) -> Schema:
    """A text field that must be one of ``values``."""
    return {"type": "string", "enum": values, "description": description}


def flag(description: str) -> Schema:
    """A true/false field; YAML 1.1 spellings (yes, on) are refused with a hint."""
    return {
        "type": "boolean",
        "description": description,
        "x-message": N_("{field} must be true or false, got {shown}"),
        "x-hint": N_("YAML 1.2 reads yes/no/on/off as text; write true or false"),
    }


def date(description: str) -> Schema:
    """An ISO date field, YYYY-MM-DD."""
    return {
        "type": "string",
        "pattern": DATE_PATTERN,
        "description": description + " An ISO date, YYYY-MM-DD.",
        "x-message": N_("{field} {shown} is not a date"),
        "x-hint": N_("write YYYY-MM-DD, e.g. 2026-10-01"),
    }


def where() -> Schema:
    """A metric's dimension filter: column -> value or non-empty list of values (any of)."""
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


def metric() -> Schema:
    """A metric reference field, SOURCE:METRIC (docs/metrics.md)."""
    return {
        "type": "string",
        "pattern": METRIC_PATTERN,
        "description": "SOURCE:METRIC, where SOURCE is a `metrics` entry of okrctl.yaml.",
        "x-message": N_("{field} {shown} is not a metric reference"),
        "x-hint": N_("write SOURCE:METRIC, e.g. crm:users_total"),
    }


def obj(properties: dict[str, Schema], required: list[str], description: str) -> Schema:
    """A closed object: ``properties``, the ``required`` keys, no other keys allowed."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


# the contact handles a person may have in okrctl.yaml's `people:`, for notifications
PERSON_HANDLES = {
    "wecom": "WeCom (企业微信) user id.",
    "feishu": "Feishu / Lark (飞书) user id.",
    "dingtalk": "DingTalk (钉钉) user id.",
    "slack": "Slack member id.",
    "email": "E-mail address.",
}
SEVERITY_SETTING: Schema = {
    "type": "string",
    "enum": ["off", "info", "warning", "error"],
    "description": "off turns the rule off; the others re-grade it.",
}


def _rule_setting(code: str) -> Schema:
    """A rule's setting: a severity word, or a mapping of its severity and its options
    (core/codes.py ``OPTIONS``; docs/rules.md)."""
    from okrctl.core.codes import OPTIONS

    options = {
        name: {
            "type": "integer",
            "minimum": option.minimum,
            "description": f"{option.description[0].upper()}{option.description[1:]}. "
            f"Default: {option.default}.",
        }
        for name, option in OPTIONS.get(code, {}).items()
    }
    from okrctl.core.codes import CODES

    about = f"{code} ({CODES[code][0]})" if code else "a rule"
    return {
        "description": f"Settings of {about}: a severity, or its severity and options.",
        "anyOf": [
            SEVERITY_SETTING,
            {
                "type": "object",
                "properties": {"severity": SEVERITY_SETTING, **options},
                "additionalProperties": False,
            },
        ],
    }


def rule_settings() -> Schema:
    """``rules:`` of okrctl.yaml: by code (A013) or name (kr-count), a severity or a mapping
    ``{severity: warning, max: 7}`` of the severity and the rule's options."""
    from okrctl.core.codes import CODES, OPTIONS

    properties: Schema = {}
    for code in OPTIONS:
        properties[code] = properties[CODES[code][0]] = _rule_setting(code)
    return {
        "type": "object",
        "description": "Turn rules off, re-grade them and set their options, by code (A013) "
        "or name (kr-count): `A011: off`, or `A013: {severity: error, max: 7}`.",
        "properties": properties,
        "additionalProperties": _rule_setting(""),
    }
