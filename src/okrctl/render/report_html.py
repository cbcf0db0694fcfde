"""The report as one self-contained HTML file: inline CSS and SVG, no scripts, no fonts or
anything else fetched; every piece of user text escaped; A4 print layout."""

from __future__ import annotations

import datetime as dt
from typing import IO

from okrctl.i18n import text
from okrctl.metrics.source import Rejected
from okrctl.progress import Status
from okrctl.rejected import by_file, count_note, row_note
from okrctl.render import report_columns as columns
from okrctl.render.diff_out import field_value
from okrctl.render.escape import html_text
from okrctl.render.report_columns import headings
from okrctl.render.score_out import synergy_mark
from okrctl.render.status_style import FILLS, status_key
from okrctl.render.status_style import REJECTED_MARK as MARK
from okrctl.report import KREntry, Report
from okrctl.scoring import BalancedCard
from okrctl.shown import number, percent

COLOR = {
    Status.GREEN: "#2e7d32",
    Status.YELLOW: "#b7791f",
    Status.RED: "#c62828",
    Status.GREY: "#757575",
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:60rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .45rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.status{font-weight:600;white-space:nowrap}.kr td:first-child{padding-left:1.5rem;color:#444}
.green{color:#2e7d32}.yellow{color:#b7791f}.red{color:#c62828}.grey{color:#757575}
.warn{background:#fff3c4;padding:.4rem .6rem;border-radius:4px}
.rejected{background:#fff3c4;font-size:.85rem;white-space:nowrap}.note{color:#666;font-size:.85rem}
.charts{display:flex;flex-wrap:wrap;gap:.8rem}.chart{width:330px}
.chart p{margin:.1rem 0;font-size:.85rem}
svg text{font-family:inherit}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none}section{break-before:page}
section.first{break-before:auto}.charts{break-inside:avoid}}
"""


def _e(value: object) -> str:
    return html_text(value)


def _marked(rejected: tuple[Rejected, ...], lang: str, note: str | None = None) -> str:
    """After a goal's title: the note on its number, and what input it misses."""
    out = f' <span class="note">({_e(note)})</span>' if note else ""
    if rejected and not (note or "").startswith("no usable data"):
        out += f' <span class="rejected">⚠ {_e(row_note(rejected, lang) or "")}</span>'
    return out


def _status(status: Status, lang: str, has_value: bool = False) -> str:
    word = text(status_key(status, has_value), lang)
    return f'<span class="status {status.value}">{_e(word)}</span>'


def chart(k: KREntry, start: dt.date, end: dt.date, lang: str) -> str:
    """A KR's series against its target and the expected pace, as inline SVG."""
    width, height, pad = 320, 96, 8
    values = [v for _, v in k.series]
    values += [v for v in (k.target, k.baseline) if v is not None]
    if k.forecast is not None:
        values.append(k.forecast.landing_value)
    if not values:
        return ""
    low, high = min(values), max(values)
    if not high > low:  # a flat line; above 2**53, high + 1 is still high
        margin = max(1.0, abs(high) / 100)
        high, low = high + margin, low - margin
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return pad + (width - 2 * pad) * min(max((day - start).days, 0), span) / span

    def y(value: float) -> float:
        return height - pad - (height - 2 * pad) * (value - low) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_e(k.path)}">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fafafa"/>',
    ]
    if k.target is not None:
        parts.append(
            f'<line x1="{pad}" x2="{width - pad}" y1="{y(k.target):.1f}" '
            f'y2="{y(k.target):.1f}" stroke="#555" stroke-dasharray="5 3"/>'
        )
    if k.baseline is not None and k.target is not None:
        parts.append(
            f'<line x1="{x(start):.1f}" y1="{y(k.baseline):.1f}" x2="{x(end):.1f}" '
            f'y2="{y(k.target):.1f}" stroke="#999" stroke-dasharray="1 3"/>'
        )
    if k.series:
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in k.series)
        parts.append(
            f'<polyline fill="none" stroke="{COLOR[k.status]}" stroke-width="2" points="{points}"/>'
        )
        if k.forecast is not None:
            last_day, last_value = k.series[-1]
            parts.append(
                f'<line x1="{x(last_day):.1f}" y1="{y(last_value):.1f}" '
                f'x2="{x(end):.1f}" y2="{y(k.forecast.landing_value):.1f}" '
                f'stroke="{COLOR[k.status]}" stroke-dasharray="2 2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def strategy_map(card: BalancedCard, lang: str) -> str:
    """Perspectives as bands, top of the chain first; measures as boxes; links as arrows."""
    rows = list(card.perspectives)
    width, band, box_w, box_h = 640, 70, 130, 38
    height = band * max(len(rows), 1) + 10
    where: dict[str, tuple[float, float]] = {}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(text("strategy_map", lang))}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
        "</defs>",
    ]
    for row, p in enumerate(rows):
        top = 5 + row * band
        parts.append(
            f'<rect x="0" y="{top}" width="{width}" height="{band - 6}" '
            f'fill="{"#f5f5f5" if row % 2 else "#fcfcfc"}"/>'
        )
        parts.append(
            f'<text x="6" y="{top + 14}" font-size="11" fill="#555">'
            f"{_e(p.title or p.name)} {_e(percent(p.score))}</text>"
        )
        count = max(len(p.measures), 1)
        for index, m in enumerate(p.measures):
            cx = 150 + (width - 170) * (index + 0.5) / count
            cy = top + band / 2
            where[m.id] = (cx, cy)
            parts.append(
                f'<rect x="{cx - box_w / 2:.1f}" y="{cy - box_h / 2 + 4:.1f}" '
                f'width="{box_w}" height="{box_h - 8}" rx="6" fill="{FILLS[m.status]}" '
                f'stroke="{COLOR[m.status]}"/>'
            )
            parts.append(
                f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="11" '
                f'text-anchor="middle">{_e(m.id)} {_e(percent(m.score))}</text>'
            )
    for link in card.scorecard.links:
        if link.driver in where and link.result in where:
            (x1, y1), (x2, y2) = where[link.driver], where[link.result]
            dy = -(box_h / 2 - 4) if y2 < y1 else (box_h / 2 - 4)
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1 + dy:.1f}" x2="{x2:.1f}" '
                f'y2="{y2 - dy:.1f}" stroke="#555" marker-end="url(#arrow)"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list[str], numeric: set[int] | None = None) -> str:
    """A table; `head` is plain text (escaped here), `rows` are finished `<tr>` elements."""
    numeric = numeric or set()
    cells = "".join(
        f"<th{' class=n' if i in numeric else ''}>{_e(h)}</th>" for i, h in enumerate(head)
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _row(cells: list[str], numeric: set[int] | None = None, css: str = "") -> str:
    numeric = numeric or set()
    tds = "".join(f"<td{' class=n' if i in numeric else ''}>{c}</td>" for i, c in enumerate(cells))
    return f"<tr{f' class={css}' if css else ''}>{tds}</tr>"


def render(r: Report, out: IO[str]) -> None:
    lang = r.lang

    def t(key: str, **values: object) -> str:
        return _e(text(key, lang, **values))

    def num(value: float | None, pct: bool = False) -> str:
        return _e(number(value, percent=pct, lang=lang))

    html = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{t('title')} {_e(r.cycle)}</title><style>{CSS}</style></head><body>",
        f"<h1>{t('title')}: {_e(r.org or '')} {_e(r.cycle)}</h1>",
        f"<p>{_e(r.start)} – {_e(r.end)}, {t('as_of')} {_e(r.as_of)}"
        + (f" ({t('final')})" if r.final else "")
        + "</p>",
    ]
    html += [f'<p class="warn">{_e(w)}</p>' for w in r.warnings]
    html += [f'<p class="warn">⚠ {_e(w.text(lang))}</p>' for w in by_file(r.data_warnings)]
    if r.data_warnings:
        html.append(f'<p class="warn">{t("rejected_mark")}</p>')

    def mark(ident: str) -> str:
        return f' <span class="rejected">{MARK}</span>' if ident in r.rejected_by_goal else ""

    s = r.summary
    counts = ", ".join(f"{_status(Status(k), lang)} {v}" for k, v in sorted(s.by_status.items()))
    html.append(f'<section class="first" id="summary"><h2>{t("summary")}</h2>')
    html.append(
        _table(
            ["", ""],
            [
                _row([t("status_count"), counts or "—"]),
                _row([t("average_score"), _e(percent(s.average_score))]),
                _row([t("alignment"), _e(percent(s.alignment_rate))]),
                _row([t("coverage"), _e(percent(s.coverage))]),
            ],
        )
    )
    if s.freshness:
        html.append(f"<h3>{t('freshness')}</h3>")
        html.append(
            _table(
                [
                    text("source", lang),
                    text("latest", lang),
                    text("age_days", lang),
                    text("status", lang),
                ],
                [
                    _row(
                        [
                            _e(f.source),
                            _e(f.latest or "—"),
                            _e("—" if f.age_days is None else f.age_days),
                            t(f.state)
                            + (f"; {count_note(f.rejected, lang)}" if f.rejected else ""),
                        ],
                        {2},
                    )
                    for f in s.freshness
                ],
                {2},
            )
        )
    html.append("</section>")
    html.append(f'<section id="objectives"><h2>{t("objectives")}</h2>')
    for level, objectives in r.levels:
        rows = []
        charts = []
        for o in objectives:
            band = t("band_committed") if o.committed else t("band_aspirational")
            rows.append(
                _row(
                    [
                        f"<strong>{_e(o.id)}</strong> {_e(o.title)}{_marked(o.rejected, lang)}",
                        _e(o.owner or ""),
                        band,
                        _e(percent(o.progress)),
                        _e(percent(o.score)),
                        _status(o.status, lang),
                    ],
                    {3, 4},
                )
            )
            for k in o.key_results:
                rows.append(
                    _row(
                        [
                            f"{_e(k.id)} {_e(k.title)}{_marked(k.rejected, lang)}",
                            "",
                            f"{num(k.current, k.percent)} / {num(k.target, k.percent)}",
                            _e(percent(k.progress)),
                            "",
                            _status(k.status, lang, k.current is not None),
                        ],
                        {3},
                        "kr",
                    )
                )
                svg = chart(k, r.start, r.end, lang)
                if svg:
                    charts.append(
                        f'<div class="chart">{svg}<p>{_e(k.path)}: '
                        f"{num(k.current, k.percent)} / "
                        f"{num(k.target, k.percent)} "
                        f"{_status(k.status, lang)}</p></div>"
                    )
        html.append(f"<h3>{t('level')}: {_e(level)}</h3>")
        html.append(
            _table(
                headings(columns.OBJECTIVES, lang),
                rows,
                {3, 4},
            )
        )
        if charts:
            html.append('<div class="charts">' + "".join(charts) + "</div>")
    html.append("</section>")
    if r.kpis:
        html.append(f'<section id="kpis"><h2>{t("kpis")}</h2>')
        html.append(
            _table(
                headings(columns.KPIS, lang),
                [
                    _row(
                        [
                            f"{_e(k.id)} {_e(k.title)}{_marked(k.rejected, lang, k.note)}",
                            _e(k.owner or ""),
                            num(k.actual, k.percent),
                            num(k.target, k.percent),
                            _e(percent(k.attainment)),
                            _e(percent(k.score)),
                            _status(k.status, lang),
                        ],
                        {2, 3, 4, 5},
                    )
                    for k in r.kpis
                ],
                {2, 3, 4, 5},
            )
        )
        html.append("</section>")
    if r.synergy:
        html.append(f'<section id="synergy"><h2>{t("synergy")}</h2>')
        html.append(
            _table(
                headings(columns.ALIGNMENT, lang),
                [
                    _row(
                        [
                            _e(x.objective.id + synergy_mark(x, r.rejected_by_goal)),
                            _e(percent(x.progress)),
                            _e(percent(x.kpi_attainment)),
                            _e(percent(x.children_completion)),
                            _e(x.flag or ""),
                        ],
                        {1, 2, 3},
                    )
                    for x in r.synergy
                ],
                {1, 2, 3},
            )
        )
        html.append("</section>")
    for card in r.balanced:
        html.append(
            f'<section id="bsc-{_e(card.scorecard.id)}"><h2>{t("balanced")}: '
            f"{_e(card.scorecard.id)} {_e(percent(card.total))} "
            f"({_e(card.rating or '—')})</h2>"
        )
        html.append(
            _table(
                [
                    text("perspective", lang),
                    text("weight", lang),
                    text("score", lang),
                    text("measures", lang),
                ],
                [
                    _row(
                        [
                            _e(p.title or p.name),
                            _e(percent(p.weight)),
                            _e(percent(p.score)),
                            ", ".join(
                                f"{_e(m.id)} {_e(percent(m.score))}{mark(m.id)}" for m in p.measures
                            ),
                        ],
                        {1, 2},
                    )
                    for p in card.perspectives
                ],
                {1, 2},
            )
        )
        html.append(f"<h3>{t('strategy_map')}</h3>{strategy_map(card, lang)}</section>")
    html.append(f'<section id="changes"><h2>{t("changes")}</h2>')
    if r.changes_note:
        html.append(f"<p>{_e(r.changes_note)}</p>")
    if r.changes:
        rows = []
        for c in r.changes:
            detail = "; ".join(
                f"{_e(f.field)}: {_e(field_value(f.old, f.old_written))} → "
                f"{_e(field_value(f.new, f.new_written))}"
                for f in c.fields
            )
            for post in c.goalposts:
                detail += (
                    f' <strong class="red">{t("goalpost")}</strong>: '
                    f"{_e(post['reason'])} ({_e(post['author'])}, "
                    f"{_e(str(post['when'])[:10])})"
                )
            who = (
                ""
                if c.author is None
                else f"{_e(c.author)}, {_e(str(c.when)[:10])}, {_e(c.commit)}"
            )
            rows.append(_row([t(c.kind), _e(c.entity), _e(c.id), detail, who]))
        html.append(_table(headings(columns.CHANGES, lang), rows))
    html.append("</section>")
    forecasts = [
        k for _, group in r.levels for o in group for k in o.key_results if k.forecast is not None
    ]
    html.append(f'<section id="forecast"><h2>{t("forecast")}</h2>')
    if forecasts:
        html.append(
            _table(
                headings(columns.FORECAST, lang),
                [
                    _row(
                        [
                            _e(k.path) + mark(k.path),
                            num(k.current, k.percent),
                            num(k.target, k.percent),
                            num(k.forecast.landing_value, k.percent),
                            _e(percent(k.forecast.landing_score)),
                            num(k.forecast.trend_per_week, k.percent),
                            num(k.forecast.needed_per_week, k.percent),
                        ],
                        {1, 2, 3, 4, 5, 6},
                    )
                    for k in forecasts
                    if k.forecast is not None
                ],
                {1, 2, 3, 4, 5, 6},
            )
        )
    else:
        html.append(f"<p>{t('no_trend')}</p>")
    html.append("</section>")
    html.append(f'<section id="risks"><h2>{t("risks")}</h2>')
    if r.risks:
        html.append("<ul>")
        for risk in r.risks:
            drivers = ", ".join(f"{_e(d)} ({t(s.value)})" for d, s, _ in risk.drivers)
            html.append(
                f"<li>{_status(risk.status, lang)} <strong>{_e(risk.id)}</strong> "
                f"{_e(risk.title)}: {_e(percent(risk.progress))}{mark(risk.id)}"
                + (f"; {t('drivers')}: {drivers}" if drivers else "")
                + "</li>"
            )
        html.append("</ul>")
    else:
        html.append(f"<p>{t('no_risks')}</p>")
    html.append(f'</section><section id="retro"><h2>{t("retro")}</h2>')
    for retro in r.retros:
        html.append(f"<h3>{_status(retro.status, lang)} {_e(retro.id)} {_e(retro.title)}</h3>")
        for key, items in (
            ("went_right", retro.went_right),
            ("went_wrong", retro.went_wrong),
            ("change_next", retro.change_next),
        ):
            html.append(f"<h4>{t(key)}</h4><ul>")
            html += [f"<li>{_e(item)}</li>" for item in items] or [f"<li>{t('empty')}</li>"]
            if key in retro.notes:
                html.append(f"<li>✍️ {_e(retro.notes[key])}</li>")
            html.append("</ul>")
        if "notes" in retro.notes:
            html.append(f"<p><strong>{t('notes')}</strong>: {_e(retro.notes['notes'])}</p>")
    if not r.retros:
        html.append(f"<p>{t('empty')}</p>")
    html.append("</section>")
    if r.scorecards is not None:
        html.append(f'<section id="scorecards"><h2>{t("scorecards")}</h2>')
        html.append(
            _table(
                [
                    text("owner", lang),
                    "OKR",
                    "KPI",
                    text("total", lang),
                    text("rating", lang),
                    text("bonus", lang),
                ],
                [
                    _row(
                        [
                            _e(c.owner or c.unit or ""),
                            _e(percent(c.okr_score)),
                            _e(percent(c.kpi_score)),
                            _e(percent(c.total)),
                            _e(c.rating or "—"),
                            "—" if c.bonus is None else f"{c.bonus:.2f}x",
                        ],
                        {1, 2, 3, 5},
                    )
                    for c in r.scorecards
                ],
                {1, 2, 3, 5},
            )
        )
        html.append("</section>")
    html.append("</body></html>\n")
    out.write("\n".join(html))
