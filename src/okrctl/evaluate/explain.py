"""`okrctl explain ID`: how one number came about, from inputs to status.

``explain`` returns a result object; render/explain_text.py turns it into text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.errors import UsageError
from okrctl.core.model import Cycle, Ref
from okrctl.core.vocabulary import Aggregate
from okrctl.evaluate.evaluator import Evaluator, KpiResult, KRResult, ObjectiveResult
from okrctl.evaluate.workspace import Workspace
from okrctl.metrics.rejected import unique
from okrctl.metrics.source import Rejected, Request, UsedRow


@dataclass(frozen=True, slots=True)
class KRExplanation:
    result: KRResult
    cycle: Cycle
    as_of: dt.date
    request: Request | None
    source_path: str | None
    rows: tuple[UsedRow, ...]
    thresholds: tuple[float, float]
    final: bool
    committed: bool
    rejected: tuple[Rejected, ...] = ()  # rows of the window left out, with why
    queries: tuple[str, ...] = ()  # the SQL sent to a database source (values written in)


@dataclass(frozen=True, slots=True)
class ObjectiveExplanation:
    result: ObjectiveResult
    weights: tuple[float, ...]
    cap: float
    thresholds: tuple[float, float]
    score: float | None = None  # as scorecards grade it (scoring.grade)
    full_at: float | None = None  # scoring.aspirational_full_at, when it rescales this one


@dataclass(frozen=True, slots=True)
class KpiExplanation:
    result: KpiResult
    source_path: str | None
    requests: tuple[Request, ...]
    rows: tuple[UsedRow, ...]
    thresholds: tuple[float, float]
    rejected: tuple[Rejected, ...] = ()  # rows of its periods left out, with why
    queries: tuple[str, ...] = ()  # the SQL sent to a database source (values written in)


Explanation = KRExplanation | ObjectiveExplanation | KpiExplanation


def explain(workspace: Workspace, ident: str, as_of: dt.date) -> Explanation:
    ctx = workspace.ctx
    evaluator = Evaluator(ctx, workspace.data, as_of)
    thresholds = (workspace.config.on_track, workspace.config.at_risk)
    ref = Ref.parse(ident)
    if ref.kr is None and ident in ctx.kpis:
        kpi = ctx.kpis[ident]
        cycle = _cycle(workspace, kpi.cycle, ident)
        _, kpis = evaluator.run([], [kpi])
        requests = evaluator.kpi_requests(kpi, cycle)
        source_name = requests[0][0] if requests else None
        source = workspace.data.source(source_name) if source_name else None
        rows: list[UsedRow] = []
        if source is not None:
            for _, request in requests:
                rows.extend(source.rows(request))
        kpi_result = kpis[kpi.id]
        return KpiExplanation(
            kpi_result,
            source.path if source else None,
            tuple(r for _, r in requests),
            tuple(rows),
            thresholds,
            unique(r for p in kpi_result.periods for r in p.answer.rejected),
            _queries(source),
        )
    objective = ctx.objectives.get(ref.objective)
    if objective is None:
        known = [*ctx.objectives, *ctx.kpis]
        raise UsageError(
            f"no objective or KPI '{ident}'{did_you_mean(ref.objective, known)}",
            hint="explain an objective (CO-1), a key result (CO-1/users) or a KPI",
        )
    cycle = _cycle(workspace, objective.cycle, objective.id)
    results, _ = evaluator.run([objective], [])
    result = results[objective.id]
    if ref.kr is None:
        weights = tuple(
            r.kr.weight if r.kr.weight is not None else 1.0
            for r in result.key_results
            if not r.kr.draft
        )
        from okrctl.evaluate.scoring import grade

        graded = grade(result, workspace.config)
        rescaled = graded.graded != result.progress
        return ObjectiveExplanation(
            result,
            weights,
            workspace.config.kr_cap,
            thresholds,
            graded.graded,
            workspace.config.aspirational_full_at if rescaled else None,
        )
    kr_result = next((r for r in result.key_results if r.kr.id == ref.kr), None)
    if kr_result is None:
        raise UsageError(
            f"objective '{objective.id}' has no key result '{ref.kr}'"
            + did_you_mean(ref.kr, [r.kr.id for r in result.key_results])
        )
    source_name, request = evaluator.kr_request(kr_result.kr, cycle)
    source = workspace.data.source(source_name)
    used = tuple(_relevant(source.rows(request), request, kr_result)) if source else ()
    from okrctl.core.vocabulary import GoalType

    return KRExplanation(
        kr_result,
        cycle,
        min(as_of, cycle.end),
        request,
        source.path if source else None,
        used,
        thresholds,
        as_of >= cycle.end,
        objective.type is GoalType.COMMITTED,
        kr_result.rejected,
        _queries(source),
    )


def _queries(source: object) -> tuple[str, ...]:
    """The SQL a database source sent (metrics/warehouse.py), each statement once."""
    return tuple(dict.fromkeys(getattr(source, "sent", ())))


def _relevant(rows: list[UsedRow], request: Request, result: KRResult) -> list[UsedRow]:
    """The rows behind the numbers: for `last`, the rows of the last date (and of the
    baseline date when the baseline came from data); else every row in the window."""
    days = set()
    if result.baseline_from_data and result.answer.baseline_date is not None:
        days.add(result.answer.baseline_date)
    if request.aggregate is Aggregate.LAST:
        if result.answer.last_date is not None:
            days.add(result.answer.last_date)
        return [row for row in rows if row.day in days]
    return [row for row in rows if row.day in days or request.start <= row.day <= request.end]


def _cycle(workspace: Workspace, cycle_id: str | None, ident: str) -> Cycle:
    cycle = workspace.ctx.cycle(cycle_id)
    if cycle is None:
        raise UsageError(f"'{ident}' has no valid cycle", hint="run `okrctl check`")
    return cycle
