"""`okrctl checkin OBJ/KR VALUE`: record a manual value in the check-ins CSV.

Everything is validated before anything is written, under the file's lock (so check-ins
made at the same time all land). A check-in is always a new row at the end (an append when
the file ends with a line break): a second check-in on the same day keeps the first, and
the later one counts (docs/metrics.md, "Check-ins"); columns okrctl does not know, row
order, line endings, quoting and a byte-order mark stay as they were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.errors import UsageError
from okrctl.core.fileio import append, locked, write_atomic
from okrctl.core.model import Ref
from okrctl.core.numbers import NumberError, parse_number
from okrctl.core.vocabulary import KRKind
from okrctl.edit import csvedit
from okrctl.edit.csvedit import neutralise
from okrctl.evaluate.workspace import Workspace
from okrctl.load.config import MetricSource
from okrctl.metrics.cells import CellError, parse_date
from okrctl.metrics.checkins import CheckinSource, parse_confidence
from okrctl.metrics.engine import checkins_source

HEADER = ["date", "metric", "value", "confidence", "note"]
_DONE = {"done": 1.0, "true": 1.0, "yes": 1.0, "not-done": 0.0, "false": 0.0, "no": 0.0}


@dataclass(frozen=True, slots=True)
class CheckinResult:
    path: str
    kr: str
    day: dt.date
    value: float
    earlier: float | None  # the day's earlier check-in, kept in the file
    confidence: int | None = None


def checkin(
    workspace: Workspace,
    ident: str,
    value_text: str,
    day: dt.date,
    note: str | None,
    today: dt.date,
    confidence_text: str | None = None,
) -> CheckinResult:
    """Record ``value_text`` for the key result ``ident`` on ``day``, with an optional
    note and confidence (whole number 1-10, docs/metrics.md "Check-ins"). Raises
    UsageError for anything it refuses; nothing is written then."""
    try:
        confidence = None if confidence_text is None else parse_confidence(confidence_text)
    except ValueError as exc:
        raise UsageError(
            f"--confidence: {exc}", hint="e.g. --confidence 7 (1 = no chance, 10 = certain)"
        ) from None
    if confidence_text is not None and confidence is None:
        raise UsageError("--confidence is empty", hint="e.g. --confidence 7")
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
    root = workspace.config.root
    path = root / spec.path
    cells = {
        "date": day.isoformat(),
        "metric": kr.path,
        "value": _plain(value),
        "confidence": "" if confidence is None else str(confidence),
        "note": neutralise(note or ""),
    }
    with locked([path], root=root):
        if path.exists():
            earlier = _record(root, spec, cells)
        else:
            first = csvedit.row([cells[h] for h in HEADER], "\n")
            write_atomic(path, ",".join(HEADER) + "\n" + first, root=root)
            earlier = None
    return CheckinResult(spec.path, kr.path, day, value, earlier, confidence)


def _readable(root: Path, spec: MetricSource) -> csvedit.CsvText:
    """The check-ins file, refused (nothing written) when `okrctl check` would flag it."""
    name = spec.path
    broken = [
        p
        for p in CheckinSource(spec, root).problems()
        if p.code in ("D001", "D002", "D003", "D004", "D007", "D009", "D010")
    ]
    hint = "fix the check-ins file first; nothing was written"
    if broken:
        first = broken[0]
        raise UsageError(f"{name}:{first.line}: {first.message}", hint=hint)
    try:
        text = csvedit.parse((root / name).read_bytes())
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise UsageError(f"{name}: cannot be read: {reason}", hint=hint) from None
    if not text.records:
        raise UsageError(f"{name} has no header", hint=hint)
    return text


def _record(root: Path, spec: MetricSource, cells: dict[str, str]) -> float | None:
    """Add the check-in at the end of the existing file (an append when it ends with a line
    break), changing no other row. Returns the value of the day's earlier check-in, which
    stays in the file (the later one counts: docs/metrics.md, "Check-ins")."""
    name = spec.path
    text = _readable(root, spec)
    header = [h.strip() for h in text.header]
    for role in ("note", "confidence"):
        if cells[role] and role not in header:
            raise UsageError(
                f"{name} has no {role} column (columns: {', '.join(header)})",
                hint=f"add `{role}` to its header, or leave out --{role}; nothing was written",
            )
    index = {role: header.index(role) for role in HEADER if role in header}
    row = [""] * len(header)  # columns okrctl does not know stay empty in a new row
    for role, position in index.items():
        row[position] = cells[role]
    day = dt.date.fromisoformat(cells["date"])
    same = [r for r in text.records[1:] if _same(r.cells, index, day, cells["metric"])]
    path = root / name
    ending = text.ending()
    if text.lines[-1].endswith(("\n", "\r")):
        append(path, text.row(row, ending).encode("utf-8"), root=root)
    else:
        text.lines[-1] += ending
        text.lines.append(text.row(row, ""))
        write_atomic(path, text.data(), root=root)
    if not same:
        return None
    old = same[-1].cells[index["value"]].strip()
    try:
        return parse_number(old) if old else None
    except NumberError:
        return None


def _same(cells: list[str], index: dict[str, int], day: dt.date, kr: str) -> bool:
    if len(cells) <= max(index["date"], index["metric"]) or cells[index["metric"]] != kr:
        return False
    try:
        return parse_date(cells[index["date"]]) == day
    except CellError:
        return False


def _plain(value: float) -> str:
    return f"{value:.0f}" if value.is_integer() else repr(value)
