"""`okrctl why`: walk a balanced scorecard's strategy map upstream from one measure and
list its drivers, nearest first, and those of them off track (docs/formulas.md,
"Scorecards")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from okrctl.core.progress import Status
from okrctl.core.vocabulary import ScorecardKind
from okrctl.evaluate.evaluator import Evaluation
from okrctl.evaluate.scoring import MeasureScore, Scorer
from okrctl.metrics.source import Rejected
from okrctl.rules.bsc import chain_order
from okrctl.rules.context import Context


@dataclass(frozen=True, slots=True)
class Driver:
    """A measure upstream of the one asked about: its score (a fraction of full), status,
    how many links away (``depth``), and the measure it drives."""

    id: str
    perspective: str
    score: float | None
    status: Status
    depth: int
    drives: str  # the measure it drives
    rejected: tuple[Rejected, ...] = ()


@dataclass(frozen=True, slots=True)
class WhyResult:
    """The walk on one scorecard: the measure, its perspective, the map's perspective
    order, every driver and the drivers off track (yellow or red)."""

    measure: MeasureScore
    scorecard: str
    perspective: str
    chain: tuple[str, ...]
    drivers: tuple[Driver, ...]  # every upstream driver, nearest first
    off_track: tuple[Driver, ...]


def why(
    ctx: Context, evaluation: Evaluation, ident: str, scorer: Scorer | None = None
) -> list[WhyResult]:
    """Walk each strategy map containing ``ident`` upstream, breadth first; list the drivers
    and those of them off track (yellow, red); ``scorer`` if this evaluation is graded."""
    scorer = scorer or Scorer(ctx, evaluation)
    out = []
    for card in ctx.scorecards.values():
        where = {m.id: p.name for p in card.perspectives for m in p.measures}
        if card.kind is not ScorecardKind.BALANCED or ident not in where:
            continue
        weights = {
            m.id: (m.weight if m.weight is not None else 1.0)
            for p in card.perspectives
            for m in p.measures
        }
        upstream: dict[str, list[str]] = defaultdict(list)
        for link in card.links:
            upstream[link.result].append(link.driver)
        drivers = []
        seen = {ident}
        frontier = [(ident, 0)]
        while frontier:
            current, depth = frontier.pop(0)
            for driver in upstream.get(current, []):
                if driver in seen:
                    continue
                seen.add(driver)
                m = scorer.measure(driver, weights.get(driver, 1.0))
                drivers.append(
                    Driver(
                        driver,
                        where.get(driver, "?"),
                        m.score,
                        m.status,
                        depth + 1,
                        current,
                        m.rejected,
                    )
                )
                frontier.append((driver, depth + 1))
        off = tuple(d for d in drivers if d.status in (Status.YELLOW, Status.RED))
        out.append(
            WhyResult(
                scorer.measure(ident, weights[ident]),
                card.id,
                where[ident],
                tuple(chain_order(ctx, card)),
                tuple(drivers),
                off,
            )
        )
    return out
