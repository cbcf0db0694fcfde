"""`okrctl history ID`: every commit that changed one goal, and its value at those dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.errors import UsageError
from okrctl.core.model import GoalFile, KeyResult, Kpi
from okrctl.git.revisions import Commit, GitRepo, glob_regex, open_git
from okrctl.git.shallow import require_line
from okrctl.load.config import CONFIG_NAME, Config, parse_config
from okrctl.load.repository import Repository
from okrctl.metrics.rejected import DataWarning, warnings_for
from okrctl.metrics.source import Rejected
from okrctl.review.diff import _FIELD_SETS, _PREFIX, FieldChange, _entries, _fields


@dataclass(frozen=True, slots=True)
class Event:
    commit: Commit
    kind: str  # created | changed | removed | restored
    file: str | None
    fields: tuple[FieldChange, ...]
    value: float | None  # the metric's value on the commit's date (today's data)
    rejected: tuple[Rejected, ...] = ()  # input that value misses


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
    """The goal files along the history, kept up to date commit by commit: each changed
    blob is parsed once, and an index says which file holds which entity."""

    def __init__(self, git: GitRepo) -> None:
        self.git = git
        self.blobs: dict[str, str] = {}  # path -> blob id, as of the current commit
        self.files: dict[str, GoalFile] = {}
        self.where: dict[str, str] = {}  # entity key -> path
        self.patterns = [glob_regex(g) for g in Config(root=git.root).goals]

    def apply(self, changes: list[tuple[str, str | None]]) -> None:
        from okrctl.load.goalfile import parse_goal_file

        for path, blob in changes:
            if blob is None:
                self.blobs.pop(path, None)
            else:
                self.blobs[path] = blob
        if any(path == CONFIG_NAME for path, _ in changes) and CONFIG_NAME in self.blobs:
            config = parse_config(self.git.root, self.git.object(self.blobs[CONFIG_NAME]) or b"")
            self.patterns = [glob_regex(g) for g in config.goals]
            changed = set(self.blobs) | set(self.files)  # the globs may have changed
        else:
            changed = {path for path, _ in changes}
        for path in changed:  # every removal first, so a goal moving between files stays
            old = self.files.pop(path, None)
            if old is not None:
                for key in _entries(Repository(Config(root=self.git.root), (old,)))[0]:
                    if self.where.get(key) == path:
                        del self.where[key]
        for path in sorted(changed):
            blob = self.blobs.get(path)
            if blob is None or path == CONFIG_NAME or not any(p.match(path) for p in self.patterns):
                continue
            goal_file = parse_goal_file(path, self.git.object(blob) or b"")
            self.files[path] = goal_file
            for key in _entries(Repository(Config(root=self.git.root), (goal_file,)))[0]:
                self.where.setdefault(key, path)

    def find(self, key: str) -> object | None:
        path = self.where.get(key)
        if path is None:
            return None
        entries, _ = _entries(Repository(Config(root=self.git.root), (self.files[path],)))
        return entries.get(key)


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
    from okrctl.evaluate.evaluator import Evaluator
    from okrctl.evaluate.workspace import context
    from okrctl.load.repository import load_repository
    from okrctl.metrics.engine import MetricData

    current = load_repository(root)
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

    events: list[Event] = []
    with open_git(root) as git:
        git.resolve("HEAD")
        # a shallow or grafted clone would show the goal created where its history stops
        require_line(git, "HEAD", f"the history of {ident}")
        timeline = _Timeline(git)
        previous: Any = None
        for commit, touched in git.log_changes("HEAD"):
            timeline.apply(touched)
            entity: Any = timeline.find(key)
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
                if changes:
                    events.append(Event(commit, "changed", entity.file, changes, *value_on(day)))
            previous = entity
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


_PREFIX_NAMES = {v: k for k, v in _PREFIX.items()}
