"""Every write okrctl makes into a file: one lock, one atomic write, one append.

* ``locked(paths)``: an advisory lock (``flock``) on ``.NAME.lock`` beside each file, held
  from reading a file to writing it back, so two okrctl processes never both read the old
  content and the second write loses the first one's change. Waiting gives up after
  ``LOCK_TIMEOUT`` seconds with the holder's pid and command (exit 2). The lock file is
  removed when the lock is released; a crashed holder's lock is released by the kernel.
* ``write_atomic(path, data)``: the bytes go to a temporary file beside the target, are
  flushed to disk and renamed over it, so a crash or a full disk leaves the old file whole.
* ``append(path, data)``: bytes added at the end; a failed append is cut off again.

Both writes go through a symbolic link to its target when the target is inside the
repository (``root``) and refuse one that points outside it; they refuse a read-only or
non-regular file instead of replacing it; a new file gets the usual permissions (0666
less the umask). Every failure is a ``WriteError`` (exit 2) naming the file and the reason.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from okrctl.core.errors import OkrctlError

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


LOCK_TIMEOUT = 10.0  # seconds a writer waits for another one before giving up
_POLL = 0.01
_held: dict[Path, int] = {}  # locks this process holds (re-entrant): lock file -> depth


class WriteError(OkrctlError):
    """A file could not be written (or locked); the existing file is unchanged."""


def shown(path: Path, root: Path | None) -> str:
    """``path`` as a user names it: relative to the repository when it is inside."""
    if root is not None:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            pass
    return str(path)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
    except ValueError:
        return False
    return True


def target_of(path: Path, root: Path | None = None) -> Path:
    """The file a write to ``path`` changes: ``path`` with every symbolic link on the way
    resolved (a linked file, a linked folder). With ``root``, a path that a link leads
    out of the repository is refused."""
    path = Path(path)
    resolved = path.resolve()
    if root is not None and not _inside(resolved, root):
        name = shown(path, root)
        what = "is a symbolic link to" if path.is_symlink() else "leads through a link to"
        raise WriteError(
            f"{name} {what} {resolved}, outside the repository",
            hint="okrctl writes through a link only to a file inside the repository; "
            "nothing was written",
        )
    return resolved


def check_writable(path: Path, *, root: Path | None = None) -> None:
    """Raise the ``WriteError`` a write to ``path`` would raise for the file itself (a
    read-only or non-regular file, a link out of ``root``): for commands that write
    several files and check them all before writing any."""
    _check_writable(target_of(Path(path), root), shown(Path(path), root))


def _check_writable(target: Path, name: str) -> None:
    """Refuse to replace what the user protected or what is not a file."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(f"cannot write {name}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(f"{name} is not a regular file", hint="nothing was written")
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise WriteError(
            f"{name} is read-only",
            hint="make it writable (chmod u+w) if okrctl should change it; nothing was written",
        )


def _failed(name: str, exc: OSError) -> WriteError:
    reason = exc.strerror or str(exc)
    return WriteError(f"cannot write {name}: {reason}", hint="the file is unchanged")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # pragma: no cover - a regular file does not do this
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename is done
    finally:
        os.close(fd)


def write_atomic(
    path: Path, data: str | bytes, *, root: Path | None = None, sync: bool = True
) -> None:
    """Replace ``path`` with ``data`` (a str is written as UTF-8, unchanged otherwise)
    through a temporary file and a rename, under the file's lock. ``sync=False`` skips
    the fsync, for caches whose torn entries are detected anyway."""
    name = shown(Path(path), root)
    target = target_of(Path(path), root)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with locked([target], root=root):
        _check_writable(target, name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_file(target, payload, sync=sync)
        except OSError as exc:
            raise _failed(name, exc) from None


def replace_file(target: Path, payload: bytes, *, sync: bool = True) -> None:
    """The one atomic replacement: ``payload`` goes to a temporary file beside ``target``
    (fsynced when ``sync``), which takes ``target``'s mode and is renamed over it; a
    failure leaves ``target`` as it was and no temporary file. No lock: callers that
    share a file with other writers use ``write_atomic``; the parse cache, whose entries
    are signed and whole or absent, calls this directly. Raises ``OSError``."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        try:
            _write_all(fd, payload)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        settle_mode(tmp, target)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if sync:
        _sync_directory(target.parent)


def append(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Add ``data`` at the end of the existing file ``path``, under its lock; if the write
    fails part-way the file is cut back to its old length."""
    name = shown(Path(path), root)
    target = target_of(Path(path), root)
    with locked([target], root=root):
        _check_writable(target, name)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        except OSError as exc:
            raise _failed(name, exc) from None
        try:
            size = os.fstat(fd).st_size
            try:
                _write_all(fd, data)
                os.fsync(fd)
            except BaseException:
                os.ftruncate(fd, size)
                raise
        except OSError as exc:
            raise _failed(name, exc) from None
        finally:
            os.close(fd)


# -- the lock --------------------------------------------------------------------------------
def lock_file(target: Path) -> Path:
    """The lock file of ``target``: ``.NAME.lock`` in the same folder."""
    return target.parent / f".{target.name}.lock"


@contextmanager
def locked(paths: Iterable[Path], *, root: Path | None = None) -> Iterator[None]:
    """Hold the locks of ``paths`` (symbolic links resolved), taken in one fixed order so
    that two writers of several files cannot wait for each other."""
    targets = sorted({target_of(Path(p), root).absolute() for p in paths})
    with ExitStack() as stack:
        for target in targets:
            stack.enter_context(_lock_one(target, root))
        yield


@contextmanager
def _lock_one(target: Path, root: Path | None) -> Iterator[None]:
    lock = lock_file(target)
    if lock in _held:
        _held[lock] += 1
        try:
            yield
        finally:
            _held[lock] -= 1
        return
    fd = _acquire(lock, shown(target, root))
    _held[lock] = 1
    try:
        yield
    finally:
        del _held[lock]
        with suppress(OSError):
            lock.unlink(missing_ok=True)  # while still holding it: see _acquire
        os.close(fd)


def _acquire(lock: Path, name: str) -> int:
    """An open, exclusively locked descriptor of ``lock``, the file at that path (a lock
    file removed and made anew by another writer in the meantime is locked again)."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            # a folder on the way that is a file: mkdir says "File exists"
            reason = "Not a directory" if isinstance(exc, FileExistsError) else exc.strerror
            raise WriteError(
                f"cannot write {name}: {reason or exc} (its lock file {lock.name} cannot be "
                "made beside it)",
                hint="okrctl creates a lock file beside the file it writes; nothing was written",
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise _busy(lock, name) from None
            time.sleep(_POLL)
            continue
        except OSError as exc:
            os.close(fd)
            raise WriteError(f"cannot lock {name}: {exc.strerror or exc}") from None
        try:
            current = os.stat(lock)
            mine = os.fstat(fd)
            if (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
                _note_holder(fd)
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder before us removed the file: lock the new one


def _note_holder(fd: int) -> None:
    """Who holds the lock, for the message another writer gives when it gives up."""
    command = " ".join(["okrctl", *sys.argv[1:3]])
    when = time.strftime("%H:%M:%S")
    text = f"pid {os.getpid()} on {socket.gethostname()}, {command}, since {when}\n"
    try:
        os.ftruncate(fd, 0)
        os.write(fd, text.encode("utf-8", errors="replace")[:400])
    except OSError:
        pass  # the note is a courtesy; the lock is what matters


def _busy(lock: Path, name: str) -> WriteError:
    try:
        holder = lock.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        holder = ""
    by = f" ({holder})" if holder else ""
    return WriteError(
        f"{name} is being written by another okrctl{by}; gave up after {LOCK_TIMEOUT:g} s",
        hint=f"try again when it has finished (its lock: {lock.name}); nothing was written",
    )


def settle_mode(tmp: str | Path, path: Path) -> None:
    """Give the temporary file ``tmp`` the mode ``path`` has, else a new file's (for
    writers that rename their own temporary files, like the parse cache)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = _new_file_mode()
    os.chmod(tmp, mode)


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
        """True when the file mixes line endings (then ``describe`` counts each)."""
        return len(self.counts) > 1

    @property
    def name(self) -> str:
        """The dominant line ending's name: ``LF``, ``CRLF`` or ``CR``."""
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
