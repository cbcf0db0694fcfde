"""`okrctl check` that costs what an edit touches: the stat manifest, the cross-file
index and each file's diagnostics, kept in one signed blob (``.okrctl_cache/check``).

* Nothing changed (every goal file's stat key as recorded, same okrctl, same okrctl.yaml,
  same options, same metric files): the recorded result, without reading any YAML.
* Some files changed: those are parsed, the index is patched, and the rules run on a
  focused context whose ``all_*()`` iterate only the affected files (``index.affected``)
  while lookups by id reach every file through the index and the parse cache. Their
  diagnostics and alignment counts replace the recorded ones; all others stand.
* Anything else (no blob, another okrctl or okrctl.yaml or options, the metric sources
  the goals read changed): a whole run, which records the blob for the next one.

A whole run and an incremental one give the same diagnostics, byte for byte in every
format (tests/test_incremental.py checks random edit sequences against cold runs).
The blob is signed with the machine key (core/signing.py): one planted in a pull request
is ignored, and deleting it only costs a whole run (docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import struct
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from okrctl.core.diagnostics import Diagnostic, Suppression
from okrctl.core.fileio import replace_file
from okrctl.core.model import GoalFile, Kpi, Objective, Scorecard
from okrctl.core.signing import machine_key, sign, verified
from okrctl.load.config import CONFIG_NAME, Config
from okrctl.load.filecache import (
    CACHE_DIR,
    cache_home,
    cached_file,
    parse_files,
    prune_unused,
)
from okrctl.load.manifest import Seen, stat_key, survey
from okrctl.load.repository import Repository
from okrctl.rules.context import Context, Entry, objective_stats
from okrctl.rules.index import Facts, Index, affected, facts_of

BLOB = "check"
_HEAD = struct.Struct(">Q")
SHARDS = 64  # the body's records, split by path: an edit re-pickles only its shards


def shard_of(path: str) -> int:
    """The body shard that holds the record of ``path``."""
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % SHARDS


class Record(NamedTuple):
    """One goal file as the blob keeps it."""

    facts: Facts
    loaded: tuple[Diagnostic, ...]  # from parsing it alone
    found: tuple[Diagnostic, ...]  # from the rules, located in it
    stats: tuple[int, int, int, int]  # its share of alignment_stats
    suppressions: tuple[Suppression, ...] = ()  # its `# okrctl: disable=` comments


@dataclass
class State:
    """What one run leaves for the next."""

    key: bytes
    written_ns: int
    manifest: dict[str, Seen]
    order: list[str]
    records: dict[str, Record]
    general: tuple[Diagnostic, ...]  # rule diagnostics located outside goal files
    sources: tuple[str, ...]  # the metric sources the goals read, for ``general``
    result: tuple[tuple[Diagnostic, ...], tuple[int, ...]] | None = None
    comments: dict[str, tuple[Suppression, ...]] | None = None  # with ``result``
    # the body's shards as read, by number, while their records stand as read: saving
    # writes these bytes again instead of pickling their records anew
    clean: dict[int, bytes] = field(default_factory=dict)
    # the blob's bytes, the body's offset and its segments' lengths and hashes, until
    # ``read_body`` unpickles the body
    unread: tuple[bytes, int, list[tuple[int, bytes]]] | None = None

    def touch(self, paths: Iterable[str]) -> None:
        """Mark the records of ``paths`` as changed (their shards are pickled anew)."""
        for path in paths:
            self.clean.pop(shard_of(path), None)

    def diagnostics(self) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for path in self.order:
            record = self.records[path]
            out += record.loaded
            out += record.found
        out += self.general
        return out

    def suppressions(self) -> dict[str, tuple[Suppression, ...]]:
        """The suppression comments of the goal files that have any, by path."""
        return {p: r.suppressions for p, r in self.records.items() if r.suppressions}

    def totals(self) -> tuple[int, ...]:
        """(files, objectives, key results, KPIs, scorecards, aligned, below top,
        covered KRs, top KRs)."""
        totals = [len(self.order), 0, 0, 0, 0, 0, 0, 0, 0]
        for record in self.records.values():
            for index, value in enumerate((*record.facts.counts, *record.stats)):
                totals[index + 1] += value
        return tuple(totals)


@dataclass(frozen=True, slots=True)
class Outcome:
    """Rule and load diagnostics (settings not applied) and the summary counts."""

    diagnostics: list[Diagnostic]
    totals: tuple[int, ...]
    mode: str  # "unchanged", "incremental" or "whole"
    parsed: int  # goal files parsed (not taken from the parse cache)
    focus: int  # goal files the rules ran on
    # the goal files' suppression comments, applied with the settings (rules/suppress.py)
    suppressions: dict[str, tuple[Suppression, ...]] = field(default_factory=dict)
    state: State | None = None  # with ``run(keep=True)``: the state it reported


def _code_fingerprint() -> bytes:
    """okrctl's version and every module's name, size and modification time: a new
    release or an edited checkout of okrctl starts from a whole run."""
    from okrctl import __version__

    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        digest.update(f"{path.relative_to(package)}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.digest()


def state_key(config: Config, *, data: bool, as_of: dt.date) -> bytes | None:
    """What a recorded result depends on besides the goal files; None when it cannot be
    told (okrctl.yaml unreadable)."""
    try:
        settings = (config.root / CONFIG_NAME).read_bytes()
    except OSError:
        return None
    metric_paths = sorted({s.path for s in config.metrics.values()} | {config.checkins})
    stats = [(p, stat_key(config.root / p)) for p in metric_paths]
    options = repr((data, as_of.isoformat() if data else None, stats)).encode()
    return hashlib.blake2b(
        _code_fingerprint() + settings + b"\0" + options, digest_size=32
    ).digest()


def _blob_path(root: Path) -> Path:
    return root / CACHE_DIR / BLOB


def load_state(root: Path, key: bytes, signing: bytes, *, body: bool) -> State | None:
    """The recorded state if it is ours (signed) and for ``key``. Without ``body`` only
    the header (manifest and recorded result) is unpickled: ``records`` stays empty.

    The blob: the header's length, the header (signed: the key, the manifest, the order,
    the recorded result, and the length and hash of each body segment), then the body:
    one segment with the diagnostics located outside goal files and the sources read,
    and ``SHARDS`` segments of records (``shard_of``)."""
    try:
        blob = _blob_path(root).read_bytes()
        (size,) = _HEAD.unpack_from(blob, 0)
        head = verified(signing, blob[_HEAD.size : _HEAD.size + size], b"check-head")
        if head is None:
            return None
        header = pickle.loads(head)
        if header["key"] != key:
            return None
        state = State(key, header["written"], header["manifest"], header["order"], {}, (), ())
        state.result, state.comments = header["result"], header["comments"]
        state.unread = (blob, _HEAD.size + size, header["body"])
        if body and not read_body(state):
            return None
        return state
    except Exception:  # missing, cut short or another okrctl's layout: a whole run
        return None


def read_body(state: State) -> bool:
    """Unpickle the body of a state ``load_state`` read without it (from the bytes it
    read then); False when a segment's hash is not the one the signed header names."""
    if state.unread is None:
        return bool(state.records)
    blob, offset, listed = state.unread
    state.unread = None
    try:
        view = memoryview(blob)
        segments = []
        for length, digest in listed:
            segment = view[offset : offset + length]
            if hashlib.blake2b(segment, digest_size=32).digest() != digest:
                return False
            segments.append(bytes(segment))
            offset += length
        if offset != len(blob) or len(segments) != SHARDS + 1:
            return False
        state.general, state.sources = pickle.loads(segments[0])
        for number, shard in enumerate(segments[1:]):
            state.records.update(pickle.loads(shard))
            state.clean[number] = shard
    except Exception:  # another okrctl's layout: a whole run
        state.records.clear()
        return False
    return True


def save_state(root: Path, state: State, signing: bytes) -> None:
    """Record ``state`` atomically; only the shards with changed records are pickled
    anew (the others are the bytes read). A read-only checkout only stays slower."""
    shards: list[dict[str, Record]] = [{} for _ in range(SHARDS)]
    if len(state.clean) < SHARDS:
        for name, record in state.records.items():
            shards[shard_of(name)][name] = record
    segments = [pickle.dumps((state.general, state.sources), protocol=pickle.HIGHEST_PROTOCOL)]
    for number, records in enumerate(shards):
        kept = state.clean.get(number)
        if kept is None:
            kept = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
            state.clean[number] = kept
        segments.append(kept)
    header = {
        "key": state.key,
        "written": state.written_ns,
        "manifest": state.manifest,
        "order": state.order,
        "result": state.result or (tuple(state.diagnostics()), state.totals()),
        "comments": state.suppressions() if state.records else (state.comments or {}),
        "body": [(len(s), hashlib.blake2b(s, digest_size=32).digest()) for s in segments],
    }
    head = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
    head = sign(signing, head, b"check-head") + head
    try:
        cache_home(root)
        blob = b"".join([_HEAD.pack(len(head)), head, *segments])
        replace_file(_blob_path(root), blob, sync=False)
    except OSError:
        pass  # a read-only checkout only stays slower


class _Lazy(Mapping[str, Entry]):
    """First definitions of some kinds, by id, loading a goal file only when asked."""

    def __init__(
        self, first: dict[str, tuple[str, str]], kinds: str, load: Callable[[str], GoalFile]
    ) -> None:
        self.first, self.kinds, self.load = first, kinds, load

    def __getitem__(self, key: str) -> Entry:
        path, kind = self.first[key]
        if kind not in self.kinds:
            raise KeyError(key)
        goal_file = self.load(path)
        group: tuple[Entry, ...]
        if kind == "o":
            group = goal_file.objectives
        elif kind == "k":
            group = goal_file.kpis
        else:
            group = goal_file.scorecards
        return next(entry for entry in group if entry.id == key)

    def __contains__(self, key: object) -> bool:
        found = self.first.get(key) if isinstance(key, str) else None
        return found is not None and found[1] in self.kinds

    def __iter__(self) -> Iterator[str]:
        return (key for key, (_, kind) in self.first.items() if kind in self.kinds)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _focused(
    config: Config, files: list[GoalFile], index: Index, load: Callable[[str], GoalFile]
) -> Context:
    """A context iterating ``files`` alone, looking every id up through ``index``."""
    ctx = Context(Repository(config, tuple(files)), index=index)
    first = index.first()
    ctx.objectives = _Lazy(first, "o", load)  # type: ignore[assignment]
    ctx.kpis = _Lazy(first, "k", load)  # type: ignore[assignment]
    ctx.scorecards = _Lazy(first, "s", load)  # type: ignore[assignment]
    ctx.entries = _Lazy(first, "oks", load)
    for goal_file in files:
        ctx.objective_list.extend(goal_file.objectives)
        ctx.kpi_list.extend(goal_file.kpis)
        ctx.scorecard_list.extend(goal_file.scorecards)
        entries: list[Objective | Kpi | Scorecard] = [
            *goal_file.objectives,
            *goal_file.kpis,
            *goal_file.scorecards,
        ]
        for entry in entries:
            if not ctx.is_first(entry):
                ctx.duplicates.append((ctx.entries[entry.id], entry))
    return ctx


def rule_diagnostics(ctx: Context) -> list[Diagnostic]:
    """What every rule finds in ``ctx`` (and, with metric data, in the files it reads)."""
    from okrctl.rules.registry import all_rules

    out: list[Diagnostic] = []
    for info in all_rules().values():
        if info.check is not None:
            out.extend(info.check(ctx))
    if ctx.data is not None and ctx.index is None:
        from okrctl.rules.data import data_file_problems

        out.extend(data_file_problems(ctx))
    return out


def _attach_data(ctx: Context, data: bool, as_of: dt.date) -> None:
    if data:
        from okrctl.metrics.engine import MetricData

        ctx.data = MetricData(ctx.config, strict=False)
        ctx.as_of = as_of


def _judge(
    ctx: Context, files: Iterable[GoalFile]
) -> tuple[
    dict[str, tuple[Diagnostic, ...]], dict[str, tuple[int, int, int, int]], list[Diagnostic]
]:
    """Run the rules on ``ctx``: diagnostics per goal file of ``files``, their alignment
    counts, and the diagnostics located elsewhere (okrctl.yaml, metric files)."""
    files = list(files)
    found: dict[str, list[Diagnostic]] = {f.path: [] for f in files}
    general: list[Diagnostic] = []
    for diagnostic in rule_diagnostics(ctx):
        bucket = found.get(diagnostic.file)
        (general if bucket is None else bucket).append(diagnostic)
    stats = {
        f.path: objective_stats(ctx, [o for o in f.objectives if ctx.is_first(o)]) for f in files
    }
    return {p: tuple(d) for p, d in found.items()}, stats, general


def whole(
    config: Config, paths: list[str], *, data: bool, as_of: dt.date, use_cache: bool
) -> State:
    """Every goal file parsed (through the parse cache) and every rule run on all."""
    files = parse_files(config.root, paths, use_cache=use_cache)
    ctx = Context.build(Repository(config, tuple(files)))
    _attach_data(ctx, data, as_of)
    found, stats, general = _judge(ctx, files)
    records = {
        f.path: Record(facts_of(f), f.diagnostics, found[f.path], stats[f.path], f.suppressions)
        for f in files
    }
    index = Index({p: r.facts for p, r in records.items()}, list(records))
    return State(b"", 0, {}, list(records), records, tuple(general), tuple(sorted(index.sources())))


def run(
    config: Config,
    paths: list[str],
    *,
    data: bool,
    as_of: dt.date,
    use_cache: bool = True,
    keep: bool = False,
) -> Outcome:
    """The load and rule diagnostics of the goal files ``paths`` (in discovery order) and
    the summary counts, as cheaply as the recorded state allows. With ``keep`` the
    outcome carries the whole state (records and index) it reports."""
    signing = machine_key() if use_cache else None
    key = state_key(config, data=data, as_of=as_of) if signing is not None else None
    if signing is None or key is None:
        state = whole(config, paths, data=data, as_of=as_of, use_cache=use_cache)
        return _outcome(state, "whole", len(paths), len(paths), keep)
    now = time.time_ns()
    root = config.root
    head = load_state(root, key, signing, body=keep)
    if head is not None and head.result is not None:
        manifest, changed = survey(root, paths, head.manifest, head.written_ns)
        removed = set(head.manifest) - set(paths)
        if not changed and not removed and head.order == paths and manifest == head.manifest:
            if not keep:
                return Outcome(
                    list(head.result[0]),
                    head.result[1],
                    "unchanged",
                    0,
                    0,
                    suppressions=head.comments or {},
                )
            if head.records:  # the body was read and checked
                return _outcome(head, "unchanged", 0, 0, keep)
        known = head if read_body(head) else None
        if known is not None:
            outcome = _patch(config, paths, known, manifest, changed, removed, data, as_of)
            if outcome is not None:
                known.written_ns = now
                known.result = (tuple(outcome.diagnostics), outcome.totals)
                save_state(root, known, signing)
                return replace(outcome, state=known if keep else None)
    state = whole(config, paths, data=data, as_of=as_of, use_cache=True)
    state.key, state.written_ns = key, now
    state.manifest, _ = survey(root, paths, {}, 0)
    outcome = _outcome(state, "whole", len(paths), len(paths), keep)
    state.result = (tuple(outcome.diagnostics), outcome.totals)
    save_state(root, state, signing)
    return outcome


def _outcome(state: State, mode: str, parsed: int, focus: int, keep: bool) -> Outcome:
    return Outcome(
        state.diagnostics(),
        state.totals(),
        mode,
        parsed,
        focus,
        suppressions=state.suppressions(),
        state=state if keep else None,
    )


def _patch(
    config: Config,
    paths: list[str],
    state: State,
    manifest: dict[str, Seen],
    changed: set[str],
    removed: set[str],
    data: bool,
    as_of: dt.date,
) -> Outcome | None:
    """Bring ``state`` up to date with the edit (in place); None when only a whole run
    can (the metric sources the goals read changed)."""
    root = config.root
    edited = changed | removed
    old_facts = {p: state.records[p].facts for p in edited if p in state.records}
    old_index = Index({p: r.facts for p, r in state.records.items()}, state.order)
    parsed = {f.path: f for f in parse_files(root, sorted(changed), prune=False)}
    if parsed:
        prune_unused(root, ((p, seen.digest) for p, seen in manifest.items()))
    records = {p: r for p, r in state.records.items() if p not in removed}
    for path, goal_file in parsed.items():
        records[path] = Record(
            facts_of(goal_file), goal_file.diagnostics, (), (0, 0, 0, 0), goal_file.suppressions
        )
    new_index = Index({p: records[p].facts for p in paths}, paths)
    if tuple(sorted(new_index.sources())) != state.sources:
        return None
    focus = affected(old_index, new_index, edited, old_facts)
    loaded: dict[str, GoalFile] = dict(parsed)

    def load(path: str) -> GoalFile:
        if path not in loaded:
            hit = cached_file(root, path, manifest[path].digest)
            loaded[path] = hit or parse_files(root, [path], prune=False)[0]
        return loaded[path]

    focus_files = [load(p) for p in paths if p in focus]
    ctx = _focused(config, focus_files, new_index, load)
    _attach_data(ctx, data, as_of)
    found, stats, _ = _judge(ctx, focus_files)  # what lies elsewhere stands (same sources)
    for path in focus:
        records[path] = records[path]._replace(found=found[path], stats=stats[path])
    state.touch(edited | focus)
    state.manifest, state.order, state.records = manifest, paths, records
    return _outcome(state, "incremental", len(parsed), len(focus), False)


def by_file(diagnostics: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """Diagnostics grouped by the file they are located in (for tests and tools)."""
    out: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        out[diagnostic.file].append(diagnostic)
    return out
