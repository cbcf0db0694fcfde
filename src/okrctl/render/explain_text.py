"""`okrctl explain` as text: formula, inputs, rows, pace and the reason for the status."""

from __future__ import annotations

from typing import IO

from okrctl.core.plural import counted
from okrctl.core.progress import ASPIRATIONAL_PASS, COMMITTED_PASS, FINAL_AT_RISK, Status
from okrctl.core.shown import number, numbers, percent, percents
from okrctl.core.vocabulary import Direction, KRKind
from okrctl.evaluate.explain import Explanation, KpiExplanation, KRExplanation, ObjectiveExplanation
from okrctl.metrics.rejected import row_note
from okrctl.metrics.source import Rejected, UsedRow
from okrctl.render.escape import one_line

MAX_ROWS = 40


def _n(value: float | None, pct: bool = False) -> str:
    return number(value, percent=pct)


def _status_reason(
    status: Status,
    p: float | None,
    e: float,
    thresholds: tuple[float, float],
    final: bool,
    committed: bool,
) -> str:
    on, risk = thresholds
    if p is None:
        return "no data yet, so the status is unknown (grey), never 0"
    shown = max(p, 0.0)
    if final:
        bar = COMMITTED_PASS if committed else ASPIRATIONAL_PASS
        kind = "a committed" if committed else "an aspirational"
        progress, bar_text, yellow = percents([shown, bar, FINAL_AT_RISK])
        return (
            f"the cycle is over: progress {progress} against {bar_text} for "
            f"{kind} goal (yellow from {yellow}) -> {status.word}"
        )
    # shown side by side, with the digits that tell them apart: p never looks equal to a
    # line it falls short of
    p_text, on_line, risk_line = percents([shown, on * e, risk * e])
    return (
        f"p = {p_text}; on track needs >= {on:g} x e = {on_line}, at risk "
        f">= {risk:g} x e = {risk_line} -> {status.word}"
    )


def _rows(out: IO[str], path: str | None, rows: tuple[UsedRow, ...], heading: str) -> None:
    out.write(f"\n{heading}\n")
    if not rows:
        out.write("  (none)\n")
        return
    for row in rows[:MAX_ROWS]:
        dims = ", ".join(f"{k}={v}" for k, v in row.dimensions if v)
        # a database's per-date totals have no line (metrics/warehouse.py)
        where = one_line(path or "") + (f":{row.line}" if row.line else "")
        out.write(
            f"  {where}  {row.day}  {_n(row.value)}"
            + (f"  ({one_line(dims)})" if dims else "")
            + (f"  [{one_line(row.remark)}]" if row.remark else "")
            + "\n"
        )
    if len(rows) > MAX_ROWS:
        out.write(f"  ... and {len(rows) - MAX_ROWS} more rows\n")


def _queries(out: IO[str], queries: tuple[str, ...]) -> None:
    """The SQL sent to a database source, each line escaped for the terminal."""
    if not queries:
        return
    out.write("\nSQL sent to the database (bound values written in):\n")
    for query in queries:
        for line in query.splitlines():
            out.write(f"  {one_line(line)}\n")
        out.write("\n")


def _left_out(out: IO[str], rejected: tuple[Rejected, ...]) -> None:
    """Every row of the window okrctl refused, where it is and why."""
    if not rejected:
        return
    out.write("\nrows left out (see okrctl check):\n")
    for item in rejected[:MAX_ROWS]:
        problem = item.problem
        where = f"{one_line(item.file)}:{problem.line}" if problem.line else one_line(item.file)
        day = str(item.day) if item.day is not None else ""
        cell = f"'{one_line(problem.cell)}'" if problem.cell is not None else ""
        fields = "  ".join(f for f in (where, day, cell) if f)
        out.write(f"  {fields}  {one_line(problem.message)} [{problem.code}]\n")
    if len(rejected) > MAX_ROWS:
        out.write(f"  ... and {len(rejected) - MAX_ROWS} more\n")


def _marker(rejected: tuple[Rejected, ...]) -> str:
    note = row_note(rejected)
    return f"  ({one_line(note)})" if note else ""


def render(explanation: Explanation, out: IO[str]) -> None:
    if isinstance(explanation, KRExplanation):
        _kr(explanation, out)
    elif isinstance(explanation, ObjectiveExplanation):
        _objective(explanation, out)
    else:
        _kpi(explanation, out)


def _current(x: KRExplanation, out: IO[str]) -> None:
    """The line that says how the current value came about, and what input it misses."""
    r, kr, req = x.result, x.result.kr, x.request
    assert req is not None
    where = ", ".join(f"{c} in {'/'.join(v)}" for c, v in req.where)
    out.write(
        f"current = {req.aggregate} of the per-date totals of "
        f"{one_line(str(kr.metric) if kr.metric else 'check-ins of ' + kr.path)}"
        + (f" where {one_line(where)}" if where else "")
        + f" from {req.start} to {req.end} = {_n(r.current, kr.percent)}"
        + (
            f" (last data {r.answer.last_date}, {counted(r.answer.dates, 'date')})"
            if r.answer.last_date
            else ""
        )
        + _marker(r.rejected)
        + "\n"
    )


def _kr(x: KRExplanation, out: IO[str]) -> None:
    r, kr = x.result, x.result.kr
    pct = kr.percent
    out.write(f"key result {one_line(kr.path)}: {one_line(kr.title)}\n")
    out.write(
        f"kind: {kr.kind.value}; cycle {x.cycle.id} ({x.cycle.start}..{x.cycle.end}); "
        f"as of {x.as_of}\n\n"
    )
    if x.request is not None and (kr.kind is not KRKind.MILESTONE or kr.metric is not None):
        _current(x, out)
    baseline_from = (
        f"the total on {r.answer.baseline_date}, the latest date on or before {x.cycle.start}"
        if r.baseline_from_data
        else "given"
    )
    if kr.kind is KRKind.MILESTONE:
        out.write(f"done: {kr.done}; p = 1 when done, else 0\n")
    elif kr.kind is KRKind.GUARDRAIL:
        guard = (
            f"at least {_n(kr.at_least, pct)}"
            if kr.at_least is not None
            else f"at most {_n(kr.at_most, pct)}"
        )
        ratio = "actual / X" if kr.at_least is not None else "X / actual"
        out.write(f"guard: {guard}; p = 1 while it holds, else {ratio}\n")
    elif kr.kind is KRKind.RANGE:
        out.write(
            f"range: [{_n(kr.low, pct)}, {_n(kr.high, pct)}]; p = 1 inside, else "
            f"progress toward the nearer bound; baseline {_n(r.baseline, pct)} "
            f"({baseline_from})\n"
        )
    else:
        out.write(f"baseline = {_n(r.baseline, pct)} ({baseline_from})\n")
        if kr.kind is KRKind.RELATIVE and kr.relative is not None:
            out.write(
                f"target = baseline x (1 {'+' if kr.relative >= 0 else '-'} "
                f"{abs(kr.relative) * 100:g}%) = {_n(r.target, pct)}\n"
            )
        else:
            out.write(f"target = {_n(r.target, pct)}\n")
        if r.current is not None and r.baseline is not None and r.target is not None:
            current, baseline, target = numbers(
                [r.current, r.baseline, r.target],
                percent=pct,
            )
            out.write(
                f"p = (current - baseline) / (target - baseline) = ({current} "
                f"- {baseline}) / ({target} - {baseline}) = {percent(r.progress)}\n"
            )
    if r.note:
        out.write(f"note: {one_line(r.note)}\n")
    days = (x.as_of - x.cycle.start).days + 1
    if kr.plan:
        out.write(
            f"\nexpected e = {percent(r.expected)}: the planned value on {x.as_of}, "
            "interpolated between the plan's checkpoints\n"
        )
    else:
        out.write(
            f"\nexpected e = (as_of - start + 1) / (end - start + 1) = {max(days, 0)}/"
            f"{x.cycle.days} = {percent(r.expected)}\n"
        )
    out.write(
        "status: "
        + _status_reason(r.status, r.progress, r.expected, x.thresholds, x.final, x.committed)
        + "\n"
    )
    _rows(out, x.source_path, x.rows, "rows used:")
    _queries(out, x.queries)
    _left_out(out, x.rejected)


def _objective(x: ObjectiveExplanation, out: IO[str]) -> None:
    r = x.result
    o = r.objective
    out.write(f"objective {one_line(o.id)}: {one_line(o.title)}\n")
    final = " (the cycle's last day: final)" if r.final else ""
    out.write(f"{o.type.value}; cycle {r.cycle.id}; as of {r.as_of}{final}\n\n")
    out.write(
        f"progress = weighted mean of key-result progress, each clamped to [0, {x.cap:g}];"
        " key results without data are left out\n"
    )
    active = [k for k in r.key_results if not k.kr.draft]
    for k, w in zip(active, x.weights, strict=True):
        clamped = None if k.progress is None else min(max(k.progress, 0.0), x.cap)
        out.write(
            f"  {one_line(k.kr.id):<16} weight {w:<6g} p {percent(k.progress):>6} -> "
            f"{percent(clamped):>6}  {k.status.word}{_marker(k.rejected)}\n"
        )
    out.write(f"progress = {percent(r.progress)}" + (" (partial)" if r.partial else "") + "\n")
    out.write(f"expected e = {percent(r.expected)}\n")
    out.write(
        "status: "
        + _status_reason(
            r.status, r.progress, r.expected, x.thresholds, r.final, o.type.value == "committed"
        )
        + "\n"
    )
    if x.full_at is not None:
        out.write(
            f"score = min(progress / {x.full_at:g}, {x.cap:g}) = {percent(x.score)} "
            f"(scoring.aspirational_full_at: {x.full_at:g})\n"
        )
    else:
        out.write(f"score = progress = {percent(x.score)}\n")


def _kpi(x: KpiExplanation, out: IO[str]) -> None:
    r = x.result
    k = r.kpi
    pct = k.percent
    lower = k.direction is Direction.LOWER
    out.write(f"KPI {one_line(k.id)}: {one_line(k.title)}\n")
    feed = one_line(str(k.metric) if k.metric else "check-ins")
    out.write(
        f"{k.period} periods, {k.aggregate} of {feed}"
        f", {'lower' if lower else 'higher'} is better; cycle {r.cycle.id}; as of {r.as_of}\n"
    )
    formula = "target / actual" if lower else "actual / target"
    if k.bands:
        scoring = "stepped: " + ", ".join(f">= {percent(a)} -> {s:g}" for a, s in k.bands)
    else:
        zb = k.zero_below if k.zero_below is not None else 0.0
        fa = k.full_at if k.full_at is not None else 1.0
        cap = k.cap if k.cap is not None else 1.0
        scoring = (
            f"0 below {percent(zb)}, linear to 1 at {percent(fa)}, then min(a / {fa:g}, {cap:g})"
        )
    out.write(f"attainment a = {formula}; score: {scoring}\n\n")
    for p in r.periods:
        state = (
            "closed" if p.closed else "open (target pro-rated)" if p.target != k.target else "open"
        )
        out.write(
            f"  {p.start}..{p.end}  {state:<24} actual {_n(p.actual, pct):>10}  target "
            f"{_n(p.target, pct):>10}  a {percent(p.attainment):>6}  score "
            f"{'—' if p.score is None else f'{p.score:.3f}'}{_marker(p.answer.rejected)}\n"
        )
    closed = [p for p in r.periods if p.closed]
    out.write(
        f"\nscore = mean over {'closed periods' if closed else 'the open period'} = "
        f"{'—' if r.score is None else f'{r.score:.3f}'}"
        + (f" ({one_line(r.note)})" if r.note and r.score is not None else "")
        + "\n"
    )
    on, risk = x.thresholds
    out.write(f"status: green from {on:g}, yellow from {risk:g} -> {r.status.word}\n")
    _rows(out, x.source_path, x.rows, "rows used:")
    _queries(out, x.queries)
    _left_out(out, x.rejected)
