"""The rich console every table-drawing renderer uses."""

from __future__ import annotations

from typing import IO, Any


def make_console(out: IO[str], *, color: bool, width: int | None = None) -> Any:
    """A console writing to ``out``: on a terminal rich fits the output to its width;
    elsewhere (a pipe, a CI log, even with FORCE_COLOR) nothing is wrapped. User text is
    passed as ``Text``, never parsed as markup."""
    from rich.console import Console

    wide = width or (None if out.isatty() else 400)
    return Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        width=wide,
        height=None if wide is None else 50,
    )
