"""`okrctl history` as a text timeline or JSON."""

from __future__ import annotations

import json
from typing import IO, Any

from okrctl import __version__
from okrctl.history import History
from okrctl.metrics.source import Rejected
from okrctl.rejected import by_file, row_note
from okrctl.render.diff_out import _value
from okrctl.render.escape import one_line
from okrctl.render.numbers import number


def render_text(h: History, out: IO[str]) -> None:
    out.write(f"{h.entity} {one_line(h.ident)}: {one_line(h.title)}\n")
    for e in h.events:
        c = e.commit
        value = "" if e.value is None else f"  [value then: {number(e.value, percent=h.percent)}]"
        value += _marker(e.rejected)
        out.write(
            f"\n{c.date.date()} {c.short} {one_line(c.author)}: "
            f"{one_line(c.subject)}\n  {e.kind}"
            + (f" in {one_line(e.file)}" if e.file and e.kind != "changed" else "")
            + value
            + "\n"
        )
        for f in e.fields:
            out.write(f"    {f.field}: {one_line(_value(f.old))} -> {one_line(_value(f.new))}\n")
    if h.value_now is not None:
        out.write(
            f"\nvalue on {h.as_of}: {number(h.value_now, percent=h.percent)}{_marker(h.rejected)}\n"
        )
    if not h.events:
        out.write("no commit has touched it yet (it exists only in the working tree)\n")
    for warning in by_file(h.warnings):
        out.write(f"! {one_line(warning.message)}\n")


def _marker(rejected: tuple[Rejected, ...]) -> str:
    note = row_note(rejected)
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
                "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in e.fields],
            }
            for e in h.events
        ],
    }


def render_json(h: History, out: IO[str]) -> None:
    json.dump(as_dict(h), out, ensure_ascii=False, indent=2)
    out.write("\n")
