"""The HTML review within a size budget (docs/report.md, "Large organisations").

A review of every goal of a large organisation is tens of megabytes (a chart per key
result), more than a browser or a mail attachment takes well. Above ``BUDGET`` the review
keeps the summary of the whole organisation (or ``--unit``), adds a table of its units and
details only its first level; ``--unit`` gives the details of one unit and those below.
"""

from __future__ import annotations

import dataclasses
import io
from typing import IO

from okrctl.core.i18n import text
from okrctl.core.progress import Status, settle
from okrctl.core.shown import percent
from okrctl.render.report_charts import _PLACEHOLDER, chart, sketching
from okrctl.render.report_html import _e, _row, _status, _table, render
from okrctl.review.report import ObjectiveEntry, Report

BUDGET = 5_000_000  # bytes of HTML; the full review of 2,000 goal files is about 56 MB


def render_within(r: Report, out: IO[str], unit: str | None, budget: int | None = None) -> None:
    """The full review when it fits ``budget`` bytes (default ``BUDGET``, read at call
    time) or has one level only, else the summary."""
    budget = BUDGET if budget is None else budget
    size = _estimate(r)
    if size <= budget or len(r.levels) <= 1:
        render(r, out)
        return
    level, first = r.levels[0]
    kept = {o.id for o in first}
    scope = (
        text("html_budget_org", r.lang)
        if unit is None
        else text("html_budget_unit", r.lang, unit=unit)
    )
    note = text(
        "html_budget",
        r.lang,
        size=f"{size / 1e6:.1f}",
        budget=f"{budget / 1e6:g}",
        scope=scope,
        level=level,
    )
    brief = dataclasses.replace(
        r,
        levels=[(level, first)],
        risks=[k for k in r.risks if k.kind != "key result" or k.id.split("/")[0] in kept],
        retros=[k for k in r.retros if k.id in kept],
        warnings=[note, *r.warnings],
    )
    buffer = io.StringIO()
    render(brief, buffer)
    anchor = '<section id="objectives">'
    out.write(buffer.getvalue().replace(anchor, _units(r) + anchor, 1))


def _estimate(r: Report) -> int:
    """The size in bytes of ``r``'s page: the page without its charts, plus the charts
    at the size of one drawn (drawing them all first would cost ~20 ms each: minutes for
    40,000 key results)."""
    buffer = io.StringIO()
    with sketching() as sketch:
        render(r, buffer)
    count = sketch.count
    size = len(buffer.getvalue().encode("utf-8")) - count * len(_PLACEHOLDER)
    drawable = (k for _, objectives in r.levels for o in objectives for k in o.key_results)
    for k in drawable if count else ():
        svg = chart(k, r.start, r.end, r.lang)
        if svg:
            return size + count * len(svg.encode("utf-8"))
    return size


def _units(r: Report) -> str:
    """One row per unit: its level, objectives, their statuses and average score."""
    lang = r.lang
    by_unit: dict[str, list[ObjectiveEntry]] = {}
    levels: dict[str, str] = {}
    for level, objectives in r.levels:
        for o in objectives:
            by_unit.setdefault(o.unit or "—", []).append(o)
            levels.setdefault(o.unit or "—", level)
    rows = []
    for name, objectives in by_unit.items():
        counts: dict[Status, int] = {}
        for o in objectives:
            counts[o.status] = counts.get(o.status, 0) + 1
        scores = [o.score for o in objectives if o.score is not None]
        average = settle(sum(scores) / len(scores)) if scores else None
        statuses = ", ".join(
            f"{_status(s, lang)} {n}" for s, n in sorted(counts.items(), key=lambda i: i[0].value)
        )
        rows.append(
            _row(
                [_e(name), _e(levels[name]), str(len(objectives)), statuses, _e(percent(average))],
                {2, 4},
            )
        )
    head = [text(k, lang) for k in ("unit", "level", "objectives", "status_count", "average_score")]
    title = f"<h2>{_e(text('units', lang))}</h2>"
    return f'<section id="units">{title}{_table(head, rows, {2, 4})}</section>'
