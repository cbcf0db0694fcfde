"""The report as JSON (schemas/report.schema.json)."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.evaluate.forecast import Forecast
from okrctl.metrics.rejected import warnings_for
from okrctl.metrics.source import Rejected
from okrctl.render.diff_out import field_dict
from okrctl.render.report_sections import SECTIONS
from okrctl.review.report import KREntry, Report

# 2: `warnings` holds objects (kind, message, and for rejected data file, metric, lines...)
REPORT_FORMAT_VERSION = 2


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _forecast(f: Forecast | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "landing_value": f.landing_value,
        "landing_progress": f.landing_progress,
        "landing_score": f.landing_score,
        "trend_per_week": f.trend_per_week,
        "needed_per_week": f.needed_per_week,
        "weeks_left": f.weeks_left,
    }


def _kr(k: KREntry) -> dict[str, Any]:
    return {
        "id": k.path,
        "title": k.title,
        "status": k.status.value,
        "progress": k.progress,
        "expected": k.expected,
        "current": k.current,
        "target": k.target,
        "baseline": k.baseline,
        "percent": k.percent,
        "unit_label": k.unit_label,
        "series": [[d.isoformat(), v] for d, v in k.series],
        "forecast": _forecast(k.forecast),
        "note": k.note,
        "rejected": _rejected(k.rejected),
        **({} if k.confidence is None else {"confidence": k.confidence}),
    }


def _rejected(rejected: tuple[Rejected, ...]) -> list[dict[str, Any]]:
    return [w.as_dict(goals=False) for w in warnings_for([("", rejected)])]


def _header(r: Report) -> dict[str, Any]:
    return {
        "format": "okrctl-report",
        "version": REPORT_FORMAT_VERSION,
        "okrctl": __version__,
        "org": r.org,
        "cycle": r.cycle,
        "start": _day(r.start),
        "end": _day(r.end),
        "as_of": _day(r.as_of),
        "final": r.final,
        "lang": r.lang,
    }


def _warnings(r: Report) -> dict[str, Any]:
    return {
        "warnings": [
            *({"kind": "report", "message": w} for w in r.warnings),
            *(w.as_dict() for w in r.data_warnings),
        ]
    }


def _summary(r: Report) -> dict[str, Any]:
    freshness = [
        {
            "source": f.source,
            "latest": _day(f.latest),
            "age_days": f.age_days,
            "stale": f.stale,
            "stale_after": f.stale_after,
            "rejected": sum(r.count for r in f.rejected),
            "rejected_lines": sorted({r.problem.line for r in f.rejected}),
        }
        for f in r.summary.freshness
    ]
    return {
        "summary": {
            "by_status": r.summary.by_status,
            "average_score": r.summary.average_score,
            "alignment_rate": r.summary.alignment_rate,
            "coverage": r.summary.coverage,
            "freshness": freshness,
        }
    }


def _objectives(r: Report) -> dict[str, Any]:
    return {
        "objectives": [
            {
                "id": o.id,
                "title": o.title,
                "owner": o.owner,
                "unit": o.unit,
                "level": o.level,
                "type": "committed" if o.committed else "aspirational",
                "progress": o.progress,
                "score": o.score,
                "status": o.status.value,
                "partial": o.partial,
                "key_results": [_kr(k) for k in o.key_results],
                "rejected": _rejected(o.rejected),
            }
            for _, group in r.levels
            for o in group
        ]
    }


def _kpis(r: Report) -> dict[str, Any]:
    return {
        "kpis": [
            {
                "id": k.id,
                "title": k.title,
                "owner": k.owner,
                "actual": k.actual,
                "target": k.target,
                "attainment": k.attainment,
                "score": k.score,
                "status": k.status.value,
                "note": k.note,
                "rejected": _rejected(k.rejected),
            }
            for k in r.kpis
        ]
    }


def _synergy(r: Report) -> dict[str, Any]:
    return {
        "synergy": [
            {
                "objective": s.objective.id,
                "progress": s.progress,
                "status": s.status.value,
                "kpi_attainment": s.kpi_attainment,
                "children_completion": s.children_completion,
                "flag": s.flag,
            }
            for s in r.synergy
        ]
    }


def _balanced(r: Report) -> dict[str, Any]:
    return {
        "balanced": [
            {
                "id": b.scorecard.id,
                "total": b.total,
                "rating": b.rating,
                "perspectives": [
                    {
                        "name": p.name,
                        "weight": p.weight,
                        "score": p.score,
                        "measures": [
                            {"id": m.id, "score": m.score, "status": m.status.value}
                            for m in p.measures
                        ],
                    }
                    for p in b.perspectives
                ],
                "links": [[link.driver, link.result] for link in b.scorecard.links],
                "warnings": list(b.warnings),
            }
            for b in r.balanced
        ]
    }


def _changes(r: Report) -> dict[str, Any]:
    return {
        "changes": [
            {
                "kind": c.kind,
                "entity": c.entity,
                "id": c.id,
                "title": c.title,
                "fields": [field_dict(f) for f in c.fields],
                "goalposts": list(c.goalposts),
                "author": c.author,
                "when": c.when,
                "commit": c.commit,
            }
            for c in r.changes
        ],
        "changes_note": r.changes_note,
        "changes_complete": r.changes_complete,
        "changes_incomplete": _incomplete(r),
    }


def _forecast_section(r: Report) -> dict[str, Any]:
    """Each key result's forecast is in its own `forecast` field (_kr), not repeated."""
    return {}


def _risks(r: Report) -> dict[str, Any]:
    return {
        "risks": [
            {
                "id": k.id,
                "title": k.title,
                "kind": k.kind,
                "status": k.status.value,
                "progress": k.progress,
                "drivers": [{"id": d, "status": s.value, "score": v} for d, s, v in k.drivers],
            }
            for k in r.risks
        ]
    }


def _retrospective(r: Report) -> dict[str, Any]:
    return {
        "retrospective": [
            {
                "id": x.id,
                "title": x.title,
                "status": x.status.value,
                "went_right": list(x.went_right),
                "went_wrong": list(x.went_wrong),
                "change_next": list(x.change_next),
                "notes": x.notes,
            }
            for x in r.retros
        ]
    }


def _scorecards(r: Report) -> dict[str, Any]:
    if r.scorecards is None:
        return {"scorecards": None}
    return {
        "scorecards": [
            {
                "id": c.id,
                "owner": c.owner,
                "unit": c.unit,
                "okr_score": c.okr_score,
                "kpi_score": c.kpi_score,
                "total": c.total,
                "rating": c.rating,
                "bonus": c.bonus,
            }
            for c in r.scorecards
        ]
    }


SECTION = {
    "header": _header,
    "warnings": _warnings,
    "summary": _summary,
    "objectives": _objectives,
    "kpis": _kpis,
    "synergy": _synergy,
    "balanced": _balanced,
    "changes": _changes,
    "forecast": _forecast_section,
    "risks": _risks,
    "retrospective": _retrospective,
    "scorecards": _scorecards,
}


def as_dict(r: Report) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for name in SECTIONS:
        document.update(SECTION[name](r))
    # format version 2 keeps `warnings` the document's last key
    document["warnings"] = document.pop("warnings")
    return document


def _incomplete(r: Report) -> dict[str, str] | None:
    gap = r.changes_incomplete
    return None if gap is None else {"reason": gap.reason, "commit": gap.commit, "date": gap.date}


def render(report: Report, out: IO[str]) -> None:
    json_out.dump(as_dict(report), out)
    out.write("\n")
