"""What every whole-graph rule needs: the repository and indexes over it, built once.

A context is either whole (``Context.build``: every goal file loaded) or focused
(``rules/incremental.py``: only the files an edit touches are iterated, while lookups by
id reach every file through the cached index). Rules iterate ``all_*()`` and look others
up by id; the few facts that span the whole graph (the key results something supports,
the perspectives scorecards define, the order ids are defined in) come from methods that
a focused context answers from the index, so a rule computes the same either way
(docs/architecture.md, "Incremental check").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.i18n import N_, msg
from okrctl.core.model import Cycle, KeyResult, Kpi, Objective, Ref, Scorecard
from okrctl.load.config import Config
from okrctl.load.repository import Repository

if TYPE_CHECKING:
    from okrctl.metrics.engine import MetricData
    from okrctl.rules.index import Index
    from okrctl.rules.stored import StoredIndex

Entry = Objective | Kpi | Scorecard


def kind_word(entry: object) -> str:
    """The kind of a goal as a word translated when shown."""
    word = {"Objective": N_("objective"), "Kpi": "KPI", "Scorecard": N_("scorecard")}
    return msg(word[type(entry).__name__])


def named(entry: Entry) -> str:
    """``objective 'MKT-1'``, translated when shown."""
    return msg("{kind} '{id}'", kind=kind_word(entry), id=entry.id)


@dataclass
class Context:
    repo: Repository
    # the first definition of each id, by kind; a focused context's are lazy mappings
    objectives: Mapping[str, Objective] = field(default_factory=dict)
    kpis: Mapping[str, Kpi] = field(default_factory=dict)
    scorecards: Mapping[str, Scorecard] = field(default_factory=dict)
    entries: Mapping[str, Entry] = field(default_factory=dict)
    duplicates: list[tuple[Entry, Entry]] = field(default_factory=list)
    objective_list: list[Objective] = field(default_factory=list)
    kpi_list: list[Kpi] = field(default_factory=list)
    scorecard_list: list[Scorecard] = field(default_factory=list)
    # set by `okrctl check` unless --no-data: the metric data and the date it is judged on
    data: MetricData | None = None
    as_of: dt.date | None = None
    # indexes a rule family computes once and shares between its rules
    memo: dict[str, object] = field(default_factory=dict)
    # a focused context answers whole-graph facts from the index (None: from the files)
    index: Index | StoredIndex | None = None
    supported: Container[str] | None = None
    card_perspectives: set[str] | None = None
    ordinal: Callable[[str], object] | None = None
    _parents: dict[str, Objective | None] = field(default_factory=dict)
    _ranks: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def build(cls, repo: Repository) -> Context:
        ctx = cls(repo)
        objectives: dict[str, Objective] = {}
        kpis: dict[str, Kpi] = {}
        scorecards: dict[str, Scorecard] = {}
        known: dict[str, Entry] = {}
        ctx.objectives, ctx.kpis, ctx.scorecards, ctx.entries = objectives, kpis, scorecards, known
        for goal_file in repo.files:
            ctx.objective_list.extend(goal_file.objectives)
            ctx.kpi_list.extend(goal_file.kpis)
            ctx.scorecard_list.extend(goal_file.scorecards)
            entries: list[Entry] = [*goal_file.objectives, *goal_file.kpis, *goal_file.scorecards]
            for entry in entries:
                first = known.get(entry.id)
                if first is not None:
                    ctx.duplicates.append((first, entry))
                    continue
                known[entry.id] = entry
                if isinstance(entry, Objective):
                    objectives[entry.id] = entry
                elif isinstance(entry, Kpi):
                    kpis[entry.id] = entry
                else:
                    scorecards[entry.id] = entry
        return ctx

    def supported_krs(self) -> Container[str]:
        """``OBJ/KR`` paths that a non-draft objective aligns to or a KPI supports (first
        definitions only, over the whole graph)."""
        if self.supported is None and self.index is not None:
            self.supported = self.index.supported()
        if self.supported is None:
            self.supported = supported_paths(self.objectives.values(), self.kpis.values())
        return self.supported

    def scorecard_perspectives(self) -> set[str]:
        """The perspective names any scorecard of the whole graph defines."""
        if self.card_perspectives is None and self.index is not None:
            self.card_perspectives = self.index.card_perspectives()
        if self.card_perspectives is None:
            self.card_perspectives = {
                p.name for card in self.all_scorecards() for p in card.perspectives
            }
        return self.card_perspectives

    def order(self, objective_id: str) -> Any:
        """A sort key: objectives sort as their first definitions stand in the
        repository."""
        if self.ordinal is None:
            if self.index is not None:
                self.ordinal = self.index.order_key
            else:
                positions = {key: index for index, key in enumerate(self.objectives)}
                self.ordinal = positions.__getitem__
        return self.ordinal(objective_id)

    def is_first(self, entry: Entry) -> bool:
        """Whether ``entry`` is the definition its id resolves to (not a duplicate)."""
        return self.entries.get(entry.id) is entry

    @property
    def config(self) -> Config:
        return self.repo.config

    def all_objectives(self) -> list[Objective]:
        """Every objective, duplicates included, in file order."""
        return self.objective_list

    def all_kpis(self) -> list[Kpi]:
        return self.kpi_list

    def all_scorecards(self) -> list[Scorecard]:
        return self.scorecard_list

    def all_goals(self) -> list[Entry]:
        """Every objective, KPI and scorecard, in that order."""
        return [*self.objective_list, *self.kpi_list, *self.scorecard_list]

    def unresolved(self, ref: Ref) -> str | None:
        """Why ``ref`` (``aligns_to``, ``supports``) resolves to nothing, or None."""
        objective, kr = self.resolve(ref)
        if objective is None:
            return msg(
                "'{ref}' resolves to nothing: there is no objective '{objective}'{suggestion}",
                ref=str(ref),
                objective=ref.objective,
                suggestion=did_you_mean(ref.objective, self.objectives),
            )
        if ref.kr is not None and kr is None:
            return msg(
                "'{ref}' resolves to nothing: objective '{objective}' has no key result "
                "'{kr}'{suggestion}",
                ref=str(ref),
                objective=ref.objective,
                kr=ref.kr,
                suggestion=did_you_mean(ref.kr, [k.id for k in objective.key_results]),
            )
        return None

    def level(self, objective: Objective) -> str | None:
        """The objective's level: its own ``level``, else its unit's."""
        if objective.level is not None:
            return objective.level
        unit = self.config.units.get(objective.unit or "")
        return unit.level if unit else None

    def rank(self, objective: Objective) -> int | None:
        key = f"{objective.level}\0{objective.unit}"
        if key not in self._ranks:
            self._ranks[key] = self.config.level_rank(self.level(objective))
        return self._ranks[key]

    def is_top(self, objective: Objective) -> bool:
        return self.rank(objective) == 0

    def cycle(self, cycle_id: str | None) -> Cycle | None:
        """A cycle by id; with no id, the only cycle when exactly one is configured."""
        if cycle_id is None:
            cycles = self.config.cycles
            return next(iter(cycles.values())) if len(cycles) == 1 else None
        return self.config.cycles.get(cycle_id)

    def resolve(self, ref: Ref) -> tuple[Objective | None, KeyResult | None]:
        objective = self.objectives.get(ref.objective)
        if objective is None or ref.kr is None:
            return objective, None
        for kr in objective.key_results:
            if kr.id == ref.kr:
                return objective, kr
        return objective, None

    def parent(self, objective: Objective) -> Objective | None:
        """The objective ``aligns_to`` resolves to (None when it resolves to nothing)."""
        ref = objective.aligns_to
        if ref is None:
            return None
        key = str(ref)
        if key not in self._parents:
            parent, kr = self.resolve(ref)
            self._parents[key] = None if parent is None or (ref.kr and kr is None) else parent
        return self._parents[key]

    def unit_chain(self, unit_id: str | None) -> list[str]:
        """The unit and every unit above it, nearest first."""
        chain: list[str] = []
        current = self.config.units.get(unit_id or "")
        while current is not None and current.id not in chain:
            chain.append(current.id)
            current = self.config.units.get(current.parent or "")
        return chain


def alignment_stats(
    ctx: Context, within: Callable[[Objective], bool] | None = None
) -> tuple[int, int, int, int]:
    """(aligned, below_top, covered_krs, top_krs) over non-draft goals, as docs/formulas.md
    ("Alignment rate and coverage") defines;
    only over the objectives ``within`` accepts when it is given (a report for one unit)."""
    return objective_stats(ctx, ctx.objectives.values(), within)


def objective_stats(
    ctx: Context,
    objectives: Iterable[Objective],
    within: Callable[[Objective], bool] | None = None,
) -> tuple[int, int, int, int]:
    """``alignment_stats`` counted over ``objectives`` (first definitions) alone: the
    counts of a whole graph are the sums of its files' counts."""
    aligned = below = covered = top = 0
    supported: Container[str] | None = None
    for objective in objectives:
        if objective.draft or (within is not None and not within(objective)):
            continue
        rank = ctx.rank(objective)
        if rank is None:
            continue
        if rank > 0:
            below += 1
            parent = ctx.parent(objective)
            if parent is not None:
                parent_rank = ctx.rank(parent)
                if parent_rank is not None and parent_rank < rank:
                    aligned += 1
            continue
        if supported is None:
            supported = ctx.supported_krs()
        for kr in objective.key_results:
            if kr.draft:
                continue
            top += 1
            covered += kr.path in supported
    return aligned, below, covered, top


def supported_paths(objectives: Iterable[Objective], kpis: Iterable[Kpi]) -> set[str]:
    """``OBJ/KR`` paths that one of these non-draft objectives aligns to or KPIs supports."""
    out: set[str] = set()
    for objective in objectives:
        if not objective.draft and objective.aligns_to and objective.aligns_to.kr:
            out.add(str(objective.aligns_to))
    for kpi in kpis:
        if not kpi.draft and kpi.supports and kpi.supports.kr:
            out.add(str(kpi.supports))
    return out


def supported_krs(ctx: Context) -> Container[str]:
    """``OBJ/KR`` paths that a non-draft objective aligns to or a KPI supports."""
    return ctx.supported_krs()
