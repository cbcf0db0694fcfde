"""The one exception family okrctl raises for problems a user can fix.

The CLI maps every ``OkrctlError`` to exit code 2 with its message, location and hint;
anything else is an internal error (exit 3).
"""

from __future__ import annotations


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
