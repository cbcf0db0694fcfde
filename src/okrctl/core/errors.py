"""The one exception family okrctl raises for problems a user can fix.

The CLI maps every ``OkrctlError`` to exit code 2 with its message, location and hint;
anything else is an internal error (exit 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okrctl.core.diagnostics import Diagnostic


class OkrctlError(Exception):
    """A problem with the user's input, configuration, files or git: exit code 2."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.file = file
        self.line = line
        self.column = column
        # the language the message and hint are shown in, when the command knows it
        # (a ``msg`` message translates; a plain one is shown as it is)
        self.lang: str | None = None

    def where(self) -> str:
        """``file:line:col`` as far as known, or an empty string."""
        if self.file is None:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class ConfigError(OkrctlError):
    """okrctl.yaml is missing, unreadable or invalid."""


class UsageError(OkrctlError):
    """A command-line option or argument is wrong."""


class GitError(OkrctlError):
    """git refused or a revision is missing."""


class InvalidRepository(OkrctlError):
    """The goals repository has errors that reach the numbers (``workspace.
    reaches_the_numbers``): a number computed from it could be wrong, so the commands that
    compute refuse it. ``diagnostics`` are those errors."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        count = len(diagnostics)
        super().__init__(
            f"{count} error{'' if count == 1 else 's'} in the goals repository "
            f"{'reaches' if count == 1 else 'reach'} the numbers; none are computed until "
            f"{'it is' if count == 1 else 'they are'} fixed",
            hint="`okrctl check` shows each with a hint",
        )
        self.diagnostics = tuple(diagnostics)
