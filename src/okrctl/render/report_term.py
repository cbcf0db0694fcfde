"""The report in a terminal: rich tables, sparklines, the status symbols of `status`."""

from __future__ import annotations

from typing import IO

from okrctl.i18n import text
from okrctl.metrics.source import Rejected
from okrctl.progress import Status
from okrctl.rejected import by_file, count_note, row_note
from okrctl.render.console import make_console
from okrctl.render.escape import one_line
from okrctl.render.status_style import REJECTED_MARK as MARK
from okrctl.render.status_style import SYMBOLS, status_key
from okrctl.render.status_style import TERMINAL_COLORS as COLORS
from okrctl.report import Report
from okrctl.shown import number, percent

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


def render(r: Report, out: IO[str], *, color: bool) -> None:
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    lang = r.lang
    console = make_console(out, color=color, width=None if out.isatty() else 160)

    def t(key: str, **kw: object) -> str:
        return text(key, lang, **kw)

    def status(s: Status, has_value: bool = False) -> Text:
        return Text(f"{SYMBOLS[s]} {t(status_key(s, has_value))}", style=COLORS[s])

    console.print(
        Text(
            f"{t('title')}: {one_line(r.org or '')} {r.cycle}  ({r.start} – "
            f"{r.end}, {t('as_of')} {r.as_of}{', ' + t('final') if r.final else ''})",
            style="bold",
        )
    )
    for warning in r.warnings:
        console.print(Text(f"! {one_line(warning)}", style="yellow"))
    for data_warning in by_file(r.data_warnings):
        console.print(Text(f"! {one_line(data_warning.text(lang))}", style="yellow"))
    if r.data_warnings:
        console.print(Text(t("rejected_mark"), style="yellow"))

    def mark(ident: str) -> str:
        return f" {MARK}" if ident in r.rejected_by_goal else ""

    def marked(label: str, rejected: tuple[Rejected, ...], note: str | None = None) -> Text:
        out = Text(label)
        if note:
            out.append(f"  ({one_line(note)})", style="yellow" if rejected else "dim")
        if rejected and not (note or "").startswith("no usable data"):
            out.append(f"  ({one_line(row_note(rejected, lang) or '')})", style="yellow")
        return out

    s = r.summary
    console.print(Rule(t("summary")))
    counts = ", ".join(f"{SYMBOLS[Status(k)]} {t(k)} {v}" for k, v in sorted(s.by_status.items()))
    console.print(f"{t('status_count')}: {counts or '—'}")
    console.print(
        f"{t('average_score')}: {percent(s.average_score)}   {t('alignment')}: "
        f"{percent(s.alignment_rate)}   {t('coverage')}: {percent(s.coverage)}"
    )
    for f in s.freshness:
        console.print(
            f"{t('freshness')}: {one_line(f.source)} {f.latest or '—'} ({t(f.state)}"
            + (f"; {count_note(f.rejected, lang)}" if f.rejected else "")
            + ")"
        )
    console.print(Rule(t("objectives")))
    for level, objectives in r.levels:
        table = Table(
            box=None,
            title=f"{t('level')}: {one_line(level)}",
            title_justify="left",
            header_style="bold",
            pad_edge=False,
        )
        for name in (t("goal"), t("progress"), t("score"), "", t("status"), t("owner")):
            table.add_column(name, no_wrap=name != t("goal"))
        for o in objectives:
            title = marked(f"{o.id}  {one_line(o.title)}", o.rejected)
            title.stylize("bold", 0, len(o.id) + 2 + len(one_line(o.title)))
            table.add_row(
                title,
                percent(o.progress),
                percent(o.score),
                "",
                status(o.status),
                one_line(o.owner or ""),
            )
            for k in o.key_results:
                table.add_row(
                    marked(f"  {one_line(k.id)}  {one_line(k.title)}", k.rejected),
                    percent(k.progress),
                    f"{number(k.current, percent=k.percent, lang=lang)} / "
                    f"{number(k.target, percent=k.percent, lang=lang)}",
                    Text(sparkline([v for _, v in k.series]), style=COLORS[k.status]),
                    status(k.status, k.current is not None),
                    "",
                )
        console.print(table)
    if r.kpis:
        console.print(Rule(t("kpis")))
        table = Table(box=None, header_style="bold", pad_edge=False)
        for name in (t("goal"), t("actual"), t("target"), t("attainment"), t("score"), t("status")):
            table.add_column(name)
        for kpi in r.kpis:
            table.add_row(
                marked(f"{kpi.id}  {one_line(kpi.title)}", kpi.rejected, kpi.note),
                number(kpi.actual, percent=kpi.percent, lang=lang),
                number(kpi.target, percent=kpi.percent, lang=lang),
                percent(kpi.attainment),
                percent(kpi.score),
                status(kpi.status),
            )
        console.print(table)
    for card in r.balanced:
        console.print(
            Rule(
                f"{t('balanced')}: {one_line(card.scorecard.id)} "
                f"{percent(card.total)} ({one_line(card.rating or '—')})"
            )
        )
        for p in card.perspectives:
            measures = ", ".join(
                f"{SYMBOLS[m.status]} {one_line(m.id)} {percent(m.score)}{mark(m.id)}"
                for m in p.measures
            )
            console.print(f"{one_line(p.title or p.name)} {percent(p.score)}: {measures}")
    console.print(Rule(t("changes")))
    if r.changes_note:
        console.print(one_line(r.changes_note))
    for c in r.changes:
        posts = " ".join(f"[{t('goalpost')}: {p['reason']}, {p['author']}]" for p in c.goalposts)
        console.print(
            Text(
                f"{t(c.kind)} {c.entity} {one_line(c.id)} {one_line(posts)}",
                style="red" if c.goalposts else "",
            )
        )
    console.print(Rule(t("risks")))
    for risk in r.risks:
        drivers = ", ".join(f"{SYMBOLS[st]} {one_line(d)}" for d, st, _ in risk.drivers)
        console.print(
            Text(
                f"{SYMBOLS[risk.status]} {one_line(risk.id)} {one_line(risk.title)} "
                f"{percent(risk.progress)}{mark(risk.id)}" + (f"  <- {drivers}" if drivers else ""),
                style=COLORS[risk.status],
            )
        )
    if not r.risks:
        console.print(t("no_risks"))
    console.print(Rule(t("retro")))
    for retro in r.retros:
        console.print(
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
            for item in items:
                console.print(f"  {t(key)}: {one_line(item)}")
            if key in retro.notes:
                console.print(f"  {t(key)} ✍ {one_line(retro.notes[key])}")
