"""Feedback on long work: the loaders and metric readers say what they are doing through
``track``; the command line decides whether anyone is shown it (a progress bar on a
terminal's stderr, docs/output.md "Progress"). Nothing here prints, and nothing is
imported: without a reporter installed, ``track`` costs a function call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

Advance = Callable[[int], None]  # "this many more units done"
Reporter = Callable[[str, "int | None"], AbstractContextManager[Advance]]

_reporter: Reporter | None = None


def install(reporter: Reporter | None) -> None:
    """Send every ``track`` of this process to ``reporter`` (None: to nobody)."""
    global _reporter
    _reporter = reporter


def _ignore(count: int) -> None:
    """The ``Advance`` of work nobody watches."""


@contextmanager
def track(description: str, total: int | None = None) -> Iterator[Advance]:
    """Work named ``description`` (``total`` units, or None when unknown) while the block
    runs; call the yielded function with the units done since the last call."""
    if _reporter is None:
        yield _ignore
        return
    with _reporter(description, total) as advance:
        yield advance
