"""What every whole-graph rule needs: the repository and indexes over it, built once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.i18n import N_, msg
from okrctl.core.model import Cycle, KeyResult, Kpi, Objective, Ref, Scorecard
from okrctl.load.config import Config
from okrctl.load.repository import Repository

if TYPE_CHECKING:
    from okrctl.metrics.engine import MetricData

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
    objectives: dict[str, Objective] = field(default_factory=dict)
    kpis: dict[str, Kpi] = field(default_factory=dict)
    scorecards: dict[str, Scorecard] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    duplicates: list[tuple[Entry, Entry]] = field(default_factory=list)
    objective_list: list[Objective] = field(default_factory=list)
    kpi_list: list[Kpi] = field(default_factory=list)
    scorecard_list: list[Scorecard] = field(default_factory=list)
    # set by `okrctl check` unless --no-data: the metric data and the date it is judged on
    data: MetricData | None = None
    as_of: dt.date | None = None
    # indexes a rule family computes once and shares between its rules
    memo: dict[str, object] = field(default_factory=dict)
    _parents: dict[str, Objective | None] = field(default_factory=dict)
    _ranks: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def build(cls, repo: Repository) -> Context:
        ctx = cls(repo)
        for goal_file in repo.files:
            ctx.objective_list.extend(goal_file.objectives)
            ctx.kpi_list.extend(goal_file.kpis)
            ctx.scorecard_list.extend(goal_file.scorecards)
            entries: list[Entry] = [*goal_file.objectives, *goal_file.kpis, *goal_file.scorecards]
            for entry in entries:
                first = ctx.entries.get(entry.id)
                if first is not None:
                    ctx.duplicates.append((first, entry))
                    continue
                ctx.entries[entry.id] = entry
                if isinstance(entry, Objective):
                    ctx.objectives[entry.id] = entry
                elif isinstance(entry, Kpi):
                    ctx.kpis[entry.id] = entry
                else:
                    ctx.scorecards[entry.id] = entry
        return ctx

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
    aligned = below = 0
    for objective in ctx.objectives.values():
        if objective.draft or (within is not None and not within(objective)):
            continue
        rank = ctx.rank(objective)
        if rank is None or rank == 0:
            continue
        below += 1
        parent = ctx.parent(objective)
        if parent is not None:
            parent_rank = ctx.rank(parent)
            if parent_rank is not None and parent_rank < rank:
                aligned += 1
    supported = supported_krs(ctx)
    covered = top = 0
    for objective in ctx.objectives.values():
        if objective.draft or not ctx.is_top(objective):
            continue
        if within is not None and not within(objective):
            continue
        for kr in objective.key_results:
            if kr.draft:
                continue
            top += 1
            covered += kr.path in supported
    return aligned, below, covered, top


def supported_krs(ctx: Context) -> set[str]:
    """``OBJ/KR`` paths that a non-draft objective aligns to or a KPI supports."""
    out: set[str] = set()
    for objective in ctx.objectives.values():
        if not objective.draft and objective.aligns_to and objective.aligns_to.kr:
            out.add(str(objective.aligns_to))
    for kpi in ctx.kpis.values():
        if not kpi.draft and kpi.supports and kpi.supports.kr:
            out.add(str(kpi.supports))
    return out
