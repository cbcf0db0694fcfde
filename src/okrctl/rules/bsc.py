"""Balanced scorecard (B): measures, perspectives, balance and the strategy map."""

from __future__ import annotations

from collections.abc import Iterator

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, did_you_mean
from okrctl.core.i18n import msg
from okrctl.core.model import Kpi, Link, Objective, Scorecard
from okrctl.rules.context import Context
from okrctl.rules.registry import rule


def chain_order(ctx: Context, card: Scorecard) -> list[str]:
    """The card's perspectives, top of the strategy map first.

    The configured order (default financial, customer, internal_process, learning_growth)
    when the card uses those names; otherwise the order the card lists them in.
    """
    names = [p.name for p in card.perspectives]
    configured = list(ctx.config.perspectives)
    if all(name in configured for name in names):
        return [name for name in configured if name in names]
    return names


def _item_at(record: Kpi | Scorecard, key: str, index: int) -> tuple[int, int]:
    """Where item ``index`` of the list field ``key`` is written, else the field."""
    item = f"{key}[{index}]"
    return record.at(item if item in record.lc else key)


def _perspective_of(card: Scorecard) -> dict[str, str]:
    return {m.id: p.name for p in card.perspectives for m in p.measures}


@rule("B001")
def unknown_measure(ctx: Context) -> Iterator[Diagnostic]:
    """A scorecard measure, a strategy-map link end, a scorecard's objective or KPI, or a
    KPI's ``balanced_by`` names nothing that exists, or a link end that is not a measure
    of the card.

    Anti-pattern: ``links: [[KPI-TRAINNG, KPI-CYCLE-TIME]]``.

    Fix: use the suggested id; link ends must be measures of the same scorecard.
    """
    known = ctx.entries
    for card in ctx.all_scorecards():
        measures = _perspective_of(card)
        for perspective in card.perspectives:
            for measure in perspective.measures:
                if measure.id not in known:
                    yield make(
                        "B001",
                        card.file,
                        measure.line,
                        measure.column,
                        msg(
                            "scorecard '{id}' perspective '{name}': measure '{measure}' is not a "
                            "KPI or objective{suggestion}",
                            id=card.id,
                            name=perspective.name,
                            measure=measure.id,
                            suggestion=did_you_mean(measure.id, known),
                        ),
                    )
        for measure in card.kpis:
            if measure.id not in ctx.kpis:
                yield make(
                    "B001",
                    card.file,
                    measure.line,
                    measure.column,
                    msg(
                        "scorecard '{id}': '{id2}' is not a KPI{suggestion}",
                        id=card.id,
                        id2=measure.id,
                        suggestion=did_you_mean(measure.id, ctx.kpis),
                    ),
                )
        for index, objective_id in enumerate(card.objectives):
            if objective_id not in ctx.objectives:
                yield make(
                    "B001",
                    card.file,
                    *_item_at(card, "objectives", index),
                    msg(
                        "scorecard '{id}': '{objective_id}' is not an objective{suggestion}",
                        id=card.id,
                        objective_id=objective_id,
                        suggestion=did_you_mean(objective_id, ctx.objectives),
                    ),
                )
        for link in card.links:
            for end in (link.driver, link.result):
                if end not in measures:
                    pool = measures if measures else known
                    yield make(
                        "B001",
                        card.file,
                        link.line,
                        link.column,
                        msg(
                            "scorecard '{id}': link end '{end}' is not a measure of this "
                            "scorecard{suggestion}",
                            id=card.id,
                            end=end,
                            suggestion=did_you_mean(end, pool),
                        ),
                    )
    yield from _unknown_balancing(ctx)


def _unknown_balancing(ctx: Context) -> Iterator[Diagnostic]:
    """B001 for a KPI's ``balanced_by`` that names nothing."""
    for kpi in ctx.all_kpis():
        for index, other in enumerate(kpi.balanced_by):
            if other not in ctx.entries:
                yield make(
                    "B001",
                    kpi.file,
                    *_item_at(kpi, "balanced_by", index),
                    msg(
                        "KPI '{id}' is balanced_by '{other}', which does not exist{suggestion}",
                        id=kpi.id,
                        other=other,
                        suggestion=did_you_mean(other, ctx.kpis),
                    ),
                )


@rule("B002")
def link_direction(ctx: Context) -> Iterator[Diagnostic]:
    """A strategy-map link points down the chain. Causes sit below effects: learning and
    growth drives internal process, which drives customer, which drives financial.

    Anti-pattern: ``links: [[KPI-SALES, KPI-TRAINING]]`` (financial -> learning).

    Fix: swap the pair: ``[driver, result]`` with the driver in a lower perspective.
    """
    for card in ctx.all_scorecards():
        order = chain_order(ctx, card)
        where = _perspective_of(card)
        for link in card.links:
            low, high = where.get(link.driver), where.get(link.result)
            if low is None or high is None:
                continue
            if order.index(low) < order.index(high):
                yield make(
                    "B002",
                    card.file,
                    link.line,
                    link.column,
                    msg(
                        "scorecard '{id}': link {driver} ({low}) -> {result} ({high}) points down "
                        "the strategy map",
                        id=card.id,
                        driver=link.driver,
                        low=low,
                        result=link.result,
                        high=high,
                    ),
                    msg(
                        "write it as [{result}, {driver}] if {result} drives {driver}; the chain "
                        "runs {value}",
                        result=link.result,
                        driver=link.driver,
                        value=" <- ".join(order),
                    ),
                )


@rule("B003")
def map_loop(ctx: Context) -> Iterator[Diagnostic]:
    """Strategy-map links form a loop, so cause and effect cannot be told apart.

    Anti-pattern: ``links: [[A, B], [B, C], [C, A]]``.

    Fix: remove the link that closes the loop.
    """
    for card in ctx.all_scorecards():
        graph: dict[str, list[str]] = {}
        first_link: dict[str, Link] = {}
        for link in card.links:
            graph.setdefault(link.driver, []).append(link.result)
            first_link.setdefault(link.driver, link)
        state: dict[str, int] = {}
        for start in graph:
            cycle = _find_cycle(graph, start, state)
            if cycle:
                link = first_link[cycle[0]]
                yield make(
                    "B003",
                    card.file,
                    link.line,
                    link.column,
                    msg(
                        "scorecard '{id}': strategy map loop {loop}",
                        id=card.id,
                        loop=" -> ".join(cycle),
                    ),
                )


def _find_cycle(graph: dict[str, list[str]], start: str, state: dict[str, int]) -> list[str]:
    """A loop reachable from ``start`` not reported before; [] if none. Iterative DFS."""
    if state.get(start):
        return []
    path: list[str] = []
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        node, index = stack.pop()
        if index == 0:
            state[node] = 1
            path.append(node)
        successors = graph.get(node, [])
        if index < len(successors):
            stack.append((node, index + 1))
            nxt = successors[index]
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if not state.get(nxt):
                stack.append((nxt, 0))
        else:
            state[node] = 2
            path.pop()
    return []


@rule("B004")
def empty_perspective(ctx: Context) -> Iterator[Diagnostic]:
    """A balanced scorecard perspective with no measures: that side of the business goes
    unwatched, and its weight scores nothing.

    Anti-pattern: ``learning_growth: {weight: 0.2, measures: []}``.

    Fix: add at least one KPI or objective to it.
    """
    for card in ctx.all_scorecards():
        if card.kind != "balanced":
            continue
        for perspective in card.perspectives:
            if not perspective.measures:
                yield make(
                    "B004",
                    card.file,
                    perspective.line,
                    perspective.column,
                    msg(
                        "scorecard '{id}': perspective '{name}' has no measures",
                        id=card.id,
                        name=perspective.name,
                    ),
                )
        if not card.perspectives:
            yield make(
                "B004",
                card.file,
                *card.at("kind"),
                msg("balanced scorecard '{id}' has no perspectives", id=card.id),
                msg("add perspectives: financial, customer, internal_process, learning_growth"),
            )


@rule("B005")
def unbalanced_scorecard(ctx: Context) -> Iterator[Diagnostic]:
    """A balanced scorecard puts all its weight on one perspective, which defeats the point
    of balancing short-term results against their drivers.

    Anti-pattern: ``financial: {weight: 1.0, ...}`` and every other perspective at 0.

    Fix: spread the weight, e.g. 0.3 / 0.3 / 0.2 / 0.2.
    """
    for card in ctx.all_scorecards():
        if card.kind != "balanced" or not card.perspectives:
            continue
        weighted = [p for p in card.perspectives if (p.weight or 0) > 0 and p.measures]
        if len(weighted) == 1:
            yield make(
                "B005",
                card.file,
                weighted[0].line,
                weighted[0].column,
                msg(
                    "scorecard '{id}' puts all its weight on perspective '{name}'",
                    id=card.id,
                    name=weighted[0].name,
                ),
            )


@rule("B006")
def unbalanced_kpi(ctx: Context) -> Iterator[Diagnostic]:
    """A KPI with no balancing measure: every KPI of its scorecard sits in one perspective
    and it names no ``balanced_by``. A lone speed KPI invites gaming ("response time
    <= 30 s" made agents end chats early and satisfaction fell).

    Anti-pattern: an agent scorecard holding only ``KPI-RESPONSE-TIME``.

    Fix: ``balanced_by: KPI-CSAT`` (a quality measure), or add a measure from another
    perspective to the scorecard.
    """
    for card in ctx.all_scorecards():
        if card.kind == "balanced":
            ids = [m.id for p in card.perspectives for m in p.measures]
        else:
            ids = [m.id for m in card.kpis]
        kpis = [ctx.kpis[i] for i in ids if i in ctx.kpis]
        if len(kpis) < 1:
            continue
        if card.kind == "balanced":
            sides = {p.name for p in card.perspectives if p.measures}
        else:
            sides = {k.perspective for k in kpis if k.perspective}
            if len(sides) != 1 or any(k.perspective is None for k in kpis):
                continue
        if len(sides) > 1:
            continue
        for kpi in kpis:
            if not kpi.balanced_by:
                yield make(
                    "B006",
                    kpi.file,
                    *kpi.at("id"),
                    msg(
                        "KPI '{id}' has no balancing measure: every measure of scorecard '{id2}' "
                        "is in one perspective",
                        id=kpi.id,
                        id2=card.id,
                    ),
                    msg("add `balanced_by: OTHER-KPI`, or a measure from another perspective"),
                )


@rule("B007")
def unknown_perspective(ctx: Context) -> Iterator[Diagnostic]:
    """A goal's ``perspective`` is neither a configured perspective nor one of a scorecard's.

    Anti-pattern: ``perspective: custmer``.

    Fix: use one of okrctl.yaml's ``perspectives`` (default financial, customer,
    internal_process, learning_growth).
    """
    names = set(ctx.config.perspectives) | ctx.scorecard_perspectives()
    entries: list[Objective | Kpi] = [*ctx.all_objectives(), *ctx.all_kpis()]
    for entry in entries:
        if entry.perspective is not None and entry.perspective not in names:
            yield make(
                "B007",
                entry.file,
                *entry.at("perspective"),
                msg(
                    "'{id}' has perspective '{perspective}', which is not configured{suggestion}",
                    id=entry.id,
                    perspective=entry.perspective,
                    suggestion=did_you_mean(entry.perspective, names),
                ),
            )
