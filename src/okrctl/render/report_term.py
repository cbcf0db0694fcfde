"""The report in a terminal: rich tables, sparklines, the status symbols of `status`."""

from __future__ import annotations

from typing import IO, Any

from okrctl.core.i18n import text, tr
from okrctl.core.model import Names
from okrctl.core.progress import Status
from okrctl.core.shown import number, percent
from okrctl.metrics.rejected import by_file, count_note, row_note
from okrctl.metrics.source import Rejected
from okrctl.render.console import make_console
from okrctl.render.escape import one_line
from okrctl.render.report_sections import sure, walk
from okrctl.render.status_style import REJECTED_MARK as MARK
from okrctl.render.status_style import SYMBOLS, status_key
from okrctl.render.status_style import TERMINAL_COLORS as COLORS
from okrctl.review.report import ObjectiveEntry, Report

_TICKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], width: int = 16) -> str:
    if not values:
        return ""
    if len(values) > width:  # sample evenly, keep the last value
        step = (len(values) - 1) / (width - 1)
        values = [values[round(i * step)] for i in range(width)]
    low, high = min(values), max(values)
    if high == low:
        return _TICKS[3] * len(values)
    return "".join(_TICKS[round((v - low) / (high - low) * (len(_TICKS) - 1))] for v in values)


# Each section gives what the console prints, in order: rich Text, Table, Rule or str.
Parts = list[Any]


def _status(s: Status, lang: str, has_value: bool = False) -> Any:
    from rich.text import Text

    return Text(f"{SYMBOLS[s]} {text(status_key(s, has_value), lang)}", style=COLORS[s])


def _mark(r: Report, ident: str) -> str:
    return f" {MARK}" if ident in r.rejected_by_goal else ""


def _marked(label: str, rejected: tuple[Rejected, ...], lang: str, note: str | None = None) -> Any:
    from rich.text import Text

    out = Text(label)
    if note:
        out.append(f"  ({one_line(note)})", style="yellow" if rejected else "dim")
    if rejected and not (note or "").startswith("no usable data"):
        out.append(f"  ({one_line(row_note(rejected, lang) or '')})", style="yellow")
    return out


def _rule(title: str) -> Any:
    from rich.rule import Rule

    return Rule(title)


def _header(r: Report, lang: str) -> Parts:
    from rich.text import Text

    final = ", " + text("final", lang) if r.final else ""
    return [
        Text(
            f"{text('title', lang)}: {one_line(r.org or '')} {r.cycle}  ({r.start} – "
            f"{r.end}, {text('as_of', lang)} {r.as_of}{final})",
            style="bold",
        )
    ]


def _warnings(r: Report, lang: str) -> Parts:
    from rich.text import Text

    parts: Parts = [Text(f"! {one_line(w)}", style="yellow") for w in r.warnings]
    parts += [Text(f"! {one_line(w.text(lang))}", style="yellow") for w in by_file(r.data_warnings)]
    if r.data_warnings:
        parts.append(Text(text("rejected_mark", lang), style="yellow"))
    return parts


def _summary(r: Report, lang: str) -> Parts:
    def t(key: str) -> str:
        return text(key, lang)

    s = r.summary
    counts = ", ".join(f"{SYMBOLS[Status(k)]} {t(k)} {v}" for k, v in sorted(s.by_status.items()))
    parts: Parts = [
        _rule(t("summary")),
        f"{t('status_count')}: {counts or '—'}",
        f"{t('average_score')}: {percent(s.average_score)}   {t('alignment')}: "
        f"{percent(s.alignment_rate)}   {t('coverage')}: {percent(s.coverage)}",
    ]
    for f in s.freshness:
        parts.append(
            f"{t('freshness')}: {one_line(f.source)} {f.latest or '—'} ({t(f.state)}"
            + (f"; {count_note(f.rejected, lang)}" if f.rejected else "")
            + ")"
        )
    return parts


def _level_table(
    level: str, objectives: list[ObjectiveEntry], lang: str, names: Names | None = None
) -> Any:
    from rich.table import Table
    from rich.text import Text

    def t(key: str) -> str:
        return text(key, lang)

    table = Table(
        box=None,
        title=f"{t('level')}: {one_line(tr(level, lang))}",
        title_justify="left",
        header_style="bold",
        pad_edge=False,
    )
    # an objective has a score, a key result a value against its target: each under its
    # own header, the other cell left empty
    value = f"{t('current')} / {t('target')}"
    for name in (t("goal"), t("progress"), t("score"), value, "", t("status"), t("owner")):
        table.add_column(name, no_wrap=name != t("goal"))
    for o in objectives:
        title = _marked(f"{o.id}  {one_line(o.title)}", o.rejected, lang)
        title.stylize("bold", 0, len(o.id) + 2 + len(one_line(o.title)))
        table.add_row(
            title,
            percent(o.progress),
            percent(o.score),
            "",
            "",
            _status(o.status, lang),
            one_line((names or Names()).person(o.owner)),
        )
        for k in o.key_results:
            table.add_row(
                _marked(f"  {one_line(k.id)}  {one_line(k.title)}", k.rejected, lang),
                percent(k.progress) + sure(k.confidence, lang),
                "",
                f"{number(k.current, percent=k.percent, lang=lang)} / "
                f"{number(k.target, percent=k.percent, lang=lang)}",
                Text(sparkline([v for _, v in k.series]), style=COLORS[k.status]),
                _status(k.status, lang, k.current is not None),
                "",
            )
    return table


def _objectives(r: Report, lang: str) -> Parts:
    tables = [_level_table(level, objectives, lang, r.names) for level, objectives in r.levels]
    return [_rule(text("objectives", lang)), *tables]


def _kpis(r: Report, lang: str) -> Parts:
    from rich.table import Table

    if not r.kpis:
        return []
    table = Table(box=None, header_style="bold", pad_edge=False)
    for key in ("goal", "actual", "target", "attainment", "score", "status"):
        table.add_column(text(key, lang))
    for kpi in r.kpis:
        table.add_row(
            _marked(f"{kpi.id}  {one_line(kpi.title)}", kpi.rejected, lang, kpi.note),
            number(kpi.actual, percent=kpi.percent, lang=lang),
            number(kpi.target, percent=kpi.percent, lang=lang),
            percent(kpi.attainment),
            percent(kpi.score),
            _status(kpi.status, lang),
        )
    return [_rule(text("kpis", lang)), table]


def _not_shown(r: Report, lang: str) -> Parts:
    """The terminal report leaves this section to `okrctl score` (synergy, scorecards)
    and to the Markdown, HTML and JSON reports (forecast), to stay one screen wide."""
    return []


def _balanced(r: Report, lang: str) -> Parts:
    parts: Parts = []
    for card in r.balanced:
        parts.append(
            _rule(
                f"{text('balanced', lang)}: {one_line(card.scorecard.id)} "
                f"{percent(card.total)} ({one_line(card.rating or '—')})"
            )
        )
        for p in card.perspectives:
            measures = ", ".join(
                f"{SYMBOLS[m.status]} {one_line(m.id)} {percent(m.score)}{_mark(r, m.id)}"
                for m in p.measures
            )
            parts.append(f"{one_line(p.title or p.name)} {percent(p.score)}: {measures}")
    return parts


def _changes(r: Report, lang: str) -> Parts:
    from rich.text import Text

    parts: Parts = [_rule(text("changes", lang))]
    if r.changes_note:
        parts.append(one_line(r.changes_note))
    for c in r.changes:
        posts = " ".join(
            f"[{text('goalpost', lang)}: {p['reason']}, {p['author']}]" for p in c.goalposts
        )
        parts.append(
            Text(
                f"{text(c.kind, lang)} {c.entity} {one_line(c.id)} {one_line(posts)}",
                style="red" if c.goalposts else "",
            )
        )
    return parts


def _risks(r: Report, lang: str) -> Parts:
    from rich.text import Text

    parts: Parts = [_rule(text("risks", lang))]
    for risk in r.risks:
        drivers = ", ".join(f"{SYMBOLS[st]} {one_line(d)}" for d, st, _ in risk.drivers)
        parts.append(
            Text(
                f"{SYMBOLS[risk.status]} {one_line(risk.id)} {one_line(risk.title)} "
                f"{percent(risk.progress)}{_mark(r, risk.id)}"
                + (f"  <- {drivers}" if drivers else ""),
                style=COLORS[risk.status],
            )
        )
    if not r.risks:
        parts.append(text("no_risks", lang))
    return parts


def _retrospective(r: Report, lang: str) -> Parts:
    from rich.text import Text

    parts: Parts = [_rule(text("retro", lang))]
    for retro in r.retros:
        parts.append(
            Text(
                f"{SYMBOLS[retro.status]} {one_line(retro.id)} {one_line(retro.title)}",
                style="bold",
            )
        )
        for key, items in (
            ("went_right", retro.went_right),
            ("went_wrong", retro.went_wrong),
            ("change_next", retro.change_next),
        ):
            parts += [f"  {text(key, lang)}: {one_line(item)}" for item in items]
            if key in retro.notes:
                parts.append(f"  {text(key, lang)} ✍ {one_line(retro.notes[key])}")
    return parts


SECTION = {
    "header": _header,
    "warnings": _warnings,
    "summary": _summary,
    "objectives": _objectives,
    "kpis": _kpis,
    "synergy": _not_shown,
    "balanced": _balanced,
    "changes": _changes,
    "forecast": _not_shown,
    "risks": _risks,
    "retrospective": _retrospective,
    "scorecards": _not_shown,
}


def render(r: Report, out: IO[str], *, color: bool) -> None:
    console = make_console(out, color=color, width=None if out.isatty() else 160)
    for part in walk(SECTION, r, r.lang):
        console.print(part)
