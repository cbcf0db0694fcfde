"""The quarterly review: one report model, computed once, rendered four ways.

Everything a renderer shows is here already computed: statuses, scores, forecasts,
sentences in the chosen language. Renderers (render/report_*.py) only lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from okrctl.core.i18n import text
from okrctl.core.model import Names
from okrctl.core.numbers import duration_days
from okrctl.core.progress import (
    ASPIRATIONAL_PASS,
    COMMITTED_PASS,
    Status,
    settle,
)
from okrctl.core.vocabulary import GoalType
from okrctl.evaluate.evaluator import Evaluation, KpiResult, KRResult, evaluate
from okrctl.evaluate.forecast import Forecast, Series, forecast, value_series
from okrctl.evaluate.scoring import BalancedCard, Card, Scorer, Synergy, score_report
from okrctl.evaluate.why import why
from okrctl.evaluate.workspace import Workspace
from okrctl.metrics.rejected import DataWarning, unique, warnings_for
from okrctl.metrics.source import Rejected
from okrctl.review.cycle import ChangeEntry, CycleChanges, Incomplete, cycle_changes, not_read
from okrctl.review.notes import read_reviews
from okrctl.rules.context import alignment_stats


@dataclass(frozen=True, slots=True)
class KREntry:
    path: str
    id: str
    title: str
    status: Status
    progress: float | None
    expected: float
    current: float | None
    target: float | None
    baseline: float | None
    percent: bool
    unit_label: str | None
    series: Series
    forecast: Forecast | None
    note: str | None
    rejected: tuple[Rejected, ...] = ()  # input its number misses
    confidence: int | None = None  # the owner's 1-10 judgement from the last check-in


@dataclass(frozen=True, slots=True)
class ObjectiveEntry:
    id: str
    title: str
    owner: str | None
    unit: str | None
    level: str
    committed: bool
    progress: float | None
    score: float | None  # the objective's score (scoring.grade): progress, unless rescaled
    status: Status
    partial: bool
    key_results: tuple[KREntry, ...]
    rejected: tuple[Rejected, ...] = ()


@dataclass(frozen=True, slots=True)
class KpiEntry:
    id: str
    title: str
    owner: str | None
    actual: float | None
    target: float | None
    attainment: float | None
    score: float | None
    status: Status
    percent: bool
    unit_label: str | None
    note: str | None = None  # why the score is unknown, or which periods it leaves out
    rejected: tuple[Rejected, ...] = ()


@dataclass(frozen=True, slots=True)
class Freshness:
    """How old a source's newest row is on the as-of date, judged by its ``stale_after``
    rule; without a rule there is no judgement (``stale`` None), only the age."""

    source: str
    latest: dt.date | None  # the newest date with a value that counts
    age_days: int | None
    stale: bool | None
    stale_after: str | None = None
    rejected: tuple[Rejected, ...] = ()  # everything the source's numbers leave out

    @property
    def state(self) -> str:
        """The i18n key of the judgement: stale, fresh, or no_rule."""
        return "no_rule" if self.stale is None else "stale" if self.stale else "fresh"


@dataclass(frozen=True, slots=True)
class Risk:
    id: str
    title: str
    kind: str
    status: Status
    progress: float | None
    drivers: tuple[tuple[str, Status, float | None], ...]


@dataclass(frozen=True, slots=True)
class Retro:
    id: str
    title: str
    status: Status
    went_right: tuple[str, ...]
    went_wrong: tuple[str, ...]
    change_next: tuple[str, ...]
    notes: dict[str, str]


@dataclass
class Summary:
    by_status: dict[str, int]
    average_score: float | None
    alignment_rate: float | None
    coverage: float | None
    freshness: list[Freshness]


@dataclass
class Report:
    org: str | None
    cycle: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    final: bool
    lang: str
    summary: Summary
    levels: list[tuple[str, list[ObjectiveEntry]]]
    kpis: list[KpiEntry]
    synergy: list[Synergy]
    balanced: list[BalancedCard]
    changes: list[ChangeEntry]
    changes_note: str | None
    changes_complete: bool  # the changes listed are every change of the cycle
    changes_incomplete: Incomplete | None  # why not, when the clone lacks history
    risks: list[Risk]
    retros: list[Retro]
    scorecards: list[Card] | None
    warnings: list[str] = field(default_factory=list)
    data_warnings: list[DataWarning] = field(default_factory=list)  # input numbers miss
    # goal id (OBJ, OBJ/KR, KPI) -> input its number misses, for the sections that list
    # goals by id (risks, forecast, balanced scorecard)
    rejected_by_goal: dict[str, tuple[Rejected, ...]] = field(default_factory=dict)
    names: Names = field(default_factory=Names)  # display names of people and units


def _freshness(workspace: Workspace, as_of: dt.date) -> list[Freshness]:
    out = []
    for name, spec in workspace.config.metrics.items():
        source = workspace.data.source(name)
        latest = source.latest_date() if source is not None else None
        if latest is not None and latest > as_of:
            latest = as_of  # rows after the as-of date do not count: fresh as of that day
        age = (as_of - latest).days if latest is not None else None
        limit = duration_days(spec.stale_after) if spec.stale_after else None
        stale = None if limit is None else latest is None or (age is not None and age > limit)
        rejected = unique(source.rejected()) if source is not None else ()
        out.append(Freshness(name, latest, age, stale, spec.stale_after, rejected))
    return out


def _kr_entry(result: KRResult, end: dt.date, as_of: dt.date, cap: float) -> KREntry:
    kr = result.kr
    target = result.target
    if target is None:  # the bound a KR without a target is held to
        target = next((v for v in (kr.high, kr.at_least, kr.at_most) if v is not None), None)
    return KREntry(
        kr.path,
        kr.id,
        kr.title or kr.id,
        result.status,
        result.shown,
        result.expected,
        result.current,
        target,
        result.baseline,
        kr.percent,
        kr.unit_label,
        value_series(result),
        forecast(result, end, min(as_of, end), cap),
        result.note,
        result.rejected,
        result.confidence,
    )


def _levels(
    workspace: Workspace,
    evaluation: Evaluation,
    scorer: Scorer,
    wanted: Callable[[str | None], bool],
    as_of: dt.date,
) -> list[tuple[str, list[ObjectiveEntry]]]:
    """The objectives of the report by level, in the order the workspace lists its levels."""
    levels: dict[str, list[ObjectiveEntry]] = {}
    cap = workspace.config.kr_cap
    for oid, result in evaluation.objectives.items():
        objective = result.objective
        if not wanted(objective.unit):
            continue
        level = workspace.ctx.level(objective) or "?"
        krs = [k for k in result.key_results if not k.kr.draft]
        levels.setdefault(level, []).append(
            ObjectiveEntry(
                oid,
                objective.title,
                objective.owner,
                objective.unit,
                level,
                objective.type is GoalType.COMMITTED,
                result.progress,
                scorer.goals[oid].graded,
                result.status,
                result.partial,
                tuple(_kr_entry(k, result.cycle.end, as_of, cap) for k in krs),
                result.rejected,
            )
        )
    order = list(workspace.config.levels)
    return sorted(levels.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99)


def _summary(
    workspace: Workspace,
    objectives: list[ObjectiveEntry],
    wanted: Callable[[str | None], bool],
    as_of: dt.date,
) -> Summary:
    counts: dict[str, int] = {}
    for o in objectives:
        counts[o.status.value] = counts.get(o.status.value, 0) + 1
    scores = [o.score for o in objectives if o.score is not None]
    aligned, below, covered, top = alignment_stats(workspace.ctx, lambda o: wanted(o.unit))
    return Summary(
        counts,
        settle(sum(scores) / len(scores)) if scores else None,
        aligned / below if below else None,
        covered / top if top else None,
        _freshness(workspace, as_of),
    )


def _inputs(
    objectives: list[ObjectiveEntry], kpis: list[KpiEntry]
) -> list[tuple[str, tuple[Rejected, ...]]]:
    """Each goal read from metric data (OBJ/KR, KPI) with the input its number misses."""
    return [
        *((k.path, k.rejected) for o in objectives for k in o.key_results),
        *((k.id, k.rejected) for k in kpis),
    ]


def build_report(
    workspace: Workspace,
    cycle_id: str,
    as_of: dt.date,
    lang: str,
    *,
    unit: str | None = None,
    include_scorecards: bool = False,
    git_changes: bool = True,
) -> Report:
    ctx = workspace.ctx
    cycle = workspace.config.cycles[cycle_id]
    evaluation = evaluate(ctx, workspace.data, cycle, as_of, series=True)
    scorer = Scorer(ctx, evaluation)
    warnings: list[str] = []

    def wanted(unit_id: str | None) -> bool:
        return unit is None or unit in ctx.unit_chain(unit_id)

    level_list = _levels(workspace, evaluation, scorer, wanted, as_of)
    kpis = [_kpi_entry(r) for r in evaluation.kpis.values() if wanted(r.kpi.unit)]
    objectives = [o for _, group in level_list for o in group]
    summary = _summary(workspace, objectives, wanted, as_of)
    final = as_of >= cycle.end
    early = _data_ending_early(evaluation, summary.freshness, cycle.end, lang) if final else None
    if early:
        warnings.append(early)
    changes: CycleChanges = (
        cycle_changes(workspace.config.root, cycle.start, as_of, lang)
        if git_changes
        else not_read("--no-git", lang)
    )
    report = score_report(ctx, evaluation, unit=unit, scorer=scorer)
    risks = _risks(scorer, evaluation, objectives, kpis)
    retros = _retros(
        objectives, risks, read_reviews(workspace.config.root, cycle_id, warnings), lang, final
    )
    inputs = _inputs(objectives, kpis)
    goals = [*((o.id, o.rejected) for o in objectives), *inputs]
    return Report(
        org=workspace.config.org,
        names=workspace.config.names(),
        cycle=cycle_id,
        start=cycle.start,
        end=cycle.end,
        as_of=as_of,
        final=final,
        lang=lang,
        summary=summary,
        levels=level_list,
        kpis=kpis,
        synergy=report.synergy,
        balanced=report.balanced,
        changes=changes.entries,
        changes_note=changes.note,
        changes_complete=changes.complete,
        changes_incomplete=changes.incomplete,
        risks=risks,
        retros=retros,
        scorecards=report.cards if include_scorecards else None,
        warnings=warnings,
        data_warnings=warnings_for(inputs),
        rejected_by_goal={ident: rejected for ident, rejected in goals if rejected},
    )


def _kpi_entry(result: KpiResult) -> KpiEntry:
    kpi = result.kpi
    return KpiEntry(
        kpi.id,
        kpi.title,
        kpi.owner,
        result.actual,
        result.target,
        result.attainment,
        result.score,
        result.status,
        kpi.percent,
        kpi.unit_label,
        result.note,
        result.rejected,
    )


def _data_ending_early(
    evaluation: Evaluation, freshness: list[Freshness], end: dt.date, lang: str
) -> str | None:
    """A final report whose numbers rest on sources that stop before the cycle end says
    so first: its "final" values are as of those sources' last rows."""
    used = {r.source for o in evaluation.objectives.values() for r in o.key_results}
    used |= {k.source for k in evaluation.kpis.values()}
    early = [
        f"{f.source} ({f.latest}, {(end - f.latest).days} d)"
        for f in freshness
        if f.source in used and f.latest is not None and f.latest < end
    ]
    return text("data_ends_early", lang, end=end, sources=", ".join(early)) if early else None


_BEHIND = (Status.RED, Status.YELLOW)


def _risks(
    scorer: Scorer, evaluation: Evaluation, objectives: list[ObjectiveEntry], kpis: list[KpiEntry]
) -> list[Risk]:
    """Every key result and KPI at risk or off track (off track first), with the goals
    below a key result that are behind too, and a KPI's off-track strategy-map drivers."""
    below: dict[str, list[tuple[str, Status, float | None]]] = {}  # behind, by what they align to
    for c in evaluation.objectives.values():
        if c.objective.aligns_to is not None and c.status in _BEHIND:
            below.setdefault(str(c.objective.aligns_to), []).append(
                (c.objective.id, c.status, c.progress)
            )
    risks = [
        Risk(kr.path, kr.title, "key result", kr.status, kr.progress, tuple(below.get(kr.path, ())))
        for o in objectives
        for kr in o.key_results
        if kr.status in _BEHIND
    ]
    for k in kpis:
        if k.status in _BEHIND:
            drivers: list[tuple[str, Status, float | None]] = []
            for result in why(scorer.ctx, evaluation, k.id, scorer):
                drivers += [(d.id, d.status, d.score) for d in result.off_track]
            risks.append(Risk(k.id, k.title, "KPI", k.status, k.score, tuple(drivers)))
    return sorted(risks, key=lambda r: _BEHIND.index(r.status))


def _retros(
    objectives: list[ObjectiveEntry],
    risks: list[Risk],
    reviews: dict[str, dict[str, str]],
    lang: str,
    final: bool,
) -> list[Retro]:
    """For each objective at risk or off track: its key results on track, those behind
    their expectation (the expected pace; after the cycle, the bar of the objective's
    type), and what to change; people's notes from reviews/CYCLE.yaml."""
    from okrctl.core.shown import percent, percents

    drivers_under: dict[str, list[str]] = {}  # of the risks under "OBJ" (of "OBJ/KR")
    for r in risks:
        cut = r.id.find("/")
        while cut != -1:
            drivers_under.setdefault(r.id[:cut], []).extend(d for d, _, _ in r.drivers)
            cut = r.id.find("/", cut + 1)
    out = []
    for o in objectives:
        if o.status not in (Status.RED, Status.YELLOW):
            continue
        right = tuple(
            text("kr_on_track", lang, kr=k.id, p=percent(k.progress))
            for k in o.key_results
            if k.status is Status.GREEN
        )
        bar = COMMITTED_PASS if o.committed else ASPIRATIONAL_PASS
        wrong = tuple(
            text("kr_behind", lang, kr=k.id, p=shown[0], e=shown[1])
            for k in o.key_results
            if k.status in _BEHIND
            for shown in [percents([k.progress, bar if final else k.expected])]
        )
        nexts = [text("fix_data", lang, kr=k.id) for k in o.key_results if k.status is Status.GREY]
        if not o.committed:
            nexts.append(text("carry", lang, goal=o.id))
        drivers = drivers_under.get(o.id, [])
        if drivers:
            nexts.append(text("review_drivers", lang, drivers=", ".join(drivers)))
        out.append(
            Retro(o.id, o.title, o.status, right, wrong, tuple(nexts), reviews.get(o.id, {}))
        )
    return out
