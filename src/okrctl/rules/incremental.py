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
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from okrctl.core.diagnostics import Diagnostic, Suppression
from okrctl.core.model import GoalFile, Kpi, Objective, Scorecard
from okrctl.core.signing import machine_key
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
from okrctl.rules import shelf
from okrctl.rules.context import Context, Entry, objective_stats
from okrctl.rules.index import Facts, Index, affected, facts_of
from okrctl.rules.stored import (
    SHELVES,
    Record,
    StoredIndex,
    StoredView,
    diagnostics_in,
    stored_records,
)

__all__ = ["BLOB", "Outcome", "Record", "State", "load_state", "run", "save_state"]

BLOB = "check"


@dataclass
class State:
    """What one run leaves for the next: the stat manifest, the index of every goal file
    (records and maps, read as asked) and the result it reported."""

    key: bytes
    written_ns: int
    manifest: dict[str, Seen]
    index: StoredIndex
    by_file: dict[str, tuple[Diagnostic, ...]]  # load and rule diagnostics, files with any
    general: tuple[Diagnostic, ...]  # rule diagnostics located outside goal files
    totals: tuple[int, ...]
    comments: dict[str, tuple[Suppression, ...]]  # suppression comments, files with any
    sources: tuple[str, ...]  # the metric sources the goals read, for ``general``

    @property
    def order(self) -> list[str]:
        return self.index.order

    def diagnostics(self) -> list[Diagnostic]:
        return diagnostics_in(self.order, self.by_file) + list(self.general)

    def records(self) -> dict[str, Record]:
        """Every goal file's record, in order (the whole index read)."""
        return stored_records(self.index, self.by_file)


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


def load_state(root: Path, key: bytes, signing: bytes) -> State | None:
    """The recorded state if it is ours (signed) and for ``key``. Only the header (the
    manifest and the recorded result) is read now; the index's segments are read when a
    run asks for them (rules/shelf.py)."""
    found = shelf.read(_blob_path(root), signing, SHELVES)
    if found is None:
        return None
    header, shelves = found
    try:
        if header["key"] != key:
            return None
        index = StoredIndex(
            shelves, header["order"], Counter(header["read"]), Counter(header["perspectives"])
        )
        return State(
            key,
            header["written"],
            header["manifest"],
            index,
            header["by_file"],
            header["general"],
            header["totals"],
            header["comments"],
            header["sources"],
        )
    except (KeyError, TypeError, ValueError):  # another okrctl's layout
        return None


def save_state(root: Path, state: State, signing: bytes) -> None:
    """Record ``state`` atomically; only the segments with changed keys are pickled
    anew. A read-only checkout only stays slower."""
    header = {
        "key": state.key,
        "written": state.written_ns,
        "manifest": state.manifest,
        "order": state.order,
        "by_file": state.by_file,
        "general": state.general,
        "totals": state.totals,
        "comments": state.comments,
        "sources": state.sources,
        "read": dict(state.index.sources_read),
        "perspectives": dict(state.index.perspectives),
    }
    try:
        cache_home(root)
        shelf.write(_blob_path(root), signing, header, state.index.shelves)
    except (OSError, shelf.Damaged):
        pass  # a read-only checkout only stays slower


class _Lazy(Mapping[str, Entry]):
    """First definitions of some kinds, by id, loading a goal file only when asked."""

    def __init__(
        self,
        first: Mapping[str, tuple[str, str]],
        kinds: str,
        load: Callable[[str], GoalFile],
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
    config: Config,
    files: list[GoalFile],
    index: Index | StoredIndex,
    load: Callable[[str], GoalFile],
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
    order = list(records)
    index = StoredIndex.build(records, order)
    totals = [len(order), 0, 0, 0, 0, 0, 0, 0, 0]
    for record in records.values():
        _count(totals, record, 1)
    return State(
        b"",
        0,
        {},
        index,
        {p: r.loaded + r.found for p, r in records.items() if r.loaded or r.found},
        tuple(general),
        tuple(totals),
        {p: r.suppressions for p, r in records.items() if r.suppressions},
        tuple(sorted(index.sources())),
    )


def _count(totals: list[int], record: Record, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) a record's share of the summary counts:
    (files, objectives, key results, KPIs, scorecards, aligned, below top, covered KRs,
    top KRs)."""
    for position, value in enumerate((*record.facts.counts, *record.stats), start=1):
        totals[position] += sign * value


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
    known = load_state(root, key, signing)
    if known is not None:
        manifest, changed = survey(root, paths, known.manifest, known.written_ns)
        removed = set(known.manifest) - set(paths)
        if not changed and not removed and known.order == paths and manifest == known.manifest:
            return _outcome(known, "unchanged", 0, 0, keep)
        try:
            outcome = _patch(config, paths, known, manifest, changed, removed, data, as_of)
        except shelf.Damaged:
            outcome = None
        if outcome is not None:
            known.written_ns = now
            save_state(root, known, signing)
            return replace(outcome, state=known if keep else None)
    state = whole(config, paths, data=data, as_of=as_of, use_cache=True)
    state.key, state.written_ns = key, now
    state.manifest, _ = survey(root, paths, {}, 0)
    save_state(root, state, signing)
    return _outcome(state, "whole", len(paths), len(paths), keep)


def _outcome(state: State, mode: str, parsed: int, focus: int, keep: bool) -> Outcome:
    return Outcome(
        state.diagnostics(),
        state.totals,
        mode,
        parsed,
        focus,
        suppressions=dict(state.comments),
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
    can (the metric sources the goals read changed). Raises ``shelf.Damaged``."""
    root = config.root
    index = state.index
    edited = changed | removed
    before: dict[str, Record] = {}
    for path in edited:
        if path in index.position:
            facts, diagnostics, comments = index.parsed(path)
            before[path] = Record(facts, diagnostics, (), index.stats(path), comments)
    parsed = {f.path: f for f in parse_files(root, sorted(changed), prune=False)}
    if parsed:
        prune_unused(root, ((p, seen[3]) for p, seen in manifest.items()))
    perspectives = index.card_perspectives()
    new_facts = {p: facts_of(f) for p, f in parsed.items()}
    for path in sorted(edited):
        goal_file = parsed.get(path)
        record = None
        if goal_file is not None:
            record = Record(
                new_facts[path], goal_file.diagnostics, (), (0, 0, 0, 0), goal_file.suppressions
            )
        index.replace(path, before[path].facts if path in before else None, record)
    index.reorder(paths)
    if tuple(sorted(index.sources())) != state.sources:
        return None
    loaded: dict[str, GoalFile] = dict(parsed)

    def load(path: str) -> GoalFile:
        if path not in loaded:
            hit = cached_file(root, path, manifest[path][3])
            loaded[path] = hit or parse_files(root, [path], prune=False)[0]
        return loaded[path]

    old_facts = {p: r.facts for p, r in before.items()}
    view = StoredView(index, old_facts, new_facts, lambda p: facts_of(load(p)), perspectives)
    focus = sorted(affected(view, edited, old_facts), key=index.position.__getitem__)
    focus_files = [load(p) for p in focus]
    ctx = _focused(config, focus_files, index, load)
    _attach_data(ctx, data, as_of)
    found, stats, _ = _judge(ctx, focus_files)  # what lies elsewhere stands (same sources)
    totals = list(state.totals)
    for path in removed:
        _count(totals, before[path], -1)
        state.by_file.pop(path, None)
        state.comments.pop(path, None)
    for goal_file in focus_files:
        path = goal_file.path
        if path in before:  # edited: its facts changed too
            _count(totals, before[path], -1)
        elif path not in parsed:  # the same facts: only its alignment counts change
            _count(totals, Record(_NO_FACTS, (), (), index.stats(path)), -1)
        facts = new_facts[path] if path in parsed else _NO_FACTS
        _count(totals, Record(facts, (), (), stats[path]), 1)
        index.set_stats(path, stats[path])
        _keep(state.by_file, path, goal_file.diagnostics + found[path])
        _keep(state.comments, path, goal_file.suppressions)
    totals[0] = len(paths)
    state.totals, state.manifest = tuple(totals), manifest
    return _outcome(state, "incremental", len(parsed), len(focus), False)


_NO_FACTS = Facts((), (), (), (0, 0, 0, 0))


def _keep(by_path: dict[str, tuple[Any, ...]], path: str, value: tuple[Any, ...]) -> None:
    if value:
        by_path[path] = value
    else:
        by_path.pop(path, None)


def by_file(diagnostics: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """Diagnostics grouped by the file they are located in (for tests and tools)."""
    out: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        out[diagnostic.file].append(diagnostic)
    return out
