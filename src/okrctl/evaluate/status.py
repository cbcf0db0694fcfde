"""The status tree: company -> department -> team -> individual, following alignment.

Children sit under the key result (or objective) they align to; KPIs sit under the key
result they support. Filters keep matching rows and the rows above them, for context.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from okrctl.core.i18n import N_
from okrctl.core.model import Names
from okrctl.core.progress import Status
from okrctl.evaluate.evaluator import Evaluation, KpiResult, KRResult, ObjectiveResult
from okrctl.metrics.rejected import DataWarning, warnings_for
from okrctl.metrics.source import Rejected
from okrctl.rules.context import Context


@dataclass(frozen=True, slots=True)
class Row:
    """One line of `okrctl status`."""

    kind: str  # objective | kr | kpi
    depth: int
    id: str
    title: str
    owner: str | None
    level: str | None
    unit: str | None
    status: Status
    progress: float | None  # as shown: wrong-way movement shows as 0
    raw_progress: float | None
    expected: float | None
    current: float | None
    target: float | None
    baseline: float | None
    unit_label: str | None
    percent: bool
    note: str | None
    context: bool = False  # shown only because a filtered row sits below it
    last: bool = False  # last child of its parent (for the tree guides)
    guides: tuple[bool, ...] = ()  # for each ancestor depth: does a sibling follow below?
    rejected: tuple[Rejected, ...] = ()  # input its number misses
    confidence: int | None = None  # the owner's 1-10 judgement from the last check-in

    @property
    def word(self) -> str:
        """The status as a word: a row with a value but unknown progress (target equal
        to baseline) is "undefined", not "no data"."""
        return (
            N_("undefined")
            if self.status is Status.GREY and self.current is not None
            else (self.status.word)
        )


@dataclass(frozen=True, slots=True)
class Filters:
    unit: str | None = None
    owner: str | None = None
    level: str | None = None
    status: frozenset[Status] = frozenset()
    depth: int | None = None
    behind: bool = False


@dataclass
class StatusTree:
    cycle: str
    as_of: dt.date
    final: bool
    rows: list[Row] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[DataWarning] = field(default_factory=list)  # input the rows' numbers miss
    names: Names = field(default_factory=Names)  # display names of people and units
    frozen: str | None = None  # the lock file the numbers come from (a closed cycle)

    def finish(self) -> StatusTree:
        """Count the statuses and collect the warnings of the rows shown."""
        for row in self.rows:
            if not row.context and row.kind != "perspective":
                self.counts[row.status.value] = self.counts.get(row.status.value, 0) + 1
        self.warnings = warnings_for((row.id, row.rejected) for row in self.rows)
        return self


@dataclass
class _Node:
    kind: str
    ident: str
    result: ObjectiveResult | KRResult | KpiResult
    children: list[_Node] = field(default_factory=list)


def build(ctx: Context, evaluation: Evaluation, filters: Filters = Filters()) -> StatusTree:
    objectives = evaluation.objectives
    by_parent: dict[str, list[str]] = defaultdict(list)  # "OBJ" or "OBJ/KR" -> objective ids
    roots: list[str] = []
    for oid, result in objectives.items():
        parent = ctx.parent(result.objective)
        ref = result.objective.aligns_to
        if (
            parent is not None
            and parent.id in objectives
            and ref is not None
            and not _loops(ctx, result.objective.id)
        ):
            by_parent[str(ref)].append(oid)
        else:
            roots.append(oid)
    kpis_under: dict[str, list[str]] = defaultdict(list)
    loose_kpis: list[str] = []
    for kid, kpi in evaluation.kpis.items():
        ref = kpi.kpi.supports
        if ref is not None and ref.objective in objectives:
            kpis_under[str(ref)].append(kid)
        else:
            loose_kpis.append(kid)

    def objective_node(oid: str, seen: frozenset[str]) -> _Node:
        result = objectives[oid]
        node = _Node("objective", oid, result)
        for kr_result in result.key_results:
            if kr_result.kr.draft:
                continue
            kr_node = _Node("kr", kr_result.kr.path, kr_result)
            for kid in kpis_under.get(kr_result.kr.path, []):
                kr_node.children.append(_Node("kpi", kid, evaluation.kpis[kid]))
            for child in by_parent.get(kr_result.kr.path, []):
                if child not in seen:
                    kr_node.children.append(objective_node(child, seen | {child}))
            node.children.append(kr_node)
        for kid in kpis_under.get(oid, []):
            node.children.append(_Node("kpi", kid, evaluation.kpis[kid]))
        for child in by_parent.get(oid, []):
            if child not in seen:
                node.children.append(objective_node(child, seen | {child}))
        return node

    rank = {oid: ctx.rank(objectives[oid].objective) for oid in roots}
    roots.sort(key=lambda oid: (rank[oid] if rank[oid] is not None else 99,))
    forest = [objective_node(oid, frozenset({oid})) for oid in roots]
    forest += [_Node("kpi", kid, evaluation.kpis[kid]) for kid in loose_kpis]
    tree = StatusTree(
        evaluation.cycle.id, evaluation.as_of, evaluation.as_of >= evaluation.cycle.end
    )
    keep = _matching(ctx, forest, filters)
    for index, node in enumerate(forest):
        _flatten(ctx, node, 0, index == len(forest) - 1, (), keep, filters, tree.rows)
    return tree.finish()


def _loops(ctx: Context, oid: str) -> bool:
    seen = {oid}
    current = ctx.parent(ctx.objectives[oid])
    while current is not None:
        if current.id in seen:
            return True
        seen.add(current.id)
        current = ctx.parent(current)
    return False


def _row(ctx: Context, node: _Node) -> Row:
    """The row of a node, before its place in the tree is known."""
    result = node.result
    if isinstance(result, ObjectiveResult):
        o = result.objective
        return Row(
            depth=0,
            kind="objective",
            id=o.id,
            title=o.title,
            owner=o.owner,
            level=ctx.level(o),
            unit=o.unit,
            status=result.status,
            progress=result.progress,
            raw_progress=result.progress,
            expected=result.expected,
            current=None,
            target=None,
            baseline=None,
            unit_label=None,
            percent=False,
            note=N_("partial: some key results have no data") if result.partial else None,
            rejected=result.rejected,
        )
    if isinstance(result, KRResult):
        kr = result.kr
        parent = ctx.objectives.get(kr.objective_id)
        return Row(
            depth=0,
            kind="kr",
            id=kr.path,
            title=kr.title or kr.id,
            owner=kr.owner or (parent.owner if parent else None),
            level=ctx.level(parent) if parent else None,
            unit=parent.unit if parent else None,
            status=result.status,
            progress=result.shown,
            raw_progress=result.progress,
            expected=result.expected,
            current=result.current,
            target=_kr_target(result),
            baseline=result.baseline,
            unit_label=kr.unit_label,
            percent=kr.percent,
            note=result.note,
            rejected=result.rejected,
            confidence=result.confidence,
        )
    assert isinstance(result, KpiResult)
    kpi = result.kpi
    return Row(
        depth=0,
        kind="kpi",
        id=kpi.id,
        title=kpi.title,
        owner=kpi.owner,
        level=None,
        unit=kpi.unit,
        status=result.status,
        progress=result.score,
        raw_progress=result.score,
        expected=None,
        current=result.actual,
        target=result.target,
        baseline=None,
        unit_label=kpi.unit_label,
        percent=kpi.percent,
        note=result.note,
        rejected=result.rejected,
    )


def _kr_target(result: KRResult) -> float | None:
    """What a key result is measured against: its target, its guard, its range's top."""
    kr = result.kr
    if result.target is not None:
        return result.target
    if kr.high is not None:
        return kr.high
    return kr.at_least if kr.at_least is not None else kr.at_most


def _selected(ctx: Context, node: _Node, filters: Filters) -> bool:
    row = _row(ctx, node)
    if filters.unit is not None and filters.unit not in ctx.unit_chain(row.unit):
        return False
    if filters.owner is not None and row.owner != filters.owner:
        return False
    if filters.level is not None and row.level != filters.level:
        return False
    if filters.status and row.status not in filters.status:
        return False
    return not (filters.behind and row.status not in (Status.YELLOW, Status.RED))


def _matching(ctx: Context, forest: list[_Node], filters: Filters) -> dict[int, bool]:
    """id(node) -> True when selected, False when kept only as context of a selected one."""
    keep: dict[int, bool] = {}

    def visit(node: _Node) -> bool:
        below = False
        for child in node.children:
            below = visit(child) or below
        selected = _selected(ctx, node, filters)
        if selected:
            keep[id(node)] = True
        elif below:
            keep[id(node)] = False
        return selected or below

    for node in forest:
        visit(node)
    return keep


def _visible(node: _Node, depth: int, keep: dict[int, bool], filters: Filters) -> bool:
    if id(node) not in keep:
        return False
    # objectives sit at even depths (objective, key result, objective, ...)
    return filters.depth is None or node.kind != "objective" or depth // 2 < filters.depth


def _flatten(
    ctx: Context,
    node: _Node,
    depth: int,
    last: bool,
    guides: tuple[bool, ...],
    keep: dict[int, bool],
    filters: Filters,
    out: list[Row],
) -> None:
    if not _visible(node, depth, keep, filters):
        return
    out.append(
        replace(_row(ctx, node), depth=depth, context=not keep[id(node)], last=last, guides=guides)
    )
    children = [c for c in node.children if _visible(c, depth + 1, keep, filters)]
    for index, child in enumerate(children):
        _flatten(
            ctx,
            child,
            depth + 1,
            index == len(children) - 1,
            (*guides, not last),
            keep,
            filters,
            out,
        )


def build_by_perspective(
    ctx: Context, evaluation: Evaluation, filters: Filters = Filters()
) -> StatusTree:
    """The same rows grouped by Balanced Scorecard perspective: each objective and KPI under
    its own `perspective`, or the perspective a balanced scorecard lists it in."""
    listed: dict[str, str] = {}
    for card in ctx.scorecards.values():
        for perspective in card.perspectives:
            for measure in perspective.measures:
                listed.setdefault(measure.id, perspective.name)
    groups: dict[str, list[_Node]] = defaultdict(list)
    for oid, result in evaluation.objectives.items():
        name = result.objective.perspective or listed.get(oid) or "(none)"
        node = _Node("objective", oid, result)
        node.children = [_Node("kr", k.kr.path, k) for k in result.key_results if not k.kr.draft]
        groups[name].append(node)
    for kid, kpi in evaluation.kpis.items():
        groups[kpi.kpi.perspective or listed.get(kid) or "(none)"].append(_Node("kpi", kid, kpi))
    order = [p for p in ctx.config.perspectives if p in groups]
    order += sorted(p for p in groups if p not in order)
    tree = StatusTree(
        evaluation.cycle.id, evaluation.as_of, evaluation.as_of >= evaluation.cycle.end
    )
    keep = _matching(ctx, [n for name in order for n in groups[name]], filters)
    for name in order:
        members = [n for n in groups[name] if id(n) in keep]
        if not members:
            continue
        tree.rows.append(
            Row(
                kind="perspective",
                depth=0,
                id=name,
                title=name,
                owner=None,
                level=None,
                unit=None,
                status=Status.GREY,
                progress=None,
                raw_progress=None,
                expected=None,
                current=None,
                target=None,
                baseline=None,
                unit_label=None,
                percent=False,
                note=None,
            )
        )
        for index, node in enumerate(members):
            _flatten(ctx, node, 1, index == len(members) - 1, (False,), keep, filters, tree.rows)
    return tree.finish()
