"""`okrctl diff BASE [HEAD] --impact`: what a change does to the scoreboard. For each goal
the change touches, and the objectives above it, the status and the progress or score
before and after, both computed on the same data (the working tree's metric files) and
the same date, so only the goal files differ (docs/ci.md, "The impact of a change")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from okrctl.core.model import Objective, Ref
from okrctl.core.progress import Status
from okrctl.evaluate.evaluator import Evaluator, KpiResult, KRResult, ObjectiveResult
from okrctl.evaluate.scoring import grade
from okrctl.load.repository import Repository
from okrctl.metrics.engine import MetricData
from okrctl.review.diff import GoalDiff
from okrctl.rules.context import Context

Result = ObjectiveResult | KRResult | KpiResult


@dataclass(frozen=True, slots=True)
class Side:
    """A goal's numbers in one revision: ``progress`` (KPIs: score) and ``score`` as
    fractions; None when unknown. The goal is absent when the Side is."""

    status: Status
    progress: float | None
    score: float | None


@dataclass(frozen=True, slots=True)
class Impact:
    kind: str  # objective | key result | KPI
    id: str
    title: str
    touched: bool  # changed itself (else: an objective above a changed goal)
    before: Side | None
    after: Side | None

    @property
    def moved(self) -> bool:
        return self.before != self.after


def _side(result: Result, repo: Repository) -> Side:
    if isinstance(result, ObjectiveResult):
        return Side(result.status, result.progress, grade(result, repo.config).graded)
    if isinstance(result, KRResult):
        return Side(result.status, result.shown, None)
    return Side(result.status, result.score, result.score)


def _touched(diff: GoalDiff) -> tuple[list[tuple[str, str]], set[str]]:
    """(entity, id) of every changed goal, and the objectives whose numbers they reach."""
    goals: list[tuple[str, str]] = []
    objectives: set[str] = set()
    for change in diff.changes:
        if change.entity == "scorecard":
            continue
        goals.append((change.entity, change.id))
        if change.entity == "objective":
            objectives.add(change.id)
        elif change.entity == "key result":
            objectives.add(Ref.parse(change.id).objective)
    return goals, objectives


def _ancestors(ctx: Context, ids: set[str], kpi_ids: list[str]) -> list[str]:
    """The objectives above ``ids`` (and above the key results the KPIs support)."""
    out: dict[str, None] = {}
    start: list[Objective] = [ctx.objectives[i] for i in sorted(ids) if i in ctx.objectives]
    for kpi_id in kpi_ids:
        kpi = ctx.kpis.get(kpi_id)
        if kpi is not None and kpi.supports is not None:
            parent = ctx.objectives.get(kpi.supports.objective)
            if parent is not None:
                start.append(parent)
                out.setdefault(parent.id, None)  # the objective the KPI evidences
    for objective in start:
        seen = {objective.id}
        parent = ctx.parent(objective)
        while parent is not None and parent.id not in seen:
            out.setdefault(parent.id, None)
            seen.add(parent.id)
            parent = ctx.parent(parent)
    return [i for i in out if i not in ids]


def _evaluate(
    repo: Repository, data: MetricData, as_of: dt.date, objectives: set[str], kpis: set[str]
) -> dict[str, tuple[Result, Repository]]:
    if repo.config.has_errors():
        return {}
    ctx = Context.build(repo)
    chosen = [ctx.objectives[i] for i in sorted(objectives) if i in ctx.objectives]
    chosen = [o for o in chosen if ctx.cycle(o.cycle) is not None]
    chosen_kpis = [ctx.kpis[i] for i in sorted(kpis) if i in ctx.kpis]
    chosen_kpis = [k for k in chosen_kpis if ctx.cycle(k.cycle) is not None]
    results, kpi_results = Evaluator(ctx, data, as_of).run(chosen, chosen_kpis)
    out: dict[str, tuple[Result, Repository]] = {}
    for oid, result in results.items():
        out[f"objective:{oid}"] = (result, repo)
        for kr in result.key_results:
            out[f"key result:{kr.kr.path}"] = (kr, repo)
    for kid, kpi_result in kpi_results.items():
        out[f"KPI:{kid}"] = (kpi_result, repo)
    return out


def impact(
    root: Path, base_revision: str, head_revision: str | None, as_of: dt.date, diff: GoalDiff
) -> list[Impact]:
    """The impact of ``diff`` (from ``base_revision`` to ``head_revision``, default the
    working tree) on ``as_of``: changed goals first, then the objectives above them."""
    from okrctl.git.revisions import WORKTREE, open_git

    goals, objectives = _touched(diff)
    if not goals:
        return []
    with open_git(root) as git:
        base = git.snapshot(base_revision)
        head = git.snapshot(head_revision or WORKTREE)
    kpis = {ident for entity, ident in goals if entity == "KPI"}
    above: dict[str, None] = {}
    for repo in (head, base):
        if repo.config.has_errors():
            continue
        for oid in _ancestors(Context.build(repo), objectives, sorted(kpis)):
            above.setdefault(oid, None)
    wanted = objectives | set(above)
    # the same data on both sides: the working tree's metric files (head's configuration)
    data = MetricData(head.config)
    before = _evaluate(base, data, as_of, wanted, kpis)
    after = _evaluate(head, data, as_of, wanted, kpis)
    rows = [(entity, ident, True) for entity, ident in goals]
    # the objectives holding a changed key result, then those above
    for oid in [*sorted(objectives), *above]:
        if ("objective", oid) not in goals and ("objective", oid, False) not in rows:
            rows.append(("objective", oid, False))
    out = []
    for entity, ident, touched in rows:
        key = f"{entity}:{ident}"
        old, new = before.get(key), after.get(key)
        if old is None and new is None:
            continue
        title = _title((new or old)[0])  # type: ignore[index]
        out.append(
            Impact(
                entity,
                ident,
                title,
                touched,
                None if old is None else _side(*old),
                None if new is None else _side(*new),
            )
        )
    return out


def _title(result: Result) -> str:
    if isinstance(result, ObjectiveResult):
        return result.objective.title
    if isinstance(result, KRResult):
        return result.kr.title or result.kr.id
    return result.kpi.title
