"""Evaluate goals against metric data on an as-of date: the numbers `status`, `explain`,
`score` and `report` print. Renderers only format what this module computes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from okrctl.core.model import Cycle, KeyResult, Kpi, Objective
from okrctl.core.plural import counted
from okrctl.core.progress import (
    Status,
    Thresholds,
    attainment,
    banded_score,
    elapsed_fraction,
    final_status,
    guardrail_progress,
    kpi_status,
    metric_progress,
    pace_status,
    periods,
    planned_fraction,
    range_progress,
    reaches,
    settle,
    stepped_score,
    weighted_progress,
)
from okrctl.core.vocabulary import (
    Aggregate,
    Direction,
    GoalType,
    KRKind,
    Period,
    Unknown,
    values,
)
from okrctl.evaluate.results import Evaluation as Evaluation
from okrctl.evaluate.results import KpiResult as KpiResult
from okrctl.evaluate.results import KRResult as KRResult
from okrctl.evaluate.results import ObjectiveResult as ObjectiveResult
from okrctl.evaluate.results import PeriodResult as PeriodResult
from okrctl.load.config import Config
from okrctl.load.configsources import CHECKINS
from okrctl.metrics.engine import MetricData
from okrctl.metrics.rejected import row_note, unique
from okrctl.metrics.source import NO_DATA, Answer, Rejected, Request
from okrctl.rules.context import Context


def default_cycle(config: Config, today: dt.date) -> Cycle | None:
    """The shortest cycle containing ``today``; else the one that ended last."""
    cycles = list(config.cycles.values())
    if not cycles:
        return None
    containing = [c for c in cycles if c.start <= today <= c.end]
    if containing:
        return min(containing, key=lambda c: (c.days, c.id))
    return max(cycles, key=lambda c: (c.end, -c.days))


def in_view(cycle: Cycle, entry_cycle: Cycle | None) -> bool:
    """Entries of the cycle itself, and of cycles that span it (annual goals above
    quarterly ones)."""
    return entry_cycle is not None and entry_cycle.contains(cycle)


def unusable(item: KeyResult | Kpi) -> str | None:
    """Why ``item`` cannot be computed, or None: a value its schema refuses (S001), which
    reaches the arithmetic only where that rule is graded down or in another revision
    (`okrctl diff`). The item is then shown without a number, never computed with a guess."""
    if item.metric is not None and isinstance(item.aggregate, Unknown):
        return f"aggregate '{item.aggregate}' is not one of {', '.join(values(Aggregate))}"
    if isinstance(item, Kpi) and isinstance(item.period, Unknown):
        return f"period '{item.period}' is not one of {', '.join(values(Period))}"
    if isinstance(item, Kpi) and isinstance(item.direction, Unknown):
        return f"direction '{item.direction}' is not one of {', '.join(values(Direction))}"
    return None


def _aggregate(item: KeyResult | Kpi) -> Aggregate:
    usable = item.metric is not None and isinstance(item.aggregate, Aggregate)
    return item.aggregate if usable and isinstance(item.aggregate, Aggregate) else Aggregate.LAST


def _period(kpi: Kpi) -> Period:
    return kpi.period if isinstance(kpi.period, Period) else Period.CYCLE


def _metric_of(kr_or_kpi: KeyResult | Kpi) -> tuple[str, str] | None:
    if kr_or_kpi.metric is not None:
        return kr_or_kpi.metric.source, kr_or_kpi.metric.name
    if isinstance(kr_or_kpi, KeyResult):
        return CHECKINS, kr_or_kpi.path
    return CHECKINS, kr_or_kpi.id


class Evaluator:
    def __init__(self, ctx: Context, data: MetricData, as_of: dt.date) -> None:
        self.ctx = ctx
        self.config = ctx.config
        self.data = data
        self.as_of = as_of
        self.thresholds = Thresholds(self.config.on_track, self.config.at_risk)
        self._confidences: dict[tuple[str, dt.date], int | None] | None = None

    # -- requests -------------------------------------------------------------------------
    def kr_request(self, kr: KeyResult, cycle: Cycle, series: bool = False) -> tuple[str, Request]:
        source, metric = _metric_of(kr) or (CHECKINS, kr.path)
        end = min(self.as_of, cycle.end)
        return source, Request(
            key=f"kr:{kr.path}",
            metric=metric,
            where=kr.where,
            start=cycle.start,
            end=end,
            aggregate=_aggregate(kr),
            baseline_on=cycle.start,
            series=series,
        )

    def kpi_requests(self, kpi: Kpi, cycle: Cycle) -> list[tuple[str, Request]]:
        source, metric = _metric_of(kpi) or (CHECKINS, kpi.id)
        out = []
        for start, end in periods(cycle.start, cycle.end, _period(kpi)):
            if start > self.as_of:
                break
            out.append(
                (
                    source,
                    Request(
                        key=f"kpi:{kpi.id}:{start}",
                        metric=metric,
                        where=kpi.where,
                        start=start,
                        end=min(end, self.as_of),
                        aggregate=_aggregate(kpi),
                    ),
                )
            )
        return out

    # -- evaluation -----------------------------------------------------------------------
    def run(
        self, objectives: Iterable[Objective], kpis: Iterable[Kpi], series: bool = False
    ) -> tuple[dict[str, ObjectiveResult], dict[str, KpiResult]]:
        objectives = [o for o in objectives if self.ctx.cycle(o.cycle) is not None]
        kpis = [k for k in kpis if self.ctx.cycle(k.cycle) is not None]
        requests = []
        for objective in objectives:
            cycle = self.ctx.cycle(objective.cycle)
            assert cycle is not None
            for kr in objective.key_results:
                requests.append(self.kr_request(kr, cycle, series))
        for kpi in kpis:
            cycle = self.ctx.cycle(kpi.cycle)
            assert cycle is not None
            requests.extend(self.kpi_requests(kpi, cycle))
        answers = self.data.answer(requests)
        sources = {r.key: s for s, r in requests}
        objective_results = {o.id: self.objective(o, answers, sources) for o in objectives}
        kpi_results = {k.id: self.kpi(k, answers, sources) for k in kpis}
        return objective_results, kpi_results

    def objective(
        self, objective: Objective, answers: dict[str, Answer], sources: dict[str, str]
    ) -> ObjectiveResult:
        cycle = self.ctx.cycle(objective.cycle)
        assert cycle is not None
        as_of = min(self.as_of, cycle.end)
        final = self.as_of >= cycle.end
        committed = objective.type is GoalType.COMMITTED
        results = []
        for kr in objective.key_results:
            key = f"kr:{kr.path}"
            results.append(
                self.key_result(
                    kr, cycle, answers.get(key, NO_DATA), sources.get(key), final, committed
                )
            )
        active = [r for r in results if not r.kr.draft]
        weights = [r.kr.weight if r.kr.weight is not None else 1.0 for r in active]
        progress, partial = weighted_progress(
            [(r.progress, w) for r, w in zip(active, weights, strict=True)], self.config.kr_cap
        )
        known = [
            (r.expected, w) for r, w in zip(active, weights, strict=True) if r.progress is not None
        ]
        expected = (
            settle(sum(e * w for e, w in known) / sum(w for _, w in known))
            if known and sum(w for _, w in known) > 0
            else elapsed_fraction(cycle.start, cycle.end, as_of)
        )
        status = (
            final_status(progress, committed)
            if final
            else pace_status(progress, expected, self.thresholds)
        )
        return ObjectiveResult(
            objective, cycle, as_of, final, progress, partial, expected, status, tuple(results)
        )

    def key_result(
        self,
        kr: KeyResult,
        cycle: Cycle,
        answer: Answer,
        source: str | None,
        final: bool,
        committed: bool,
    ) -> KRResult:
        as_of = min(self.as_of, cycle.end)
        expected = elapsed_fraction(cycle.start, cycle.end, as_of)
        problem = unusable(kr)
        if problem is not None:
            answer = NO_DATA  # read with a guessed aggregate: not shown
        # sums of many binary floats carry noise (0.1 x 10 = 0.9999999999999999)
        current = None if answer.value is None else settle(answer.value)
        baseline = kr.baseline
        from_data = False
        rejected = _kr_rejected(kr, answer)
        if baseline is None and answer.baseline is not None:
            baseline, from_data = settle(answer.baseline), True
        target = kr.target
        if kr.kind is KRKind.RELATIVE and kr.relative is not None and baseline is not None:
            from okrctl.core.numbers import Relative

            target = settle(Relative(kr.relative).apply(baseline))
        progress: float | None = None
        note = None
        if problem is not None:
            note = f"not computed: {problem}"
        elif kr.kind is KRKind.MILESTONE:
            # a check-in or a metric reaching 1 marks it done, whatever the file says
            done = reaches(current, 1.0) if current is not None else kr.done is True
            progress = 1.0 if done else 0.0
            if kr.done is None and current is None and kr.metric is not None:
                progress, note = None, "no data"
        elif current is None:
            note = "no data in the cycle yet"
            if rejected:
                note = "no usable data: " + (row_note(rejected) or "")
        elif kr.kind is KRKind.GUARDRAIL:
            progress = guardrail_progress(current, kr.at_least, kr.at_most)
        elif kr.kind is KRKind.RANGE and kr.low is not None and kr.high is not None:
            progress = range_progress(current, baseline, kr.low, kr.high)
            if progress is None:
                note = "no baseline to measure from"
            elif not reaches(kr.high, current):
                note = "above the range"
        elif baseline is None:
            note = "no baseline: none given and no data on or before the cycle start"
        elif target is None:
            note = "no target"
        else:
            progress = metric_progress(current, baseline, target)
            if progress is None:
                source_of = "from data on or before the cycle start" if from_data else "given"
                note = f"target equals baseline ({source_of}): progress is undefined"
            elif kr.plan:
                expected = planned_fraction(
                    kr.plan, cycle.start, cycle.end, baseline, target, as_of
                )
        if progress is not None and progress < 0:
            note = "moved the wrong way"
        status, note = self._judge(kr, progress, expected, final, committed, note)
        return KRResult(
            kr,
            current,
            baseline,
            from_data,
            target,
            progress,
            expected,
            status,
            answer,
            source,
            note,
            rejected,
            self.confidence(kr.path, answer.last_date) if source == CHECKINS else None,
        )

    def confidence(self, path: str, day: dt.date | None) -> int | None:
        """The confidence of the check-in of ``path`` that counts on ``day``."""
        if self._confidences is None:
            from okrctl.metrics.checkins import confidences

            self._confidences = confidences(self.data.source(CHECKINS))
        return None if day is None else self._confidences.get((path, day))

    def _judge(
        self,
        kr: KeyResult,
        progress: float | None,
        expected: float,
        final: bool,
        committed: bool,
        note: str | None,
    ) -> tuple[Status, str | None]:
        """A key result's status, and its note (a broken guard says so)."""
        status = (
            final_status(
                None if progress is None else min(max(progress, 0), self.config.kr_cap), committed
            )
            if final
            else pace_status(progress, expected, self.thresholds)
        )
        if kr.kind is KRKind.GUARDRAIL and progress is not None and not reaches(progress, 1.0):
            # a guard holds or it does not: a broken guard is never on track
            note = "guard broken"
            status = Status.YELLOW if reaches(progress, self.thresholds.at_risk) else Status.RED
        return status, note

    def kpi(self, kpi: Kpi, answers: dict[str, Answer], sources: dict[str, str]) -> KpiResult:
        cycle = self.ctx.cycle(kpi.cycle)
        assert cycle is not None
        lower = kpi.direction is Direction.LOWER
        cumulative = isinstance(kpi.aggregate, Aggregate) and kpi.aggregate.cumulative
        results = []
        source = None
        for start, end in periods(cycle.start, cycle.end, _period(kpi)):
            if start > self.as_of:
                break
            key = f"kpi:{kpi.id}:{start}"
            source = sources.get(key, source)
            answer = NO_DATA if unusable(kpi) else answers.get(key, NO_DATA)
            is_closed = end <= self.as_of
            target = kpi.target if kpi.target is not None else 0.0
            if not is_closed and cumulative:
                target = settle(target * elapsed_fraction(start, end, self.as_of))
            actual = None if answer.value is None else settle(answer.value)
            a = None if actual is None else attainment(actual, target, lower)
            results.append(
                PeriodResult(
                    start,
                    end,
                    is_closed,
                    actual,
                    target,
                    a,
                    None if a is None else self.kpi_score(kpi, a),
                    answer,
                )
            )
        closed = [r for r in results if r.closed]
        used = [] if unusable(kpi) else closed or results[-1:]
        scores = [r.score for r in used if r.score is not None]
        score = settle(sum(scores) / len(scores)) if scores else None
        latest = used[-1] if used else None
        status = kpi_status(score, self.thresholds)
        rejected = unique(r for p in used for r in p.answer.rejected)
        return KpiResult(
            kpi,
            cycle,
            min(self.as_of, cycle.end),
            latest.actual if latest else None,
            latest.target if latest else kpi.target,
            latest.attainment if latest else None,
            score,
            status,
            tuple(results),
            source,
            _kpi_note(used, score, rejected),
            rejected,
        )

    def kpi_score(self, kpi: Kpi, a: float) -> float | None:
        if kpi.bands:
            return stepped_score(a, kpi.bands)
        zero_below = kpi.zero_below if kpi.zero_below is not None else 0.0
        full_at = kpi.full_at if kpi.full_at is not None else 1.0
        cap = kpi.cap if kpi.cap is not None else 1.0
        return banded_score(a, zero_below, full_at, cap)


def _kr_rejected(kr: KeyResult, answer: Answer) -> tuple[Rejected, ...]:
    """Input a key result's number misses: in its window, and for its baseline when that
    comes from data."""
    return unique([*answer.rejected, *(answer.baseline_rejected if kr.baseline is None else ())])


def period_label(period: PeriodResult) -> str:
    """``2026-11`` for a calendar month, else ``2026-10-01..2026-12-31``."""
    start, end = period.start, period.end
    next_day = end + dt.timedelta(days=1)
    if start.day == 1 and next_day.day == 1 and (next_day.month - start.month) % 12 == 1:
        return f"{start:%Y-%m}"
    return f"{start}..{end}"


def _kpi_note(
    used: list[PeriodResult], score: float | None, rejected: tuple[Rejected, ...]
) -> str | None:
    """What the KPI score rests on, when it is not every period it averages."""
    if score is None:
        if rejected:
            return "no usable data: " + (row_note(rejected) or "")
        return "no data in the period yet"
    missing = [p for p in used if p.score is None]
    if not missing:
        return None
    labels = ", ".join(period_label(p) for p in missing)
    return (
        f"score of {len(used) - len(missing)} of {counted(len(used), 'period')}: "
        f"{labels} {'has' if len(missing) == 1 else 'have'} no usable data"
    )


def evaluate(
    ctx: Context,
    data: MetricData,
    cycle: Cycle,
    as_of: dt.date,
    *,
    include_drafts: bool = False,
    series: bool = False,
) -> Evaluation:
    """Every objective and KPI of ``cycle`` (and of cycles spanning it) on ``as_of``."""
    objectives = [
        o
        for o in ctx.objectives.values()
        if (include_drafts or not o.draft) and in_view(cycle, ctx.cycle(o.cycle))
    ]
    kpis = [
        k
        for k in ctx.kpis.values()
        if (include_drafts or not k.draft) and in_view(cycle, ctx.cycle(k.cycle))
    ]
    evaluator = Evaluator(ctx, data, as_of)
    objective_results, kpi_results = evaluator.run(objectives, kpis, series)
    pin = getattr(data, "pin", None)  # a closed cycle's numbers (evaluate/frozen.py)
    if pin is not None:
        objective_results, kpi_results = pin(objective_results, kpi_results)
    return Evaluation(ctx.config, as_of, cycle, objective_results, kpi_results, data)
