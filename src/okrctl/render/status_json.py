"""`okrctl status --format json` (schemas/status.schema.json, docs/output.md)."""

from __future__ import annotations

from typing import IO, Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.evaluate.status import StatusTree
from okrctl.metrics.rejected import warnings_for

STATUS_FORMAT_VERSION = 1


def as_dict(tree: StatusTree) -> dict[str, Any]:
    return {
        "format": "okrctl-status",
        "version": STATUS_FORMAT_VERSION,
        "okrctl": __version__,
        "cycle": tree.cycle,
        "as_of": tree.as_of.isoformat(),
        "final": tree.final,
        "counts": dict(sorted(tree.counts.items())),
        "warnings": [w.as_dict() for w in tree.warnings],
        "rows": [
            {
                "kind": row.kind,
                "depth": row.depth,
                "id": row.id,
                "title": row.title,
                "owner": row.owner,
                "level": row.level,
                "unit": row.unit,
                "status": row.status.value,
                "progress": row.progress,
                "raw_progress": row.raw_progress,
                "expected": row.expected,
                "current": row.current,
                "target": row.target,
                "baseline": row.baseline,
                "unit_label": row.unit_label,
                "percent": row.percent,
                "note": row.note,
                "context": row.context,
                "rejected": [w.as_dict(goals=False) for w in warnings_for([("", row.rejected)])],
                **({} if row.confidence is None else {"confidence": row.confidence}),
            }
            for row in tree.rows
        ],
        **({} if tree.frozen is None else {"frozen": tree.frozen}),
    }


def render(tree: StatusTree, out: IO[str]) -> None:
    """One row per line: diffs stay readable, and the C encoder does the work (an indented
    dump goes through the pure-Python encoder, 10x slower on a large organisation)."""
    document = as_dict(tree)
    rows = document.pop("rows")
    head = json_out.dumps(document)
    lines = ",\n  ".join(json_out.dumps(row) for row in rows)  # one write: 15 us each
    out.write(head[:-1] + ', "rows": [' + (f"\n  {lines}\n]}}\n" if rows else "]}\n"))
