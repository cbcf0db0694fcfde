"""`okrctl checkin OBJ/KR VALUE`: record a manual value in the check-ins CSV.

Everything is validated before anything is written; the file is rewritten atomically,
so bad input or a crash never loses recorded values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from okrctl.diagnostics import did_you_mean
from okrctl.errors import UsageError
from okrctl.fileio import write_atomic
from okrctl.metrics.engine import checkins_source
from okrctl.metrics.memory import TableSource
from okrctl.model import KRKind, Ref
from okrctl.numbers import NumberError, parse_number
from okrctl.workspace import Workspace

HEADER = ["date", "metric", "value", "note"]
_DONE = {"done": 1.0, "true": 1.0, "yes": 1.0, "not-done": 0.0, "false": 0.0, "no": 0.0}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class CheckinResult:
    path: str
    kr: str
    day: dt.date
    value: float
    replaced: float | None


def neutralise(text: str) -> str:
    """A cell that spreadsheet programs would run as a formula, made plain text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def checkin(
    workspace: Workspace,
    ident: str,
    value_text: str,
    day: dt.date,
    note: str | None,
    today: dt.date,
) -> CheckinResult:
    ctx = workspace.ctx
    ref = Ref.parse(ident)
    objective = ctx.objectives.get(ref.objective)
    if ref.kr is None or objective is None:
        hint = "name a key result as OBJECTIVE/KR, e.g. FUND/vc-meetings"
        if objective is None:
            raise UsageError(
                f"no objective '{ref.objective}'{did_you_mean(ref.objective, ctx.objectives)}",
                hint=hint,
            )
        raise UsageError(f"'{ident}' is an objective; check-ins are for key results", hint=hint)
    kr = next((k for k in objective.key_results if k.id == ref.kr), None)
    if kr is None:
        raise UsageError(
            f"objective '{objective.id}' has no key result '{ref.kr}'"
            f"{did_you_mean(ref.kr, [k.id for k in objective.key_results])}"
        )
    if kr.metric is not None:
        raise UsageError(
            f"{kr.path} reads {kr.metric}; check-ins are for key results without a data feed",
            hint="update the metric dump instead",
        )
    if kr.kind is KRKind.MILESTONE and value_text.strip().lower() in _DONE:
        value = _DONE[value_text.strip().lower()]
    else:
        try:
            value = parse_number(value_text)
        except NumberError:
            raise UsageError(
                f"value {value_text!r} is not a number",
                hint="e.g. 12, 45%, 1.2M, 200万"
                + ("; for a milestone: done or not-done" if kr.kind is KRKind.MILESTONE else ""),
            ) from None
    if day > today:
        raise UsageError(f"--date {day} is in the future", hint="record what has happened")
    cycle = ctx.cycle(objective.cycle)
    if cycle is not None and not cycle.start <= day <= cycle.end:
        raise UsageError(
            f"--date {day} is outside {objective.id}'s cycle {cycle.id} "
            f"({cycle.start}..{cycle.end})"
        )
    spec = checkins_source(workspace.config)
    path = workspace.config.root / spec.path
    rows: list[list[str]] = []
    if path.exists():
        existing = TableSource(spec, workspace.config.root)
        broken = [
            p
            for p in existing.problems()
            if p.code in ("D001", "D002", "D003", "D004", "D009", "D010")
        ]
        if broken:
            first = broken[0]
            raise UsageError(
                f"{spec.path}:{first.line}: {first.message}",
                hint="fix the check-ins file first; nothing was written",
            )
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or [h.strip() for h in header[:3]] != HEADER[:3]:
                raise UsageError(
                    f"{spec.path} does not start with the header {','.join(HEADER)}",
                    hint="nothing was written",
                )
            rows = [r + [""] * (4 - len(r)) for r in reader if r]
    replaced = None
    kept = []
    for row in rows:
        if row[0] == day.isoformat() and row[1] == kr.path:
            replaced = parse_number(row[2]) if row[2].strip() else None
            continue
        kept.append(row[:4])
    kept.append([day.isoformat(), kr.path, _plain(value), neutralise(note or "")])
    kept.sort(key=lambda r: (r[0], r[1]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(kept)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buffer.getvalue(), root=workspace.config.root)
    return CheckinResult(spec.path, kr.path, day, value, replaced)


def _plain(value: float) -> str:
    return f"{value:.0f}" if value.is_integer() else repr(value)
