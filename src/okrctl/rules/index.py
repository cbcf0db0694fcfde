"""The cross-file index of a goals repository: what each file defines and refers to.

One ``Facts`` record per goal file holds, per entry (objectives, then KPIs, then
scorecards, in file order): its kind and id, the ids it refers to (``aligns_to``,
``supports``, ``balanced_by``, scorecard measures, objectives and links), the key result
it supports, its perspective, and the owner group it counts in (A014, W002); per file,
the metric sources it reads and the perspectives its scorecards define. The index is
small next to the goal records and decides which files an edit touches
(docs/architecture.md, "Incremental check").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from okrctl.core.model import GoalFile, KeyResult
from okrctl.core.vocabulary import KRKind
from okrctl.metrics.engine import CHECKINS


class EntryFacts(NamedTuple):
    kind: str  # "o" objective, "k" KPI, "s" scorecard
    id: str
    refs: tuple[str, ...]  # ids it names
    parent: str | None  # an objective's aligns_to objective
    support: str | None  # the OBJ/KR a non-draft objective or KPI points at
    perspective: str | None
    group: str | None  # owner group of a non-draft objective or KPI


class Facts(NamedTuple):
    entries: tuple[EntryFacts, ...]
    sources: tuple[str, ...]  # metric sources read by non-draft goals (CHECKINS too)
    perspectives: tuple[str, ...]  # perspective names its scorecards define
    counts: tuple[int, int, int, int]  # objectives, key results, KPIs, scorecards


def facts_of(goal_file: GoalFile) -> Facts:
    """The index record of one parsed goal file."""
    entries: list[EntryFacts] = []
    sources: set[str] = set()
    for o in goal_file.objectives:
        ref = o.aligns_to
        support = str(ref) if ref is not None and ref.kr and not o.draft else None
        group = f"o\0{o.owner}\0{o.cycle or ''}" if o.owner and not o.draft else None
        refs: tuple[str, ...] = (ref.objective,) if ref is not None else ()
        entries.append(
            EntryFacts(
                "o", o.id, refs, ref.objective if ref else None, support, o.perspective, group
            )
        )
        if not o.draft:
            sources.update(_source(kr) for kr in o.key_results if not kr.draft)
    for k in goal_file.kpis:
        ref = k.supports
        support = str(ref) if ref is not None and ref.kr and not k.draft else None
        group = f"k\0{k.owner}\0{k.cycle or ''}" if k.owner and not k.draft else None
        refs = ((ref.objective,) if ref is not None else ()) + tuple(k.balanced_by)
        entries.append(EntryFacts("k", k.id, refs, None, support, k.perspective, group))
        if not k.draft:
            sources.add(_source(k))
    names: list[str] = []
    for card in goal_file.scorecards:
        refs_of: list[str] = [m.id for p in card.perspectives for m in p.measures]
        refs_of += [end for link in card.links for end in (link.driver, link.result)]
        refs_of += [*card.objectives, *(m.id for m in card.kpis)]
        entries.append(EntryFacts("s", card.id, tuple(refs_of), None, None, None, None))
        names.extend(p.name for p in card.perspectives)
    sources.discard("")
    counts = (
        len(goal_file.objectives),
        sum(len(o.key_results) for o in goal_file.objectives),
        len(goal_file.kpis),
        len(goal_file.scorecards),
    )
    return Facts(tuple(entries), tuple(sorted(sources)), tuple(names), counts)


def _source(item: object) -> str:
    metric = getattr(item, "metric", None)
    if metric is not None:
        return str(metric.source)
    if isinstance(item, KeyResult) and item.kind is KRKind.MILESTONE:
        return ""
    return CHECKINS


class Index:
    """The index of every goal file, in the repository's file order."""

    def __init__(self, facts: Mapping[str, Facts], order: list[str]) -> None:
        self.facts = facts
        self.order = order
        self._first: dict[str, tuple[str, str]] | None = None

    def first(self) -> dict[str, tuple[str, str]]:
        """Each id's first definition: id -> (path, kind), in definition order."""
        if self._first is None:
            first: dict[str, tuple[str, str]] = {}
            for path in self.order:
                for entry in self.facts[path].entries:
                    first.setdefault(entry.id, (path, entry.kind))
            self._first = first
        return self._first

    def supported(self) -> set[str]:
        """The ``OBJ/KR`` paths first definitions support (``Context.supported_krs``)."""
        seen: set[str] = set()
        out: set[str] = set()
        for path in self.order:
            for entry in self.facts[path].entries:
                if entry.id in seen:
                    continue
                seen.add(entry.id)
                if entry.support is not None:
                    out.add(entry.support)
        return out

    def card_perspectives(self) -> set[str]:
        return {name for facts in self.facts.values() for name in facts.perspectives}

    def sources(self) -> set[str]:
        return {name for facts in self.facts.values() for name in facts.sources}

    def objective_ordinal(self) -> dict[str, int]:
        """Position of each objective id among the first definitions of objectives."""
        objectives = (key for key, (_, kind) in self.first().items() if kind == "o")
        return {key: index for index, key in enumerate(objectives)}

    def counts(self) -> tuple[int, int, int, int]:
        totals = [0, 0, 0, 0]
        for facts in self.facts.values():
            for index, value in enumerate(facts.counts):
                totals[index] += value
        return totals[0], totals[1], totals[2], totals[3]


class Neighbours:
    """Inverted maps over an index: which files define an id, name it, hold an owner
    group; each objective's parents; the files of the scorecards naming an id."""

    def __init__(self, index: Index, extra: Mapping[str, Facts] | None = None) -> None:
        self.index = index
        self.defined: dict[str, set[str]] = defaultdict(set)
        self.naming: dict[str, set[str]] = defaultdict(set)
        self.group: dict[str, set[str]] = defaultdict(set)
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.cards_naming: dict[str, set[str]] = defaultdict(set)
        records = list(index.facts.items()) + list((extra or {}).items())
        for path, facts in records:
            for entry in facts.entries:
                self.defined[entry.id].add(path)
                for ref in entry.refs:
                    self.naming[ref].add(path)
                    if entry.kind == "s":
                        self.cards_naming[ref].add(path)
                if entry.group is not None:
                    self.group[entry.group].add(path)
                if entry.parent is not None:
                    self.parents[entry.id].add(entry.parent)


def affected(
    old: Index, new: Index, changed: Iterable[str], old_facts: Mapping[str, Facts]
) -> set[str]:
    """Every file of ``new`` whose diagnostics or counts an edit of ``changed`` may alter.

    ``old_facts`` are the changed files' records before the edit (absent when added).
    With the ids a changed file defines and names, before or after the edit: the files
    defining those ids (duplicates, and the targets whose coverage or balance it
    changes), the files naming the ids it defines (whose lookups it changes), and the
    members of its owner groups. Then, until nothing is added: the other members of the
    owner groups of affected files (A014 and W002 judge a group whole), the scorecards
    naming an affected file's ids (B006 reports at the KPI), and the files defining the
    ancestors of an affected objective (A007 reports a loop at its first-defined member).
    An id defined more than once widens this to what each of its definitions names. An
    edit that adds or removes ids also affects the files naming an id nothing defines
    (their did-you-mean may change); one that changes the perspectives scorecards define
    affects the goals that name a perspective.
    """
    # one map over the new index and the changed files' old records answers for both
    # sides at once (a union: never fewer files than either side would name)
    changed = set(changed)
    union = Neighbours(new, old_facts)
    both = (union,)
    defines: set[str] = set()
    names: set[str] = set()
    groups: set[str] = set()
    for path in changed:
        for facts in (old_facts.get(path), new.facts.get(path)):
            for entry in facts.entries if facts is not None else ():
                defines.add(entry.id)
                names.update(entry.refs)
                if entry.group is not None:
                    groups.add(entry.group)
    for entry_id in list(defines):
        if len(union.defined.get(entry_id, ())) > 1:
            for path in union.defined[entry_id]:
                for facts in (new.facts.get(path), old.facts.get(path)):
                    for entry in facts.entries if facts is not None else ():
                        names.update(entry.refs)
    out = set(changed)
    for side in both:
        for entry_id in defines | names:
            out |= side.defined.get(entry_id, set())
        for entry_id in defines:
            out |= side.naming.get(entry_id, set())
        for group in groups:
            out |= side.group.get(group, set())
    # the set of defined ids changes iff an id the changed files define on one side
    # only is defined by no other file (the other files are the same on both sides)
    before = {e.id for p in changed for e in (old_facts.get(p) or _NONE).entries}
    after = {e.id for p in changed for e in (new.facts.get(p) or _NONE).entries}
    if any(not (union.defined.get(i, set()) - changed) for i in before ^ after):
        out |= _naming_unknown(new)
    if old.card_perspectives() != new.card_perspectives():
        out |= {p for p, f in new.facts.items() if any(e.perspective for e in f.entries)}
    return _closed(out & set(new.facts), both)


_NONE = Facts((), (), (), (0, 0, 0, 0))


def _naming_unknown(index: Index) -> set[str]:
    known = index.first()
    return {
        path
        for path, facts in index.facts.items()
        if any(ref not in known for entry in facts.entries for ref in entry.refs)
    }


def _closed(files: set[str], both: tuple[Neighbours, ...]) -> set[str]:
    new = both[-1].index
    todo = list(files)
    while todo:
        facts = new.facts.get(todo.pop())
        more: set[str] = set()
        for entry in facts.entries if facts is not None else ():
            for side in both:
                if entry.group is not None:
                    more |= side.group.get(entry.group, set())
                more |= side.cards_naming.get(entry.id, set())
                if entry.kind == "o":
                    more |= _ancestor_files(entry.id, side)
        for other in more - files:
            if other in new.facts:
                files.add(other)
                todo.append(other)
    return files


def _ancestor_files(objective_id: str, side: Neighbours) -> set[str]:
    out: set[str] = set()
    seen = {objective_id}
    todo = list(side.parents.get(objective_id, ()))
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        out |= side.defined.get(current, set())
        todo.extend(side.parents.get(current, ()))
    return out
