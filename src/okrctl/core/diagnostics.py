"""Diagnostics are data: a code, a severity, a place, a message and a hint.

Rules and loaders produce them; renderers turn them into text, JSON, GitHub
annotations or SARIF. Nothing here prints.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The lower-case word okrctl prints and reads: ``error``, ``warning``, ``info``."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``" Warning "`` -> ``Severity.WARNING``; ``KeyError`` for any other word."""
        return cls[text.strip().upper()]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding. ``line`` and ``column`` are 1-based; 0 means the whole file."""

    code: str
    severity: Severity
    file: str
    line: int
    column: int
    message: str
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """The order diagnostics are reported in: file, line, column, code, message."""
        return (self.file, self.line, self.column, self.code, self.message)

    def regraded(self, severity: Severity) -> Diagnostic:
        """The same finding at ``severity`` (the checker grades from okrctl.yaml)."""
        return Diagnostic(
            self.code, severity, self.file, self.line, self.column, self.message, self.hint
        )


def did_you_mean(word: str, candidates: object) -> str:
    """`` did you mean 'X'?`` for the closest candidate, or an empty string."""
    import difflib

    from okrctl.core.i18n import msg

    pool = [c for c in candidates if isinstance(c, str)]  # type: ignore[attr-defined]
    if not pool:
        return ""
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return msg("; did you mean '{word}'?", word=lowered[word.lower()])
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        close = [lowered[m] for m in difflib.get_close_matches(word.lower(), list(lowered), 1, 0.6)]
    return msg("; did you mean '{word}'?", word=close[0]) if close else ""


@dataclass(frozen=True, slots=True)
class Suppression:
    """A ``# okrctl: disable=A012`` comment (docs/rules.md, "Suppressions"): the rule
    codes or names it names (``words``, each with its 1-based column), the line of the
    comment, and the line it silences (``target``; 0 for ``disable-file``, the whole
    file)."""

    line: int
    target: int
    words: tuple[tuple[str, int], ...]

    @property
    def whole_file(self) -> bool:
        """True for ``disable-file``: every line of the file."""
        return self.target == 0
