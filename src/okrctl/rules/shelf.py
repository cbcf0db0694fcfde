"""Sharded mappings kept between runs, read and written a segment at a time
(docs/architecture.md, "Incremental check").

Two files: ``NAME`` holds the header, signed with the machine key (any picklable value,
plus the offset, length and hash of every segment), and ``NAME.body`` the segments. Each
``Shelf`` is a mapping split over a fixed number of segments by a hash of its keys; a
segment is read, checked against the hash the signed header names, and unpickled only
when a key in it is asked for, so a run that touches a few keys pays for a few segments.
Saving pickles anew only the segments whose keys changed and appends them to the body;
the header is replaced atomically after. When the body holds more than twice the bytes
the header still names, it is written anew, whole.

Anything wrong with the files (missing, cut short, signed elsewhere, a segment whose
hash does not fit, as when another run rewrote the body meanwhile) is ``Damaged`` or
``None`` from ``read``: the caller starts over from the goal files, as it does without
them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from okrctl.core.fileio import replace_file
from okrctl.core.signing import sign, verified

_LENGTH = struct.Struct(">Q")
_ENTRY = struct.Struct(">QQ32s")  # a segment's offset in the body, length and hash
_CONTEXT = b"okrctl-shelves"
# a body is written anew, whole, rather than grow past _GROWTH times the bytes its
# header names plus _SLACK
_GROWTH = 2.0
_SLACK = 4 << 20

Placement = tuple[int, int, bytes]  # offset in the body, length, hash


class Damaged(Exception):
    """A segment's bytes are not those the signed header names."""


def body_path(path: Path) -> Path:
    """The file holding the segments of the shelves whose header is ``path``."""
    return path.with_name(path.name + ".body")


class _Body:
    """The body file, opened on first use and read a segment at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def read(self, placement: Placement) -> bytes:
        offset, length, digest = placement
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            raw = os.pread(self._fd, length, offset)
        except OSError as error:
            raise Damaged(str(error)) from None
        if len(raw) != length or hashlib.blake2b(raw, digest_size=32).digest() != digest:
            raise Damaged(f"segment at {offset}")
        return raw

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Shelf:
    """A mapping of text keys to picklable values, kept in ``count`` segments.

    ``get``/``put``/``pop`` read only the segment of their key; ``items`` reads all.
    Raises ``Damaged`` when a segment read from the body does not match its hash."""

    def __init__(
        self, count: int, body: _Body | None = None, table: list[Placement] | None = None
    ) -> None:
        self.count = count
        self._body = body
        self._table = table
        self._shards: list[dict[str, Any] | None] = [None] * count
        self._dirty: set[int] = set()
        self._written: set[int] = set()  # by the last save
        if table is None:  # a new shelf: every segment empty and to be written
            self._shards = [{} for _ in range(count)]
            self._dirty = set(range(count))

    def shard_of(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8", "surrogateescape")) % self.count

    def _shard(self, number: int) -> dict[str, Any]:
        shard = self._shards[number]
        if shard is None:
            assert self._body is not None and self._table is not None
            raw = self._body.read(self._table[number])
            try:
                shard = pickle.loads(raw)
            except Exception as error:  # another okrctl's layout
                raise Damaged(str(error)) from None
            self._shards[number] = shard
        return shard

    def get(self, key: str, default: Any = None) -> Any:
        return self._shard(self.shard_of(key)).get(key, default)

    def put(self, key: str, value: Any) -> None:
        number = self.shard_of(key)
        self._shard(number)[key] = value
        self._dirty.add(number)

    def pop(self, key: str) -> None:
        number = self.shard_of(key)
        if self._shard(number).pop(key, None) is not None:
            self._dirty.add(number)

    def items(self) -> Iterator[tuple[str, Any]]:
        """Every key and value (every segment read), in no particular order."""
        for number in range(self.count):
            yield from self._shard(number).items()

    def changed(self) -> set[int]:
        """The segments the last or next save writes anew (tests)."""
        return self._dirty | self._written

    def _pending(self) -> Iterator[tuple[int, bytes]]:
        for number in sorted(self._dirty):
            yield number, pickle.dumps(self._shard(number), protocol=pickle.HIGHEST_PROTOCOL)

    def _kept(self) -> int:
        """Bytes of the segments the next save keeps as they are in the body."""
        table = self._table or ()
        return sum(p[1] for number, p in enumerate(table) if number not in self._dirty)


def read(path: Path, key: bytes, counts: dict[str, int]) -> tuple[Any, dict[str, Shelf]] | None:
    """The header and the shelves whose header is ``path`` if it is signed with ``key``
    and holds exactly the shelves ``counts`` names with those segment counts; None
    otherwise. Only the header is read now; segments are read when first asked for."""
    try:
        with path.open("rb") as handle:
            (size,) = _LENGTH.unpack(handle.read(_LENGTH.size))
            head = verified(key, handle.read(size), _CONTEXT)
        if head is None:
            return None
        header, tables = pickle.loads(head)
        if {name: len(table) // _ENTRY.size for name, table in tables.items()} != counts:
            return None
    except Exception:  # missing, cut short or another okrctl's layout
        return None
    body = _Body(body_path(path))
    shelves = {
        name: Shelf(len(table) // _ENTRY.size, body, list(_ENTRY.iter_unpack(table)))
        for name, table in tables.items()
    }
    return header, shelves


def write(path: Path, key: bytes, header: Any, shelves: dict[str, Shelf]) -> None:
    """Record ``header`` and ``shelves`` at ``path`` (the header, replaced atomically)
    and its body: the changed segments appended, or the body written anew when it would
    carry too many replaced bytes or belongs to other files. Afterwards the shelves read
    from the new files. Raises ``OSError``, ``Damaged`` (an unchanged segment could not
    be read back for a new body)."""
    target = body_path(path)
    pending = {name: dict(shelf._pending()) for name, shelf in shelves.items()}
    new_bytes = sum(len(raw) for found in pending.values() for raw in found.values())
    live = sum(shelf._kept() for shelf in shelves.values()) + new_bytes
    placed = None
    same_body = all(s._body is not None and s._body.path == target for s in shelves.values())
    try:
        fits = same_body and os.stat(target).st_size + new_bytes <= _GROWTH * live + _SLACK
    except OSError:
        fits = False
    if fits:
        placed = _append(target, shelves, pending)
    if placed is None:
        placed = _rewrite(target, shelves, pending)
    tables = {name: b"".join(_ENTRY.pack(*p) for p in table) for name, table in placed.items()}
    head = pickle.dumps((header, tables), protocol=pickle.HIGHEST_PROTOCOL)
    head = sign(key, head, _CONTEXT) + head
    replace_file(path, _LENGTH.pack(len(head)) + head, sync=False)
    body = _Body(target)
    for name, shelf in shelves.items():
        if shelf._body is not None:
            shelf._body.close()
        shelf._body, shelf._table = body, placed[name]
        shelf._written, shelf._dirty = set(pending[name]), set()


def _append(
    target: Path, shelves: dict[str, Shelf], pending: dict[str, dict[int, bytes]]
) -> dict[str, list[Placement]] | None:
    """The shelves' placements with the changed segments appended to the body in one
    write; None when the write fell short (the body is then written anew)."""
    parts = [raw for found in pending.values() for raw in found.values()]
    data = b"".join(parts)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0))
    try:
        if os.write(fd, data) != len(data):
            return None
        offset = os.lseek(fd, 0, os.SEEK_CUR) - len(data)
    finally:
        os.close(fd)
    placed: dict[str, list[Placement]] = {}
    for name, shelf in shelves.items():
        table = list(shelf._table or ())
        for number, raw in pending[name].items():
            table[number] = (offset, len(raw), hashlib.blake2b(raw, digest_size=32).digest())
            offset += len(raw)
        placed[name] = table
    return placed


def _rewrite(
    target: Path, shelves: dict[str, Shelf], pending: dict[str, dict[int, bytes]]
) -> dict[str, list[Placement]]:
    """The shelves' placements in a body written anew, whole."""
    parts: list[bytes] = []
    placed: dict[str, list[Placement]] = {}
    offset = 0
    for name, shelf in shelves.items():
        table: list[Placement] = []
        for number in range(shelf.count):
            raw = pending[name].get(number)
            if raw is None:
                assert shelf._body is not None and shelf._table is not None
                raw = shelf._body.read(shelf._table[number])
                digest = shelf._table[number][2]
            else:
                digest = hashlib.blake2b(raw, digest_size=32).digest()
            table.append((offset, len(raw), digest))
            parts.append(raw)
            offset += len(raw)
        placed[name] = table
    replace_file(target, b"".join(parts), sync=False)
    return placed
