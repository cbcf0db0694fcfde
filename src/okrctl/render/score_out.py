"""`okrctl score` as text, JSON, CSV (opens cleanly in Excel) and Markdown."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from typing import IO, Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.core.i18n import N_, tr
from okrctl.core.model import Names
from okrctl.core.shown import percent
from okrctl.evaluate.scoring import BalancedCard, Card, MeasureScore, ScoreReport, Synergy
from okrctl.metrics.rejected import by_file, row_note, warnings_for
from okrctl.metrics.source import Rejected
from okrctl.render.console import make_console
from okrctl.render.escape import csv_cell, markdown, one_line
from okrctl.render.status_style import REJECTED_MARK as MARK

SCORE_FORMAT_VERSION = 1


def _who(card: Card, names: Names | None = None) -> str:
    if names is None:
        return card.owner or card.unit or ""
    return names.person(card.owner) if card.owner else names.unit(card.unit)


def _name(card: Card, lang: str = "en") -> str:
    return card.id if card.declared else tr("(default)", lang)


def _multiplier(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def as_dict(report: ScoreReport, synergy: bool) -> dict[str, Any]:
    """The JSON document of ``okrctl score`` (docs/output.md): scores and weights are
    fractions (0.85, not 85%) rounded to 6 decimals, None where there is nothing to score;
    ``synergy`` adds the OKR-KPI synergy list."""
    document: dict[str, Any] = {
        "format": "okrctl-score",
        "version": SCORE_FORMAT_VERSION,
        "okrctl": __version__,
        "cycle": report.cycle,
        "as_of": report.as_of,
        "scorecards": [_card_dict(c) for c in report.cards],
        "balanced": [_balanced_dict(b) for b in report.balanced],
        "warnings": [w.as_dict() for w in report.warnings],
    }
    if synergy:
        document["synergy"] = [_synergy_dict(s) for s in report.synergy]
    return document


def _rounded(value: float | None) -> float | None:
    """A fraction rounded to 6 decimals for JSON, or None."""
    return None if value is None else round(value, 6)


def _card_dict(c: Card) -> dict[str, Any]:
    """One OKR/KPI scorecard: its parts, weights, total, rating and bonus multiplier."""
    return {
        "id": c.id,
        "kind": c.kind,
        "owner": c.owner,
        "unit": c.unit,
        "declared": c.declared,
        "okr_score": _rounded(c.okr_score),
        "kpi_score": _rounded(c.kpi_score),
        "okr_weight": c.okr_weight,
        "kpi_weight": c.kpi_weight,
        "total": _rounded(c.total),
        "rating": c.rating,
        "bonus": _rounded(c.bonus),
        "objectives": [
            {
                "id": g.objective.id,
                "progress": _rounded(g.progress),
                "graded": _rounded(g.graded),
                "type": g.objective.type.value,
            }
            for g in c.objectives
        ],
        "kpis": [{"id": k.kpi.id, "score": _rounded(k.score), "weight": k.weight} for k in c.kpis],
        "rejected": _rejected(c.rejected),
    }


def _balanced_dict(b: BalancedCard) -> dict[str, Any]:
    """One Balanced Scorecard: total, rating, warnings, and each perspective's measures."""
    return {
        "id": b.scorecard.id,
        "total": _rounded(b.total),
        "rating": b.rating,
        "warnings": list(b.warnings),
        "perspectives": [
            {
                "name": p.name,
                "weight": p.weight,
                "score": _rounded(p.score),
                "measures": [
                    {
                        "id": m.id,
                        "kind": m.kind,
                        "weight": m.weight,
                        "score": _rounded(m.score),
                        "status": m.status.value,
                        "rejected": _rejected(m.rejected),
                    }
                    for m in p.measures
                ],
            }
            for p in b.perspectives
        ],
    }


def _synergy_dict(s: Synergy) -> dict[str, Any]:
    """One objective's synergy: its progress beside its KPIs' attainment and its
    children's completion, and the flag when they disagree."""
    return {
        "objective": s.objective.id,
        "progress": _rounded(s.progress),
        "status": s.status.value,
        "kpi_attainment": _rounded(s.kpi_attainment),
        "children_completion": _rounded(s.children_completion),
        "kpis": [k.kpi.id for k in s.kpis],
        "children": [g.objective.id for g in s.children],
        "flag": s.flag,
    }


def _rejected(rejected: tuple[Rejected, ...]) -> list[dict[str, Any]]:
    return [w.as_dict(goals=False) for w in warnings_for([("", rejected)])]


def render_json(report: ScoreReport, out: IO[str], synergy: bool) -> None:
    """Write ``as_dict(report, synergy)`` to ``out`` as JSON, one trailing newline."""
    json_out.dump(as_dict(report, synergy), out)
    out.write("\n")


CSV_HEADER = [
    "scorecard",
    "kind",
    "owner",
    "unit",
    "okr_score",
    "kpi_score",
    "okr_weight",
    "kpi_weight",
    "total",
    "rating",
    "bonus_multiplier",
    "rejected_cells",
    "rejected_input",
]


def render_csv(report: ScoreReport, out: IO[str]) -> None:
    """UTF-8 with a BOM (Excel reads Chinese names right); text cells are one line,
    terminal-safe and never a spreadsheet formula (``escape.csv_cell``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)

    def num(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    for c in report.cards:
        writer.writerow(
            [
                csv_cell(c.id),
                c.kind,
                csv_cell(c.owner or ""),
                csv_cell(c.unit or ""),
                num(c.okr_score),
                num(c.kpi_score),
                num(c.okr_weight),
                num(c.kpi_weight),
                num(c.total),
                csv_cell(c.rating or ""),
                num(c.bonus),
                str(sum(r.count for r in c.rejected)),
                csv_cell(row_note(c.rejected) or ""),
            ]
        )
    for b in report.balanced:
        writer.writerow(
            [
                csv_cell(b.scorecard.id),
                "balanced",
                "",
                csv_cell(b.scorecard.unit or ""),
                "",
                "",
                "",
                "",
                num(b.total),
                csv_cell(b.rating or ""),
                "",
                str(sum(r.count for r in b.rejected)),
                csv_cell(row_note(b.rejected) or ""),
            ]
        )
    out.write("\ufeff" + buffer.getvalue())


def _measure(m: MeasureScore) -> str:
    """``KPI-GM 92%``, marked when its number rests on rejected input."""
    return f"{m.id} {percent(m.score)}" + (f" {MARK}" if m.rejected else "")


def render_markdown(report: ScoreReport, out: IO[str], synergy: bool) -> None:
    """Write the scorecards to ``out`` as Markdown tables; scores are shown as percentages."""
    lines = [f"## Scorecards, {markdown(report.cycle)}, as of {report.as_of}", ""]
    noted = bool(report.warnings)
    lines += [
        "| Scorecard | Owner / unit | OKR | KPI | Total | Rating | Bonus |"
        + (" Note |" if noted else ""),
        "|---|---|---:|---:|---:|---|---:|" + ("---|" if noted else ""),
    ]
    for c in report.cards:
        lines.append(
            f"| {markdown(_name(c))} | {markdown(_who(c))} | {percent(c.okr_score)} | "
            f"{percent(c.kpi_score)} | {percent(c.total)} | "
            f"{markdown(c.rating or '—')} | {_multiplier(c.bonus)} |"
            + (f" {markdown(row_note(c.rejected) or '')} |" if noted else "")
        )
    for b in report.balanced:
        lines += [
            "",
            f"### Balanced scorecard {markdown(b.scorecard.id)}: "
            f"{percent(b.total)} ({markdown(b.rating or '—')})",
            "",
            "| Perspective | Weight | Score | Measures |",
            "|---|---:|---:|---|",
        ]
        for p in b.perspectives:
            measures = ", ".join(markdown(_measure(m)) for m in p.measures)
            lines.append(
                f"| {markdown(p.title or p.name)} | {percent(p.weight)} | "
                f"{percent(p.score)} | {measures or '—'} |"
            )
        lines += [f"- ⚠️ {markdown(w)}" for w in b.warnings]
    if synergy:
        lines += _synergy_md(report.synergy, _affected(report))
    if report.warnings:
        lines += ["", *(f"> ⚠️ {markdown(w.message)}" for w in by_file(report.warnings))]
    out.write("\n".join(lines) + "\n")


def _affected(report: ScoreReport) -> set[str]:
    """The goals whose numbers miss rejected input."""
    return {goal for warning in report.warnings for goal in warning.goals}


def synergy_mark(s: Synergy, affected: Collection[str]) -> str:
    """``*`` after an objective whose synergy numbers rest on rejected input."""
    ids = [s.objective.id, *(k.kpi.id for k in s.kpis), *(g.objective.id for g in s.children)]
    return f" {MARK}" if any(i in affected for i in ids) else ""


def _synergy_md(items: list[Synergy], affected: set[str]) -> list[str]:
    lines = [
        "",
        "### OKR–KPI synergy",
        "",
        "| Objective | Completion | KPI attainment | Aligned goals | Note |",
        "|---|---:|---:|---:|---|",
    ]
    for s in items:
        lines.append(
            f"| {markdown(s.objective.id + synergy_mark(s, affected))} | {percent(s.progress)} | "
            f"{percent(s.kpi_attainment)} | {percent(s.children_completion)} | "
            f"{markdown(s.flag or '')} |"
        )
    return lines


def render_text(
    report: ScoreReport,
    out: IO[str],
    *,
    color: bool,
    synergy: bool,
    lang: str = "en",
    names: Names | None = None,
) -> None:
    """Write the scorecards to ``out`` as terminal tables (styled when ``color``) in
    ``lang``, people and units by their ``names``; scores are shown as percentages."""
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, color=color)
    table = Table(
        box=None,
        title=tr("Scorecards, {cycle}, as of {date}", lang, cycle=report.cycle, date=report.as_of),
        title_justify="left",
        title_style="bold",
        header_style="bold",
        pad_edge=False,
    )
    noted = bool(report.warnings)
    for name, justify in (
        (N_("scorecard"), "left"),
        (N_("owner / unit"), "left"),
        ("OKR", "right"),
        ("KPI", "right"),
        (N_("total"), "right"),
        (N_("rating"), "left"),
        (N_("bonus"), "right"),
        *(((N_("note"), "left"),) if noted else ()),
    ):
        table.add_column(tr(name, lang), justify=justify, no_wrap=name != "note")
    for c in report.cards:
        table.add_row(
            one_line(_name(c, lang)),
            one_line(_who(c, names)),
            percent(c.okr_score),
            percent(c.kpi_score),
            percent(c.total),
            one_line(c.rating or "—"),
            _multiplier(c.bonus),
            *((Text(one_line(row_note(c.rejected) or ""), style="yellow"),) if noted else ()),
        )
    console.print(table)
    for b in report.balanced:
        _balanced_text(console, b, lang)
    if synergy and report.synergy:
        console.print()
        syn = Table(
            box=None,
            title=tr("OKR–KPI synergy", lang),
            title_justify="left",
            title_style="bold",
            header_style="bold",
            pad_edge=False,
        )
        for name in (
            N_("objective"),
            N_("completion"),
            N_("KPI attainment"),
            N_("aligned goals"),
            N_("note"),
        ):
            syn.add_column(tr(name, lang), no_wrap=name != "note")
        affected = _affected(report)
        for s in report.synergy:
            syn.add_row(
                one_line(s.objective.id) + synergy_mark(s, affected),
                percent(s.progress),
                percent(s.kpi_attainment),
                percent(s.children_completion),
                Text(one_line(s.flag or ""), style="yellow"),
            )
        console.print(syn)
    for warning in by_file(report.warnings):
        console.print(Text(f"! {one_line(warning.message)}", style="yellow"))


def _balanced_text(console: Any, b: BalancedCard, lang: str = "en") -> None:
    from rich.table import Table
    from rich.text import Text

    console.print()
    table = Table(
        box=None,
        header_style="bold",
        pad_edge=False,
        title_justify="left",
        title_style="bold",
        title=tr(
            "Balanced scorecard {id}: {total} ({rating})",
            lang,
            id=one_line(b.scorecard.id),
            total=percent(b.total),
            rating=one_line(b.rating or "—"),
        ),
    )
    for name in (N_("perspective"), N_("weight"), N_("score"), N_("measures")):
        table.add_column(tr(name, lang), no_wrap=name != "measures")
    for p in b.perspectives:
        measures = ", ".join(one_line(_measure(m)) for m in p.measures)
        title = p.title or tr(p.name, lang)
        table.add_row(one_line(title), percent(p.weight), percent(p.score), measures or "—")
    console.print(table)
    for warning in b.warnings:
        console.print(Text(f"! {one_line(warning)}", style="yellow"))
    if b.rejected:
        console.print(
            Text(tr("{mark} rests on rejected input (below)", lang, mark=MARK), style="yellow")
        )
