"""Strategy maps as text, Mermaid (renders in GitHub Markdown) and Graphviz DOT; and the
answer of `okrctl why`."""

from __future__ import annotations

import re
from typing import IO

from okrctl.core.i18n import tr
from okrctl.core.progress import Status
from okrctl.core.shown import percent
from okrctl.evaluate.scoring import BalancedCard
from okrctl.evaluate.why import WhyResult
from okrctl.metrics.rejected import by_file, row_note, warnings_for
from okrctl.metrics.source import Rejected
from okrctl.render.escape import one_line
from okrctl.render.status_style import FILLS, SYMBOLS
from okrctl.render.status_style import REJECTED_MARK as MARK


def _node_id(ident: str) -> str:
    """A Mermaid/DOT-safe identifier for any measure id."""
    return "n_" + re.sub(r"[^A-Za-z0-9_]", lambda m: f"_{ord(m.group()):x}_", ident)


def _mermaid_text(text: str) -> str:
    return (
        one_line(text)
        .replace("&", "&amp;")
        .replace('"', "#quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _dot_text(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def _footnotes(card: BalancedCard, lang: str = "en") -> list[str]:
    """The warnings of the numbers a map shows, one per metric file, in ``lang``."""
    found = warnings_for(
        (m.id, m.rejected) for p in card.perspectives for m in p.measures if m.rejected
    )
    return [w.text(lang) for w in by_file(found)]


def _note(rejected: tuple[Rejected, ...], lang: str) -> str:
    note = row_note(rejected, lang)
    return f"  ({one_line(note)})" if note else ""


def render_text(card: BalancedCard, out: IO[str], lang: str = "en") -> None:
    """The strategy map as text in ``lang``: perspectives with their measures' scores and
    status words, then the links."""
    title = tr(
        "strategy map of {id}: {total}",
        lang,
        id=one_line(card.scorecard.id),
        total=percent(card.total),
    )
    out.write(title + "\n")
    for p in card.perspectives:
        name = one_line(p.title or tr(p.name, lang))
        out.write(f"\n{name} ({percent(p.weight)}): {percent(p.score)}\n")
        for m in p.measures:
            out.write(
                f"  {SYMBOLS[m.status]} {one_line(m.id)}  {one_line(m.title)}  "
                f"{percent(m.score)}  {tr(m.status.word, lang)}{_note(m.rejected, lang)}\n"
            )
    if card.scorecard.links:
        out.write("\n" + tr("links (driver -> result):", lang) + "\n")
        for link in card.scorecard.links:
            out.write(f"  {one_line(link.driver)} -> {one_line(link.result)}\n")
    footnotes = _footnotes(card, lang)
    if footnotes:
        out.write("\n" + "".join(f"! {one_line(f)}\n" for f in footnotes))


def render_mermaid(card: BalancedCard, out: IO[str], lang: str = "en") -> None:
    """The strategy map as a Mermaid flowchart, its words in ``lang``."""
    lines = ["flowchart BT"]
    for index, p in enumerate(card.perspectives):
        name = _mermaid_text(p.title or tr(p.name, lang))
        lines.append(f'  subgraph p{index}["{name} {percent(p.score)}"]')
        for m in p.measures:
            mark = f" {MARK}" if m.rejected else ""
            label = f"{_mermaid_text(m.id)}<br/>{SYMBOLS[m.status]} {percent(m.score)}{mark}"
            lines.append(f'    {_node_id(m.id)}["{label}"]:::{m.status.value}')
        lines.append("  end")
    for link in card.scorecard.links:
        lines.append(f"  {_node_id(link.driver)} --> {_node_id(link.result)}")
    footnotes = _footnotes(card, lang)
    if footnotes:  # a node of its own, so the rendered map shows it
        text = "<br/>".join(f"{MARK} {_mermaid_text(f)}" for f in footnotes)
        lines.append(f'  rejected_input["{text}"]:::grey')
    for status in Status:
        lines.append(f"  classDef {status.value} fill:{FILLS[status]},stroke:#555")
    out.write("\n".join(lines) + "\n")


def render_dot(card: BalancedCard, out: IO[str], lang: str = "en") -> None:
    """The strategy map as Graphviz DOT, its words in ``lang``."""
    lines = [
        f'digraph "{_dot_text(card.scorecard.id)}" {{',
        "  rankdir=BT;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
    ]
    for index, p in enumerate(card.perspectives):
        lines.append(f"  subgraph cluster_{index} {{")
        name = _dot_text(p.title or tr(p.name, lang))
        lines.append(f'    label="{name} {percent(p.score)}";')
        for m in p.measures:
            mark = f" {MARK}" if m.rejected else ""
            lines.append(
                f'    {_node_id(m.id)} [label="{_dot_text(m.id)}\\n'
                f'{SYMBOLS[m.status]} {percent(m.score)}{mark}", fillcolor="{FILLS[m.status]}"];'
            )
        lines.append("  }")
    for link in card.scorecard.links:
        lines.append(f"  {_node_id(link.driver)} -> {_node_id(link.result)};")
    footnotes = _footnotes(card, lang)
    if footnotes:  # a node of its own, so the drawn map shows it
        text = "\\l".join(f"{MARK} {_dot_text(f)}" for f in footnotes) + "\\l"
        lines.append(
            f'  rejected_input [shape=note, label="{text}", fillcolor="{FILLS[Status.GREY]}"];'
        )
    lines.append("}")
    out.write("\n".join(lines) + "\n")


def render_why(results: list[WhyResult], out: IO[str], lang: str = "en") -> None:
    """Why a measure is red or yellow, in ``lang``: the drivers upstream that are off
    track, nearest first."""
    for result in results:
        m = result.measure
        out.write(
            tr(
                "{id} ({perspective}, scorecard {scorecard}): {score}, {status}",
                lang,
                id=one_line(m.id),
                perspective=one_line(tr(result.perspective, lang)),
                scorecard=one_line(result.scorecard),
                score=percent(m.score),
                status=tr(m.status.word, lang),
            )
            + "\n"
        )
        if m.rejected:
            note = one_line(row_note(m.rejected, lang) or "")
            out.write(
                "  " + tr("its number rests on rejected input: {note}", lang, note=note) + "\n"
            )
        if m.status not in (Status.YELLOW, Status.RED):
            out.write("  " + tr("it is not off track; its drivers, for reference:", lang) + "\n")
        if not result.drivers:
            nothing = tr("no strategy-map link leads into it: nothing upstream to look at", lang)
            out.write(f"  {nothing}\n")
            continue
        if m.status in (Status.YELLOW, Status.RED):
            if result.off_track:
                out.write("  " + tr("drivers off track, nearest first:", lang) + "\n")
            else:
                calm = tr("every driver upstream is on track: look at the measure itself", lang)
                out.write(f"  {calm}\n")
        shown = result.off_track if m.status in (Status.YELLOW, Status.RED) else result.drivers
        for d in shown:
            out.write(
                f"  {'  ' * (d.depth - 1)}{SYMBOLS[d.status]} {one_line(d.id)} "
                f"({one_line(tr(d.perspective, lang))}) {percent(d.score)} "
                f"{tr(d.status.word, lang)}"
                + tr(", drives {drives}", lang, drives=one_line(d.drives))
                + f"{_note(d.rejected, lang)}\n"
            )
    found = warnings_for(
        [
            *((r.measure.id, r.measure.rejected) for r in results),
            *((d.id, d.rejected) for r in results for d in r.drivers),
        ]
    )
    for warning in by_file(found):
        out.write(f"! {one_line(warning.text(lang))}\n")
