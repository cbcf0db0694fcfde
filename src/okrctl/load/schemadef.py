"""The JSON Schemas of okrctl.yaml and of goal files, built from one place.

``okrctl schema`` writes them to schemas/ (draft-07, which editors' YAML language servers
read); ``okrctl check`` validates with the same dicts, so an editor and CI never disagree.
Vendor keyword ``x-message`` gives the sentence okrctl prints when a value fails.
"""

from __future__ import annotations

from okrctl.core.i18n import N_
from okrctl.load.configsources import TIMEOUT_PATTERN, URL_PATTERN
from okrctl.load.fields import KPI, OBJECTIVE, SCORECARD
from okrctl.load.schemaparts import AGGREGATES as AGGREGATES
from okrctl.load.schemaparts import DATE_PATTERN as DATE_PATTERN
from okrctl.load.schemaparts import DEFAULT_LEVELS as DEFAULT_LEVELS
from okrctl.load.schemaparts import DEFAULT_PERSPECTIVES as DEFAULT_PERSPECTIVES
from okrctl.load.schemaparts import DIRECTIONS as DIRECTIONS
from okrctl.load.schemaparts import DURATION_PATTERN as DURATION_PATTERN
from okrctl.load.schemaparts import ID_PATTERN as ID_PATTERN
from okrctl.load.schemaparts import LAYOUTS as LAYOUTS
from okrctl.load.schemaparts import METRIC_PATTERN as METRIC_PATTERN
from okrctl.load.schemaparts import PERIODS as PERIODS
from okrctl.load.schemaparts import PERSON_HANDLES as PERSON_HANDLES
from okrctl.load.schemaparts import REF_PATTERN as REF_PATTERN
from okrctl.load.schemaparts import SCHEMA_BASE as SCHEMA_BASE
from okrctl.load.schemaparts import Schema as Schema
from okrctl.load.schemaparts import (
    date,
    enum,
    frac,
    ident,
    num,
    obj,
    rule_settings,
    text,
)

# a database source (docs/metrics.md, "SQL warehouses"); load/configsources.py reads it
_DATABASE_SOURCE: Schema = {
    "url": {
        "type": "string",
        "pattern": URL_PATTERN,
        "description": "Database URL instead of `path`: postgresql://USER:${PASSWORD}@HOST/DB, "
        "sqlite:///metrics/x.db or duckdb:///metrics/x.duckdb. ${NAME} is taken from the "
        "environment when connecting: keep credentials out of the repository.",
        "x-message": "{field} {shown} is not a database URL okrctl reads",
        "x-hint": "start it with postgresql://, sqlite:/// or duckdb:///",
    },
    "table": text("Table (or view) of a database source, e.g. sales or analytics.sales."),
    "query": text("SELECT of a database source whose rows are read like a table's."),
    "timeout": {
        "type": "string",
        "pattern": TIMEOUT_PATTERN,
        "description": "Longest a database source's query may run, e.g. 30s, 2m. Default 60s.",
        "x-message": "{field} {shown} is not a duration",
        "x-hint": "write 30s, 500ms, 2m or 1h",
    },
}
_FILE_OR_DATABASE: Schema = {
    "oneOf": [{"required": ["path"]}, {"required": ["url"]}],
    "x-message": "a metric source needs either `path` (a file) or `url` (a database), not both",
    "x-hint": "write `path: metrics/crm.csv`, or `url:` with `table:` or `query:`",
}

GOALS_SCHEMA: Schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": f"{SCHEMA_BASE}/goals.schema.json",
    "title": "okrctl goal file",
    "description": "Objectives, key results, KPIs and scorecards. See docs/format.md.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "defaults": obj(
            {
                "cycle": OBJECTIVE["properties"]["cycle"],
                "unit": OBJECTIVE["properties"]["unit"],
                "owner": OBJECTIVE["properties"]["owner"],
                "level": text("Level for every objective in the file."),
                "type": OBJECTIVE["properties"]["type"],
                "perspective": OBJECTIVE["properties"]["perspective"],
            },
            [],
            "Values applied to every entry of this file that does not set its own.",
        ),
        "objectives": {"type": "array", "items": OBJECTIVE, "description": "Objectives."},
        "kpis": {"type": "array", "items": KPI, "description": "KPIs."},
        "scorecards": {"type": "array", "items": SCORECARD, "description": "Scorecards."},
    },
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
        "org": text("Organisation name."),
        "levels": {
            "type": "array",
            "items": {"type": "string", "pattern": ID_PATTERN},
            "minItems": 1,
            "uniqueItems": True,
            "description": "Alignment levels, top first. Default: " + ", ".join(DEFAULT_LEVELS),
        },
        "lang": enum(
            ["en", "zh"],
            "Default language of human output (status, score, check text, report); "
            "`--lang` overrides it. Default: the locale (LC_ALL/LANG starting zh), else en.",
        ),
        "people": {
            "type": "object",
            "description": "Who is who: person id (as written in `owner:` and `lead:`) -> "
            "display name, or a mapping with the name and chat handles for notifications.",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": {
                "oneOf": [
                    text("Display name, e.g. 李娜."),
                    obj(
                        {
                            "name": text("Display name, e.g. 李娜."),
                            **{key: text(about) for key, about in PERSON_HANDLES.items()},
                        },
                        [],
                        "A person: display name and contact handles.",
                    ),
                ]
            },
        },
        "units": {
            "type": "array",
            "description": "The org chart: who sits under whom.",
            "items": obj(
                {
                    "id": ident("Unit id"),
                    "name": text("Display name."),
                    "level": text("Its level, from `levels`."),
                    "parent": text("The unit above it."),
                    "lead": text("Who leads it."),
                },
                ["id", "level"],
                "One unit.",
            ),
        },
        "cycles": {
            "type": "array",
            "description": "Periods goals run in. Nested cycles (a quarter inside a year) "
            "may align to each other.",
            "items": obj(
                {
                    "id": ident("Cycle id"),
                    "name": text("Display name."),
                    "start": date("First day."),
                    "end": date("Last day (inclusive)."),
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
            "description": "Metric data: files exported from CRM, ERP, finance, HR (CSV, "
            "Excel, Parquet), or database tables and queries.",
            "items": obj(
                {
                    "name": ident("Source name, used as SOURCE in SOURCE:METRIC"),
                    "path": text(
                        "CSV, Excel (.xlsx, .xlsm, .xls, .ods) or Parquet file, relative to "
                        "okrctl.yaml, inside the repository."
                    ),
                    "sheet": text("Worksheet of an Excel workbook; default: the first."),
                    "layout": enum(
                        LAYOUTS,
                        "long: date, metric, value, dimensions; wide: date, one column per metric.",
                    ),
                    "columns": {
                        "type": "object",
                        "description": "Header mapping for the date, metric and value columns.",
                        "properties": {
                            "date": text("Header of the date column."),
                            "metric": text("Header of the metric column (long layout)."),
                            "value": text("Header of the value column (long layout)."),
                        },
                        "additionalProperties": False,
                    },
                    "encoding": text("utf-8, utf-8-sig or gb18030; detected when absent."),
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
                    "date_format": text("strftime format of dates when not ISO, e.g. %d/%m/%Y."),
                    "stale_after": {
                        "type": "string",
                        "pattern": DURATION_PATTERN,
                        "description": "Data older than this is reported, e.g. 7d, 48h, 2w.",
                        "x-message": N_("{field} {shown} is not a duration"),
                        "x-hint": N_("write 7d, 48h or 2w"),
                    },
                    **_DATABASE_SOURCE,
                },
                ["name"],
                "One metric source: a file (`path`) or a database (`url`).",
            )
            | _FILE_OR_DATABASE,
        },
        "checkins": {
            "type": "string",
            "description": "CSV file `okrctl checkin` records manual values in, for key "
            "results without a data feed. Default: metrics/checkins.csv.",
        },
        "status": obj(
            {
                "on_track": frac("Green when progress >= on_track x expected."),
                "at_risk": frac("Yellow when progress >= at_risk x expected."),
            },
            [],
            "Thresholds of the red / yellow / green status.",
        ),
        "scoring": obj(
            {
                "okr_weight": frac("Share of the OKR score in a scorecard's total."),
                "kpi_weight": frac("Share of the KPI score in a scorecard's total."),
                "kr_cap": num("Highest progress one KR contributes to its objective."),
                "aspirational_full_at": frac(
                    "Opt-in rescale: an aspirational objective then scores min(progress / this, "
                    "kr_cap), e.g. 0.7 gives 70% of the way full marks. Unset (the default), "
                    "an objective's score is its progress."
                ),
                "ratings": {
                    "type": "array",
                    "minItems": 1,
                    "description": "Rating bands of a scorecard's total, e.g. S from 100%, A "
                    "from 90%, B from 80%, C from 60%, D below.",
                    "items": obj(
                        {
                            "min": frac("Lowest total that earns this rating."),
                            "rating": text("The rating, e.g. S, A, B, C, D."),
                        },
                        ["min", "rating"],
                        "One band.",
                    ),
                },
                "bonus": obj(
                    {
                        "by_rating": {
                            "type": "object",
                            "description": "Bonus multiplier per rating, e.g. {S: 1.5, A: 1.2}.",
                            "additionalProperties": num("Multiplier."),
                        },
                        "formula": obj(
                            {
                                "base": num("Multiplier paid per 100% of KPI score."),
                                "base_from": frac("KPI score below which no base is paid."),
                                "extra": num("Extra multiplier for a high OKR score."),
                                "extra_from": frac("OKR score that earns the extra."),
                                "cap": num("Highest multiplier."),
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
        "rules": rule_settings(),
    },
}

SCHEMAS: dict[str, Schema] = {
    "okrctl.schema.json": CONFIG_SCHEMA,
    "goals.schema.json": GOALS_SCHEMA,
}
