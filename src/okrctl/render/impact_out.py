"""`okrctl diff --impact`: the status and progress or score of each goal a change
touches, and of the objectives above it, before and after (text, Markdown, JSON)."""

from __future__ import annotations

from typing import IO, Any

from okrctl.core import json_out
from okrctl.core.shown import percent
from okrctl.render import diff_out
from okrctl.render.escape import markdown, one_line
from okrctl.review.diff import GoalDiff
from okrctl.review.impact import Impact, Side

# marks the pull-request comment, so that the action updates it in place
COMMENT_MARKER = "<!-- okrctl-diff -->"


def _status(side: Side | None) -> str:
    return "absent" if side is None else side.status.word


def _number(side: Side | None) -> str:
    if side is None:
        return "—"
    shown = percent(side.progress)
    if side.score is not None and side.score != side.progress:
        shown += f" (score {percent(side.score)})"
    return shown


def line(item: Impact) -> str:
    """``key result CO-1/users: at risk -> on track, 62% -> 80%``."""
    status = _status(item.before)
    if _status(item.after) != status:
        status += f" -> {_status(item.after)}"
    number = _number(item.before)
    if _number(item.after) != number:
        number += f" -> {_number(item.after)}"
    return f"{item.kind} {item.id}: {status}, {number}"


def render_text(diff: GoalDiff, impacts: list[Impact], out: IO[str]) -> None:
    diff_out.render_text(diff, out)
    out.write("\nimpact on the same data:\n")
    if not impacts:
        out.write("  none: the change touches no goal's numbers\n")
    for item in impacts:
        mark = "" if item.touched else "  (above a changed goal)"
        out.write(f"  {'*' if item.moved else ' '} {one_line(line(item))}{mark}\n")


def render_markdown(diff: GoalDiff, impacts: list[Impact], out: IO[str]) -> None:
    out.write(COMMENT_MARKER + "\n")
    diff_out.render_markdown(diff, out)
    lines = ["", "#### Impact on status (same data, before → after)", ""]
    if not impacts:
        lines.append("The change touches no goal's numbers.")
    else:
        lines += ["| goal | status | progress / score |", "|---|---|---|"]
        for item in impacts:
            before, after = _status(item.before), _status(item.after)
            status = (
                markdown(before)
                if before == after
                else f"{markdown(before)} → **{markdown(after)}**"
            )
            old, new = _number(item.before), _number(item.after)
            number = old if old == new else f"{old} → {new}"
            name = f"{item.kind} {markdown(item.id)}"
            if not item.touched:
                name += " (above)"
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


def render_json(diff: GoalDiff, impacts: list[Impact], out: IO[str]) -> None:
    document = diff_out.as_dict(diff)
    document["impact"] = [as_dict(i) for i in impacts]
    json_out.dump(document, out)
    out.write("\n")
