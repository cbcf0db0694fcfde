"""`okrctl diff` as text, Markdown (a pull-request comment) and JSON."""

from __future__ import annotations

import json
from typing import IO, Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.core.i18n import N_, tr, trn
from okrctl.render.escape import markdown, markdown_code, one_line
from okrctl.review.diff import Change, FieldChange, GoalDiff, GoalPost

FOLD_AFTER = 15


def field_value(value: object, written: str | None = None) -> str:
    """A field's value for people: a number as the goal file writes it (``5%``, ``200万``)."""
    if written is not None:
        return written
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


def _post(post: GoalPost, lang: str = "en") -> str:
    who = ""
    if post.author is not None:
        who = tr(" by {name}, {day}", lang, name=post.author.name, day=post.author.when[:10])
        who += f" ({post.author.commit})" if post.author.commit else ""
    old, new = field_value(post.old, post.old_written), field_value(post.new, post.new_written)
    return (
        tr(
            "{label}: {text}",
            lang,
            label=tr(post.reason, lang),
            text=f"{post.field} {old} -> {new}",
        )
        + who
    )


def shown_fields(change: Change) -> list[FieldChange]:
    """The field changes listed on their own: a change a goal-post line already shows
    (with both values) is not repeated above it. A post on ``target`` stands for the
    fields that write a target: a range's ``low``/``high``, a ``relative`` target."""
    covered = {post.field for post in change.goalposts}
    if "target" in covered:
        covered |= {"low", "high", "relative"}
    return [f for f in change.fields if f.field not in covered]


# the words review/diff.py gives the kinds of goal and the goal-post moves, marked for
# the catalogs (they are shown translated)
_WORDS = (
    N_("KPI"),
    N_("scorecard"),
    N_("target lowered"),
    N_("target raised (lower is better)"),
    N_("relative target reduced"),
    N_("guard loosened"),
    N_("range widened"),
    N_("weight shifted away from a key result behind pace"),
)
# the words of a diff's counts, marked for the catalogs (docs/i18n.md)
_KINDS = {"added": N_("{n} added"), "removed": N_("{n} removed"), "changed": N_("{n} changed")}


def counts(diff: GoalDiff, lang: str = "en") -> str:
    """``2 added, 0 removed, 1 changed; 1 goal-post move`` in ``lang``."""
    tally: dict[str, int] = {}
    for change in diff.changes:
        tally[change.kind] = tally.get(change.kind, 0) + 1
    parts = [tr(_KINDS[k], lang, n=tally.get(k, 0)) for k in ("added", "removed", "changed")]
    posts = trn("{n} goal-post move", "{n} goal-post moves", len(diff.goalposts), lang)
    return tr(", ", lang).join(parts) + tr("; ", lang) + posts


def summary(diff: GoalDiff, lang: str = "en") -> str:
    return f"{counts(diff, lang)} ({diff.base} -> {diff.head})"


def render_text(diff: GoalDiff, out: IO[str], lang: str = "en") -> None:
    """The changes as text in ``lang``, one goal a block, the counts last."""
    sign = {"added": "+", "removed": "-", "changed": "~"}
    for change in diff.changes:
        out.write(
            f"{sign[change.kind]} {tr(change.entity, lang)} {one_line(change.id)}"
            + (f"  {one_line(change.title)}" if change.title else "")
            + f"  ({one_line(change.file)}:{change.line})\n"
        )
        if change.moved_from:
            moved = tr("moved from {parent}", lang, parent=one_line(change.moved_from))
            out.write(f"    {moved}\n")
        for f in shown_fields(change):
            old, new = field_value(f.old, f.old_written), field_value(f.new, f.new_written)
            out.write(f"    {f.field}: {one_line(old)} -> {one_line(new)}\n")
        for post in change.goalposts:
            moved = tr("GOAL POST MOVED", lang)
            line = tr("{label}: {text}", lang, label=moved, text=one_line(_post(post, lang)))
            out.write(f"    {line}\n")
    out.write(summary(diff, lang) + "\n")


def _md_change(change: Change, lang: str) -> list[str]:
    sign = {"added": "➕", "removed": "➖", "changed": "✏️"}
    lines = [
        f"- {sign[change.kind]} **{tr(change.entity, lang)} {markdown(change.id)}** "
        + (f"{markdown(change.title)} " if change.title else "")
        + f"({markdown_code(change.file)})"
    ]
    if change.moved_from:
        moved = tr("moved from {parent}", lang, parent=markdown_code(change.moved_from))
        lines.append(f"  - {moved}")
    for f in shown_fields(change):
        old, new = field_value(f.old, f.old_written), field_value(f.new, f.new_written)
        lines.append(f"  - {markdown(f.field)}: {markdown(old)} → {markdown(new)}")
    for post in change.goalposts:
        # the arrow joins the escaped parts: escaping "->" would show "-&gt;" where the
        # comment is read as text (notification previews, e-mail)
        moved = tr("goal post moved", lang)
        shown = tr("{label}: {text}", lang, label=f"**{moved}**", text=_md_post(post, lang))
        lines.append(f"  - ⚠️ {shown}")
    return lines


def _md_post(post: GoalPost, lang: str) -> str:
    """A goal-post move in Markdown: the user's text escaped, okrctl's arrow not."""
    who = ""
    if post.author is not None:
        who = tr(
            " by {name}, {day}",
            lang,
            name=markdown(post.author.name),
            day=markdown(post.author.when[:10]),
        ) + (f" ({markdown(post.author.commit)})" if post.author.commit else "")
    old, new = field_value(post.old, post.old_written), field_value(post.new, post.new_written)
    reason = markdown(tr(post.reason, lang))
    change = f"{markdown(post.field)} {markdown(old)} → {markdown(new)}"
    return tr("{label}: {text}", lang, label=reason, text=change) + who


def _md_summary(diff: GoalDiff, lang: str) -> str:
    return f"{markdown(counts(diff, lang))} ({markdown(diff.base)} → {markdown(diff.head)})"


def render_markdown(diff: GoalDiff, out: IO[str], lang: str = "en") -> None:
    """The changes as a pull-request comment in ``lang``: goal-post moves first, the rest
    folded when there are many."""
    heading = tr("Goal changes", lang)
    lines = [f"### {heading}", "", _md_summary(diff, lang), ""]
    posts = [c for c in diff.changes if c.goalposts]
    if posts:
        moved = tr("Goal posts moved after the cycle started", lang)
        lines += [f"#### ⚠️ {moved}", ""]
        for change in posts:
            lines += _md_change(change, lang)
        lines.append("")
    body = [
        line for change in diff.changes if not change.goalposts for line in _md_change(change, lang)
    ]
    if len(diff.changes) > FOLD_AFTER:
        every = tr("All {n} changes", lang, n=len(diff.changes))
        lines += [
            f"<details><summary>{every}</summary>",
            "",
            *body,
            "",
            "</details>",
        ]
    else:
        lines += body
    out.write("\n".join(lines) + "\n")


def field_dict(f: FieldChange) -> dict[str, Any]:
    """One field change in JSON: the values, and a number field's values as written."""
    return {
        "field": f.field,
        "old": f.old,
        "new": f.new,
        "old_written": f.old_written,
        "new_written": f.new_written,
    }


def as_dict(diff: GoalDiff) -> dict[str, Any]:
    def post(p: GoalPost) -> dict[str, Any]:
        author = (
            None
            if p.author is None
            else {
                "name": p.author.name,
                "when": p.author.when,
                "commit": p.author.commit,
                "subject": p.author.subject,
            }
        )
        return {
            "field": p.field,
            "old": p.old,
            "new": p.new,
            "old_written": p.old_written,
            "new_written": p.new_written,
            "reason": p.reason,
            "author": author,
        }

    return {
        "format": "okrctl-diff",
        "version": 1,
        "okrctl": __version__,
        "base": diff.base,
        "head": diff.head,
        "changes": [
            {
                "kind": c.kind,
                "entity": c.entity,
                "id": c.id,
                "file": c.file,
                "line": c.line,
                "title": c.title,
                "moved_from": c.moved_from,
                "fields": [field_dict(f) for f in c.fields],
                "goalposts": [post(p) for p in c.goalposts],
            }
            for c in diff.changes
        ],
    }


def render_json(diff: GoalDiff, out: IO[str]) -> None:
    json_out.dump(as_dict(diff), out)
    out.write("\n")
