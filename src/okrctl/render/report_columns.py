"""The columns of the report's tables, as message keys, shared by the Markdown and HTML reports.

Both formats must show the same tables with the same headings in the same order; naming the
columns once keeps them from drifting apart.
"""

from __future__ import annotations

from okrctl.core.i18n import text

OBJECTIVES = ("goal", "owner", "band", "progress", "score", "status")
KPIS = ("goal", "owner", "actual", "target", "attainment", "score", "status")
ALIGNMENT = ("goal", "completion", "attainment", "aligned_goals", "note")
CHANGES = ("", "", "goal", "note", "commit")
FORECAST = (
    "goal",
    "current",
    "target",
    "landing",
    "landing_score",
    "trend_per_week",
    "needed_per_week",
)


def headings(columns: tuple[str, ...], lang: str) -> list[str]:
    """The headings of `columns` in `lang`; an empty key is an unlabelled column."""
    return [text(key, lang) if key else "" for key in columns]
