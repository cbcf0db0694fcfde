"""`okrctl explain` as text: formula, inputs, rows, pace and the reason for the status.

The words are in the reader's language (``lang``, docs/i18n.md); the formulas' symbols
(p, e, a), ids, dates and the rows' own text are shown as they are."""

from __future__ import annotations

import unicodedata
from typing import IO

from okrctl.core.i18n import N_, localize, tr, trn
from okrctl.core.progress import ASPIRATIONAL_PASS, COMMITTED_PASS, FINAL_AT_RISK, Status
from okrctl.core.shown import number, numbers, percent, percents
from okrctl.core.vocabulary import Direction, KRKind
from okrctl.evaluate.explain import Explanation, KpiExplanation, KRExplanation, ObjectiveExplanation
from okrctl.metrics.rejected import row_note
from okrctl.metrics.source import Rejected, UsedRow
from okrctl.render.escape import one_line

MAX_ROWS = 40
# the kinds of key result (core/vocabulary.py KRKind), marked for the catalogs
_KINDS = (N_("metric"), N_("relative"), N_("milestone"), N_("guardrail"), N_("range"))


def _status_reason(
    status: Status,
    p: float | None,
    e: float,
    thresholds: tuple[float, float],
    final: bool,
    committed: bool,
    lang: str,
) -> str:
    on, risk = thresholds
    word = tr(status.word, lang)
    if p is None:
        return tr("no data yet, so the status is unknown (grey), never 0", lang)
    shown = max(p, 0.0)
    if final:
        bar = COMMITTED_PASS if committed else ASPIRATIONAL_PASS
        progress, bar_text, yellow = percents([shown, bar, FINAL_AT_RISK])
        template = (
            N_(
                "the cycle is over: progress {progress} against {bar} for a committed goal "
                "(yellow from {yellow}) -> {status}"
            )
            if committed
            else N_(
                "the cycle is over: progress {progress} against {bar} for an aspirational "
                "goal (yellow from {yellow}) -> {status}"
            )
        )
        return tr(template, lang, progress=progress, bar=bar_text, yellow=yellow, status=word)
    # shown side by side, with the digits that tell them apart: p never looks equal to a
    # line it falls short of
    p_text, on_line, risk_line = percents([shown, on * e, risk * e])
    return tr(
        "p = {p}; on track needs >= {on} x e = {on_line}, at risk >= {risk} x e = "
        "{risk_line} -> {status}",
        lang,
        p=p_text,
        on=f"{on:g}",
        on_line=on_line,
        risk=f"{risk:g}",
        risk_line=risk_line,
        status=word,
    )


def _rows(out: IO[str], path: str | None, rows: tuple[UsedRow, ...], lang: str) -> None:
    out.write("\n" + tr("rows used:", lang) + "\n")
    if not rows:
        out.write("  " + tr("(none)", lang) + "\n")
        return
    for row in rows[:MAX_ROWS]:
        dims = ", ".join(f"{k}={v}" for k, v in row.dimensions if v)
        # a database's per-date totals have no line (metrics/warehouse.py)
        where = one_line(path or "") + (f":{row.line}" if row.line else "")
        out.write(
            f"  {where}  {row.day}  {number(row.value, lang=lang)}"
            + (f"  ({one_line(dims)})" if dims else "")
            + (f"  [{one_line(row.remark)}]" if row.remark else "")
            + "\n"
        )
    if len(rows) > MAX_ROWS:
        more = len(rows) - MAX_ROWS
        out.write("  " + trn("... and {n} more row", "... and {n} more rows", more, lang) + "\n")


def _queries(out: IO[str], queries: tuple[str, ...], lang: str) -> None:
    """The SQL sent to a database source, each line escaped for the terminal."""
    if not queries:
        return
    out.write("\n" + tr("SQL sent to the database (bound values written in):", lang) + "\n")
    for query in queries:
        for line in query.splitlines():
            out.write(f"  {one_line(line)}\n")
        out.write("\n")


def _left_out(out: IO[str], rejected: tuple[Rejected, ...], lang: str) -> None:
    """Every row of the window okrctl refused, where it is and why."""
    if not rejected:
        return
    out.write("\n" + tr("rows left out (see okrctl check):", lang) + "\n")
    for item in rejected[:MAX_ROWS]:
        problem = item.problem
        where = f"{one_line(item.file)}:{problem.line}" if problem.line else one_line(item.file)
        day = str(item.day) if item.day is not None else ""
        cell = f"'{one_line(problem.cell)}'" if problem.cell is not None else ""
        fields = "  ".join(f for f in (where, day, cell) if f)
        message = one_line(localize(problem.message, lang))
        out.write(f"  {fields}  {message} [{problem.code}]\n")
    if len(rejected) > MAX_ROWS:
        more = sum(r.count for r in rejected[MAX_ROWS:])
        out.write("  " + tr("... and {n} more", lang, n=more) + "\n")


def _marker(rejected: tuple[Rejected, ...], lang: str) -> str:
    note = row_note(rejected, lang)
    return f"  ({one_line(note)})" if note else ""


def render(explanation: Explanation, out: IO[str], lang: str = "en") -> None:
    """``explanation`` as text in ``lang`` (``en`` or ``zh``) on ``out``."""
    if isinstance(explanation, KRExplanation):
        _kr(explanation, out, lang)
    elif isinstance(explanation, ObjectiveExplanation):
        _objective(explanation, out, lang)
    else:
        _kpi(explanation, out, lang)


def _current(x: KRExplanation, out: IO[str], lang: str) -> None:
    """The line that says how the current value came about, and what input it misses."""
    r, kr, req = x.result, x.result.kr, x.request
    assert req is not None
    where = tr(", ", lang).join(
        tr("{column} in {values}", lang, column=c, values="/".join(v)) for c, v in req.where
    )
    feed = str(kr.metric) if kr.metric else tr("check-ins of {path}", lang, path=kr.path)
    line = tr(
        "current = {aggregate} of the per-date totals of {feed}",
        lang,
        aggregate=req.aggregate,
        feed=one_line(feed),
    )
    if where:
        line += tr(" where {condition}", lang, condition=one_line(where))
    line += tr(
        " from {start} to {end} = {value}",
        lang,
        start=req.start,
        end=req.end,
        value=number(r.current, percent=kr.percent, lang=lang),
    )
    if r.answer.last_date:
        dates = trn("{n} date", "{n} dates", r.answer.dates, lang)
        line += tr(" (last data {day}, {dates})", lang, day=r.answer.last_date, dates=dates)
    out.write(line + _marker(r.rejected, lang) + "\n")


def _bounds(x: KRExplanation, out: IO[str], lang: str) -> None:
    """The line of a milestone, guardrail or range: what p is made of."""
    r, kr = x.result, x.result.kr
    pct = kr.percent
    if kr.kind is KRKind.MILESTONE:
        out.write(tr("done: {done}; p = 1 when done, else 0", lang, done=kr.done) + "\n")
    elif kr.kind is KRKind.GUARDRAIL:
        if kr.at_least is not None:
            guard = tr("at least {value}", lang, value=number(kr.at_least, percent=pct, lang=lang))
            ratio = "actual / X"
        else:
            guard = tr("at most {value}", lang, value=number(kr.at_most, percent=pct, lang=lang))
            ratio = "X / actual"
        out.write(
            tr("guard: {guard}; p = 1 while it holds, else {ratio}", lang, guard=guard, ratio=ratio)
            + "\n"
        )
    else:
        out.write(
            tr(
                "range: [{low}, {high}]; p = 1 inside, else progress toward the nearer bound; "
                "baseline {baseline} ({source})",
                lang,
                low=number(kr.low, percent=pct, lang=lang),
                high=number(kr.high, percent=pct, lang=lang),
                baseline=number(r.baseline, percent=pct, lang=lang),
                source=_baseline_from(x, lang),
            )
            + "\n"
        )


def _baseline_from(x: KRExplanation, lang: str) -> str:
    r = x.result
    if not r.baseline_from_data:
        return tr("given", lang)
    return tr(
        "the total on {day}, the latest date on or before {start}",
        lang,
        day=r.answer.baseline_date,
        start=x.cycle.start,
    )


def _target(x: KRExplanation, out: IO[str], lang: str) -> None:
    """The baseline, target and p lines of a number key result."""
    r, kr = x.result, x.result.kr
    pct = kr.percent
    baseline = number(r.baseline, percent=pct, lang=lang)
    out.write(
        tr("baseline = {value} ({source})", lang, value=baseline, source=_baseline_from(x, lang))
        + "\n"
    )
    target = number(r.target, percent=pct, lang=lang)
    if kr.kind is KRKind.RELATIVE and kr.relative is not None:
        sign = "+" if kr.relative >= 0 else "-"
        change = f"{sign} {abs(kr.relative) * 100:g}%"
        out.write(
            tr("target = baseline x (1 {change}) = {target}", lang, change=change, target=target)
            + "\n"
        )
    else:
        out.write(tr("target = {target}", lang, target=target) + "\n")
    if r.current is not None and r.baseline is not None and r.target is not None:
        shown = numbers([r.current, r.baseline, r.target], percent=pct, lang=lang)
        current, base, goal = shown
        out.write(
            tr(
                "p = (current - baseline) / (target - baseline) = ({current} - {baseline}) / "
                "({target} - {baseline}) = {p}",
                lang,
                current=current,
                baseline=base,
                target=goal,
                p=percent(r.progress),
            )
            + "\n"
        )


def _kr(x: KRExplanation, out: IO[str], lang: str) -> None:
    r, kr = x.result, x.result.kr
    out.write(tr("key result {id}: {title}", lang, id=one_line(kr.path), title=one_line(kr.title)))
    out.write("\n")
    out.write(
        tr(
            "kind: {kind}; cycle {cycle} ({start}..{end}); as of {day}",
            lang,
            kind=tr(kr.kind.value, lang),
            cycle=x.cycle.id,
            start=x.cycle.start,
            end=x.cycle.end,
            day=x.as_of,
        )
        + "\n\n"
    )
    if x.request is not None and (kr.kind is not KRKind.MILESTONE or kr.metric is not None):
        _current(x, out, lang)
    if kr.kind in (KRKind.MILESTONE, KRKind.GUARDRAIL, KRKind.RANGE):
        _bounds(x, out, lang)
    else:
        _target(x, out, lang)
    if r.note:
        out.write(tr("note: {note}", lang, note=one_line(localize(r.note, lang))) + "\n")
    days = (x.as_of - x.cycle.start).days + 1
    if kr.plan:
        out.write(
            "\n"
            + tr(
                "expected e = {e}: the planned value on {day}, interpolated between the "
                "plan's checkpoints",
                lang,
                e=percent(r.expected),
                day=x.as_of,
            )
            + "\n"
        )
    else:
        out.write(
            "\n"
            + tr(
                "expected e = (as_of - start + 1) / (end - start + 1) = {days}/{length} = {e}",
                lang,
                days=max(days, 0),
                length=x.cycle.days,
                e=percent(r.expected),
            )
            + "\n"
        )
    reason = _status_reason(
        r.status, r.progress, r.expected, x.thresholds, x.final, x.committed, lang
    )
    out.write(tr("status: {reason}", lang, reason=reason) + "\n")
    _rows(out, x.source_path, x.rows, lang)
    _queries(out, x.queries, lang)
    _left_out(out, x.rejected, lang)


def _objective(x: ObjectiveExplanation, out: IO[str], lang: str) -> None:
    r = x.result
    o = r.objective
    out.write(tr("objective {id}: {title}", lang, id=one_line(o.id), title=one_line(o.title)))
    out.write("\n")
    head = tr(
        "{type}; cycle {cycle}; as of {day}",
        lang,
        type=tr(o.type.value, lang),
        cycle=r.cycle.id,
        day=r.as_of,
    )
    final = tr(" (the cycle's last day: final)", lang) if r.final else ""
    out.write(f"{head}{final}\n\n")
    out.write(
        tr(
            "progress = weighted mean of key-result progress, each clamped to [0, {cap}]; "
            "key results without data are left out",
            lang,
            cap=f"{x.cap:g}",
        )
        + "\n"
    )
    active = [k for k in r.key_results if not k.kr.draft]
    weight = tr("weight", lang)
    for k, w in zip(active, x.weights, strict=True):
        clamped = None if k.progress is None else min(max(k.progress, 0.0), x.cap)
        out.write(
            f"  {one_line(k.kr.id):<16} {weight} {w:<6g} p {percent(k.progress):>6} -> "
            f"{percent(clamped):>6}  {tr(k.status.word, lang)}{_marker(k.rejected, lang)}\n"
        )
    partial = tr(" (partial)", lang) if r.partial else ""
    out.write(tr("progress = {value}", lang, value=percent(r.progress)) + partial + "\n")
    out.write(tr("expected e = {e}", lang, e=percent(r.expected)) + "\n")
    committed = o.type.value == "committed"
    reason = _status_reason(
        r.status, r.progress, r.expected, x.thresholds, r.final, committed, lang
    )
    out.write(tr("status: {reason}", lang, reason=reason) + "\n")
    if x.full_at is not None:
        out.write(
            tr(
                "score = min(progress / {full_at}, {cap}) = {score} "
                "(scoring.aspirational_full_at: {full_at})",
                lang,
                full_at=f"{x.full_at:g}",
                cap=f"{x.cap:g}",
                score=percent(x.score),
            )
            + "\n"
        )
    else:
        out.write(tr("score = progress = {score}", lang, score=percent(x.score)) + "\n")


def _kpi_scoring(x: KpiExplanation, lang: str) -> str:
    k = x.result.kpi
    if k.bands:
        steps = ", ".join(f">= {percent(a)} -> {s:g}" for a, s in k.bands)
        return tr("stepped: {steps}", lang, steps=steps)
    zb = k.zero_below if k.zero_below is not None else 0.0
    fa = k.full_at if k.full_at is not None else 1.0
    cap = k.cap if k.cap is not None else 1.0
    return tr(
        "0 below {zero}, linear to 1 at {full}, then min(a / {full_at}, {cap})",
        lang,
        zero=percent(zb),
        full=percent(fa),
        full_at=f"{fa:g}",
        cap=f"{cap:g}",
    )


def _state(closed: bool, pro_rated: bool, lang: str) -> str:
    if closed:
        return tr("closed", lang)
    return tr("open (target pro-rated)", lang) if pro_rated else tr("open", lang)


def _cells(text: str) -> int:
    """The terminal columns ``text`` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _kpi(x: KpiExplanation, out: IO[str], lang: str) -> None:
    r = x.result
    k = r.kpi
    pct = k.percent
    lower = k.direction is Direction.LOWER
    out.write(tr("KPI {id}: {title}", lang, id=one_line(k.id), title=one_line(k.title)) + "\n")
    feed = one_line(str(k.metric) if k.metric else tr("check-ins", lang))
    better = tr("lower is better", lang) if lower else tr("higher is better", lang)
    out.write(
        tr(
            "{period} periods, {aggregate} of {feed}, {better}; cycle {cycle}; as of {day}",
            lang,
            period=k.period,
            aggregate=k.aggregate,
            feed=feed,
            better=better,
            cycle=r.cycle.id,
            day=r.as_of,
        )
        + "\n"
    )
    formula = "target / actual" if lower else "actual / target"
    out.write(
        tr(
            "attainment a = {formula}; score: {scoring}",
            lang,
            formula=formula,
            scoring=_kpi_scoring(x, lang),
        )
        + "\n\n"
    )
    states = [_state(p.closed, p.target != k.target, lang) for p in r.periods]
    width = max([24, *(_cells(state) for state in states)])
    actual, target, scored = tr("actual", lang), tr("target", lang), tr("score", lang)
    for p, state in zip(r.periods, states, strict=True):
        score = "—" if p.score is None else f"{p.score:.3f}"
        out.write(
            f"  {p.start}..{p.end}  {state}{' ' * (width - _cells(state))} {actual} "
            f"{number(p.actual, percent=pct, lang=lang):>10}  {target} "
            f"{number(p.target, percent=pct, lang=lang):>10}  a {percent(p.attainment):>6}  "
            f"{scored} {score}{_marker(p.answer.rejected, lang)}\n"
        )
    closed = [p for p in r.periods if p.closed]
    over = tr("closed periods", lang) if closed else tr("the open period", lang)
    score = "—" if r.score is None else f"{r.score:.3f}"
    note = f" ({one_line(localize(r.note, lang))})" if r.note and r.score is not None else ""
    out.write("\n" + tr("score = mean over {over} = {score}", lang, over=over, score=score))
    out.write(note + "\n")
    on, risk = x.thresholds
    out.write(
        tr(
            "status: green from {on}, yellow from {risk} -> {status}",
            lang,
            on=f"{on:g}",
            risk=f"{risk:g}",
            status=tr(r.status.word, lang),
        )
        + "\n"
    )
    _rows(out, x.source_path, x.rows, lang)
    _queries(out, x.queries, lang)
    _left_out(out, x.rejected, lang)
