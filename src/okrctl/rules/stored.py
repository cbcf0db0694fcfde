"""The cross-file index kept between runs, in shelves (rules/shelf.py) that a run reads
only where an edit reaches.

Shelves, each a mapping of text keys:

* ``files``: goal file path -> ``(facts, load diagnostics, suppression comments)``, what
  parsing the file alone gives; read for the edited files only;
* ``stats``: goal file path -> its share of the alignment counts (``objective_stats``);
* ``defined``: id -> ``(path, position, kind, parent)`` of every entry with that id, the
  parent being an objective's ``aligns_to`` objective;
* ``naming``: id -> the files whose entries name it; ``cards``: the same, scorecards only;
* ``group``: owner group -> the files with entries in it;
* ``supporters``: ``OBJ/KR`` -> ``(path, position, id)`` of the entries supporting it.

``StoredIndex`` answers what ``index.Index`` answers for a whole repository (first
definitions, the key results first definitions support, the perspectives scorecards
define), reading only the keys asked for; ``StoredView`` is the union of both sides of
an edit that ``index.affected`` walks (docs/architecture.md, "Incremental check").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from okrctl.core.diagnostics import Diagnostic, Suppression
from okrctl.rules.index import Facts, Neighbours, contributions
from okrctl.rules.shelf import Shelf

# segments per shelf: an edit reads the segments its neighbours' keys fall in, so the
# shelves looked up once per goal of the files an edit reaches are cut finest
SHELVES = {
    "files": 256,
    "stats": 512,
    "defined": 4096,
    "naming": 256,
    "cards": 64,
    "group": 1024,
    "supporters": 1024,
}


class Record(NamedTuple):
    """One goal file as a run judged it."""

    facts: Facts
    loaded: tuple[Diagnostic, ...]  # from parsing it alone
    found: tuple[Diagnostic, ...]  # from the rules, located in it
    stats: tuple[int, int, int, int]  # its share of alignment_stats
    suppressions: tuple[Suppression, ...] = ()  # its `# okrctl: disable=` comments


def _path_of(item: Any) -> str:
    return item if isinstance(item, str) else item[0]


class StoredIndex:
    """The index of the goal files ``order`` names, in ``shelves``, with the counters
    of the metric sources and scorecard perspectives they name (files per name)."""

    def __init__(
        self,
        shelves: dict[str, Shelf],
        order: list[str],
        sources: Counter[str],
        perspectives: Counter[str],
        dangling: dict[str, set[str]],
    ) -> None:
        self.shelves = shelves
        self.order = order
        self.position = {path: index for index, path in enumerate(order)}
        self.sources_read = sources
        self.perspectives = perspectives
        self.dangling = dangling  # id nothing defines -> the files naming it
        self._defined: dict[str, tuple[Any, ...]] = {}  # read this run

    @classmethod
    def build(cls, records: Mapping[str, Record], order: list[str]) -> StoredIndex:
        """A fresh index of ``records`` (every segment to be written)."""
        shelves = {name: Shelf(count) for name, count in SHELVES.items()}
        maps: dict[str, dict[str, list[Any]]] = {name: {} for name in SHELVES}
        sources: Counter[str] = Counter()
        perspectives: Counter[str] = Counter()
        for path in order:
            record = records[path]
            shelves["files"].put(path, (record.facts, record.loaded, record.suppressions))
            shelves["stats"].put(path, record.stats)
            for shelf, key, item in contributions(path, record.facts):
                found = maps[shelf].setdefault(key, [])
                if item not in found:
                    found.append(item)
            sources.update(set(record.facts.sources))
            perspectives.update(set(record.facts.perspectives))
        for shelf, values in maps.items():
            for key, items in values.items():
                shelves[shelf].put(key, tuple(items))
        dangling = {
            ref: set(paths) for ref, paths in maps["naming"].items() if ref not in maps["defined"]
        }
        return cls(shelves, order, sources, perspectives, dangling)

    def parsed(self, path: str) -> tuple[Facts, tuple[Diagnostic, ...], tuple[Suppression, ...]]:
        """What parsing ``path`` gave when it was last recorded. Raises ``KeyError``."""
        found = self.shelves["files"].get(path)
        if found is None:
            raise KeyError(path)
        facts, loaded, suppressions = found
        return facts, loaded, suppressions

    def stats(self, path: str) -> tuple[int, int, int, int]:
        found: tuple[int, int, int, int] = self.shelves["stats"].get(path, (0, 0, 0, 0))
        return found

    def set_stats(self, path: str, stats: tuple[int, int, int, int]) -> None:
        if self.shelves["stats"].get(path) != stats:
            self.shelves["stats"].put(path, stats)

    def replace(self, path: str, old: Facts | None, new: Record | None) -> None:
        """Put ``new`` (None: the file is gone) in place of the file whose facts were
        ``old`` (None: the file is new), patching the maps and counters; a key whose
        items stay the same is left as read."""
        items: dict[tuple[str, str], list[Any]] = {}
        if old is not None:
            for shelf, key, _ in contributions(path, old):
                items.setdefault((shelf, key), [])
            self.sources_read.subtract(set(old.sources))
            self.perspectives.subtract(set(old.perspectives))
        if new is not None:
            for shelf, key, item in contributions(path, new.facts):
                found = items.setdefault((shelf, key), [])
                if item not in found:
                    found.append(item)
            self.sources_read.update(set(new.facts.sources))
            self.perspectives.update(set(new.facts.perspectives))
        for (shelf, key), mine in items.items():
            current = self.shelves[shelf].get(key, ())
            value = tuple(i for i in current if _path_of(i) != path) + tuple(mine)
            self._defined.pop(key, None)
            if set(value) == set(current):
                continue
            if value:
                self.shelves[shelf].put(key, value)
            else:
                self.shelves[shelf].pop(key)
        for key in {key for shelf, key in items if shelf in ("defined", "naming")}:
            naming = self.shelves["naming"].get(key, ())
            if naming and not self.definitions(key):
                self.dangling[key] = set(naming)
            else:
                self.dangling.pop(key, None)
        if new is None:
            self.shelves["files"].pop(path)
            self.shelves["stats"].pop(path)
        else:  # its alignment counts are judged next (``set_stats``)
            self.shelves["files"].put(path, (new.facts, new.loaded, new.suppressions))
        self.sources_read = +self.sources_read  # drop names no file reads any more
        self.perspectives = +self.perspectives

    def reorder(self, order: list[str]) -> None:
        self.order = order
        self.position = {path: index for index, path in enumerate(order)}

    def definitions(self, entry_id: str) -> tuple[Any, ...]:
        """``(path, position, kind, parent)`` of every entry with the id."""
        found = self._defined.get(entry_id)
        if found is None:
            found = self._defined[entry_id] = self.shelves["defined"].get(entry_id, ())
        return found

    # what index.Index answers, for a focused context ---------------------------------

    def _first_item(self, entry_id: str) -> tuple[str, int, str, str | None] | None:
        items = self.definitions(entry_id)
        if not items:
            return None
        first: tuple[str, int, str, str | None] = min(
            items, key=lambda i: (self.position[i[0]], i[1])
        )
        return first

    def first(self) -> _First:
        """Each id's first definition: id -> (path, kind), read as asked."""
        return _First(self)

    def supported(self) -> _Supported:
        """The ``OBJ/KR`` paths first definitions support, answered per path."""
        return _Supported(self)

    def card_perspectives(self) -> set[str]:
        return set(self.perspectives)

    def sources(self) -> set[str]:
        return set(self.sources_read)

    def order_key(self, objective_id: str) -> tuple[int, int]:
        """Sorts objectives as their first definitions stand in the repository."""
        item = self._first_item(objective_id)
        return (self.position[item[0]], item[1]) if item else (len(self.order), 0)


class _First(Mapping[str, tuple[str, str]]):
    def __init__(self, index: StoredIndex) -> None:
        self.index = index

    def __getitem__(self, key: str) -> tuple[str, str]:
        item = self.index._first_item(key)
        if item is None:
            raise KeyError(key)
        return item[0], item[2]

    def __iter__(self) -> Iterator[str]:
        # every id, in the order of its first definition (every segment read: rare, for
        # did-you-mean suggestions)
        position = self.index.position
        firsts = []
        for key, items in self.index.shelves["defined"].items():
            path, at, *_ = min(items, key=lambda i: (position[i[0]], i[1]))
            firsts.append((position[path], at, key))
        return (key for _, _, key in sorted(firsts))

    def __len__(self) -> int:
        return sum(1 for _ in self.index.shelves["defined"].items())


class _Supported:
    """``path in supported``: whether an entry supporting ``path`` is its id's first
    definition."""

    def __init__(self, index: StoredIndex) -> None:
        self.index = index

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        for where, position, entry_id in self.index.shelves["supporters"].get(path, ()):
            first = self.index._first_item(entry_id)
            if first is not None and first[:2] == (where, position):
                return True
        return False


class StoredView:
    """Both sides of an edit for ``index.affected``: the stored index after the edit,
    joined with the edited files' facts before it (``old``). The facts of a file the
    edit did not touch come from ``facts`` (its parsed goal file, which the rules read
    next anyway)."""

    def __init__(
        self,
        index: StoredIndex,
        old: Mapping[str, Facts],
        new: Mapping[str, Facts],
        facts: Callable[[str], Facts],
        perspectives_before: set[str],
    ) -> None:
        self.index = index
        self.old = old
        self.new = new  # the edited files' facts after the edit
        self.facts = facts
        self.extra = Neighbours(None, old)
        self.perspectives_before = perspectives_before

    def _paths(self, shelf: str, key: str) -> set[str]:
        return {_path_of(i) for i in self.index.shelves[shelf].get(key, ())}

    def defined(self, entry_id: str) -> set[str]:
        mine = {item[0] for item in self.index.definitions(entry_id)}
        return mine | self.extra.defined.get(entry_id, set())

    def naming(self, entry_id: str) -> set[str]:
        return self._paths("naming", entry_id) | self.extra.naming.get(entry_id, set())

    def cards(self, entry_id: str) -> set[str]:
        return self._paths("cards", entry_id) | self.extra.cards_naming.get(entry_id, set())

    def group(self, group: str) -> set[str]:
        return self._paths("group", group) | self.extra.group.get(group, set())

    def parents(self, objective_id: str) -> set[str]:
        found = {i[3] for i in self.index.definitions(objective_id) if i[3] is not None}
        return found | self.extra.parents.get(objective_id, set())

    def new_facts(self, path: str) -> Facts | None:
        if path in self.new:
            return self.new[path]
        return self.facts(path) if path in self.index.position else None

    def old_facts(self, path: str) -> Facts | None:
        return self.old.get(path) if path in self.old else self.new_facts(path)

    def exists(self, path: str) -> bool:
        return path in self.index.position

    def naming_unknown(self) -> set[str]:
        """Files naming an id nothing defines after the edit."""
        return set().union(*self.index.dangling.values())

    def perspectives_changed(self) -> bool:
        return self.perspectives_before != self.index.card_perspectives()

    def naming_perspectives(self) -> set[str]:
        """Files with an entry that names a perspective (every file's facts read: only
        when the perspectives scorecards define changed)."""
        return {
            path
            for path, (facts, _, _) in self.index.shelves["files"].items()
            if any(e.perspective for e in facts.entries)
        }


def stored_records(
    index: StoredIndex, by_file: Mapping[str, tuple[Diagnostic, ...]]
) -> dict[str, Record]:
    """Every record, in the repository's order (every segment of ``files`` and ``stats``
    read); ``by_file`` holds each file's load diagnostics followed by its rule ones."""
    files = dict(index.shelves["files"].items())
    stats = dict(index.shelves["stats"].items())
    out: dict[str, Record] = {}
    for path in index.order:
        facts, loaded, suppressions = files[path]
        found = by_file.get(path, ())[len(loaded) :]
        out[path] = Record(facts, loaded, found, stats[path], suppressions)
    return out


def diagnostics_in(
    order: Iterable[str], by_file: Mapping[str, tuple[Diagnostic, ...]]
) -> list[Diagnostic]:
    """The diagnostics of the files ``order`` names, in that order."""
    out: list[Diagnostic] = []
    for path in order:
        out += by_file.get(path, ())
    return out
