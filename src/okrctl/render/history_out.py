"""`okrctl history` as a text timeline or JSON."""

from __future__ import annotations

from typing import IO, Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.core.i18n import N_, tr
from okrctl.core.shown import number
from okrctl.metrics.rejected import by_file, row_note
from okrctl.metrics.source import Rejected
from okrctl.render.diff_out import field_dict, field_value
from okrctl.render.escape import one_line
from okrctl.review.diff import FieldChange
from okrctl.review.history import History

# the kinds of event review/history.py names, marked for the catalogs
_EVENTS = (N_("created"), N_("changed"), N_("removed"), N_("restored"))


def render_text(h: History, out: IO[str], lang: str = "en") -> None:
    """The timeline as text in ``lang``: one block a commit, oldest first."""
    out.write(f"{tr(h.entity, lang)} {one_line(h.ident)}: {one_line(h.title)}\n")
    for e in h.events:
        c = e.commit
        value = ""
        if e.value is not None:
            then = number(e.value, percent=h.percent, lang=lang)
            value = "  [" + tr("value then: {value}", lang, value=then) + "]"
        value += _marker(e.rejected, lang)
        where = ""
        if e.file and e.kind != "changed":
            where = tr(" in {path}", lang, path=one_line(e.file))
        out.write(
            f"\n{c.date.date()} {c.short} {one_line(c.author)}: "
            f"{one_line(c.subject)}\n  {tr(e.kind, lang)}{where}{value}\n"
        )
        for f in e.fields:
            out.write(f"    {f.field}: {_change(f)}\n")
        for kr in e.key_results:
            if kr.kind != "changed":
                out.write(f"    KR {one_line(kr.id)}: {tr(kr.kind, lang)}\n")
            for f in kr.fields:
                out.write(f"    KR {one_line(kr.id)}: {f.field} {_change(f)}\n")
    if h.value_now is not None:
        now = number(h.value_now, percent=h.percent, lang=lang)
        line = tr("value on {day}: {value}", lang, day=h.as_of, value=now)
        out.write(f"\n{line}{_marker(h.rejected, lang)}\n")
    if not h.events:
        out.write(tr("no commit has touched it yet (it exists only in the working tree)", lang))
        out.write("\n")
    for warning in by_file(h.warnings):
        out.write(f"! {one_line(warning.text(lang))}\n")


def _change(f: FieldChange) -> str:
    old, new = field_value(f.old, f.old_written), field_value(f.new, f.new_written)
    return f"{one_line(old)} -> {one_line(new)}"


def _marker(rejected: tuple[Rejected, ...], lang: str) -> str:
    note = row_note(rejected, lang)
    return f"  ({one_line(note)})" if note else ""


def as_dict(h: History) -> dict[str, Any]:
    return {
        "format": "okrctl-history",
        "version": 1,
        "okrctl": __version__,
        "id": h.ident,
        "entity": h.entity,
        "title": h.title,
        "as_of": h.as_of.isoformat(),
        "value_now": h.value_now,
        "warnings": [w.as_dict() for w in h.warnings],
        "events": [
            {
                "commit": e.commit.sha,
                "author": e.commit.author,
                "date": e.commit.date.isoformat(),
                "subject": e.commit.subject,
                "kind": e.kind,
                "file": e.file,
                "value": e.value,
                "fields": [field_dict(f) for f in e.fields],
                "key_results": [
                    {"id": kr.id, "kind": kr.kind, "fields": [field_dict(f) for f in kr.fields]}
                    for kr in e.key_results
                ],
            }
            for e in h.events
        ],
    }


def render_json(h: History, out: IO[str]) -> None:
    json_out.dump(as_dict(h), out)
    out.write("\n")
