"""Find the suppression comments of a YAML file: ``# okrctl: disable=A012`` silences
those rules on its line (at the end of a line) or on the next line that is not a comment
(on a line of its own); ``# okrctl: disable-file=W001`` silences them in the whole file
(docs/rules.md, "Suppressions"). Applying them is the checker's work
(``okrctl.rules.suppress``).
"""

from __future__ import annotations

import re

from okrctl.core.diagnostics import Suppression

_MARK = b"okrctl:"
_COMMENT = re.compile(
    r"(?:^|[ \t])#[ \t]*okrctl:[ \t]*(disable|disable-file)[ \t]*=[ \t]*"
    r"([A-Za-z0-9_.-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_.-]+)*)"
)
_WORD = re.compile(r"[A-Za-z0-9_.-]+")


def _outside_quotes(text: str, end: int) -> bool:
    """Whether ``text[:end]`` leaves no quoted YAML scalar open (a ``#`` inside quotes
    is text, not a comment). Single quotes escape themselves by doubling, which keeps
    the count even."""
    before = text[:end]
    return before.count('"') % 2 == 0 and before.count("'") % 2 == 0


def _content(line: str) -> bool:
    """Whether a line holds YAML, not only blanks or a comment."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def find_suppressions(data: bytes) -> tuple[Suppression, ...]:
    """The suppression comments of a file's bytes, in file order; () when it has none
    (the common case is decided by one search for ``okrctl:``)."""
    if _MARK not in data:
        return ()
    lines = data.decode("utf-8", errors="replace").splitlines()
    found = []
    for index, line in enumerate(lines):
        if "okrctl:" not in line:
            continue
        for match in _COMMENT.finditer(line):
            hash_at = line.index("#", match.start())
            if not _outside_quotes(line, hash_at):
                continue
            words = tuple(
                (word.group(), match.start(2) + word.start() + 1)
                for word in _WORD.finditer(match.group(2))
            )
            number = index + 1
            if match.group(1) == "disable-file":
                target = 0
            elif _content(line[:hash_at]):
                target = number
            else:  # a comment line: the next line that holds YAML
                following = (i for i in range(index + 1, len(lines)) if _content(lines[i]))
                target = next(following, index) + 1
            found.append(Suppression(number, target, words))
    return tuple(found)
