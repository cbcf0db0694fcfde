"""`okrctl checkins` and `okrctl status --owed/--stale` as text or JSON."""

from __future__ import annotations

from typing import IO, Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.core.shown import number
from okrctl.evaluate.rhythm import NOBODY, Due, Rhythm
from okrctl.metrics.checkins import Checkin, shown_confidence
from okrctl.render.escape import one_line


def checkins_text(path: str, rows: list[Checkin], out: IO[str]) -> None:
    if not rows:
        out.write(f"no check-ins in {one_line(path)}\n")
        return
    for row in rows:
        parts = [f"{one_line(path)}:{row.line}", str(row.day), one_line(row.kr), number(row.value)]
        if row.confidence is not None:
            parts.append(f"confidence {shown_confidence(row.confidence)}")
        line = "  ".join(parts)
        if row.note:
            line += f'  "{one_line(row.note)}"'
        if row.superseded_by is not None:
            line += f"  (superseded by line {row.superseded_by}: the day's last check-in counts)"
        out.write(line + "\n")
    out.write(f"{len(rows)} check-in{'s' if len(rows) != 1 else ''}\n")


def checkins_json(path: str, rows: list[Checkin], out: IO[str]) -> None:
    json_out.dump(
        {
            "format": "okrctl-checkins",
            "version": 1,
            "okrctl": __version__,
            "file": path,
            "checkins": [
                {
                    "line": r.line,
                    "date": r.day.isoformat(),
                    "id": r.kr,
                    "value": r.value,
                    "confidence": r.confidence,
                    "note": r.note,
                    "counts": r.superseded_by is None,
                    "superseded_by": r.superseded_by,
                }
                for r in rows
            ],
        },
        out,
    )
    out.write("\n")


def _due_text(due: Due) -> str:
    what = "check-in" if due.kind == "check-in" else f"data ({one_line(due.source)})"
    since = f"last {due.last}" if due.last else "none this cycle"
    return (
        f"  {one_line(due.kr.path)}  {one_line(due.title)}: {what} {since}, "
        f"{due.age} days (every {one_line(due.cadence)})"
    )


def due_text(result: Rhythm, out: IO[str], *, owed: bool, stale: bool) -> None:
    chosen = (result.owed if owed else []) + (result.stale if stale else [])
    label = " and ".join(w for w, on in (("owed check-ins", owed), ("stale data", stale)) if on)
    out.write(f"{one_line(result.cycle)} on {result.as_of}: {label}\n")
    if not chosen:
        out.write("  none\n")
        return
    for owner, items in result.by_owner(chosen):
        out.write(f"\n{one_line(owner)} ({len(items)})\n")
        for item in items:
            out.write(_due_text(item) + "\n")
    out.write(f"\n{len(chosen)} key result{'s' if len(chosen) != 1 else ''} behind cadence\n")


def due_json(result: Rhythm, out: IO[str], *, owed: bool, stale: bool) -> None:
    def item(due: Due) -> dict[str, Any]:
        return {
            "kind": due.kind,
            "id": due.kr.path,
            "title": due.title,
            "cadence": due.cadence,
            "last": None if due.last is None else due.last.isoformat(),
            "age_days": due.age,
            "source": due.source,
        }

    chosen = (result.owed if owed else []) + (result.stale if stale else [])
    json_out.dump(
        {
            "format": "okrctl-due",
            "version": 1,
            "okrctl": __version__,
            "cycle": result.cycle,
            "as_of": result.as_of.isoformat(),
            "owners": [
                {"owner": None if owner == NOBODY else owner, "items": [item(i) for i in items]}
                for owner, items in result.by_owner(chosen)
            ],
        },
        out,
    )
    out.write("\n")
