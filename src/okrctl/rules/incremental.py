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
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from okrctl.core.diagnostics import Diagnostic, Suppression
from okrctl.core.model import GoalFile
from okrctl.core.signing import machine_key
from okrctl.load.config import CONFIG_NAME, Config
from okrctl.load.filecache import (
    CACHE_DIR,
    cache_home,
    cached_file,
    parse_files,
    prune_unused,
)
from okrctl.load.manifest import RACY_NS, Seen, stat_key, survey
from okrctl.load.repository import Repository
from okrctl.rules import shelf
from okrctl.rules.context import Context
from okrctl.rules.focus import attach_data, focused, judge
from okrctl.rules.index import Facts, affected, facts_of
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
    listing: Listing | None = None  # how the goal files were found, to find them again
    unpruned: int = 0  # goal files parsed since the parse cache was last pruned

    @property
    def order(self) -> list[str]:
        return self.index.order

    def diagnostics(self) -> list[Diagnostic]:
        return diagnostics_in(self.order, self.by_file) + list(self.general)

    def records(self) -> dict[str, Record]:
        """Every goal file's record, in order (the whole index read)."""
        return stored_records(self.index, self.by_file)


class Listing(NamedTuple):
    """The goal files the globs found, the problems with the globs, the stat keys of
    the folders they looked into and the real paths of the goal files that are links
    (``repository.discover``): while those folders, links and globs stay the same, so
    does the listing."""

    globs: tuple[str, ...]
    paths: list[str]
    problems: list[Diagnostic]
    looked: dict[str, tuple[int, int, int] | None]
    links: dict[str, str] = {}  # noqa: RUF012 (never mutated)


def _listing(config: Config, known: State | None) -> Listing:
    """The goal files of ``config``: the recorded listing when no folder it looked into
    changed since ``known`` was written, else the globs walked again."""
    from okrctl.load.manifest import folders_unchanged
    from okrctl.load.repository import discover

    recorded = known.listing if known is not None else None
    if (
        recorded is not None
        and known is not None
        and recorded.globs == tuple(config.goals)
        and folders_unchanged(recorded.looked, known.written_ns)
        # a link retargeted (to outside the repository) changes no folder
        and all(os.path.realpath(link) == real for link, real in recorded.links.items())
    ):
        return recorded
    looked: dict[str, tuple[int, int, int] | None] = {}
    links: dict[str, str] = {}
    paths, problems = discover(config, looked, links)
    return Listing(tuple(config.goals), paths, problems, looked, links)


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
    paths: list[str] = field(default_factory=list)  # the goal files, in discovery order
    problems: list[Diagnostic] = field(default_factory=list)  # with the goals globs


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
    told (okrctl.yaml unreadable; metric data read from a database, which changes with
    no file's stat; with data, a metric file modified within the racy window of now):
    such a run is a whole one and records nothing."""
    if data and any(source.url is not None for source in config.metrics.values()):
        return None
    try:
        settings = (config.root / CONFIG_NAME).read_bytes()
    except OSError:
        return None
    metric_paths = sorted({s.path for s in config.metrics.values()} | {config.checkins})
    stats = [(p, stat_key(config.root / p)) for p in metric_paths]
    racy = time.time_ns() - RACY_NS
    if data and any(key is not None and key[1] >= racy for _, key in stats):
        return None  # written within a clock tick of now: its stat may not show an edit
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
            shelves,
            header["order"],
            Counter(header["read"]),
            Counter(header["perspectives"]),
            header["dangling"],
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
            header["listing"],
            header["unpruned"],
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
        "dangling": state.index.dangling,
        "listing": state.listing,
        "unpruned": state.unpruned,
    }
    try:
        cache_home(root)
        shelf.write(_blob_path(root), signing, header, state.index.shelves)
    except (OSError, shelf.Damaged):
        pass  # a read-only checkout only stays slower


def whole(
    config: Config,
    paths: list[str],
    *,
    data: bool,
    as_of: dt.date,
    use_cache: bool,
    index: bool = True,
) -> State:
    """Every goal file parsed (through the parse cache) and every rule run on all; the
    state's index is built only with ``index`` (to be recorded or kept)."""
    files = parse_files(config.root, paths, use_cache=use_cache)
    ctx = Context.build(Repository(config, tuple(files)))
    attach_data(ctx, data, as_of)
    found, stats, general = judge(ctx, files)
    records = {
        f.path: Record(facts_of(f), f.diagnostics, found[f.path], stats[f.path], f.suppressions)
        for f in files
    }
    order = list(records)
    built = StoredIndex.build(records if index else {}, order if index else [])
    built.reorder(order)
    sources = set().union(*(r.facts.sources for r in records.values()))
    totals = [len(order), 0, 0, 0, 0, 0, 0, 0, 0]
    for record in records.values():
        _count(totals, record, 1)
    return State(
        b"",
        0,
        {},
        built,
        {p: r.loaded + r.found for p, r in records.items() if r.loaded or r.found},
        tuple(general),
        tuple(totals),
        {p: r.suppressions for p, r in records.items() if r.suppressions},
        tuple(sorted(sources)),
    )


def _count(totals: list[int], record: Record, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) a record's share of the summary counts:
    (files, objectives, key results, KPIs, scorecards, aligned, below top, covered KRs,
    top KRs)."""
    for position, value in enumerate((*record.facts.counts, *record.stats), start=1):
        totals[position] += sign * value


def run(
    config: Config,
    paths: list[str] | None,
    *,
    data: bool,
    as_of: dt.date,
    use_cache: bool = True,
    keep: bool = False,
) -> Outcome:
    """The load and rule diagnostics of the goal files and the summary counts, as cheaply
    as the recorded state allows. The goal files are ``paths`` (in discovery order), or,
    when None, those the globs find (the recorded listing while no folder it looked
    into changed). With ``keep`` the outcome carries the whole state (records and index)
    it reports."""
    signing = machine_key() if use_cache else None
    key = state_key(config, data=data, as_of=as_of) if signing is not None else None
    if signing is None or key is None:
        listing = _given(paths) or _listing(config, None)
        state = whole(
            config, listing.paths, data=data, as_of=as_of, use_cache=use_cache, index=keep
        )
        return _outcome(state, "whole", len(state.order), len(state.order), keep, listing)
    now = time.time_ns()
    root = config.root
    known = load_state(root, key, signing)
    listing = _given(paths) or _listing(config, known)
    paths = listing.paths
    if known is not None:
        manifest, changed = survey(root, paths, known.manifest, known.written_ns)
        removed = set(known.manifest) - set(paths)
        if not changed and not removed and known.order == paths and manifest == known.manifest:
            if known.listing is not listing and listing.looked:
                known.listing, known.written_ns = listing, now
                save_state(root, known, signing)
            return _outcome(known, "unchanged", 0, 0, keep, listing)
        try:
            outcome = _patch(config, paths, known, manifest, changed, removed, data, as_of)
        except shelf.Damaged:
            outcome = None
        if outcome is not None:
            known.written_ns = now
            known.listing = listing if listing.looked else None
            save_state(root, known, signing)
            return replace(
                outcome, state=known if keep else None, paths=paths, problems=listing.problems
            )
    # the stat manifest before the files are parsed: a file saved while the run reads it
    # then differs from what is recorded, and the next run reads it again
    manifest, _ = survey(root, paths, {}, 0)
    state = whole(config, paths, data=data, as_of=as_of, use_cache=True)
    state.key, state.written_ns, state.manifest = key, now, manifest
    state.listing = listing if listing.looked else None
    save_state(root, state, signing)
    return _outcome(state, "whole", len(paths), len(paths), keep, listing)


def _given(paths: list[str] | None) -> Listing | None:
    """A listing of goal files the caller found itself (nothing to find them again by)."""
    return None if paths is None else Listing((), paths, [], {})


def _outcome(
    state: State, mode: str, parsed: int, focus: int, keep: bool, listing: Listing | None = None
) -> Outcome:
    return Outcome(
        state.diagnostics(),
        state.totals,
        mode,
        parsed,
        focus,
        suppressions=dict(state.comments),
        state=state if keep else None,
        paths=list(state.order),
        problems=list(listing.problems) if listing is not None else [],
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
    touched = _touched_goals(root, parsed, state.manifest)
    state.unpruned += len(parsed)
    if state.unpruned > len(paths) // 4:  # listing the cache costs a read of its folder
        prune_unused(root, ((p, seen[3]) for p, seen in manifest.items()))
        state.unpruned = 0
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
    # the goals of an edited file that read exactly as before (the rest of a file where
    # one target changed; all of it after a comment added at its end) change nothing
    # another file sees: only the changed goals' neighbours are judged again
    focus = sorted(affected(view, edited, old_facts, touched), key=index.position.__getitem__)
    focus_files = [load(p) for p in focus]
    ctx = focused(config, focus_files, index, load)
    attach_data(ctx, data, as_of)
    found, stats, _ = judge(ctx, focus_files)  # what lies elsewhere stands (same sources)
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


def _touched_goals(
    root: Path, parsed: Mapping[str, GoalFile], manifest: Mapping[str, Seen]
) -> dict[str, set[str]]:
    """Per edited file whose version recorded before the parse cache still has: the ids
    of the goals (objectives, KPIs, scorecards) not equal, positions included, on both
    sides. The other goals read exactly as before."""
    out: dict[str, set[str]] = {}
    for path, goal_file in parsed.items():
        seen = manifest.get(path)
        old = cached_file(root, path, seen[3]) if seen is not None and seen[3] else None
        if old is None:
            continue
        ids: set[str] = set()
        for before, after in (
            (old.objectives, goal_file.objectives),
            (old.kpis, goal_file.kpis),
            (old.scorecards, goal_file.scorecards),
        ):
            sides: dict[str, tuple[list[object], list[object]]] = {}
            for entry in before:
                sides.setdefault(entry.id, ([], []))[0].append(entry)
            for entry in after:
                sides.setdefault(entry.id, ([], []))[1].append(entry)
            ids |= {key for key, (was, now) in sides.items() if was != now}
        out[path] = ids
    return out


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
