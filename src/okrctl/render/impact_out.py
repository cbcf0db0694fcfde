"""`okrctl diff --impact`: the status and progress or score of each goal a change
touches, and of the objectives above it, before and after (text, Markdown, JSON)."""

from __future__ import annotations

from typing import IO, Any

from okrctl.core import json_out
from okrctl.core.i18n import tr
from okrctl.core.shown import percent
from okrctl.render import diff_out
from okrctl.render.escape import markdown, one_line
from okrctl.review.diff import GoalDiff
from okrctl.review.impact import Impact, Side

# marks the pull-request comment, so that the action updates it in place
COMMENT_MARKER = "<!-- okrctl-diff -->"


def _status(side: Side | None, lang: str) -> str:
    return tr("absent", lang) if side is None else tr(side.status.word, lang)


def _number(side: Side | None, lang: str) -> str:
    if side is None:
        return "—"
    shown = percent(side.progress)
    if side.score is not None and side.score != side.progress:
        shown += tr(" (score {score})", lang, score=percent(side.score))
    return shown


def line(item: Impact, lang: str = "en") -> str:
    """``key result CO-1/users: at risk -> on track, 62% -> 80%`` in ``lang``."""
    status = _status(item.before, lang)
    if _status(item.after, lang) != status:
        status += f" -> {_status(item.after, lang)}"
    number = _number(item.before, lang)
    if _number(item.after, lang) != number:
        number += f" -> {_number(item.after, lang)}"
    return f"{tr(item.kind, lang)} {item.id}: {status}, {number}"


def render_text(diff: GoalDiff, impacts: list[Impact], out: IO[str], lang: str = "en") -> None:
    """The diff, then each goal's status and number before and after, in ``lang``."""
    diff_out.render_text(diff, out, lang)
    out.write("\n" + tr("impact on the same data:", lang) + "\n")
    if not impacts:
        out.write("  " + tr("none: the change touches no goal's numbers", lang) + "\n")
    above = tr("  (above a changed goal)", lang)
    for item in impacts:
        mark = "" if item.touched else above
        out.write(f"  {'*' if item.moved else ' '} {one_line(line(item, lang))}{mark}\n")


def render_markdown(diff: GoalDiff, impacts: list[Impact], out: IO[str], lang: str = "en") -> None:
    """The pull-request comment: the diff and a table of the impact, in ``lang``."""
    out.write(COMMENT_MARKER + "\n")
    diff_out.render_markdown(diff, out, lang)
    heading = tr("Impact on status (same data, before → after)", lang)
    lines = ["", f"#### {heading}", ""]
    if not impacts:
        lines.append(tr("The change touches no goal's numbers.", lang))
    else:
        columns = (tr("goal", lang), tr("status", lang), tr("progress / score", lang))
        lines += ["| " + " | ".join(columns) + " |", "|---|---|---|"]
        for item in impacts:
            before, after = _status(item.before, lang), _status(item.after, lang)
            status = (
                markdown(before)
                if before == after
                else f"{markdown(before)} → **{markdown(after)}**"
            )
            old, new = _number(item.before, lang), _number(item.after, lang)
            number = old if old == new else f"{old} → {new}"
            name = f"{tr(item.kind, lang)} {markdown(item.id)}"
            if not item.touched:
                name += tr(" (above)", lang)
            lines.append(f"| {name} | {status} | {markdown(number)} |")
    out.write("\n".join(lines) + "\n")


def as_dict(item: Impact) -> dict[str, Any]:
    def side(value: Side | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {"status": value.status.value, "progress": value.progress, "score": value.score}

    return {
        "kind": item.kind,
        "id": item.id,
        "title": item.title,
        "touched": item.touched,
        "before": side(item.before),
        "after": side(item.after),
    }


def render_json(diff: GoalDiff, impacts: list[Impact], out: IO[str], lang: str = "en") -> None:
    """The diff and the impact as JSON (English keys and words, whatever ``lang``)."""
    document = diff_out.as_dict(diff)
    document["impact"] = [as_dict(i) for i in impacts]
    json_out.dump(document, out)
    out.write("\n")
