"""Writing files so that a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

# Reading: only regular files (a FIFO would stall a run), and never more than a limit.
_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class NotRegularFile(OSError):
    """A path that is a FIFO, socket, device or directory: reading it could block forever
    or never end, so okrctl does not."""

    def __init__(self, path: Path | str, mode: int) -> None:
        kind = _KINDS.get(stat.S_IFMT(mode), "not a file")
        super().__init__(errno.EINVAL, f"not a regular file ({kind})", str(path))


class FileTooLarge(OSError):
    """A file above the size limit; ``size`` is its size as far as known."""

    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(
            errno.EFBIG, f"file is {size:,} bytes; at most {limit:,} are read", str(path)
        )
        self.size = size
        self.limit = limit


def regular_size(path: Path | str) -> int | None:
    """The size of the regular file at ``path`` (links followed); None when nothing is
    there. ``NotRegularFile`` for a FIFO, socket, device or directory; ``OSError`` when
    it cannot be looked at (permission denied, a link loop)."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return None  # no file can have that name
        raise
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(path, info.st_mode)
    return info.st_size


def open_regular(path: Path | str) -> BinaryIO:
    """The regular file at ``path`` opened for reading in binary; opening does not wait
    for a FIFO's writer, and anything but a regular file is refused (``NotRegularFile``)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, mode)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, which may hold at most ``limit`` bytes.

    The size is looked up before anything is read, and at most ``limit + 1`` bytes are
    ever read (a file may grow, or a file system report a wrong size): ``FileTooLarge``.
    Opening does not wait for a FIFO's writer, and anything but a regular file is
    refused (``NotRegularFile``). Other failures are the ``OSError`` of the system call.
    """
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise FileTooLarge(path, size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(path, len(data), limit)
    return data


class CannotWrite(OSError):
    """Writing ``filename`` failed (a read-only or missing folder, a full disk); the file
    that was there, if any, is unchanged."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(
            error.errno, f"cannot write the file: {error.strerror or error}", str(path)
        )


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, LF) to ``path`` through a temporary file and a rename;
    ``CannotWrite`` (naming ``path``, not the temporary file) when the system refuses."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise CannotWrite(path, error) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise CannotWrite(path, error) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
