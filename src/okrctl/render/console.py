"""The rich console every table-drawing renderer uses."""

from __future__ import annotations

from typing import IO, Any


def make_console(
    out: IO[str], *, color: bool, width: int | None = None, soft_wrap: bool = False
) -> Any:
    """A console writing to ``out``: on a terminal rich fits the output to its width;
    elsewhere (a pipe, a CI log, even with FORCE_COLOR) nothing is wrapped. Markup is off
    for the whole console, so no string (a table cell, a rule title, a line) holding user
    text can be read as rich markup; styles are given as ``Text`` styles. ``soft_wrap``
    keeps every printed line whole (diagnostics stay one line per finding for editors)."""
    from rich.console import Console

    wide = width or (None if out.isatty() else 400)
    return Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=soft_wrap,
        width=wide,
        height=None if wide is None else 50,
    )


def output_width(out: IO[str]) -> int | None:
    """The width, in cells, to fit output for people to: ``COLUMNS`` when set (also in a
    pipe or a CI log), else the terminal's width, else None (no limit)."""
    import os

    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if out.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return None
