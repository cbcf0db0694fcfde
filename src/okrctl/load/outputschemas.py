"""JSON Schemas of okrctl's own JSON outputs (status, report), written to schemas/ with
the input schemas by `okrctl schema`."""

from __future__ import annotations

from okrctl.load.schemadef import DATE_PATTERN, SCHEMA_BASE, SCHEMAS, Schema

_NUM_OR_NULL = {"type": ["number", "null"]}
_TEXT_OR_NULL = {"type": ["string", "null"]}

_WARNING_FIELDS: dict[str, Schema] = {
    "kind": {
        "enum": ["rejected-data", "unread-data"],
        "description": "rejected-data: cells or rows refused; unread-data: the file (or the "
        "rest of it) could not be read.",
    },
    "file": {"type": "string", "description": "The metric file, relative to okrctl.yaml."},
    "metric": {
        "type": ["string", "null"],
        "description": "The metric whose cells were refused; null when the rows' metric "
        "could not be read or the whole file was not read.",
    },
    "count": {"type": "integer", "minimum": 1, "description": "Cells or rows left out."},
    "lines": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0},
        "description": "Their lines in the file (0: the whole file).",
    },
    "codes": {
        "type": "array",
        "items": {"type": "string"},
        "description": "The data-contract codes (D001-D010) that say why.",
    },
    "message": {"type": "string", "description": "The same, as a sentence."},
}
DATA_WARNING: Schema = {
    "type": "object",
    "description": "Numbers in this output rest on input okrctl left out (docs/output.md).",
    "additionalProperties": False,
    "required": [*_WARNING_FIELDS, "goals"],
    "properties": {
        **_WARNING_FIELDS,
        "goals": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The goals (OBJ, OBJ/KR, KPI ids) whose numbers miss it.",
        },
    },
}
ROW_REJECTED: Schema = {
    "type": "array",
    "description": "Input this row's number misses, per file and metric; empty when none.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": list(_WARNING_FIELDS),
        "properties": _WARNING_FIELDS,
    },
}

STATUS_SCHEMA: Schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": f"{SCHEMA_BASE}/status.schema.json",
    "title": "okrctl status --format json",
    "description": "The status tree, one row per objective, key result and KPI, in tree "
    "order. See docs/output.md.",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "format",
        "version",
        "okrctl",
        "cycle",
        "as_of",
        "final",
        "counts",
        "warnings",
        "rows",
    ],
    "properties": {
        "format": {"const": "okrctl-status", "description": "Always okrctl-status."},
        "version": {"const": 1, "description": "Shape version."},
        "okrctl": {"type": "string", "description": "okrctl version that wrote it."},
        "cycle": {"type": "string", "description": "The cycle reported on."},
        "as_of": {"type": "string", "pattern": DATE_PATTERN, "description": "As-of date."},
        "final": {"type": "boolean", "description": "True once the cycle is over."},
        "counts": {
            "type": "object",
            "description": "Rows per status (context rows not counted).",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        "warnings": {
            "type": "array",
            "description": "Input the rows' numbers miss (rejected cells, unread files).",
            "items": DATA_WARNING,
        },
        "rows": {
            "type": "array",
            "description": "Rows in tree order; `depth` gives the nesting.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind", "depth", "id", "title", "status", "progress", "context"],
                "properties": {
                    "kind": {
                        "enum": ["objective", "kr", "kpi", "perspective"],
                        "description": "Row kind; `perspective` heads a group with "
                        "--by perspective.",
                    },
                    "depth": {"type": "integer", "minimum": 0, "description": "Nesting."},
                    "id": {"type": "string", "description": "Id (OBJ/KR for key results)."},
                    "title": {"type": "string", "description": "Title as written."},
                    "owner": {**_TEXT_OR_NULL, "description": "Owner."},
                    "level": {**_TEXT_OR_NULL, "description": "Level in the cascade."},
                    "unit": {**_TEXT_OR_NULL, "description": "Unit."},
                    "status": {
                        "enum": ["green", "yellow", "red", "grey"],
                        "description": "on track, at risk, off track, no data.",
                    },
                    "progress": {
                        **_NUM_OR_NULL,
                        "description": "Progress (KPIs: score); "
                        "wrong-way movement shows as 0; null when unknown.",
                    },
                    "raw_progress": {
                        **_NUM_OR_NULL,
                        "description": "Progress before the wrong-way floor; may exceed 1.",
                    },
                    "expected": {**_NUM_OR_NULL, "description": "Expected progress e."},
                    "current": {**_NUM_OR_NULL, "description": "Current value."},
                    "target": {**_NUM_OR_NULL, "description": "Target (effective)."},
                    "baseline": {**_NUM_OR_NULL, "description": "Baseline used."},
                    "unit_label": {**_TEXT_OR_NULL, "description": "Display unit."},
                    "percent": {
                        "type": "boolean",
                        "description": "Values are fractions shown as percentages.",
                    },
                    "note": {**_TEXT_OR_NULL, "description": "Why unknown, or a flag."},
                    "context": {
                        "type": "boolean",
                        "description": "Shown only as the parent "
                        "of a row that matched the filters.",
                    },
                    "rejected": ROW_REJECTED,
                    "confidence": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 10,
                        "description": "The owner's confidence (1 no chance .. 10 certain) "
                        "given with the check-in behind `current`; absent when none. A "
                        "judgement, kept apart from the computed status.",
                    },
                },
            },
        },
        "frozen": {
            "type": "string",
            "description": "Present when the cycle is closed: the lock file "
            "(reviews/CYCLE.lock.json) whose frozen numbers are shown.",
        },
    },
}


def _record(properties: dict[str, Schema], description: str) -> Schema:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_STATUS = {"enum": ["green", "yellow", "red", "grey"], "description": "Status."}
_FRACTION = {"type": ["number", "null"], "description": "A fraction (1.0 = 100%); null: unknown."}
_NULL_TEXT = {"type": ["string", "null"], "description": "Text, or null."}
_FORECAST = {
    "type": ["object", "null"],
    "description": "Linear trend of the series to the cycle end; null with fewer than two dates.",
    "properties": {
        k: {"type": ["number", "null"], "description": d}
        for k, d in (
            ("landing_value", "Value at the cycle end on the trend."),
            ("landing_progress", "Progress that value gives."),
            ("landing_score", "That progress clamped to [0, kr_cap]."),
            ("trend_per_week", "Change per week on the trend."),
            ("needed_per_week", "Change per week still needed to reach the target."),
            ("weeks_left", "Weeks from the as-of date to the cycle end."),
        )
    },
    "additionalProperties": False,
}
_KR_ROW = _record(
    {
        "id": {"type": "string", "description": "OBJ/KR."},
        "title": {"type": "string", "description": "Title."},
        "status": _STATUS,
        "progress": _FRACTION,
        "expected": _FRACTION,
        "current": {"type": ["number", "null"], "description": "Current value."},
        "target": {"type": ["number", "null"], "description": "Target."},
        "baseline": {"type": ["number", "null"], "description": "Baseline."},
        "percent": {"type": "boolean", "description": "Values are percentages."},
        "unit_label": _NULL_TEXT,
        "series": {
            "type": "array",
            "description": "[date, value] per date with data.",
            "items": {"type": "array", "minItems": 2, "maxItems": 2},
        },
        "forecast": _FORECAST,
        "note": _NULL_TEXT,
        "rejected": ROW_REJECTED,
    },
    "A key result.",
)
# present only when the value comes from a check-in with a confidence (not required)
_KR_ROW["properties"]["confidence"] = {
    "type": "integer",
    "minimum": 1,
    "maximum": 10,
    "description": "The owner's confidence (1-10) given with the check-in behind `current`.",
}

REPORT_SCHEMA: Schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": f"{SCHEMA_BASE}/report.schema.json",
    "title": "okrctl report --format json",
    "description": "The quarterly review. See docs/report.md.",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "format",
        "version",
        "okrctl",
        "cycle",
        "start",
        "end",
        "as_of",
        "final",
        "lang",
        "summary",
        "objectives",
        "kpis",
        "synergy",
        "balanced",
        "changes",
        "changes_note",
        "changes_complete",
        "changes_incomplete",
        "risks",
        "retrospective",
        "scorecards",
        "warnings",
        "org",
    ],
    "properties": {
        "format": {"const": "okrctl-report", "description": "Always okrctl-report."},
        "version": {
            "const": 2,
            "description": "Shape version (2: `warnings` holds objects, not strings).",
        },
        "okrctl": {"type": "string", "description": "okrctl version."},
        "org": _NULL_TEXT,
        "cycle": {"type": "string", "description": "Cycle id."},
        "start": {"type": "string", "pattern": DATE_PATTERN, "description": "Cycle start."},
        "end": {"type": "string", "pattern": DATE_PATTERN, "description": "Cycle end."},
        "as_of": {"type": "string", "pattern": DATE_PATTERN, "description": "As-of date."},
        "final": {"type": "boolean", "description": "True once the cycle is over."},
        "lang": {"enum": ["en", "zh"], "description": "Language of the sentences."},
        "summary": _record(
            {
                "by_status": {
                    "type": "object",
                    "description": "Objectives per status.",
                    "additionalProperties": {"type": "integer"},
                },
                "average_score": _FRACTION,
                "alignment_rate": _FRACTION,
                "coverage": _FRACTION,
                "freshness": {
                    "type": "array",
                    "description": "Per metric source.",
                    "items": _record(
                        {
                            "source": {"type": "string", "description": "Source name."},
                            "latest": _NULL_TEXT,
                            "age_days": {
                                "type": ["integer", "null"],
                                "description": "Days before the as-of date.",
                            },
                            "stale": {
                                "type": ["boolean", "null"],
                                "description": "Past stale_after (also when the source has "
                                "no row); null: the source has no stale_after rule.",
                            },
                            "stale_after": {
                                "type": ["string", "null"],
                                "description": "The source's freshness rule, e.g. 7d.",
                            },
                            "rejected": {
                                "type": "integer",
                                "minimum": 0,
                                "description": "Cells or rows of the file left out.",
                            },
                            "rejected_lines": {
                                "type": "array",
                                "items": {"type": "integer"},
                                "description": "Their lines.",
                            },
                        },
                        "One source.",
                    ),
                },
            },
            "Headline numbers.",
        ),
        "objectives": {
            "type": "array",
            "description": "Objectives, top level first.",
            "items": _record(
                {
                    "id": {"type": "string", "description": "Id."},
                    "title": {"type": "string", "description": "Title."},
                    "owner": _NULL_TEXT,
                    "unit": _NULL_TEXT,
                    "level": {"type": "string", "description": "Level."},
                    "type": {"enum": ["committed", "aspirational"], "description": "Grade band."},
                    "progress": _FRACTION,
                    "score": _FRACTION,
                    "status": _STATUS,
                    "partial": {"type": "boolean", "description": "Some KRs unknown."},
                    "key_results": {
                        "type": "array",
                        "items": _KR_ROW,
                        "description": "Key results.",
                    },
                    "rejected": ROW_REJECTED,
                },
                "An objective.",
            ),
        },
        "kpis": {"type": "array", "description": "KPI attainment.", "items": {"type": "object"}},
        "synergy": {
            "type": "array",
            "description": "OKR-KPI synergy.",
            "items": {"type": "object"},
        },
        "balanced": {
            "type": "array",
            "description": "Balanced scorecards.",
            "items": {"type": "object"},
        },
        "changes": {
            "type": "array",
            "description": "Goal changes during the cycle.",
            "items": {"type": "object"},
        },
        "changes_note": _NULL_TEXT,
        "changes_complete": {
            "type": "boolean",
            "description": "True when `changes` lists every goal change of the cycle; false "
            "when it could not be read (no git, --no-git) or the clone's history is incomplete.",
        },
        "changes_incomplete": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["reason", "commit", "date"],
                    "properties": {
                        "reason": {"enum": ["shallow clone", "grafted history"]},
                        "commit": {
                            "type": "string",
                            "description": "The commit where the clone's history stops.",
                        },
                        "date": {
                            "type": "string",
                            "pattern": DATE_PATTERN,
                            "description": "Its committer date.",
                        },
                    },
                },
            ],
            "description": "Why the changes are not listed although the report runs in git: "
            "the clone lacks history the cycle needs. Null otherwise.",
        },
        "risks": {
            "type": "array",
            "description": "Red items and their off-track drivers.",
            "items": {"type": "object"},
        },
        "retrospective": {
            "type": "array",
            "description": "One block per missed or at-risk objective.",
            "items": {"type": "object"},
        },
        "scorecards": {"type": ["array", "null"], "description": "With --include-scorecards."},
        "warnings": {
            "type": "array",
            "description": "Warnings: input the numbers miss (as in status), and the "
            "report's own (`kind` report: a reviews file not read).",
            "items": {
                "anyOf": [
                    DATA_WARNING,
                    _record(
                        {
                            "kind": {"const": "report", "description": "The report's own."},
                            "message": {"type": "string", "description": "What happened."},
                        },
                        "A warning of the report itself.",
                    ),
                ]
            },
        },
    },
}


OUTPUT_SCHEMAS: dict[str, Schema] = {
    "status.schema.json": STATUS_SCHEMA,
    "report.schema.json": REPORT_SCHEMA,
}


def all_schemas() -> dict[str, Schema]:
    """Input and output schemas by file name, as `okrctl schema` writes them."""
    return {**SCHEMAS, **OUTPUT_SCHEMAS}
