"""`okrctl diff`: what a change does to the goal graph, not to the text, and which
changes move goal posts.

A goal post moves when, after its cycle started, a target is made easier (lowered, or
raised where lower is better; a guard loosened) or a weight is shifted away from a key
result that is behind pace. Each such change names the commit, author and date that made
it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from okrctl.core.model import KeyResult, Kpi, MetricRef, Objective, Ref, Scorecard
from okrctl.core.vocabulary import Direction, KRKind
from okrctl.load.config import Config
from okrctl.load.fields import (
    KEY_RESULT_FIELDS,
    KPI_FIELDS,
    OBJECTIVE_FIELDS,
    SCORECARD_FIELDS,
    compared,
)
from okrctl.load.repository import Repository
from okrctl.load.written import as_written, range_written
from okrctl.rules.context import Context

if TYPE_CHECKING:
    from okrctl.git.revisions import GitRepo

Entity = Objective | KeyResult | Kpi | Scorecard


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: object
    new: object
    # a number field's values as the goal files write them (``5%``, ``200万``)
    old_written: str | None = None
    new_written: str | None = None


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    when: str  # ISO date-time, or "uncommitted"
    commit: str | None
    subject: str | None


@dataclass(frozen=True, slots=True)
class GoalPost:
    field: str
    old: float  # for a widened range: its low end
    new: float
    reason: str
    author: Author | None
    old_written: str | None = None  # as the goal file writes it; a range whole: [3, 5]
    new_written: str | None = None


# (field, old, new, reason, old as written, new as written)
Candidate = tuple[str, float, float, str, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # added | removed | changed
    entity: str  # objective | key result | KPI | scorecard
    id: str
    file: str
    line: int
    title: str
    fields: tuple[FieldChange, ...] = ()
    moved_from: str | None = None  # same id, other file
    goalposts: tuple[GoalPost, ...] = ()


@dataclass
class GoalDiff:
    base: str
    head: str
    changes: list[Change] = field(default_factory=list)

    @property
    def goalposts(self) -> list[tuple[Change, GoalPost]]:
        return [(c, g) for c in self.changes for g in c.goalposts]


_OBJECTIVE_FIELDS = compared(OBJECTIVE_FIELDS)
_KR_FIELDS = compared(KEY_RESULT_FIELDS)
_KPI_FIELDS = compared(KPI_FIELDS)
_SCORECARD_FIELDS = compared(SCORECARD_FIELDS)


def _shown(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Ref | MetricRef):
        return str(value)
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return [[_shown(v) for v in item] for item in value]
    if isinstance(value, tuple):
        return [_shown(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _written(entity: object, name: str) -> str | None:
    return as_written(entity, name) if isinstance(entity, KeyResult | Kpi | Scorecard) else None


def _fields(old: object, new: object, names: tuple[str, ...]) -> tuple[FieldChange, ...]:
    out = []
    for name in names:
        a, b = getattr(old, name), getattr(new, name)
        if _shown(a) != _shown(b):
            out.append(
                FieldChange(name, _shown(a), _shown(b), _written(old, name), _written(new, name))
            )
    return tuple(out)


def _entries(repo: Repository) -> tuple[dict[str, Entity], dict[str, str]]:
    """Every entity by key (``objective:ID``, ``kr:OBJ/KR``, ...), and the first file of each."""
    entries: dict[str, Entity] = {}
    for goal_file in repo.files:
        for objective in goal_file.objectives:
            entries.setdefault(f"objective:{objective.id}", objective)
            for kr in objective.key_results:
                entries.setdefault(f"kr:{kr.path}", kr)
        for kpi in goal_file.kpis:
            entries.setdefault(f"kpi:{kpi.id}", kpi)
        for card in goal_file.scorecards:
            entries.setdefault(f"scorecard:{card.id}", card)
    return entries, {key: entity.file for key, entity in entries.items()}


_NAMES = {"objective": "objective", "kr": "key result", "kpi": "KPI", "scorecard": "scorecard"}
_FIELD_SETS = {
    "objective": _OBJECTIVE_FIELDS,
    "kr": _KR_FIELDS,
    "kpi": _KPI_FIELDS,
    "scorecard": _SCORECARD_FIELDS,
}


def _ident(key: str) -> str:
    return key.split(":", 1)[1]


def compare(base: Repository, head: Repository, base_name: str, head_name: str) -> GoalDiff:
    """The semantic changes from ``base`` to ``head`` (goal posts not yet attributed)."""
    old, _ = _entries(base)
    new, _ = _entries(head)
    diff = GoalDiff(base_name, head_name)
    for key in sorted(set(old) | set(new), key=_order):
        kind = key.split(":", 1)[0]
        a, b = old.get(key), new.get(key)
        entity = _NAMES[kind]
        if a is None and b is not None:
            diff.changes.append(Change("added", entity, _ident(key), b.file, b.line, b.title or ""))
        elif b is None and a is not None:
            diff.changes.append(
                Change("removed", entity, _ident(key), a.file, a.line, a.title or "")
            )
        elif a is not None and b is not None:
            fields = _fields(a, b, _FIELD_SETS[kind])
            moved = a.file if a.file != b.file and kind != "kr" else None
            if fields or moved:
                diff.changes.append(
                    Change(
                        "changed", entity, _ident(key), b.file, b.line, b.title or "", fields, moved
                    )
                )
    return diff


def _order(key: str) -> tuple[int, str]:
    kind = key.split(":", 1)[0]
    return (["objective", "kr", "kpi", "scorecard"].index(kind), _ident(key))


def easier(entity: KeyResult | Kpi, old: KeyResult | Kpi) -> list[Candidate]:
    """Fields whose new value makes the goal easier to reach, with their written forms."""
    out: list[Candidate] = []

    def add(name: str, was: float, now: float, reason: str, shown: str | None = None) -> None:
        field = shown or name
        out.append((name, was, now, reason, _written(old, field), _written(entity, field)))

    if isinstance(entity, Kpi) and isinstance(old, Kpi):
        if old.target is not None and entity.target is not None and old.target != entity.target:
            lower = entity.direction is Direction.LOWER
            if (entity.target > old.target) if lower else (entity.target < old.target):
                word = "raised (lower is better)" if lower else "lowered"
                add("target", old.target, entity.target, f"target {word}")
        return out
    assert isinstance(entity, KeyResult) and isinstance(old, KeyResult)
    if entity.kind is KRKind.METRIC and old.kind is KRKind.METRIC:
        t0, t1 = old.target, entity.target
        base = entity.baseline if entity.baseline is not None else old.baseline
        if t0 is not None and t1 is not None and t0 != t1:
            lower = base is not None and t1 < base
            if (t1 > t0) if lower else (t1 < t0):
                word = "raised (lower is better)" if lower else "lowered"
                add("target", t0, t1, f"target {word}")
    if entity.kind is KRKind.RELATIVE and old.kind is KRKind.RELATIVE:
        r0, r1 = old.relative, entity.relative
        if r0 is not None and r1 is not None and abs(r1) < abs(r0) and r0 * r1 >= 0:
            add("target", r0, r1, "relative target reduced", "relative")
    if old.at_least is not None and entity.at_least is not None and entity.at_least < old.at_least:
        add("at_least", old.at_least, entity.at_least, "guard loosened")
    if old.at_most is not None and entity.at_most is not None and entity.at_most > old.at_most:
        add("at_most", old.at_most, entity.at_most, "guard loosened")
    if (old.low is not None and entity.low is not None and entity.low < old.low) or (
        old.high is not None and entity.high is not None and entity.high > old.high
    ):
        out.append(
            (
                "target",
                old.low or 0.0,
                entity.low or 0.0,
                "range widened",
                range_written(old),
                range_written(entity),
            )
        )
    return out


_PREFIX = {"objective": "objective", "key result": "kr", "KPI": "kpi", "scorecard": "scorecard"}


def goal_diff(
    root: Path, base_revision: str, head_revision: str | None, as_of: dt.date
) -> GoalDiff:
    """Compare the goals at ``base_revision`` with ``head_revision`` (default: the working
    tree), and find the goal-post moves among the changes."""
    from okrctl.git.revisions import WORKTREE, open_git
    from okrctl.git.shallow import require_range

    with open_git(root) as git:
        base = git.snapshot(base_revision)
        head = git.snapshot(head_revision or WORKTREE)
        diff = compare(base, head, base_revision, head_revision or "working tree")
        old, _ = _entries(base)
        new, _ = _entries(head)
        lagging = _lagging(head, as_of)
        ctx = Context.build(head)
        attributable = False
        for index, change in enumerate(diff.changes):
            if change.kind != "changed" or change.entity not in ("key result", "KPI"):
                continue
            key = f"{_PREFIX[change.entity]}:{change.id}"
            before, after = old[key], new[key]
            assert isinstance(before, KeyResult | Kpi) and isinstance(after, KeyResult | Kpi)
            candidates = easier(after, before)
            if (
                isinstance(after, KeyResult)
                and before.weight is not None
                and after.weight is not None
                and after.weight < before.weight
                and after.path in lagging
            ):
                candidates.append(
                    (
                        "weight",
                        before.weight,
                        after.weight,
                        "weight shifted away from a key result behind pace",
                        _written(before, "weight"),
                        _written(after, "weight"),
                    )
                )
            cycle = ctx.cycle(
                after.cycle
                if isinstance(after, Kpi)
                else ctx.objectives[after.objective_id].cycle
                if after.objective_id in ctx.objectives
                else None
            )
            if candidates and not attributable:
                # who made a goal easier, and when, comes from the commits between the two
                head_name = head_revision or "HEAD"
                require_range(
                    git,
                    base_revision,
                    head_name,
                    f"the history from {base_revision} to {head_name} (who moved a goal post, "
                    "and when)",
                )
                attributable = True
            posts = []
            for name, was, now, reason, was_written, now_written in candidates:
                author = _who_changed(git, base_revision, head_revision, after, key, name, now)
                day = (
                    as_of
                    if author is None or author.commit is None
                    else dt.date.fromisoformat(author.when[:10])
                )
                if cycle is not None and day >= cycle.start:
                    posts.append(GoalPost(name, was, now, reason, author, was_written, now_written))
            if posts:
                diff.changes[index] = replace(change, goalposts=tuple(posts))
    return diff


def _lagging(repo: Repository, as_of: dt.date) -> set[str]:
    """Key results behind pace on ``as_of`` (yellow or red), by OBJ/KR."""
    from okrctl.core.progress import Status
    from okrctl.evaluate.evaluator import Evaluator
    from okrctl.metrics.engine import MetricData

    if repo.config.has_errors():
        return set()
    ctx = Context.build(repo)
    objectives = [o for o in ctx.objectives.values() if ctx.cycle(o.cycle) is not None]
    results, _ = Evaluator(ctx, MetricData(repo.config), as_of).run(objectives, [])
    return {
        kr.kr.path
        for result in results.values()
        for kr in result.key_results
        if kr.status in (Status.YELLOW, Status.RED)
    }


def _value(entity: Entity | None, name: str) -> object:
    if entity is None:
        return None
    if name == "target" and isinstance(entity, KeyResult) and entity.kind is KRKind.RELATIVE:
        return entity.relative
    if name == "target" and isinstance(entity, KeyResult) and entity.kind is KRKind.RANGE:
        return entity.low
    return getattr(entity, name)


def _who_changed(
    git: GitRepo,
    base: str,
    head: str | None,
    entity: KeyResult | Kpi,
    key: str,
    name: str,
    value: float,
) -> Author | None:
    """The first commit after ``base`` in which the field took its new value; None when it
    did so only in the working tree."""
    from okrctl.load.goalfile import parse_goal_file

    end = head or "HEAD"
    for commit in git.log(f"{base}..{end}", [entity.file]):
        data = git.blob(commit.sha, entity.file)
        if data is None:
            continue
        snapshot = Repository(Config(root=git.root), (parse_goal_file(entity.file, data),))
        found, _ = _entries(snapshot)
        if _value(found.get(key), name) == value:
            return Author(commit.author, commit.date.isoformat(), commit.short, commit.subject)
    if head is None:
        return Author("(uncommitted)", "uncommitted", None, None)
    return None
