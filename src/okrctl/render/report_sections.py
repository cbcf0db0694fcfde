"""The one order of the report's sections, walked by every report renderer (Markdown,
HTML, JSON, terminal): each renderer is a table {section name -> function}, so a section
cannot be added to one format and forgotten in another (tests/test_report_sections.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from okrctl.core.i18n import tr

T = TypeVar("T")

# "header" is the title, the cycle and its dates; "warnings" what the report warns about.
SECTIONS = (
    "header",
    "warnings",
    "summary",
    "objectives",
    "kpis",
    "synergy",
    "balanced",
    "changes",
    "forecast",
    "risks",
    "retrospective",
    "scorecards",
)


def walk(table: Mapping[str, Callable[..., list[T]]], *args: object) -> list[T]:
    """The parts of every section in SECTIONS order, each from ``table[name](*args)``."""
    parts: list[T] = []
    for name in SECTIONS:
        parts += table[name](*args)
    return parts


def sure(confidence: int | None, lang: str) -> str:
    """The owner's confidence after a key result's progress: `` · confidence 7/10``
    (``信心``), empty when the check-in gave none; kept apart from the status."""
    if confidence is None:
        return ""
    return tr(" · confidence {n}/10", lang, n=confidence)
