"""The exact reader over a large file without its rows (docs/metrics.md, "Large files"):
what answers when DuckDB cannot read a file (an error of its own, a line longer than its
limit, bytes its view and the exact reader judge differently), with memory bounded.

It reads the file with the same row reader as the small-file ``TableSource`` and gives
the same numbers, problems and refused cells, but keeps no rows:

* **answers**: per metric and ``where`` filter asked, the total of each date inside a
  window asked and, per baseline date asked, the latest date on or before it with its
  total, summed in file order as ``TableSource.totals`` sums them; each ``answer`` call
  is one pass over the file;
* **duplicate rows** without a dict of every key: a first pass writes the 64-bit hash of
  every key to temporary files, split by hash into parts of about a million; the hashes
  met twice in a part are the candidates, and the answering pass tracks only the rows
  whose key has a candidate hash, so it confirms each duplicate exactly (a collision
  only costs a tracked key). At most ``MAX_LOCATED`` candidate hashes are kept: a file
  with more duplicated keys has the rest summed, and says so (a D001 problem at line 0
  and a ``Rejected`` naming no metric, so every number of the file shows it);
* **refused input** located up to ``located.MAX_LOCATED`` and counted beyond.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import tempfile
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from okrctl.core.i18n import msg
from okrctl.load.config import MetricSource
from okrctl.metrics.csvread import CsvError, open_dialect, read_records
from okrctl.metrics.located import MAX_LOCATED
from okrctl.metrics.memory import TableSource
from okrctl.metrics.rows import resolve_layout
from okrctl.metrics.source import (
    Answer,
    DataProblem,
    Rejected,
    Request,
    UsedRow,
    Where,
    answer_from_totals,
)

PART_KEYS = 1 << 20  # key hashes per part of the duplicate search (a set of them: ~70 MB)
_FLUSH = 1 << 16  # hashes buffered per part before they are written


class _KeyHashes:
    """The first pass's ``duplicates``: records the hash of every key the row reader
    checks, and tracks none."""

    def __init__(self, parts: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="okrctl-keys-"))
        self.parts = parts
        self.buffers = [array("q") for _ in range(parts)]

    def __bool__(self) -> bool:
        return True

    def __contains__(self, key: object) -> bool:
        h = hash(key)
        buffer = self.buffers[h % self.parts]
        buffer.append(h)
        if len(buffer) >= _FLUSH:
            self._flush(h % self.parts)
        return False

    def _flush(self, part: int) -> None:
        with (self.folder / str(part)).open("ab") as handle:
            self.buffers[part].tofile(handle)
        self.buffers[part] = array("q")

    def duplicated(self) -> tuple[frozenset[int], bool]:
        """The hashes met more than once (at most ``MAX_LOCATED``), and whether there
        were more."""
        found: set[int] = set()
        more = False
        try:
            for part in range(self.parts):
                self._flush(part)
                hashes = array("q")
                path = self.folder / str(part)
                hashes.frombytes(path.read_bytes())
                path.unlink()
                ordered = sorted(hashes)
                del hashes
                for a, b in itertools.pairwise(ordered):
                    if a == b:
                        if len(found) >= MAX_LOCATED and a not in found:
                            more = True
                            break
                        found.add(a)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        return frozenset(found), more


@dataclass(frozen=True)
class _Hashed:
    """The answering pass's ``duplicates``: tracks the keys with a candidate hash."""

    hashes: frozenset[int]

    def __bool__(self) -> bool:
        return bool(self.hashes)

    def __contains__(self, key: object) -> bool:
        return hash(key) in self.hashes


def _ignore(metric: str, day: dt.date, value: float, dims: tuple[str, ...], line: int) -> None:
    return None


def _wanted(where: Where, dimensions: tuple[str, ...]) -> list[tuple[int, set[str]]] | None:
    """The dimension positions and values ``where`` asks; None if it names a column the
    file lacks (it matches nothing), as ``TableSource`` reads it."""
    index = {name: i for i, name in enumerate(dimensions)}
    wanted = [(index[c], set(values)) for c, values in where if c in index]
    return wanted if len(wanted) == len(where) else None


@dataclass
class _Slot:
    """One metric and filter: the totals of the dates the requests need."""

    wanted: list[tuple[int, set[str]]]
    windows: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    bases: dict[dt.date, tuple[dt.date, float] | None] = field(default_factory=dict)
    days: dict[dt.date, float] = field(default_factory=dict)

    def add(self, day: dt.date, value: float) -> None:
        if any(start <= day <= end for start, end in self.windows):
            self.days[day] = self.days.get(day, 0.0) + value
        for base, best in self.bases.items():
            if day <= base:
                if best is None or day > best[0]:
                    self.bases[base] = (day, 0.0 + value)
                elif day == best[0]:
                    self.bases[base] = (day, best[1] + value)


class Totals:
    """The per-date totals ``requests`` need, gathered from the values that count."""

    def __init__(self, requests: Sequence[Request], dimensions: tuple[str, ...]) -> None:
        self.slots: dict[tuple[str, Where], _Slot | None] = {}
        self.by_metric: dict[str, list[_Slot]] = {}
        for request in requests:
            key = (request.metric, request.where)
            if key not in self.slots:
                wanted = _wanted(request.where, dimensions)
                slot = None if wanted is None else _Slot(wanted)
                self.slots[key] = slot
                if slot is not None:
                    self.by_metric.setdefault(request.metric, []).append(slot)
            slot = self.slots[key]
            if slot is not None:
                slot.windows.append((request.start, request.end))
                if request.baseline_on is not None:
                    slot.bases.setdefault(request.baseline_on, None)

    def accept(
        self, metric: str, day: dt.date, value: float, dims: tuple[str, ...], line: int
    ) -> None:
        for slot in self.by_metric.get(metric, ()):
            if all(dims[i] in values for i, values in slot.wanted):
                slot.add(day, value)

    def answer(self, request: Request) -> Answer:
        """``answer_from_totals`` over the dates gathered for ``request``."""
        slot = self.slots[(request.metric, request.where)]
        if slot is None:
            return answer_from_totals([], request)
        days = dict(slot.days)
        best = slot.bases.get(request.baseline_on) if request.baseline_on else None
        if best is not None:
            days[best[0]] = best[1]
        return answer_from_totals(sorted(days.items()), request)


class BoundedSource:
    """A large metric file read by the exact reader without keeping its rows: the
    Source protocol of ``TableSource``, with the same answers."""

    def __init__(self, config: MetricSource, root: Path) -> None:
        self.name = config.name
        self.path = config.path
        self.config = config
        self.root = root
        self._duplicated: _Hashed | None = None
        self._more_duplicates = False
        self._last: TableSource | None = None

    def _pass(self, accept: object = _ignore) -> TableSource:
        """One pass of the exact reader handing each value that counts to ``accept``
        (after the first pass that finds the candidate duplicate keys)."""
        if self._duplicated is None:
            parts = max(1, self._file_size() // (16 * PART_KEYS))  # rows of 16 bytes or more
            keys = _KeyHashes(parts)
            try:
                TableSource(self.config, self.root, keep_rows=False, duplicates=keys, cap=1)
            finally:
                hashes, self._more_duplicates = keys.duplicated()
            self._duplicated = _Hashed(hashes)
        self._last = TableSource(
            self.config,
            self.root,
            keep_rows=False,
            duplicates=self._duplicated,
            cap=MAX_LOCATED,
            accept=accept,  # type: ignore[arg-type]
        )
        return self._last

    def _file_size(self) -> int:
        try:
            return (self.root / self.config.path).stat().st_size
        except OSError:
            return 0

    def _read(self) -> TableSource:
        return self._last if self._last is not None else self._pass()

    def _dimension_names(self) -> tuple[str, ...]:
        """The file's dimension columns, from its header (none when it cannot be read:
        the pass reports why)."""
        try:
            dialect = open_dialect(self.root / self.config.path, self.config.encoding, None)
            header, records = read_records(self.root / self.config.path, dialect)
        except (CsvError, OSError, UnicodeError, ValueError):
            return ()
        close = getattr(records, "close", None)
        if close is not None:
            close()
        layout = resolve_layout(self.config, header)
        if isinstance(layout, DataProblem) or layout.metric is None:
            return ()
        return tuple(layout.names[i] for i in layout.dimensions)

    def answer(self, requests: Sequence[Request]) -> dict[str, Answer]:
        """Each request's answer, from one pass over the file."""
        totals = Totals(requests, self._dimension_names())
        source = self._pass(totals.accept)
        out = {r.key: totals.answer(r) for r in requests}
        index = source.rejected_index()
        if index:
            out = {r.key: index.annotate(r, out[r.key]) for r in requests}
        return out

    def metrics(self) -> set[str]:
        return self._read().metrics()

    def dimensions(self) -> tuple[str, ...]:
        return self._read().dimensions()

    def latest_date(self) -> dt.date | None:
        return self._read().latest_date()

    def problems(self) -> list[DataProblem]:
        problems = self._read().problems()
        if self._more_duplicates:
            problems.append(self._more_duplicates_problem())
        return problems

    def rejected(self) -> list[Rejected]:
        rejected = self._read().rejected()
        if self._more_duplicates:
            problem = self._more_duplicates_problem()
            rejected.append(Rejected(self.path, problem, None, None, None))
        return rejected

    @staticmethod
    def _more_duplicates_problem() -> DataProblem:
        return DataProblem(
            "D001",
            0,
            msg(
                "more than {cap} keys have duplicate rows: the rows of the keys past those "
                "are summed, not left out",
                cap=f"{MAX_LOCATED:,}",
            ),
            msg("remove the duplicate rows from the export"),
        )

    def rows(self, request: Request) -> list[UsedRow]:
        """The rows behind ``request``, with their lines (explain): only those are kept."""
        names = self._dimension_names()
        wanted = _wanted(request.where, names)
        first = request.start if request.baseline_on is None else dt.date.min
        kept: list[UsedRow] = []

        def keep(metric: str, day: dt.date, value: float, dims: tuple[str, ...], line: int) -> None:
            if (
                metric == request.metric
                and wanted is not None
                and first <= day <= request.end
                and all(dims[i] in values for i, values in wanted)
            ):
                kept.append(UsedRow(line, day, value, tuple(zip(names, dims, strict=False))))

        self._pass(keep)
        return kept
