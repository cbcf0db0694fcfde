"""`okrctl check --format json`: the documented, versioned shape (docs/output.md)."""

from __future__ import annotations

from typing import IO, Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.core.codes import CODES
from okrctl.core.diagnostics import Severity
from okrctl.rules.runner import CheckResult

JSON_FORMAT_VERSION = 1


def as_dict(result: CheckResult) -> dict[str, Any]:
    s = result.summary
    return {
        "format": "okrctl-check",
        "version": JSON_FORMAT_VERSION,
        "okrctl": __version__,
        "changed_only": result.changed_only,
        "paths": list(result.paths),
        "summary": {
            "files": s.files,
            "objectives": s.objectives,
            "key_results": s.key_results,
            "kpis": s.kpis,
            "scorecards": s.scorecards,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "notes": result.count(Severity.INFO),
            "aligned": s.aligned,
            "below_top": s.below_top,
            "alignment_rate": s.alignment_rate,
            "covered_krs": s.covered_krs,
            "top_krs": s.top_krs,
            "coverage": s.coverage,
        },
        "diagnostics": [
            {
                "code": d.code,
                "rule": CODES[d.code][0] if d.code in CODES else d.code,
                "severity": d.severity.label,
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": d.hint,
            }
            for d in result.diagnostics
        ],
    }


def render_json(result: CheckResult, out: IO[str]) -> None:
    json_out.dump(as_dict(result), out)
    out.write("\n")
