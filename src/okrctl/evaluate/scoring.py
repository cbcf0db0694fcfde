"""Scorecards (docs/formulas.md, "Scorecards"): individual and team scores, ratings, bonus
multipliers, balanced scorecards, the OKR-KPI synergy view, the causal walk up a map.

Works on an ``Evaluation``; renderers in render/score_*.py only format the result.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from okrctl.core.model import Kpi, Objective, Scorecard
from okrctl.core.progress import Status, reaches, settle
from okrctl.core.vocabulary import GoalType, ScorecardKind
from okrctl.evaluate.evaluator import Evaluation, KpiResult, ObjectiveResult
from okrctl.load.config import Config
from okrctl.metrics.rejected import DataWarning, unique, warnings_for
from okrctl.metrics.source import Rejected
from okrctl.rules.context import Context


@dataclass(frozen=True, slots=True)
class GoalScore:
    objective: Objective
    progress: float | None
    graded: float | None  # the score: progress, or rescaled by scoring.aspirational_full_at
    status: Status


@dataclass(frozen=True, slots=True)
class KpiScore:
    kpi: Kpi
    score: float | None
    weight: float
    status: Status


@dataclass(frozen=True, slots=True)
class Card:
    """An individual or team scorecard (declared, or the default one of an owner)."""

    id: str
    kind: ScorecardKind
    owner: str | None
    unit: str | None
    declared: bool
    objectives: tuple[GoalScore, ...]
    kpis: tuple[KpiScore, ...]
    okr_score: float | None
    kpi_score: float | None
    okr_weight: float
    kpi_weight: float
    total: float | None
    rating: str | None
    bonus: float | None
    rejected: tuple[Rejected, ...] = ()  # input its goals' numbers miss


@dataclass(frozen=True, slots=True)
class MeasureScore:
    id: str
    kind: str  # kpi | objective | missing
    title: str
    weight: float
    score: float | None
    status: Status
    rejected: tuple[Rejected, ...] = ()


@dataclass(frozen=True, slots=True)
class PerspectiveScore:
    name: str
    title: str | None
    weight: float
    measures: tuple[MeasureScore, ...]
    score: float | None


@dataclass(frozen=True, slots=True)
class BalancedCard:
    scorecard: Scorecard
    perspectives: tuple[PerspectiveScore, ...]
    total: float | None
    rating: str | None
    warnings: tuple[str, ...]

    @property
    def rejected(self) -> tuple[Rejected, ...]:
        return unique(r for p in self.perspectives for m in p.measures for r in m.rejected)


@dataclass(frozen=True, slots=True)
class Synergy:
    objective: Objective
    progress: float | None
    status: Status
    kpis: tuple[KpiScore, ...]
    children: tuple[GoalScore, ...]
    kpi_attainment: float | None  # mean KPI score of the KPIs aligned to the objective
    children_completion: float | None
    flag: str | None


@dataclass
class ScoreReport:
    cycle: str
    as_of: str
    cards: list[Card]
    balanced: list[BalancedCard]
    synergy: list[Synergy]
    warnings: list[DataWarning] = field(default_factory=list)  # input the numbers miss


def _mean(values: list[tuple[float | None, float]]) -> float | None:
    known = [(v, w) for v, w in values if v is not None]
    total = sum(w for _, w in known)
    if not known or total <= 0:
        return None
    return settle(sum(v * w for v, w in known) / total)


def grade(result: ObjectiveResult, config: Config) -> GoalScore:
    """An objective's score (a fraction, 1.0 = 100%): its progress, already clamped per
    key result to [0, kr_cap] (docs/formulas.md, "Grading"). Whether an aspirational goal
    met its 0.7 expectation is its status, not a different score. Only when okrctl.yaml
    opts in with ``scoring: {aspirational_full_at: X}`` is an aspirational objective's
    score rescaled to min(progress / X, kr_cap)."""
    p = result.progress
    graded = p
    full_at = config.aspirational_full_at
    aspirational = result.objective.type is GoalType.ASPIRATIONAL
    if p is not None and full_at is not None and full_at > 0 and aspirational:
        graded = min(settle(p / full_at), config.kr_cap)
    return GoalScore(result.objective, p, graded, result.status)


def rating_for(total: float | None, config: Config) -> str | None:
    if total is None:
        return None
    for minimum, rating in sorted(config.ratings, reverse=True):
        if reaches(total, minimum):
            return rating
    return None


def bonus_for(
    card_okr: float | None, card_kpi: float | None, rating: str | None, config: Config
) -> float | None:
    if config.bonus_by_rating is not None:
        return None if rating is None else config.bonus_by_rating.get(rating, 0.0)
    formula = config.bonus_formula
    if formula is None:
        return None
    base = formula.get("base", 1.0)
    extra = formula.get("extra", 0.0)
    value = 0.0
    if card_kpi is not None and reaches(card_kpi, formula.get("base_from", 0.0)):
        value += base * card_kpi
    if card_okr is not None and reaches(card_okr, formula.get("extra_from", 1.0)):
        value += extra
    return min(settle(value), formula.get("cap", float("inf")))


class Scorer:
    def __init__(self, ctx: Context, evaluation: Evaluation) -> None:
        self.ctx = ctx
        self.config = ctx.config
        self.evaluation = evaluation
        self.goals = {oid: grade(r, self.config) for oid, r in evaluation.objectives.items()}
        # each owner's and unit's goals and KPI ids: a default card needs no scan of them all
        self._goals_by: dict[tuple[str, str | None], list[GoalScore]] = defaultdict(list)
        self._kpis_by: dict[tuple[str, str | None], list[str]] = defaultdict(list)
        for g in self.goals.values():
            self._goals_by["individual", g.objective.owner].append(g)
            self._goals_by["team", g.objective.unit].append(g)
        for kid, r in evaluation.kpis.items():
            self._kpis_by["individual", r.kpi.owner].append(kid)
            self._kpis_by["team", r.kpi.unit].append(kid)

    def _kpi(self, kpi_id: str, weight: float | None) -> KpiScore | None:
        result: KpiResult | None = self.evaluation.kpis.get(kpi_id)
        if result is None:
            return None
        w = weight if weight is not None else (result.kpi.weight or 1.0)
        return KpiScore(result.kpi, result.score, w, result.status)

    def card(
        self,
        scorecard: Scorecard | None,
        *,
        kind: ScorecardKind,
        owner: str | None,
        unit: str | None,
    ) -> Card:
        mine = (
            kind,
            owner if kind is ScorecardKind.INDIVIDUAL else unit or "",
        )  # no unit: no team goal
        if scorecard is not None and scorecard.objectives:
            goals = [self.goals[o] for o in scorecard.objectives if o in self.goals]
        else:
            goals = list(self._goals_by.get(mine, [])) if mine[1] is not None else []
        if scorecard is not None and scorecard.kpis:
            kpis = [k for m in scorecard.kpis if (k := self._kpi(m.id, m.weight)) is not None]
        else:
            kpis = [
                k for kid in self._kpis_by.get(mine, []) if (k := self._kpi(kid, None)) is not None
            ]
        okr = _mean([(g.graded, 1.0) for g in goals])
        kpi = _mean([(k.score, k.weight) for k in kpis])
        okr_w = (
            scorecard.okr_weight
            if scorecard and scorecard.okr_weight is not None
            else self.config.okr_weight
        )
        kpi_w = (
            scorecard.kpi_weight
            if scorecard and scorecard.kpi_weight is not None
            else self.config.kpi_weight
        )
        total = _mean([(okr, okr_w), (kpi, kpi_w)])
        rating = rating_for(total, self.config)
        return Card(
            id=scorecard.id if scorecard else f"default:{owner or unit}",
            kind=kind,
            owner=owner,
            unit=unit,
            declared=scorecard is not None,
            objectives=tuple(goals),
            kpis=tuple(kpis),
            okr_score=okr,
            kpi_score=kpi,
            okr_weight=okr_w,
            kpi_weight=kpi_w,
            total=total,
            rating=rating,
            bonus=bonus_for(okr, kpi, rating, self.config),
            rejected=unique(
                [
                    *(r for g in goals for r in self.rejected(g.objective.id)),
                    *(r for k in kpis for r in self.rejected(k.kpi.id)),
                ]
            ),
        )

    def rejected(self, ident: str) -> tuple[Rejected, ...]:
        """Input the number of an objective or KPI misses."""
        result = self.evaluation.kpis.get(ident) or self.evaluation.objectives.get(ident)
        return () if result is None else result.rejected

    def cards(self) -> list[Card]:
        out = []
        declared_owners = set()
        for scorecard in self.ctx.scorecards.values():
            kind = scorecard.kind
            if scorecard.draft or not isinstance(kind, ScorecardKind) or kind.is_balanced:
                continue  # balanced cards below; an unknown kind (S001) is never scored
            if not self._in_view(scorecard):
                continue
            out.append(self.card(scorecard, kind=kind, owner=scorecard.owner, unit=scorecard.unit))
            if kind is ScorecardKind.INDIVIDUAL and scorecard.owner:
                declared_owners.add(scorecard.owner)
        owners = {g.objective.owner for g in self.goals.values() if g.objective.owner}
        owners |= {r.kpi.owner for r in self.evaluation.kpis.values() if r.kpi.owner}
        for owner in sorted(owners - declared_owners):
            out.append(self.card(None, kind=ScorecardKind.INDIVIDUAL, owner=owner, unit=None))
        return out

    def _in_view(self, scorecard: Scorecard) -> bool:
        cycle = self.ctx.cycle(scorecard.cycle)
        return cycle is not None and cycle.contains(self.evaluation.cycle)

    def measure(self, ident: str, weight: float) -> MeasureScore:
        if ident in self.evaluation.kpis:
            r = self.evaluation.kpis[ident]
            return MeasureScore(ident, "kpi", r.kpi.title, weight, r.score, r.status, r.rejected)
        if ident in self.goals:
            g = self.goals[ident]
            return MeasureScore(
                ident,
                "objective",
                g.objective.title,
                weight,
                g.graded,
                g.status,
                self.rejected(ident),
            )
        return MeasureScore(ident, "missing", "", weight, None, Status.GREY)

    def balanced(self) -> list[BalancedCard]:
        out = []
        for card in self.ctx.scorecards.values():
            if card.kind is not ScorecardKind.BALANCED or card.draft or not self._in_view(card):
                continue
            perspectives = []
            for p in card.perspectives:
                measures = tuple(
                    self.measure(m.id, m.weight if m.weight is not None else 1.0)
                    for m in p.measures
                )
                perspectives.append(
                    PerspectiveScore(
                        p.name,
                        p.title,
                        p.weight or 0.0,
                        measures,
                        _mean([(m.score, m.weight) for m in measures]),
                    )
                )
            total = _mean([(p.score, p.weight) for p in perspectives])
            out.append(
                BalancedCard(
                    card,
                    tuple(perspectives),
                    total,
                    rating_for(total, self.config),
                    tuple(self._warnings(card)),
                )
            )
        return out

    def _warnings(self, card: Scorecard) -> list[str]:
        warnings = [
            f"perspective '{p.name}' has no measures" for p in card.perspectives if not p.measures
        ]
        weighted = [p for p in card.perspectives if (p.weight or 0) > 0 and p.measures]
        if len(weighted) == 1:
            warnings.append(f"all weight is on perspective '{weighted[0].name}'")
        sides = {p.name for p in card.perspectives if p.measures}
        if len(sides) == 1:
            for p in card.perspectives:
                for m in p.measures:
                    kpi = self.ctx.kpis.get(m.id)
                    if kpi is not None and not kpi.balanced_by:
                        warnings.append(f"KPI '{m.id}' has no balancing measure")
        return warnings

    def synergy(self) -> list[Synergy]:
        out = []
        children: dict[str, list[str]] = defaultdict(list)
        for oid, result in self.evaluation.objectives.items():
            parent = self.ctx.parent(result.objective)
            if parent is not None:
                children[parent.id].append(oid)
        for oid, result in self.evaluation.objectives.items():
            if not self.ctx.is_top(result.objective):
                continue
            below = set()  # every objective under this one, however deep
            stack = list(children.get(oid, []))
            while stack:
                current = stack.pop()
                if current not in below:
                    below.add(current)
                    stack.extend(children.get(current, []))
            kpis = [
                k
                for kid, r in self.evaluation.kpis.items()
                if r.kpi.supports is not None
                and (r.kpi.supports.objective == oid or r.kpi.supports.objective in below)
                and (k := self._kpi(kid, None)) is not None
            ]
            kids = [self.goals[c] for c in children.get(oid, [])]
            attainment = _mean([(k.score, 1.0) for k in kpis])
            completion = _mean([(g.progress, 1.0) for g in kids])
            kpi_green = attainment is not None and reaches(attainment, self.config.on_track)
            kpi_red = attainment is not None and not reaches(attainment, self.config.at_risk)
            flag = None
            if kpi_green and result.status is Status.RED:
                flag = (
                    "KPIs green, objective red: the KPIs may not measure what the objective needs"
                )
            elif kpi_red and result.status is Status.GREEN:
                flag = "objective green, KPIs red: execution lags behind the stated progress"
            out.append(
                Synergy(
                    result.objective,
                    result.progress,
                    result.status,
                    tuple(kpis),
                    tuple(kids),
                    attainment,
                    completion,
                    flag,
                )
            )
        return out


def score_report(
    ctx: Context,
    evaluation: Evaluation,
    *,
    unit: str | None = None,
    owner: str | None = None,
    scorer: Scorer | None = None,
) -> ScoreReport:
    """Scorecards (of ``unit`` / ``owner`` when given), balanced scorecards and synergy;
    ``scorer`` when the caller already graded this evaluation."""
    scorer = scorer or Scorer(ctx, evaluation)
    cards = scorer.cards()
    if owner is not None:
        cards = [c for c in cards if c.owner == owner]
    if unit is not None:
        cards = [
            c
            for c in cards
            if (c.unit and unit in ctx.unit_chain(c.unit))
            or any(unit in ctx.unit_chain(g.objective.unit) for g in c.objectives)
            or any(unit in ctx.unit_chain(k.kpi.unit) for k in c.kpis)
        ]
    balanced = scorer.balanced()
    synergy = scorer.synergy()
    shown = [
        *((g.objective.id, scorer.rejected(g.objective.id)) for c in cards for g in c.objectives),
        *((k.kpi.id, scorer.rejected(k.kpi.id)) for c in cards for k in c.kpis),
        *((m.id, m.rejected) for b in balanced for p in b.perspectives for m in p.measures),
        *((s.objective.id, scorer.rejected(s.objective.id)) for s in synergy),
        *((k.kpi.id, scorer.rejected(k.kpi.id)) for s in synergy for k in s.kpis),
        *((g.objective.id, scorer.rejected(g.objective.id)) for s in synergy for g in s.children),
    ]
    return ScoreReport(
        evaluation.cycle.id,
        evaluation.as_of.isoformat(),
        cards,
        balanced,
        synergy,
        warnings_for(shown),
    )
