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
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from okrctl.core.model import GoalFile, KeyResult
from okrctl.core.vocabulary import KRKind
from okrctl.load.configsources import CHECKINS


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
        self._ordinal: dict[str, int] | None = None

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

    def order_key(self, objective_id: str) -> int:
        """Sorts objectives as their first definitions stand in the repository."""
        if self._ordinal is None:
            self._ordinal = self.objective_ordinal()
        return self._ordinal[objective_id]

    def counts(self) -> tuple[int, int, int, int]:
        totals = [0, 0, 0, 0]
        for facts in self.facts.values():
            for index, value in enumerate(facts.counts):
                totals[index] += value
        return totals[0], totals[1], totals[2], totals[3]


def contributions(path: str, facts: Facts) -> Iterator[tuple[str, str, Any]]:
    """What the goal file ``path`` adds to the inverted maps over an index, as (map, key,
    item): ``defined`` (id -> path, position, kind, parent objective), ``naming`` and
    ``cards`` (id -> the file naming it; ``cards`` for scorecards only), ``group`` (owner
    group -> the file) and ``supporters`` (``OBJ/KR`` -> path, position, id). The one list
    of these relations: ``Neighbours`` and the stored index (rules/stored.py) follow it."""
    for position, entry in enumerate(facts.entries):
        yield "defined", entry.id, (path, position, entry.kind, entry.parent)
        for ref in entry.refs:
            yield "naming", ref, path
            if entry.kind == "s":
                yield "cards", ref, path
        if entry.group is not None:
            yield "group", entry.group, path
        if entry.support is not None:
            yield "supporters", entry.support, (path, position, entry.id)


class Neighbours:
    """Inverted maps over an index (or none) and ``extra`` records: which files define
    an id, name it, hold an owner group; each objective's parents; the files of the
    scorecards naming an id (``contributions``)."""

    def __init__(self, index: Index | None, extra: Mapping[str, Facts] | None = None) -> None:
        self.index = index
        self.defined: dict[str, set[str]] = defaultdict(set)
        self.naming: dict[str, set[str]] = defaultdict(set)
        self.group: dict[str, set[str]] = defaultdict(set)
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.cards_naming: dict[str, set[str]] = defaultdict(set)
        maps = {"naming": self.naming, "cards": self.cards_naming, "group": self.group}
        records = list(index.facts.items()) if index is not None else []
        records += list((extra or {}).items())
        for path, facts in records:
            for name, key, item in contributions(path, facts):
                if name == "defined":
                    self.defined[key].add(path)
                    if item[3] is not None:
                        self.parents[key].add(item[3])
                elif name in maps:
                    maps[name][key].add(path)


class View(Protocol):
    """Both sides of an edit, as ``affected`` walks them: lookups answer for the union
    of the index after the edit and the edited files' records before it."""

    def defined(self, entry_id: str) -> set[str]: ...
    def naming(self, entry_id: str) -> set[str]: ...
    def cards(self, entry_id: str) -> set[str]: ...
    def group(self, group: str) -> set[str]: ...
    def parents(self, objective_id: str) -> set[str]: ...
    def new_facts(self, path: str) -> Facts | None: ...
    def old_facts(self, path: str) -> Facts | None: ...
    def exists(self, path: str) -> bool: ...
    def naming_unknown(self) -> set[str]: ...
    def perspectives_changed(self) -> bool: ...
    def naming_perspectives(self) -> set[str]: ...


class MemoryView:
    """``View`` over two whole in-memory indexes (``old`` before, ``new`` after) and the
    edited files' records before the edit."""

    def __init__(self, old: Index, new: Index, old_facts: Mapping[str, Facts]) -> None:
        self.old, self.new = old, new
        # one map over the new index and the changed files' old records answers for
        # both sides at once (a union: never fewer files than either side would name)
        self.union = Neighbours(new, old_facts)

    def defined(self, entry_id: str) -> set[str]:
        return self.union.defined.get(entry_id, set())

    def naming(self, entry_id: str) -> set[str]:
        return self.union.naming.get(entry_id, set())

    def cards(self, entry_id: str) -> set[str]:
        return self.union.cards_naming.get(entry_id, set())

    def group(self, group: str) -> set[str]:
        return self.union.group.get(group, set())

    def parents(self, objective_id: str) -> set[str]:
        return self.union.parents.get(objective_id, set())

    def new_facts(self, path: str) -> Facts | None:
        return self.new.facts.get(path)

    def old_facts(self, path: str) -> Facts | None:
        return self.old.facts.get(path)

    def exists(self, path: str) -> bool:
        return path in self.new.facts

    def naming_unknown(self) -> set[str]:
        return naming_unknown_in(
            ((ref, paths) for ref, paths in Neighbours(self.new).naming.items()),
            set(self.new.first()),
        )

    def perspectives_changed(self) -> bool:
        return self.old.card_perspectives() != self.new.card_perspectives()

    def naming_perspectives(self) -> set[str]:
        return {p for p, f in self.new.facts.items() if any(e.perspective for e in f.entries)}


def naming_unknown_in(naming: Iterable[tuple[str, set[str]]], defined: set[str]) -> set[str]:
    """The files naming an id that is not in ``defined``."""
    out: set[str] = set()
    for ref, paths in naming:
        if ref not in defined:
            out |= paths
    return out


def affected(
    view: View,
    changed: Iterable[str],
    old_facts: Mapping[str, Facts],
    touched: Mapping[str, set[str]] | None = None,
) -> set[str]:
    """Every file after the edit whose diagnostics or counts an edit of ``changed`` may
    alter.

    ``old_facts`` are the changed files' records before the edit (absent when added).
    ``touched`` may name, per changed file, the ids of the only goals that changed
    (positions included; an id of neither side counts as changed): the other goals read
    exactly as before, so only those ids are followed below. A file absent from it
    counts as wholly changed.
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

    The closure covers every file judged again, not only the changed ones: a rule that
    reports at a file may iterate others (a scorecard's measures, an owner group, a
    loop), and those must be judged with it (a group member re-judged for W002 needs
    the scorecards naming its KPIs for B006).
    """
    changed = set(changed)
    defines: set[str] = set()
    names: set[str] = set()
    groups: set[str] = set()
    for path in changed:
        only = touched.get(path) if touched is not None else None
        for facts in (old_facts.get(path), view.new_facts(path)):
            for entry in facts.entries if facts is not None else ():
                if only is not None and entry.id not in only:
                    continue
                defines.add(entry.id)
                names.update(entry.refs)
                if entry.group is not None:
                    groups.add(entry.group)
    for entry_id in list(defines):
        definers = view.defined(entry_id)
        if len(definers) > 1:
            for path in definers:
                for facts in (view.new_facts(path), view.old_facts(path)):
                    for entry in facts.entries if facts is not None else ():
                        names.update(entry.refs)
    out = set(changed)
    for entry_id in defines | names:
        out |= view.defined(entry_id)
    for entry_id in defines:
        out |= view.naming(entry_id)
    for group in groups:
        out |= view.group(group)
    # the set of defined ids changes iff an id the changed files define on one side
    # only is defined by no other file (the other files are the same on both sides)
    before = {e.id for p in changed for e in (old_facts.get(p) or _NONE).entries}
    after = {e.id for p in changed for e in (view.new_facts(p) or _NONE).entries}
    if any(not (view.defined(i) - changed) for i in before ^ after):
        out |= view.naming_unknown()
    if view.perspectives_changed():
        out |= view.naming_perspectives()
    return closed({p for p in out if view.exists(p)}, view)


_NONE = Facts((), (), (), (0, 0, 0, 0))


def closed(files: set[str], view: View) -> set[str]:
    """``files`` with, until nothing is added, the other members of their owner groups,
    the scorecards naming their ids and the files defining their objectives' ancestors:
    what the rules must see to judge ``files`` whole (a group, a scorecard's measures,
    a loop reported at its first-defined member)."""
    todo = list(files)
    seen: set[tuple[str, str]] = set()  # what was looked up: each answers the same again
    while todo:
        facts = view.new_facts(todo.pop())
        more: set[str] = set()
        for entry in facts.entries if facts is not None else ():
            asks = [("g", entry.group)] if entry.group is not None else []
            asks.append(("c", entry.id))
            if entry.kind == "o":
                asks.append(("a", entry.id))
            for ask in asks:
                if ask in seen:
                    continue
                seen.add(ask)
                kind, key = ask
                if kind == "g":
                    more |= view.group(key)
                elif kind == "c":
                    more |= view.cards(key)
                else:
                    more |= _ancestor_files(key, view)
        for other in more - files:
            if view.exists(other):
                files.add(other)
                todo.append(other)
    return files


def _ancestor_files(objective_id: str, view: View) -> set[str]:
    out: set[str] = set()
    seen = {objective_id}
    todo = list(view.parents(objective_id))
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        out |= view.defined(current)
        todo.extend(view.parents(current))
    return out
