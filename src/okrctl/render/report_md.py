"""The report as GitHub-flavoured Markdown: tables, Mermaid, long lists folded."""

from __future__ import annotations

import io
from typing import IO

from okrctl.core.i18n import text, tr
from okrctl.core.progress import Status
from okrctl.core.shown import number, percent
from okrctl.metrics.rejected import by_file, count_note, row_note
from okrctl.metrics.source import Rejected
from okrctl.render import report_columns as columns
from okrctl.render.diff_out import field_value
from okrctl.render.escape import markdown
from okrctl.render.report_columns import headings
from okrctl.render.report_sections import sure, walk
from okrctl.render.score_out import synergy_mark
from okrctl.render.status_style import REJECTED_MARK as MARK
from okrctl.render.status_style import status_key
from okrctl.render.strategy_map import render_mermaid
from okrctl.review.cycle import ChangeEntry
from okrctl.review.report import KREntry, Report

FOLD_ROWS = 25
# a GitHub job summary holds at most 1 MiB: longer tables show their first rows and say
# where the rest is
MAX_ROWS = 150
SYMBOL = {Status.GREEN: "🟢", Status.YELLOW: "🟡", Status.RED: "🔴", Status.GREY: "⚪"}


def _status(status: Status, lang: str, has_value: bool = False) -> str:
    return f"{SYMBOL[status]} {text(status_key(status, has_value), lang)}"


def _num(value: float | None, pct: bool, lang: str) -> str:
    return number(value, percent=pct, lang=lang)


def _table(head: list[str], rows: list[list[str]], lang: str) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(
            "| " + text("more_rows", lang, n=len(rows) - MAX_ROWS) + " |" * (len(head) - 1) + " |"
        )
    if len(rows) > FOLD_ROWS:
        return [
            f"<details><summary>{text('details', lang)} ({len(rows)})</summary>",
            "",
            *lines,
            "",
            "</details>",
        ]
    return lines


def _marked(rejected: tuple[Rejected, ...], lang: str, note: str | None = None) -> str:
    """After a goal's title: the note on its number, and what input it misses."""
    out = f" ({markdown(note)})" if note else ""
    if rejected and not (note or "").startswith("no usable data"):
        out += f" ⚠️ {markdown(row_note(rejected, lang) or '')}"
    return out


def _kr_cells(k: KREntry, lang: str) -> list[str]:
    return [
        f"↳ {markdown(k.id)} {markdown(k.title)}{_marked(k.rejected, lang)}",
        "",
        "",
        percent(k.progress) + sure(k.confidence, lang),
        "",
        _status(k.status, lang, k.current is not None),
    ]


def _mark(r: Report, ident: str) -> str:
    return f" {markdown(MARK)}" if ident in r.rejected_by_goal else ""


def _header(r: Report, lang: str) -> list[str]:
    final = f" ({text('final', lang)})" if r.final else ""
    return [
        f"# {text('title', lang)}: {markdown(r.org or '')} {markdown(r.cycle)}",
        "",
        f"{r.start} – {r.end}, {text('as_of', lang)} {r.as_of}{final}",
        "",
    ]


def _warnings(r: Report, lang: str) -> list[str]:
    lines = [f"> ⚠️ {markdown(warning)}" for warning in r.warnings]
    lines += [f"> ⚠️ {markdown(w.text(lang))}" for w in by_file(r.data_warnings)]
    if r.data_warnings:
        lines.append(f"> {markdown(text('rejected_mark', lang))}")
    if r.warnings or r.data_warnings:
        lines.append("")
    return lines


def _summary(r: Report, lang: str) -> list[str]:
    def t(key: str) -> str:
        return text(key, lang)

    s = r.summary
    lines = [f"## {t('summary')}", ""]
    counts = ", ".join(f"{_status(Status(k), lang)} {v}" for k, v in sorted(s.by_status.items()))
    lines += _table(
        ["", ""],
        [
            [t("status_count"), counts or "—"],
            [t("average_score"), percent(s.average_score)],
            [t("alignment"), percent(s.alignment_rate)],
            [t("coverage"), percent(s.coverage)],
        ],
        lang,
    )
    if s.freshness:
        lines += ["", f"**{t('freshness')}**", ""]
        lines += _table(
            [t("source"), t("latest"), t("age_days"), t("status")],
            [
                [
                    markdown(f.source),
                    str(f.latest or "—"),
                    "—" if f.age_days is None else str(f.age_days),
                    t(f.state) + (f"; {count_note(f.rejected, lang)}" if f.rejected else ""),
                ]
                for f in s.freshness
            ],
            lang,
        )
    return lines


def _objectives(r: Report, lang: str) -> list[str]:
    lines = ["", f"## {text('objectives', lang)}"]
    for level, objectives in r.levels:
        rows = []
        for o in objectives:
            band = text("band_committed" if o.committed else "band_aspirational", lang)
            rows.append(
                [
                    f"**{markdown(o.id)}** {markdown(o.title)}{_marked(o.rejected, lang)}",
                    markdown(r.names.person(o.owner)),
                    band,
                    percent(o.progress),
                    percent(o.score),
                    _status(o.status, lang),
                ]
            )
            rows += [_kr_cells(k, lang) for k in o.key_results]
        lines += ["", f"### {text('level', lang)}: {markdown(tr(level, lang))}", ""]
        lines += _table(headings(columns.OBJECTIVES, lang), rows, lang)
    return lines


def _kpis(r: Report, lang: str) -> list[str]:
    if not r.kpis:
        return []
    return [
        "",
        f"## {text('kpis', lang)}",
        "",
        *_table(
            headings(columns.KPIS, lang),
            [
                [
                    f"{markdown(k.id)} {markdown(k.title)}{_marked(k.rejected, lang, k.note)}",
                    markdown(r.names.person(k.owner)),
                    _num(k.actual, k.percent, lang),
                    _num(k.target, k.percent, lang),
                    percent(k.attainment),
                    percent(k.score),
                    _status(k.status, lang),
                ]
                for k in r.kpis
            ],
            lang,
        ),
    ]


def _synergy(r: Report, lang: str) -> list[str]:
    if not r.synergy:
        return []
    return [
        "",
        f"## {text('synergy', lang)}",
        "",
        *_table(
            headings(columns.ALIGNMENT, lang),
            [
                [
                    markdown(x.objective.id + synergy_mark(x, r.rejected_by_goal)),
                    percent(x.progress),
                    percent(x.kpi_attainment),
                    percent(x.children_completion),
                    markdown(x.flag or ""),
                ]
                for x in r.synergy
            ],
            lang,
        ),
    ]


def _balanced(r: Report, lang: str) -> list[str]:
    def t(key: str) -> str:
        return text(key, lang)

    lines: list[str] = []
    for card in r.balanced:
        lines += [
            "",
            f"## {t('balanced')}: {markdown(card.scorecard.id)} {percent(card.total)}"
            f" ({markdown(card.rating or '—')})",
            "",
        ]
        lines += _table(
            [t("perspective"), t("weight"), t("score"), t("measures")],
            [
                [
                    markdown(p.title or p.name),
                    percent(p.weight),
                    percent(p.score),
                    ", ".join(
                        f"{markdown(m.id)} {percent(m.score)}{_mark(r, m.id)}" for m in p.measures
                    ),
                ]
                for p in card.perspectives
            ],
            lang,
        )
        buffer = io.StringIO()
        render_mermaid(card, buffer, lang)
        lines += [
            "",
            f"**{t('strategy_map')}**",
            "",
            "```mermaid",
            buffer.getvalue().rstrip(),
            "```",
        ]
    return lines


def _change_row(c: ChangeEntry, lang: str) -> list[str]:
    detail = "; ".join(
        f"{markdown(f.field)}: {markdown(field_value(f.old, f.old_written))} → "
        f"{markdown(field_value(f.new, f.new_written))}"
        for f in c.fields
    )
    for post in c.goalposts:
        detail += (
            f" ⚠️ **{text('goalpost', lang)}**: {markdown(post['reason'])} "
            f"({markdown(str(post['author']))}, {str(post['when'])[:10]}"
            + (f", {post['commit']}" if post["commit"] else "")
            + ")"
        )
    who = (
        ""
        if c.author is None
        else f"{markdown(c.author)}, {str(c.when)[:10]}, {markdown(str(c.commit))}"
    )
    return [text(c.kind, lang), markdown(c.entity), markdown(c.id), detail, who]


def _changes(r: Report, lang: str) -> list[str]:
    lines = ["", f"## {text('changes', lang)}", ""]
    if r.changes_note:
        lines.append(markdown(r.changes_note))
    rows = [_change_row(c, lang) for c in r.changes]
    if rows:
        lines += _table(headings(columns.CHANGES, lang), rows, lang)
    return lines


def _forecast(r: Report, lang: str) -> list[str]:
    lines = ["", f"## {text('forecast', lang)}", ""]
    rows = [
        [
            markdown(k.path) + _mark(r, k.path),
            _num(k.current, k.percent, lang),
            _num(k.target, k.percent, lang),
            _num(k.forecast.landing_value, k.percent, lang),
            percent(k.forecast.landing_score),
            _num(k.forecast.trend_per_week, k.percent, lang),
            _num(k.forecast.needed_per_week, k.percent, lang),
        ]
        for _, group in r.levels
        for o in group
        for k in o.key_results
        if k.forecast is not None
    ]
    if rows:
        return lines + _table(headings(columns.FORECAST, lang), rows, lang)
    return [*lines, text("no_trend", lang)]


def _risks(r: Report, lang: str) -> list[str]:
    lines = ["", f"## {text('risks', lang)}", ""]
    if not r.risks:
        return [*lines, text("no_risks", lang)]
    if len(r.risks) > MAX_ROWS:
        lines.append(text("more_rows", lang, n=len(r.risks) - MAX_ROWS))
    for risk in r.risks[:MAX_ROWS]:
        drivers = ", ".join(f"{markdown(d)} ({text(s.value, lang)})" for d, s, _ in risk.drivers)
        lines.append(
            f"- {SYMBOL[risk.status]} **{markdown(risk.id)}** "
            f"{markdown(risk.title)}: {percent(risk.progress)}{_mark(r, risk.id)}"
            + (f"; {text('drivers', lang)}: {drivers}" if drivers else "")
        )
    return lines


def _retrospective(r: Report, lang: str) -> list[str]:
    lines = ["", f"## {text('retro', lang)}"]
    if len(r.retros) > MAX_ROWS:
        lines += ["", text("more_rows", lang, n=len(r.retros) - MAX_ROWS)]
    for retro in r.retros[:MAX_ROWS]:
        lines += ["", f"### {SYMBOL[retro.status]} {markdown(retro.id)} {markdown(retro.title)}"]
        for key, items in (
            ("went_right", retro.went_right),
            ("went_wrong", retro.went_wrong),
            ("change_next", retro.change_next),
        ):
            lines += ["", f"**{text(key, lang)}**", ""]
            lines += [f"- {markdown(item)}" for item in items] or [f"- {text('empty', lang)}"]
            if key in retro.notes:
                lines.append(f"- ✍️ {markdown(retro.notes[key])}")
        if "notes" in retro.notes:
            lines += ["", f"**{text('notes', lang)}**: {markdown(retro.notes['notes'])}"]
    if not r.retros:
        lines.append(text("empty", lang))
    return lines


def _scorecards(r: Report, lang: str) -> list[str]:
    if r.scorecards is None:
        return []

    def t(key: str) -> str:
        return text(key, lang)

    return [
        "",
        f"## {t('scorecards')}",
        "",
        *_table(
            [t("owner"), "OKR", "KPI", t("total"), t("rating"), t("bonus")],
            [
                [
                    markdown(r.names.person(c.owner) if c.owner else r.names.unit(c.unit)),
                    percent(c.okr_score),
                    percent(c.kpi_score),
                    percent(c.total),
                    markdown(c.rating or "—"),
                    "—" if c.bonus is None else f"{c.bonus:.2f}x",
                ]
                for c in r.scorecards
            ],
            lang,
        ),
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
    out.write("\n".join(walk(SECTION, r, r.lang)) + "\n")
