"""`okrctl check --changed-since REV`: the diagnostics a change answers for.

The whole goal graph is validated, and so are the goals as they were at REV (REV's goal
files and okrctl.yaml, today's metric files): in effect, since rules/since.py judges REV
as the working tree with the change undone, re-running rules only where it reaches. A
diagnostic of the working tree is reported when

1. it lies in a file changed since REV (added, modified, deleted, both names of a rename,
   untracked) or in okrctl.yaml; or
2. it is new: REV has no diagnostic with the same code, severity, file, line, column and
   message (a reference the change broke, a weight sum it changed, a key result it left
   uncovered, wherever the diagnostic is located); or
3. it concerns an id whose definition the change added, removed or altered: an objective,
   key result, KPI or scorecard id, or a unit or cycle of okrctl.yaml. A diagnostic concerns
   the ids its message quotes, and those of the goal it is located at (an objective: itself,
   what it aligns to, its unit and cycle; a key result: itself, its objective and that
   one's cycle; a KPI: itself, what it supports and balances with, its unit and cycle; a
   scorecard: itself, what it measures and links, its unit and cycle); a metric-data
   diagnostic (D codes) also concerns the metric source its goal reads, which a change to
   the source's okrctl.yaml entry or to its file alters.

An old problem in a file the change did not touch, about nothing the change altered, is
not reported.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from okrctl.core.diagnostics import Diagnostic
from okrctl.core.model import GoalFile, Ref
from okrctl.load.config import CONFIG_NAME, Config
from okrctl.load.repository import Repository

_PLACE = frozenset({"file", "line", "column", "lc"})
_QUOTED = re.compile(r"'([^'\s]+)'")


def _shape(value: object) -> object:
    """A record without where it was written: what it means, comparable across files."""
    fields = getattr(value, "_fields", None)
    if isinstance(value, tuple) and fields is not None:
        return tuple((n, _shape(v)) for n, v in zip(fields, value, strict=True) if n not in _PLACE)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(
            (f.name, _shape(getattr(value, f.name)))
            for f in dataclasses.fields(value)
            if f.name not in _PLACE
        )
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), repr(_shape(v))) for k, v in value.items()))
    return value


def _definitions(config: Config, files: Iterable[GoalFile]) -> dict[str, list[str]]:
    """Every id's definitions in ``files`` and ``config`` (a duplicated id has several), as
    comparable text."""
    out: dict[str, list[str]] = defaultdict(list)
    for goal_file in files:
        for objective in goal_file.objectives:
            out[objective.id].append(repr(_shape(objective._replace(key_results=()))))
            for kr in objective.key_results:
                out[kr.path].append(repr(_shape(kr)))
        for kpi in goal_file.kpis:
            out[kpi.id].append(repr(_shape(kpi)))
        for card in goal_file.scorecards:
            out[card.id].append(repr(_shape(card)))
    for prefix, table in (("unit:", config.units), ("cycle:", config.cycles)):
        for key, item in table.items():
            out[prefix + key].append(repr(_shape(item)))
    for name, spec in config.metrics.items():
        out["source:" + name].append(repr(_shape(spec)))
    out["source:checkins"].append(config.checkins)
    return out


def changed_ids(base: Repository, head: Repository, files: Iterable[str]) -> set[str]:
    """The ids (and ``unit:``, ``cycle:``, ``source:`` keys) whose definitions differ
    between the two, and the metric sources whose files changed."""
    # a goal file both sides share (one object: unchanged, not read again) defines the same
    # on both: only the others can make a difference
    shared = {id(f) for f in base.files} & {id(f) for f in head.files}
    old = _definitions(base.config, (f for f in base.files if id(f) not in shared))
    new = _definitions(head.config, (f for f in head.files if id(f) not in shared))
    changed = {key for key in old.keys() | new.keys() if sorted(old[key]) != sorted(new[key])}
    paths = set(files)
    for config in (base.config, head.config):
        changed |= {"source:" + n for n, spec in config.metrics.items() if spec.path in paths}
        if config.checkins in paths:
            changed.add("source:checkins")
    return changed


def _ref(ref: Ref | None) -> set[str]:
    return set() if ref is None else {str(ref), ref.objective}


def _own(unit: str | None, cycle: str | None) -> set[str]:
    """The okrctl.yaml entries a goal names."""
    return {f"{kind}:{value}" for kind, value in (("unit", unit), ("cycle", cycle)) if value}


@dataclass(frozen=True, slots=True)
class _Goals:
    """One goal file's goals by the lines they are written on, with the ids each concerns."""

    lines: list[int]
    deps: list[set[str]]  # of the goals on each line
    named: dict[str, set[str]]  # by goal id

    @classmethod
    def of(cls, goal_file: GoalFile) -> _Goals:
        found: list[tuple[int, str, set[str]]] = []
        for objective in goal_file.objectives:
            mine = {
                objective.id,
                *_ref(objective.aligns_to),
                *_own(objective.unit, objective.cycle),
            }
            # its fields' lines too: a field written after the key results is its own
            fields = [name for name in objective.lc if name != "key_results"]
            lines = {objective.at(name)[0] for name in fields} | {objective.line}
            found += [(line, objective.id, mine) for line in lines if line >= objective.line]
            parent = {objective.id, *_own(None, objective.cycle)}
            for kr in objective.key_results:
                sources = {"source:" + kr.metric.source} if kr.metric is not None else set()
                found.append((kr.line, kr.path, {*parent, kr.path, *sources}))
        for kpi in goal_file.kpis:
            mine = {kpi.id, *_ref(kpi.supports), *kpi.balanced_by, *_own(kpi.unit, kpi.cycle)}
            if kpi.metric is not None:
                mine.add("source:" + kpi.metric.source)
            found.append((kpi.line, kpi.id, mine))
        for card in goal_file.scorecards:
            mine = {card.id, *card.objectives, *_own(card.unit, card.cycle)}
            mine |= {m.id for m in card.kpis}
            mine |= {m.id for p in card.perspectives for m in p.measures}
            mine |= {end for link in card.links for end in (link.driver, link.result)}
            found.append((card.line, card.id, mine))
        at: dict[int, set[str]] = defaultdict(set)  # goals sharing a line share it
        named: dict[str, set[str]] = defaultdict(set)
        for line, ident, deps in found:
            at[line] |= deps
            named[ident] |= deps
        return cls(sorted(at), [at[line] for line in sorted(at)], named)

    def concerns(self, diagnostic: Diagnostic) -> set[str]:
        """The ids a diagnostic in this file concerns: those its message quotes, and those
        the goals it names or is located at concern."""
        quoted = _QUOTED.findall(diagnostic.message)
        out = set(quoted) | {f"{kind}:{q}" for q in quoted for kind in ("unit", "cycle")}
        for ident in quoted:
            out |= self.named.get(ident, set())
        at = bisect.bisect_right(self.lines, diagnostic.line) - 1
        if diagnostic.line > 0 and at >= 0:
            out |= self.deps[at]
        return out


def _key(d: Diagnostic) -> tuple[object, ...]:
    return (d.code, d.severity, d.file, d.line, d.column, d.message)


@dataclass(frozen=True)
class ChangeScope:
    """What changed since a revision: the files, and the goals as they were there."""

    revision: str
    files: frozenset[str]
    base: Repository

    @classmethod
    def since(cls, head: Repository, revision: str) -> ChangeScope:
        from okrctl.git.changed import changed_paths
        from okrctl.git.revisions import open_git

        with open_git(head.root) as git:
            files = changed_paths(git, revision)
            unchanged = {f.path: f for f in head.files if f.path not in files}
            if git.blob(git.resolve(revision), CONFIG_NAME) is None:  # okrctl came later
                base = Repository(Config(root=head.root), ())
            else:
                base = git.snapshot(revision, reuse=unchanged)
        return cls(revision, frozenset(files), base)

    def select(
        self,
        head: Repository,
        diagnostics: Iterable[Diagnostic],
        before: Iterable[Diagnostic],
        located: Mapping[str, GoalFile] | None = None,
    ) -> list[Diagnostic]:
        """The working tree's diagnostics the change answers for; ``before`` are those of the
        goals at the revision. ``located`` gives the working tree's goal files by path
        when ``head`` and ``base`` hold only the files that differ (the others being the
        same on both sides, they define nothing differently)."""
        old = {_key(d) for d in before}
        ids = changed_ids(self.base, head, self.files)
        files = located if located is not None else {f.path: f for f in head.files}
        goals: dict[str, _Goals] = {}  # built for the files that need it
        out = []
        for d in diagnostics:
            if d.file in self.files or d.file == CONFIG_NAME or _key(d) not in old:
                out.append(d)
                continue
            if d.file not in goals:
                found = files.get(d.file)
                goals[d.file] = _Goals.of(found) if found else _Goals([], [], {})
            concerns = goals[d.file].concerns(d)
            if not d.code.startswith("D"):
                concerns = {c for c in concerns if not c.startswith("source:")}
            if concerns & ids:
                out.append(d)
        return out
