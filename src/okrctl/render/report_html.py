"""The report as one self-contained HTML file: inline CSS and SVG, no scripts, no fonts or
anything else fetched; every piece of user text escaped; A4 print layout."""

from __future__ import annotations

from typing import IO

from okrctl.core.i18n import text, tr
from okrctl.core.progress import Status
from okrctl.core.shown import number, percent
from okrctl.metrics.rejected import by_file, count_note, row_note
from okrctl.metrics.source import Rejected
from okrctl.render import report_columns as columns
from okrctl.render.diff_out import field_value
from okrctl.render.escape import html_text
from okrctl.render.report_charts import chart, strategy_map
from okrctl.render.report_columns import headings
from okrctl.render.report_sections import sure, walk
from okrctl.render.score_out import synergy_mark
from okrctl.render.status_style import REJECTED_MARK as MARK
from okrctl.render.status_style import status_key
from okrctl.review.cycle import ChangeEntry
from okrctl.review.report import KREntry, ObjectiveEntry, Report

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;
margin:2rem auto;max-width:76rem;padding:0 1.5rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .45rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.status{font-weight:600;white-space:nowrap}.kr td:first-child{padding-left:1.5rem;color:#444}
.green{color:#2e7d32}.yellow{color:#b7791f}.red{color:#c62828}.grey{color:#757575}
.warn{background:#fff3c4;padding:.4rem .6rem;border-radius:4px}
.rejected{background:#fff3c4;font-size:.85rem;white-space:nowrap}.note{color:#666;font-size:.85rem}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(30rem,1fr));gap:1rem 1.5rem}
.chart{margin:0;break-inside:avoid}.chart svg{display:block;width:100%;height:auto}
.chart figcaption{margin:0 0 .2rem;font-size:.9rem}.chart .note{margin-left:.4rem}
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


def _t(key: str, lang: str, **values: object) -> str:
    return _e(text(key, lang, **values))


def _num(value: float | None, pct: bool, lang: str) -> str:
    return _e(number(value, percent=pct, lang=lang))


def _mark(r: Report, ident: str) -> str:
    return f' <span class="rejected">{MARK}</span>' if ident in r.rejected_by_goal else ""


def _header(r: Report, lang: str) -> list[str]:
    return [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{_t('title', lang)} {_e(r.cycle)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_t('title', lang)}: {_e(r.org or '')} {_e(r.cycle)}</h1>",
        f"<p>{_e(r.start)} – {_e(r.end)}, {_t('as_of', lang)} {_e(r.as_of)}"
        + (f" ({_t('final', lang)})" if r.final else "")
        + "</p>",
    ]


def _warnings(r: Report, lang: str) -> list[str]:
    html = [f'<p class="warn">{_e(w)}</p>' for w in r.warnings]
    html += [f'<p class="warn">⚠ {_e(w.text(lang))}</p>' for w in by_file(r.data_warnings)]
    if r.data_warnings:
        html.append(f'<p class="warn">{_t("rejected_mark", lang)}</p>')
    return html


def _summary(r: Report, lang: str) -> list[str]:
    s = r.summary
    counts = ", ".join(f"{_status(Status(k), lang)} {v}" for k, v in sorted(s.by_status.items()))
    html = [f'<section class="first" id="summary"><h2>{_t("summary", lang)}</h2>']
    html.append(
        _table(
            ["", ""],
            [
                _row([_t("status_count", lang), counts or "—"]),
                _row([_t("average_score", lang), _e(percent(s.average_score))]),
                _row([_t("alignment", lang), _e(percent(s.alignment_rate))]),
                _row([_t("coverage", lang), _e(percent(s.coverage))]),
            ],
        )
    )
    if s.freshness:
        html.append(f"<h3>{_t('freshness', lang)}</h3>")
        rows = [
            _row(
                [
                    _e(f.source),
                    _e(f.latest or "—"),
                    _e("—" if f.age_days is None else f.age_days),
                    _t(f.state, lang) + (f"; {count_note(f.rejected, lang)}" if f.rejected else ""),
                ],
                {2},
            )
            for f in s.freshness
        ]
        head = [text(key, lang) for key in ("source", "latest", "age_days", "status")]
        html.append(_table(head, rows, {2}))
    html.append("</section>")
    return html


def _kr_row(k: KREntry, lang: str) -> str:
    return _row(
        [
            f"{_e(k.id)} {_e(k.title)}{_marked(k.rejected, lang)}",
            "",
            f"{_num(k.current, k.percent, lang)} / {_num(k.target, k.percent, lang)}",
            _e(percent(k.progress) + sure(k.confidence, lang)),
            "",
            _status(k.status, lang, k.current is not None),
        ],
        {3},
        "kr",
    )


def _kr_chart(r: Report, k: KREntry, lang: str) -> str:
    svg = chart(k, r.start, r.end, lang)
    if not svg:
        return ""
    return (
        f'<figure class="chart"><figcaption><strong>{_e(k.title or k.path)}</strong>'
        f'<span class="note">{_e(k.path)}</span><br>'
        f"{_num(k.current, k.percent, lang)} / "
        f"{_num(k.target, k.percent, lang)} "
        f"{_status(k.status, lang)}</figcaption>{svg}</figure>"
    )


def _level(r: Report, level: str, objectives: list[ObjectiveEntry], lang: str) -> list[str]:
    rows = []
    charts = []
    for o in objectives:
        band = _t("band_committed" if o.committed else "band_aspirational", lang)
        cells = [
            f"<strong>{_e(o.id)}</strong> {_e(o.title)}{_marked(o.rejected, lang)}",
            _e(r.names.person(o.owner)),
            band,
            _e(percent(o.progress)),
            _e(percent(o.score)),
            _status(o.status, lang),
        ]
        rows.append(_row(cells, {3, 4}))
        for k in o.key_results:
            rows.append(_kr_row(k, lang))
            charts.append(_kr_chart(r, k, lang))
    html = [f"<h3>{_t('level', lang)}: {_e(tr(level, lang))}</h3>"]
    html.append(_table(headings(columns.OBJECTIVES, lang), rows, {3, 4}))
    if any(charts):
        html.append('<div class="charts">' + "".join(charts) + "</div>")
    return html


def _objectives(r: Report, lang: str) -> list[str]:
    html = [f'<section id="objectives"><h2>{_t("objectives", lang)}</h2>']
    for level, objectives in r.levels:
        html += _level(r, level, objectives, lang)
    return [*html, "</section>"]


def _kpis(r: Report, lang: str) -> list[str]:
    if not r.kpis:
        return []
    rows = [
        _row(
            [
                f"{_e(k.id)} {_e(k.title)}{_marked(k.rejected, lang, k.note)}",
                _e(r.names.person(k.owner)),
                _num(k.actual, k.percent, lang),
                _num(k.target, k.percent, lang),
                _e(percent(k.attainment)),
                _e(percent(k.score)),
                _status(k.status, lang),
            ],
            {2, 3, 4, 5},
        )
        for k in r.kpis
    ]
    return [
        f'<section id="kpis"><h2>{_t("kpis", lang)}</h2>',
        _table(headings(columns.KPIS, lang), rows, {2, 3, 4, 5}),
        "</section>",
    ]


def _synergy(r: Report, lang: str) -> list[str]:
    if not r.synergy:
        return []
    rows = [
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
    ]
    return [
        f'<section id="synergy"><h2>{_t("synergy", lang)}</h2>',
        _table(headings(columns.ALIGNMENT, lang), rows, {1, 2, 3}),
        "</section>",
    ]


def _balanced(r: Report, lang: str) -> list[str]:
    html = []
    for card in r.balanced:
        html.append(
            f'<section id="bsc-{_e(card.scorecard.id)}"><h2>{_t("balanced", lang)}: '
            f"{_e(card.scorecard.id)} {_e(percent(card.total))} "
            f"({_e(card.rating or '—')})</h2>"
        )
        rows = [
            _row(
                [
                    _e(p.title or p.name),
                    _e(percent(p.weight)),
                    _e(percent(p.score)),
                    ", ".join(
                        f"{_e(m.id)} {_e(percent(m.score))}{_mark(r, m.id)}" for m in p.measures
                    ),
                ],
                {1, 2},
            )
            for p in card.perspectives
        ]
        head = [text(key, lang) for key in ("perspective", "weight", "score", "measures")]
        html.append(_table(head, rows, {1, 2}))
        html.append(f"<h3>{_t('strategy_map', lang)}</h3>{strategy_map(card, lang)}</section>")
    return html


def _change_row(c: ChangeEntry, lang: str) -> str:
    detail = "; ".join(
        f"{_e(f.field)}: {_e(field_value(f.old, f.old_written))} → "
        f"{_e(field_value(f.new, f.new_written))}"
        for f in c.fields
    )
    for post in c.goalposts:
        detail += (
            f' <strong class="red">{_t("goalpost", lang)}</strong>: '
            f"{_e(post['reason'])} ({_e(post['author'])}, "
            f"{_e(str(post['when'])[:10])})"
        )
    who = "" if c.author is None else f"{_e(c.author)}, {_e(str(c.when)[:10])}, {_e(c.commit)}"
    return _row([_t(c.kind, lang), _e(c.entity), _e(c.id), detail, who])


def _changes(r: Report, lang: str) -> list[str]:
    html = [f'<section id="changes"><h2>{_t("changes", lang)}</h2>']
    if r.changes_note:
        html.append(f"<p>{_e(r.changes_note)}</p>")
    if r.changes:
        rows = [_change_row(c, lang) for c in r.changes]
        html.append(_table(headings(columns.CHANGES, lang), rows))
    return [*html, "</section>"]


def _forecast(r: Report, lang: str) -> list[str]:
    html = [f'<section id="forecast"><h2>{_t("forecast", lang)}</h2>']
    rows = [
        _row(
            [
                _e(k.path) + _mark(r, k.path),
                _num(k.current, k.percent, lang),
                _num(k.target, k.percent, lang),
                _num(k.forecast.landing_value, k.percent, lang),
                _e(percent(k.forecast.landing_score)),
                _num(k.forecast.trend_per_week, k.percent, lang),
                _num(k.forecast.needed_per_week, k.percent, lang),
            ],
            {1, 2, 3, 4, 5, 6},
        )
        for _, group in r.levels
        for o in group
        for k in o.key_results
        if k.forecast is not None
    ]
    if rows:
        html.append(_table(headings(columns.FORECAST, lang), rows, {1, 2, 3, 4, 5, 6}))
    else:
        html.append(f"<p>{_t('no_trend', lang)}</p>")
    return [*html, "</section>"]


def _risks(r: Report, lang: str) -> list[str]:
    """The risks, their section closed by the first line of the next section (the
    retrospective): the page has always had them on one line."""
    html = [f'<section id="risks"><h2>{_t("risks", lang)}</h2>']
    if not r.risks:
        return [*html, f"<p>{_t('no_risks', lang)}</p>"]
    html.append("<ul>")
    for risk in r.risks:
        drivers = ", ".join(f"{_e(d)} ({_t(s.value, lang)})" for d, s, _ in risk.drivers)
        html.append(
            f"<li>{_status(risk.status, lang)} <strong>{_e(risk.id)}</strong> "
            f"{_e(risk.title)}: {_e(percent(risk.progress))}{_mark(r, risk.id)}"
            + (f"; {_t('drivers', lang)}: {drivers}" if drivers else "")
            + "</li>"
        )
    return [*html, "</ul>"]


def _retrospective(r: Report, lang: str) -> list[str]:
    html = [f'</section><section id="retro"><h2>{_t("retro", lang)}</h2>']
    for retro in r.retros:
        html.append(f"<h3>{_status(retro.status, lang)} {_e(retro.id)} {_e(retro.title)}</h3>")
        for key, items in (
            ("went_right", retro.went_right),
            ("went_wrong", retro.went_wrong),
            ("change_next", retro.change_next),
        ):
            html.append(f"<h4>{_t(key, lang)}</h4><ul>")
            html += [f"<li>{_e(item)}</li>" for item in items] or [f"<li>{_t('empty', lang)}</li>"]
            if key in retro.notes:
                html.append(f"<li>✍️ {_e(retro.notes[key])}</li>")
            html.append("</ul>")
        if "notes" in retro.notes:
            html.append(f"<p><strong>{_t('notes', lang)}</strong>: {_e(retro.notes['notes'])}</p>")
    if not r.retros:
        html.append(f"<p>{_t('empty', lang)}</p>")
    return [*html, "</section>"]


def _scorecards(r: Report, lang: str) -> list[str]:
    if r.scorecards is None:
        return []
    rows = [
        _row(
            [
                _e(r.names.person(c.owner) if c.owner else r.names.unit(c.unit)),
                _e(percent(c.okr_score)),
                _e(percent(c.kpi_score)),
                _e(percent(c.total)),
                _e(c.rating or "—"),
                "—" if c.bonus is None else f"{c.bonus:.2f}x",
            ],
            {1, 2, 3, 5},
        )
        for c in r.scorecards
    ]
    head = [text("owner", lang), "OKR", "KPI", text("total", lang)]
    head += [text("rating", lang), text("bonus", lang)]
    return [
        f'<section id="scorecards"><h2>{_t("scorecards", lang)}</h2>',
        _table(head, rows, {1, 2, 3, 5}),
        "</section>",
    ]


SECTION = {
    "header": _header,
    "warnings": _warnings,
    "summary": _summary,
    "objectives": _objectives,
    "kpis": _kpis,
    "synergy": _synergy,
    "balanced": _balanced,
    "changes": _changes,
    "forecast": _forecast,
    "risks": _risks,
    "retrospective": _retrospective,
    "scorecards": _scorecards,
}


def render(r: Report, out: IO[str]) -> None:
    out.write("\n".join([*walk(SECTION, r, r.lang), "</body></html>\n"]))
