"""Weights and arithmetic sanity (W): sums to 1, baselines, scoring and plans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, Severity
from okrctl.core.i18n import msg
from okrctl.core.model import KeyResult, Kpi
from okrctl.core.progress import settle
from okrctl.core.vocabulary import KRKind
from okrctl.load.written import as_written
from okrctl.rules.context import Context
from okrctl.rules.registry import rule

E = Severity.ERROR
TOLERANCE = 1e-6


def _pct(value: float) -> str:
    return f"{value * 100:.4g}%"


def _sum_problem(weights: Sequence[float | None]) -> str | None:
    """Why these weights are wrong, or None. All-absent weights mean equal shares."""
    given = [w for w in weights if w is not None]
    if not given:
        return None
    if len(given) != len(weights):
        return msg(
            "{given} of {count} have a weight; give all or none",
            given=len(given),
            count=len(weights),
        )
    if any(w <= 0 for w in given):
        return msg("a weight is zero or negative")
    total = sum(given)
    if abs(total - 1) > TOLERANCE:
        return msg("weights sum to {total}, not 100%", total=_pct(total))
    return None


@rule("W001")
def kr_weights(ctx: Context) -> Iterator[Diagnostic]:
    """The key result weights of an objective do not add up to 1 (100%), or only some
    key results have one. Without weights, key results count equally.

    Anti-pattern: weights 0.5, 0.3, 0.3 (110%).

    Fix: make them sum to 1 (0.4, 0.3, 0.3), or drop all weights.
    """
    for objective in ctx.all_objectives():
        active = [kr for kr in objective.key_results if not kr.draft]
        problem = _sum_problem([kr.weight for kr in active])
        if problem:
            first = next((kr for kr in active if kr.weight is not None), active[0])
            yield make(
                "W001",
                first.file,
                *first.at("weight"),
                msg("key results of '{id}': {problem}", id=objective.id, problem=problem),
                msg("weights of one objective's key results sum to 1 (e.g. 0.5, 0.3, 0.2)"),
            )


@rule("W002")
def kpi_weights(ctx: Context) -> Iterator[Diagnostic]:
    """The weights of one owner's KPIs in a cycle do not add up to 1.

    Anti-pattern: sales attainment 40%, basket growth 30%, turnover 20% (90%).

    Fix: 40% / 30% / 30%.
    """
    groups: dict[tuple[str, str], list[Kpi]] = defaultdict(list)
    for kpi in ctx.all_kpis():
        if not kpi.draft and kpi.owner:
            groups[(kpi.owner, kpi.cycle or "")].append(kpi)
    for (owner, cycle), kpis in groups.items():
        problem = _sum_problem([k.weight for k in kpis])
        if problem:
            first = next((k for k in kpis if k.weight is not None), kpis[0])
            yield make(
                "W002",
                first.file,
                *first.at("weight"),
                msg(
                    "KPIs of owner '{owner}' in cycle {value} ({value2}): {problem}",
                    owner=owner,
                    value=cycle or "(none)",
                    value2=", ".join(k.id for k in kpis),
                    problem=problem,
                ),
            )


@rule("W003")
def scorecard_weights(ctx: Context) -> Iterator[Diagnostic]:
    """Balanced scorecard perspective weights, the measure weights inside a perspective, or
    a scorecard's KPI weights do not add up to 1.

    Anti-pattern: financial 0.3, customer 0.3, process 0.2, learning 0.1 (90%).

    Fix: make them sum to 1.
    """
    for card in ctx.all_scorecards():
        if card.perspectives:
            problem = _sum_problem([p.weight for p in card.perspectives])
            if problem:
                yield make(
                    "W003",
                    card.file,
                    *card.at("perspectives", key=True),
                    msg("perspectives of scorecard '{id}': {problem}", id=card.id, problem=problem),
                )
        for perspective in card.perspectives:
            problem = _sum_problem([m.weight for m in perspective.measures])
            if problem:
                yield make(
                    "W003",
                    card.file,
                    perspective.line,
                    perspective.column,
                    msg(
                        "measures of perspective '{name}' in '{id}': {problem}",
                        name=perspective.name,
                        id=card.id,
                        problem=problem,
                    ),
                )
        problem = _sum_problem([m.weight for m in card.kpis])
        if problem:
            yield make(
                "W003",
                card.file,
                *card.at("kpis"),
                msg("KPIs of scorecard '{id}': {problem}", id=card.id, problem=problem),
            )


@rule("W004")
def baseline_equals_target(ctx: Context) -> Iterator[Diagnostic]:
    """A key result whose target equals its baseline: progress (current - baseline) /
    (target - baseline) divides by zero, and there is nothing to achieve.

    Anti-pattern: ``baseline: 0.9`` with ``target: 90%``, or ``target: +0%``.

    Fix: a target that differs from the baseline; to hold a level, use a guardrail
    (``at_least: 90%``).
    """
    for kr in _krs(ctx):
        same = (
            kr.kind is KRKind.METRIC
            and kr.baseline is not None
            and kr.target is not None
            and settle(kr.baseline) == settle(kr.target)
        ) or (kr.kind is KRKind.RELATIVE and kr.relative == 0)
        if same:
            target = as_written(kr, "relative" if kr.kind is KRKind.RELATIVE else "target")
            baseline = as_written(kr, "baseline") or "the baseline from data"
            both = baseline if baseline == target else f"baseline {baseline}, target {target}"
            yield make(
                "W004",
                kr.file,
                *kr.at("target"),
                msg(
                    "key result '{path}' has the same baseline and target ({both}): progress is "
                    "undefined",
                    path=kr.path,
                    both=both,
                ),
                msg("to keep a level rather than move it, use `at_least:` or `at_most:`"),
            )


def _krs(ctx: Context) -> Iterator[KeyResult]:
    for objective in ctx.all_objectives():
        yield from objective.key_results


def _band_problems(kpi: Kpi) -> Iterator[Diagnostic]:
    """W005 about a KPI's ``bands``: out of order, or given beside ``scoring``."""
    if not kpi.bands:
        return
    lows = [low for low, _ in kpi.bands]
    if lows != sorted(lows) or len(set(lows)) != len(lows):
        yield make(
            "W005",
            kpi.file,
            *kpi.at("bands"),
            msg("KPI '{id}': bands must be in ascending order of attainment", id=kpi.id),
        )
    if "scoring" in kpi.lc:
        yield make(
            "W005",
            kpi.file,
            *kpi.at("bands", key=True),
            msg("KPI '{id}' has both `scoring` and `bands`; use one", id=kpi.id),
        )


@rule("W005")
def kpi_scoring(ctx: Context) -> Iterator[Diagnostic]:
    """A KPI's scoring standard cannot be applied: ``zero_below`` at or above ``full_at``
    (the defaults, 0 and 100%, included), ``full_at`` not above 0, ``cap`` not above 0,
    ``bands`` not in ascending order, a zero target, or ``scoring`` and ``bands`` together.

    Anti-pattern: ``scoring: {zero_below: 100%, full_at: 80%}``, or ``scoring: {full_at: 0}``
    (every score would divide by zero).

    Fix: ``zero_below: 80%, full_at: 100%`` ("below 80% scores zero, 100% scores full").
    """
    for kpi in ctx.all_kpis():
        where = kpi.at("scoring")
        # the defaults (zero_below 0, full_at 100%) take part: `{full_at: 0}` divides by zero
        zero_below = kpi.zero_below if kpi.zero_below is not None else 0.0
        full_at = kpi.full_at if kpi.full_at is not None else 1.0
        if full_at <= 0 and not kpi.bands:
            yield make(
                "W005",
                kpi.file,
                *where,
                msg(
                    "KPI '{id}': full_at {full_at} must be above 0 (the score is attainment / "
                    "full_at)",
                    id=kpi.id,
                    full_at=_pct(full_at),
                ),
            )
        elif zero_below >= full_at and not kpi.bands:
            yield make(
                "W005",
                kpi.file,
                *where,
                msg(
                    "KPI '{id}': zero_below {zero_below}{value} is not below full_at "
                    "{full_at}{value2}",
                    id=kpi.id,
                    zero_below=_pct(zero_below),
                    value="" if kpi.zero_below is not None else msg(" (the default)"),
                    full_at=_pct(full_at),
                    value2="" if kpi.full_at is not None else msg(" (the default)"),
                ),
            )
        if kpi.cap is not None and kpi.cap <= 0:
            yield make("W005", kpi.file, *where, msg("KPI '{id}': cap must be above 0", id=kpi.id))
        elif kpi.cap is not None and kpi.cap < 1:
            yield make(
                "W005",
                kpi.file,
                *where,
                msg(
                    "KPI '{id}': cap {cap} is below full marks (100%): attainment at full_at would"
                    " never score full",
                    id=kpi.id,
                    cap=_pct(kpi.cap),
                ),
                msg("cap limits over-achievement: use 1.0 or more, e.g. 120%"),
            )
        yield from _band_problems(kpi)
        if kpi.target == 0:
            yield make(
                "W005",
                kpi.file,
                *kpi.at("target"),
                msg(
                    "KPI '{id}' has target 0: attainment (actual / target) is undefined", id=kpi.id
                ),
                msg("for 'zero incidents' use a key result with `at_most: 0`"),
            )


@rule("W006")
def okr_kpi_weights(ctx: Context) -> Iterator[Diagnostic]:
    """``okr_weight`` and ``kpi_weight`` (in a scorecard or in okrctl.yaml's ``scoring``) do
    not add up to 1.

    Anti-pattern: ``okr_weight: 0.4, kpi_weight: 0.5``.

    Fix: 0.4 and 0.6.
    """
    config = ctx.config
    if abs(config.okr_weight + config.kpi_weight - 1) > TOLERANCE:
        yield make(
            "W006",
            config.file,
            *config.positions.get("scoring", (1, 1)),
            msg(
                "scoring okr_weight {okr_weight:g} + kpi_weight {kpi_weight:g} is not 1",
                okr_weight=config.okr_weight,
                kpi_weight=config.kpi_weight,
            ),
        )
    for card in ctx.all_scorecards():
        okr = card.okr_weight if card.okr_weight is not None else config.okr_weight
        kpi = card.kpi_weight if card.kpi_weight is not None else config.kpi_weight
        if (card.okr_weight is not None or card.kpi_weight is not None) and abs(
            okr + kpi - 1
        ) > TOLERANCE:
            yield make(
                "W006",
                card.file,
                *card.at("okr_weight" if card.okr_weight is not None else "kpi_weight"),
                msg(
                    "scorecard '{id}': okr_weight {okr:g} + kpi_weight {kpi:g} is not 1",
                    id=card.id,
                    okr=okr,
                    kpi=kpi,
                ),
            )


@rule("W007")
def plan_checkpoints(ctx: Context) -> Iterator[Diagnostic]:
    """A key result's ``plan`` checkpoints are not in date order, repeat a date, or fall
    outside the objective's cycle.

    Anti-pattern: checkpoints 2026-11-30 then 2026-10-31.

    Fix: list checkpoints once each, in date order, within the cycle.
    """
    for objective in ctx.all_objectives():
        planned = [kr for kr in objective.key_results if kr.plan]
        if not planned:
            continue
        cycle = ctx.cycle(objective.cycle)
        for kr in planned:
            dates = [day for day, _ in kr.plan]
            if dates != sorted(dates) or len(set(dates)) != len(dates):
                yield make(
                    "W007",
                    kr.file,
                    *kr.at("plan"),
                    msg("plan of '{path}' must list each date once, in order", path=kr.path),
                )
            if cycle is not None and (dates[0] < cycle.start or dates[-1] > cycle.end):
                yield make(
                    "W007",
                    kr.file,
                    *kr.at("plan"),
                    msg(
                        "plan of '{path}' has checkpoints outside cycle {id} ({start}..{end})",
                        path=kr.path,
                        id=cycle.id,
                        start=cycle.start,
                        end=cycle.end,
                    ),
                )


@rule("W008")
def status_thresholds(ctx: Context) -> Iterator[Diagnostic]:
    """okrctl.yaml's ``status`` thresholds are out of order: ``at_risk`` must be below
    ``on_track``, both above 0.

    Anti-pattern: ``status: {on_track: 0.7, at_risk: 0.9}``.

    Fix: ``status: {on_track: 0.9, at_risk: 0.7}``.
    """
    config = ctx.config
    if not 0 < config.at_risk < config.on_track:
        yield make(
            "W008",
            config.file,
            *config.positions.get("status", (1, 1)),
            msg(
                "status thresholds at_risk {at_risk:g} and on_track {on_track:g} must satisfy 0 < "
                "at_risk < on_track",
                at_risk=config.at_risk,
                on_track=config.on_track,
            ),
        )


@rule("W009")
def rating_bands(ctx: Context) -> Iterator[Diagnostic]:
    """okrctl.yaml's ``scoring.ratings`` repeat a minimum or a rating, or leave totals
    below the lowest band without a rating; or ``scoring.bonus`` gives both ``by_rating``
    and ``formula``, or multipliers for ratings that do not exist.

    Anti-pattern: ``ratings: [{min: 90%, rating: A}, {min: 80%, rating: B}]`` (what does 70%
    earn?).

    Fix: end with a band from 0 (``{min: 0, rating: D}``); one bonus method.
    """
    config = ctx.config
    line = config.scoring_line or 1
    mins = [m for m, _ in config.ratings]
    names = [r for _, r in config.ratings]
    if len(set(mins)) != len(mins) or len(set(names)) != len(names):
        yield make(
            "W009", config.file, line, 1, msg("scoring.ratings repeat a minimum or a rating")
        )
    if mins and min(mins) > 0:
        yield make(
            "W009",
            config.file,
            line,
            1,
            msg("scoring.ratings leave totals below {mins:g} without a rating", mins=min(mins)),
            msg("add a last band {min: 0, rating: D}"),
        )
    if config.bonus_by_rating is not None and config.bonus_formula is not None:
        yield make(
            "W009",
            config.file,
            line,
            1,
            msg("scoring.bonus has both by_rating and formula; use one"),
        )
    if config.bonus_by_rating:
        unknown = sorted(set(config.bonus_by_rating) - set(names))
        if unknown:
            yield make(
                "W009",
                config.file,
                line,
                1,
                msg(
                    "scoring.bonus.by_rating names ratings that do not exist: {value}",
                    value=", ".join(unknown),
                ),
            )


@rule("W010")
def aspirational_full_at(ctx: Context) -> Iterator[Diagnostic]:
    """okrctl.yaml's opt-in ``scoring.aspirational_full_at`` (an aspirational objective
    then scores min(progress / X, kr_cap)) is not above 0 and at most 1.

    Anti-pattern: ``aspirational_full_at: 0`` (every score divides by zero) or ``140%``
    (a rescale that lowers scores).

    Fix: a fraction such as ``0.7``, or leave it out: an objective's score is then its
    progress, and the 0.7 expectation of aspirational goals is judged by their status.
    """
    config = ctx.config
    full_at = config.aspirational_full_at
    if full_at is not None and not 0 < full_at <= 1:
        yield make(
            "W010",
            config.file,
            *config.positions.get("scoring", (1, 1)),
            msg(
                "scoring aspirational_full_at {full_at} must be above 0% and at most 100%",
                full_at=_pct(full_at),
            ),
            msg("for example 0.7, or remove it to score objectives by their progress"),
        )
