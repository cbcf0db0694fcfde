"""Which goal files changed since the last check, decided by ``stat`` first.

A manifest maps each goal file's repository-relative path to its stat key (size,
modification time in nanoseconds, inode) and the hash of its bytes. A file whose stat key
is the one recorded is not read at all; a file whose stat key moved is read and hashed,
and counts as changed only when its bytes did (a ``touch`` or a checkout of the same
content costs one read, never a parse). As in git, a file modified within
``RACY_NS`` of the moment the manifest was written is always hashed: a second edit in
the same clock tick, of the same size, would otherwise go unseen (docs/architecture.md,
"Incremental check").
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from okrctl.core.fileio import read_limited
from okrctl.load.filecache import content_digest
from okrctl.load.yamlread import MAX_FILE_BYTES

RACY_NS = 2_000_000_000  # coarse file systems keep modification times to 1 or 2 seconds


# A file as the manifest remembers it: (size, mtime_ns, inode, content hash), the hash
# empty when the file could not be read. A plain tuple: the manifest of every goal file
# is pickled on each run, and a named tuple takes twice as long to pickle.
Seen = tuple[int, int, int, bytes]


def stat_key(path: Path | str) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode) of ``path`` following links, or None when it cannot be
    stat'ed (reading it later says why)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def survey(
    root: Path, paths: Iterable[str], known: Mapping[str, Seen], written_ns: int
) -> tuple[dict[str, Seen], set[str]]:
    """The manifest of ``paths`` now, and the paths whose content differs from ``known``
    (added ones included; removed ones are those of ``known`` not in ``paths``).

    A file that cannot be stat'ed, read or is too large is always "changed" with an empty
    digest, so that parsing it reports the problem as a cold run would.
    """
    manifest: dict[str, Seen] = {}
    changed: set[str] = set()
    trusted_before = written_ns - RACY_NS
    # paths relative to an open root: the kernel resolves the root's part once
    relative = os.stat in os.supports_dir_fd
    fd = os.open(root, os.O_RDONLY) if relative else None
    try:
        for path in paths:
            try:
                info = os.stat(path, dir_fd=fd) if fd is not None else os.stat(root / path)
            except (OSError, ValueError):
                manifest[path] = (-1, -1, -1, b"")
                changed.add(path)
                continue
            key = (info.st_size, info.st_mtime_ns, info.st_ino)
            before = known.get(path)
            if before is not None and before[3] and before[:3] == key and key[1] < trusted_before:
                manifest[path] = before
                continue
            try:
                digest = content_digest(read_limited(root / path, MAX_FILE_BYTES))
            except (OSError, ValueError):
                digest = b""
            manifest[path] = (*key, digest)
            if not digest or before is None or before[3] != digest:
                changed.add(path)
    finally:
        if fd is not None:
            os.close(fd)
    return manifest, changed


def folders_unchanged(looked: Mapping[str, tuple[int, int, int] | None], written_ns: int) -> bool:
    """Whether every folder in ``looked`` (path -> stat key, as ``discover`` recorded
    them) still has that key and was last modified well before ``written_ns``: a folder
    whose entries are added, removed or renamed gets a new modification time, so the
    files a glob finds in it are the same (the racy window as for files)."""
    for path, before in looked.items():
        now = stat_key(path)
        if now != before or (now is not None and now[1] >= written_ns - RACY_NS):
            return False
    return True
