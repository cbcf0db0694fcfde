"""English counts that agree with their number: ``1 row``, ``2 rows``, ``1 value is``.

The one place okrctl writes "N things" in English output (messages, summaries); the
Chinese texts need no plural forms.
"""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the noun in the form that agrees with it: ``counted(1, "row")`` is
    ``1 row``, ``counted(3, "row")`` ``3 rows``, ``counted(2, "key result")`` ``2 key
    results``; ``plural`` for a noun that does not take an ``s`` (``entry``/``entries``).
    Thousands are grouped (``12,345 rows``)."""
    noun = singular if count == 1 else (plural or singular + "s")
    return f"{count:,} {noun}"


def agreeing(count: int, singular: str, plural: str) -> str:
    """The word of the two that agrees with ``count``: ``agreeing(n, "is", "are")``."""
    return singular if count == 1 else plural
