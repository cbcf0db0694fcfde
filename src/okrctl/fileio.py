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
import stat
import tempfile
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
