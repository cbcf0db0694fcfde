"""`okrctl history ID`: every commit that changed one goal, and its value at those dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.errors import UsageError
from okrctl.core.model import KeyResult, Kpi
from okrctl.git.logcache import Search
from okrctl.git.revisions import Commit, GitRepo, commit_of, glob_regex, open_git
from okrctl.git.shallow import require_line
from okrctl.load.config import CONFIG_NAME, Config, parse_config
from okrctl.load.repository import Repository
from okrctl.metrics.rejected import DataWarning, warnings_for
from okrctl.metrics.source import Rejected
from okrctl.review.diff import _FIELD_SETS, _PREFIX, FieldChange, _entries, _fields


@dataclass(frozen=True, slots=True)
class KeyResultChange:
    """One key result of an objective that a commit added, removed or changed."""

    id: str
    kind: str  # added | removed | changed
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    commit: Commit
    kind: str  # created | changed | removed | restored
    file: str | None
    fields: tuple[FieldChange, ...]
    value: float | None  # the metric's value on the commit's date (today's data)
    rejected: tuple[Rejected, ...] = ()  # input that value misses
    key_results: tuple[KeyResultChange, ...] = ()  # an objective's key results' changes


@dataclass(frozen=True, slots=True)
class History:
    ident: str
    entity: str
    title: str
    events: tuple[Event, ...]
    value_now: float | None
    as_of: dt.date
    percent: bool = False
    rejected: tuple[Rejected, ...] = ()  # input value_now misses

    @property
    def warnings(self) -> list[DataWarning]:
        return warnings_for(
            [(self.ident, self.rejected), *((self.ident, e.rejected) for e in self.events)]
        )


class _Timeline:
    """The goal files that ever held one goal, kept up to date commit by commit: each
    changed blob of them is parsed once. The goal is the one in the first file (by path)
    that defines it, as in a whole snapshot (``review/diff.py``)."""

    def __init__(self, git: GitRepo) -> None:
        self.git = git
        self.blobs: dict[str, str] = {}  # path -> blob id, as of the current commit
        self.entries: dict[str, dict[str, Any]] = {}  # path -> its entities by key
        self.patterns = [glob_regex(g) for g in Config(root=git.root).goals]

    def apply(self, changes: list[tuple[str, str | None]]) -> None:
        from okrctl.load.filecache import parse_version

        for path, blob in changes:
            if blob is None:
                self.blobs.pop(path, None)
            else:
                self.blobs[path] = blob
        if any(path == CONFIG_NAME for path, _ in changes) and CONFIG_NAME in self.blobs:
            config = parse_config(self.git.root, self.git.object(self.blobs[CONFIG_NAME]) or b"")
            self.patterns = [glob_regex(g) for g in config.goals]
            changed = set(self.blobs) | set(self.entries)  # the globs may have changed
        else:
            changed = {path for path, _ in changes}
        for path in changed:
            self.entries.pop(path, None)
            blob = self.blobs.get(path)
            if blob is None or path == CONFIG_NAME or not any(p.match(path) for p in self.patterns):
                continue
            goal_file = parse_version(self.git.root, path, blob, partial(self._bytes, blob))
            self.entries[path] = _entries(Repository(Config(root=self.git.root), (goal_file,)))[0]

    def _bytes(self, blob: str) -> bytes:
        return self.git.object(blob) or b""

    def find(self, key: str) -> Any:
        for path in sorted(self.entries):
            entity = self.entries[path].get(key)
            if entity is not None:
                return entity
        return None


def _key_result_changes(old: Any, new: Any) -> tuple[KeyResultChange, ...]:
    """What changed in an objective's key results, in the new order (removed ones last)."""
    before = {kr.id: kr for kr in old.key_results}
    after = {kr.id: kr for kr in new.key_results}
    out = []
    for kr_id, kr in after.items():
        if kr_id not in before:
            out.append(KeyResultChange(kr_id, "added"))
        elif fields := _fields(before[kr_id], kr, _FIELD_SETS["kr"]):
            out.append(KeyResultChange(kr_id, "changed", fields))
    out += [KeyResultChange(kr_id, "removed") for kr_id in before if kr_id not in after]
    return tuple(out)


def _key(current: Repository, ident: str) -> tuple[str, str]:
    entries, _ = _entries(current)
    for prefix in ("objective", "kpi", "scorecard", "kr"):
        if f"{prefix}:{ident}" in entries:
            return f"{prefix}:{ident}", prefix
    known = [key.split(":", 1)[1] for key in entries]
    raise UsageError(
        f"no goal '{ident}'{did_you_mean(ident, known)}",
        hint="name an objective, a key result (OBJ/KR), a KPI or a scorecard",
    )


def history(root: Path, ident: str, as_of: dt.date) -> History:
    """The commits on HEAD's first-parent line that changed the goal ``ident`` (an
    objective's events include its key results' changes), and its value on each
    commit's date from today's data. Only the commits that touch a file that ever held
    the goal are read (docs/architecture.md, "History"). Raises ``UsageError`` for an
    unknown goal, ``GitError``/``HistoryGap`` when git cannot answer or the clone's
    history is cut."""
    with open_git(root) as git:
        head = git.resolve("HEAD")
        # git finds the goal's commits while the goals are loaded: the paths that ever
        # held it (where git's pickaxe sees the number of occurrences of its id, a key
        # result's objective's id, change) and the first-parent history of the goal
        # folders and okrctl.yaml; what an earlier history read of HEAD's line is not
        # read again (git/logcache.py)
        search = Search(git, head, ident.split("/", 1)[0])
        try:
            found = _history(git, search, ident, as_of)
        finally:
            search.cancel()
        search.keep()
        return found


def _history(git: GitRepo, search: Search, ident: str, as_of: dt.date) -> History:
    from okrctl.evaluate.evaluator import Evaluator
    from okrctl.evaluate.workspace import context
    from okrctl.load.repository import load_repository
    from okrctl.metrics.engine import MetricData

    current = load_repository(git.root)
    ctx = context(current)  # the values it shows are computed: refused on errors
    key, prefix = _key(current, ident)
    entity_now = _entries(current)[0][key]
    evaluator = Evaluator(ctx, MetricData(current.config), as_of)

    def value_on(day: dt.date) -> tuple[float | None, tuple[Rejected, ...]]:
        """The value on ``day`` and the input it misses."""
        if not isinstance(entity_now, KeyResult | Kpi) or entity_now.metric is None:
            return None, ()
        evaluator.as_of = day
        if isinstance(entity_now, KeyResult):
            objective = ctx.objectives.get(entity_now.objective_id)
            cycle = ctx.cycle(objective.cycle) if objective else None
            if cycle is None or day < cycle.start:
                return None, ()
            answers = evaluator.data.answer([evaluator.kr_request(entity_now, cycle)])
        else:
            cycle = ctx.cycle(entity_now.cycle)
            if cycle is None or day < cycle.start:
                return None, ()
            answers = evaluator.data.answer(evaluator.kpi_requests(entity_now, cycle)[-1:])
        answer = next(iter(answers.values()), None)
        return (None, ()) if answer is None else (answer.value, answer.rejected)

    # a shallow or grafted clone would show the goal created where its history stops
    require_line(git, "HEAD", f"the history of {ident}")
    paths = search.paths() | {CONFIG_NAME}
    log = [
        (commit_of(header), kept)
        for header, changes in search.log()
        if (kept := [(path, blob) for path, blob in changes if path in paths])
    ]
    events = _events(git, key, prefix, value_on, log)
    value_now, rejected_now = value_on(as_of)
    return History(
        ident,
        _PREFIX_NAMES[prefix],
        entity_now.title or "",
        tuple(events),
        value_now,
        as_of,
        bool(getattr(entity_now, "percent", False)),
        rejected_now,
    )


def _events(
    git: GitRepo,
    key: str,
    prefix: str,
    value_on: Callable[[dt.date], tuple[float | None, tuple[Rejected, ...]]],
    log: list[tuple[Commit, list[tuple[str, str | None]]]],
) -> list[Event]:
    """The commits that changed the goal ``key`` among ``log``, the commits that touch
    the files that ever held it (or okrctl.yaml) with those files' changes."""
    timeline = _Timeline(git)
    events: list[Event] = []
    previous: Any = None
    for commit, touched in log:
        timeline.apply(touched)
        entity = timeline.find(key)
        day = commit.date.date()
        if entity is None and previous is not None:
            events.append(Event(commit, "removed", None, (), None))
        elif entity is not None and previous is None:
            kind = "restored" if events else "created"
            events.append(Event(commit, kind, entity.file, (), *value_on(day)))
        elif entity is not None and previous is not None:
            changes = _fields(previous, entity, _FIELD_SETS[prefix])
            if entity.file != previous.file:
                changes = (FieldChange("file", previous.file, entity.file), *changes)
            krs = _key_result_changes(previous, entity) if prefix == "objective" else ()
            if changes or krs:
                value, rejected = value_on(day)
                events.append(Event(commit, "changed", entity.file, changes, value, rejected, krs))
        previous = entity
    return events


_PREFIX_NAMES = {v: k for k, v in _PREFIX.items()}
