"""Writing files so that a crash or a full disk never leaves half a file behind, with the
permissions any other program would give them.

A temporary file from ``tempfile.mkstemp`` is private (0600) whatever the umask says;
renamed into place as it is, a report or a goal file would be unreadable to the
colleague, web server or CI step it was written for. So before the rename the file gets
the mode of the file it replaces, or, for a new file, ``0666 & ~umask`` as ``open()``
would have given it.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path


def current_umask() -> int:
    """The process umask (reading it means setting it: it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file: 0666 less the umask."""
    return 0o666 & ~current_umask()


def settle_mode(tmp: str | Path, path: Path) -> None:
    """Give the temporary file ``tmp`` the mode ``path`` has, else a new file's."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = new_file_mode()
    os.chmod(tmp, mode)


def write_atomic(path: Path, text: str | bytes, *, sync: bool = True) -> None:
    """Write ``text`` (UTF-8, line ends as given) or bytes to ``path`` through a temporary
    file and a rename. An existing file keeps its mode; a new one honours the umask.
    ``sync=False`` skips the fsync, for caches whose torn entries are detected anyway."""
    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        settle_mode(tmp, path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_NEWLINE_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class TextStyle:
    """What a text file's bytes say beyond its content: its line endings and whether it
    starts with a byte-order mark. A file okrctl rewrites keeps both.

    ``newline`` is the ending most of its lines use (on a tie, the first line's); a file
    with more than one kind is ``mixed`` and is rewritten with ``newline`` throughout.
    """

    newline: str = "\n"
    bom: bool = False
    counts: tuple[tuple[str, int], ...] = ()

    @property
    def mixed(self) -> bool:
        return len(self.counts) > 1

    @property
    def name(self) -> str:
        return _NEWLINE_NAMES[self.newline]

    def describe(self) -> str:
        """``mixed line endings (3 CRLF, 1 LF)``."""
        parts = ", ".join(f"{count} {_NEWLINE_NAMES[kind]}" for kind, count in self.counts)
        return f"mixed line endings ({parts})"

    def apply(self, text: str) -> str:
        """``text`` (LF line ends, no BOM) laid out in this style."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return "\ufeff" + text if self.bom else text


def split_style(text: str) -> tuple[str, TextStyle]:
    """``text`` with LF line ends and no BOM, and the style it had."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    found: dict[str, int] = {}
    for match in _NEWLINE.finditer(text):
        found[match.group()] = found.get(match.group(), 0) + 1
    if not found:
        return text, TextStyle(bom=bom)
    most = max(found.values())
    newline = next(kind for kind, count in found.items() if count == most)  # first seen
    counts = tuple(sorted(found.items(), key=lambda item: -item[1]))
    plain = text if found.keys() == {"\n"} else text.replace("\r\n", "\n").replace("\r", "\n")
    return plain, TextStyle(newline, bom, counts)
