"""References and alignment (A): ids, parents, levels, cycles, units and coverage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, did_you_mean
from okrctl.core.i18n import N_, msg
from okrctl.core.model import Kpi, Objective, Ref
from okrctl.rules.context import Context, kind_word, named
from okrctl.rules.registry import rule


@rule("A001")
def duplicate_id(ctx: Context) -> Iterator[Diagnostic]:
    """Two objectives, KPIs or scorecards share an id. Ids are unique in the repository,
    across files and kinds, because alignment, ``supports`` and scorecards refer by id.

    Anti-pattern: ``id: MKT-1`` in goals/marketing.yaml and again in goals/sales.yaml.

    Fix: rename one. The message names both places.
    """
    for first, second in ctx.duplicates:
        fline, _ = first.at("id")
        yield make(
            "A001",
            second.file,
            *second.at("id"),
            msg(
                "{kind} id '{id}' is already used by the {other} at {place}",
                kind=kind_word(second),
                id=second.id,
                other=kind_word(first),
                place=f"{first.file}:{fline}",
            ),
            msg("ids are unique across all goal files; rename one of them"),
        )


@rule("A002")
def duplicate_kr_id(ctx: Context) -> Iterator[Diagnostic]:
    """Two key results of one objective share an id, so ``OBJ/KR`` is ambiguous.

    Anti-pattern: two key results ``id: users`` in CO-1, one for total and one for paid
    users.

    Fix: give each key result of an objective its own id.
    """
    for objective in ctx.all_objectives():
        seen: dict[str, int] = {}
        for kr in objective.key_results:
            line, column = kr.at("id")
            if kr.id in seen:
                yield make(
                    "A002",
                    kr.file,
                    line,
                    column,
                    msg(
                        "key result id '{id}' is used twice in objective '{objective}' "
                        "(first at line {line})",
                        id=kr.id,
                        objective=objective.id,
                        line=seen[kr.id],
                    ),
                    msg("rename one of them"),
                )
            else:
                seen[kr.id] = line


@rule("A003")
def unresolved_reference(ctx: Context) -> Iterator[Diagnostic]:
    """``aligns_to`` or ``supports`` names an objective or key result that does not exist.

    Anti-pattern: ``aligns_to: CO-1/user`` when the key result is ``CO-1/users``.

    Fix: use the suggested id; references are ``OBJECTIVE`` or ``OBJECTIVE/KR``.
    """
    for objective in ctx.all_objectives():
        if objective.aligns_to is not None:
            problem = ctx.unresolved(objective.aligns_to)
            if problem:
                yield make(
                    "A003",
                    objective.file,
                    *objective.at("aligns_to"),
                    msg("aligns_to {problem}", problem=problem),
                )
    for kpi in ctx.all_kpis():
        if kpi.supports is not None:
            problem = ctx.unresolved(kpi.supports)
            if problem:
                yield make(
                    "A003",
                    kpi.file,
                    *kpi.at("supports"),
                    msg("supports {problem}", problem=problem),
                )


@rule("A004")
def missing_alignment(ctx: Context) -> Iterator[Diagnostic]:
    """An objective below the top level points at no parent: nothing shows how it serves
    the company's goals (the off-strategy goal leaders otherwise hunt by hand).

    Anti-pattern: a department objective "optimise internal processes" with no
    ``aligns_to``.

    Fix: ``aligns_to: CO-1`` or, better, the key result it moves: ``aligns_to: CO-1/users``.
    """
    for objective in ctx.all_objectives():
        rank = ctx.rank(objective)
        if rank is not None and rank > 0 and objective.aligns_to is None:
            yield make(
                "A004",
                objective.file,
                *objective.at("id"),
                msg(
                    "objective '{id}' at level {level} aligns to nothing",
                    id=objective.id,
                    level=ctx.level(objective),
                ),
                msg("add `aligns_to: OBJECTIVE/KR` naming the goal one level up it serves"),
            )


@rule("A005")
def parent_level(ctx: Context) -> Iterator[Diagnostic]:
    """An objective aligns to a goal at its own level or below it; alignment points up.

    Anti-pattern: a team objective aligned to another team's objective, or a company
    objective aligned to a department's.

    Fix: align to the goal one level up (levels are listed top first in okrctl.yaml).
    """
    for objective in ctx.all_objectives():
        parent = ctx.parent(objective)
        rank = ctx.rank(objective)
        if parent is None or rank is None:
            continue
        parent_rank = ctx.rank(parent)
        if parent_rank is not None and parent_rank >= rank:
            yield make(
                "A005",
                objective.file,
                *objective.at("aligns_to"),
                msg(
                    "objective '{id}' ({level}) aligns to '{parent}' at level {parent_level}, "
                    "which is not above it",
                    id=objective.id,
                    level=ctx.level(objective),
                    parent=parent.id,
                    parent_level=ctx.level(parent),
                ),
                msg("align to a goal at a higher level"),
            )


@rule("A006")
def parent_cycle(ctx: Context) -> Iterator[Diagnostic]:
    """An objective aligns to a goal whose cycle does not contain its own, e.g. a Q1 goal
    serving a Q4 goal, or an annual goal serving a quarterly one.

    Anti-pattern: ``cycle: 2027-Q1`` on a team objective aligned to ``CO-1`` of
    ``2026-Q4``.

    Fix: align to a goal of the same cycle or of a cycle that spans it (FY2026 spans
    2026-Q4).
    """
    for objective in ctx.all_objectives():
        parent = ctx.parent(objective)
        if parent is None:
            continue
        mine, theirs = ctx.cycle(objective.cycle), ctx.cycle(parent.cycle)
        if mine is not None and theirs is not None and not theirs.contains(mine):
            yield make(
                "A006",
                objective.file,
                *objective.at("aligns_to"),
                msg(
                    "objective '{id}' ({cycle}) aligns to '{parent}' in cycle {theirs} "
                    "({theirs_span}), which does not contain {cycle} ({span})",
                    id=objective.id,
                    cycle=mine.id,
                    parent=parent.id,
                    theirs=theirs.id,
                    theirs_span=f"{theirs.start}..{theirs.end}",
                    span=f"{mine.start}..{mine.end}",
                ),
                msg("align to a goal of the same cycle, or of one that spans it"),
            )


@rule("A007")
def alignment_loop(ctx: Context) -> Iterator[Diagnostic]:
    """Objectives align to each other in a circle, so none of them reaches the top.

    Anti-pattern: A aligns to B, B aligns to A.

    Fix: break the loop; one of them must align to a goal higher up.
    """
    reported: set[str] = set()
    for objective in ctx.all_objectives():
        if not ctx.is_first(objective):
            continue
        path = [objective.id]
        current = ctx.parent(objective)
        while current is not None and current.id not in path:
            path.append(current.id)
            current = ctx.parent(current)
        if current is None or current.id != objective.id:
            continue
        if reported.intersection(path):
            continue
        reported.update(path)
        # reported once, at the member defined first, whichever member was met first
        start = path.index(min(path, key=ctx.order))
        path = path[start:] + path[:start]
        first = ctx.objectives[path[0]]
        yield make(
            "A007",
            first.file,
            *first.at("aligns_to"),
            msg("alignment loop: {loop}", loop=" -> ".join([*path, path[0]])),
            msg("one of these objectives must align to a goal higher up"),
        )


@rule("A008")
def unknown_unit(ctx: Context) -> Iterator[Diagnostic]:
    """A goal names a unit that okrctl.yaml's ``units`` does not list (checked when units
    are configured).

    Anti-pattern: ``unit: marketting`` when okrctl.yaml lists ``marketing``.

    Fix: use a unit id from okrctl.yaml, or add the unit there.
    """
    if not ctx.config.units:
        return
    units = ctx.config.units
    for entry in ctx.all_goals():
        if entry.unit is not None and entry.unit not in units:
            yield make(
                "A008",
                entry.file,
                *entry.at("unit"),
                msg(
                    "{goal} names unit '{unit}', which is not in okrctl.yaml{suggestion}",
                    goal=named(entry),
                    unit=entry.unit,
                    suggestion=did_you_mean(entry.unit, units),
                ),
            )


@rule("A009")
def unknown_cycle(ctx: Context) -> Iterator[Diagnostic]:
    """A goal names a cycle okrctl.yaml does not define, or names none while several are
    defined.

    Anti-pattern: ``cycle: 2026Q4`` when the cycle is ``2026-Q4``.

    Fix: ``cycle: 2026-Q4`` on the goal, or once in the file's ``defaults:``.
    """
    cycles = ctx.config.cycles
    for entry in ctx.all_goals():
        if entry.cycle is None:
            if len(cycles) != 1:
                yield make(
                    "A009",
                    entry.file,
                    *entry.at("id"),
                    msg("{goal} has no cycle", goal=named(entry))
                    if cycles
                    else msg("{goal} has no cycle and okrctl.yaml defines none", goal=named(entry)),
                    msg("set `cycle:` on it or in the file's `defaults:`")
                    if cycles
                    else msg("add `cycles:` to okrctl.yaml"),
                )
        elif entry.cycle not in cycles:
            yield make(
                "A009",
                entry.file,
                *entry.at("cycle"),
                msg(
                    "{goal} names cycle '{cycle}', which okrctl.yaml does not define{suggestion}",
                    goal=named(entry),
                    cycle=entry.cycle,
                    suggestion=did_you_mean(entry.cycle, cycles),
                ),
            )


@rule("A010")
def unknown_level(ctx: Context) -> Iterator[Diagnostic]:
    """An objective's level is not one of ``levels``, or cannot be told (no ``level`` and
    no unit with a level).

    Anti-pattern: an objective with neither ``unit:`` nor ``level:`` in a repository
    whose okrctl.yaml lists units.

    Fix: set ``unit:`` to a unit of okrctl.yaml, or ``level:`` (on the objective or in the
    file's ``defaults:``).
    """
    levels = ctx.config.levels
    for objective in ctx.all_objectives():
        if objective.level is not None and objective.level not in levels:
            yield make(
                "A010",
                objective.file,
                *objective.at("level"),
                msg(
                    "objective '{id}' has level '{level}', which is not one of "
                    "{levels}{suggestion}",
                    id=objective.id,
                    level=objective.level,
                    levels=", ".join(levels),
                    suggestion=did_you_mean(objective.level, levels),
                ),
            )
        elif ctx.level(objective) is None and not (
            objective.unit and ctx.config.units and objective.unit not in ctx.config.units
        ):
            yield make(
                "A010",
                objective.file,
                *objective.at("id"),
                msg(
                    "objective '{id}' has no level: it names no unit with a level and no `level:`",
                    id=objective.id,
                ),
                msg("set `unit:` or `level:` (on the objective or in the file's `defaults:`)"),
            )


@rule("A011")
def cross_unit_alignment(ctx: Context) -> Iterator[Diagnostic]:
    """An objective aligns to a goal of a unit outside its own chain of units (its unit and
    the units above it). Legal, but often a sign the goal sits in the wrong place.

    Anti-pattern: the social-media team (under marketing) aligned to a product department
    objective.

    Fix: align to a goal of a unit above you, or move the goal. Turn the rule off where
    matrix alignment is normal.
    """
    if not ctx.config.units:
        return
    for objective in ctx.all_objectives():
        parent = ctx.parent(objective)
        if parent is None or parent.unit is None or objective.unit is None:
            continue
        chain = ctx.unit_chain(objective.unit)
        if chain and parent.unit not in chain and parent.unit in ctx.config.units:
            yield make(
                "A011",
                objective.file,
                *objective.at("aligns_to"),
                msg(
                    "objective '{id}' ({unit}) aligns to '{parent}' of unit '{parent_unit}', "
                    "outside its chain ({chain})",
                    id=objective.id,
                    unit=objective.unit,
                    parent=parent.id,
                    parent_unit=parent.unit,
                    chain=" > ".join(reversed(chain)),
                ),
                msg("align to a goal of your own unit chain, or turn off A011"),
            )


@rule("A012")
def uncovered_kr(ctx: Context) -> Iterator[Diagnostic]:
    """A top-level key result that no objective aligns to and no KPI supports: nobody below
    is working on it.

    Anti-pattern: company KR "paid users 200k -> 500k" with no department objective or
    KPI pointing at ``CO-1/paid``.

    Fix: align a department objective to it (``aligns_to: CO-1/paid``) or point a KPI's
    ``supports`` at it.
    """
    supported = ctx.supported_krs()
    for objective in ctx.all_objectives():
        if objective.draft or not ctx.is_top(objective):
            continue
        for kr in objective.key_results:
            if not kr.draft and kr.path not in supported:
                yield make(
                    "A012",
                    kr.file,
                    *kr.at("id"),
                    msg("top-level key result '{kr}' has no supporting goal or KPI", kr=kr.path),
                    msg(
                        "add `aligns_to: {kr}` to an objective below, or `supports: {kr}` to a KPI",
                        kr=kr.path,
                    ),
                )


@rule("A013")
def kr_count(ctx: Context) -> Iterator[Diagnostic]:
    """An objective with no key result (nothing measures it) or more than ``max`` (5
    unless okrctl.yaml sets it; focus is lost).

    Anti-pattern: an objective with eight key results, or none.

    Fix: two to five key results per objective; a team that works with more sets
    ``rules: {A013: {max: 7}}``.
    """
    most = ctx.config.rule_option("A013", "max")
    tip = msg(", or set `{it}` in okrctl.yaml", it="rules: {A013: {max: N}}") if most == 5 else ""
    for objective in ctx.all_objectives():
        count = len(objective.key_results)
        if count == 0:
            yield make(
                "A013",
                objective.file,
                *objective.at("id"),
                msg("objective '{id}' has no key results", id=objective.id),
                msg("add 2 to 5 measurable key results"),
            )
        elif count > most:
            yield make(
                "A013",
                objective.file,
                *objective.at("key_results", key=True),
                msg(
                    "objective '{id}' has {count} key results; more than {most} dilutes focus",
                    id=objective.id,
                    count=count,
                    most=most,
                ),
                msg("keep the {most} that matter most{tip}", most=most, tip=tip),
            )


@rule("A014")
def owner_overload(ctx: Context) -> Iterator[Diagnostic]:
    """One owner holds more than ``max`` objectives in a cycle (5 unless okrctl.yaml
    sets it).

    Anti-pattern: one team lead owning seven objectives in 2026-Q4.

    Fix: fewer objectives, or share ownership.
    """
    most = ctx.config.rule_option("A014", "max")
    owned: dict[tuple[str, str], list[Objective]] = defaultdict(list)
    for objective in ctx.all_objectives():
        if objective.owner and not objective.draft:
            owned[(objective.owner, objective.cycle or "")].append(objective)
    for (owner, cycle), objectives in owned.items():
        if len(objectives) > most:
            extra = objectives[most]
            yield make(
                "A014",
                extra.file,
                *extra.at("owner"),
                msg(
                    "owner '{owner}' has {count} objectives in cycle {cycle}; more than {most} "
                    "is too many to pursue",
                    owner=owner,
                    count=len(objectives),
                    cycle=cycle or "(none)",
                    most=most,
                ),
                msg("merge or hand over some of them"),
            )


_TO_DRAFT = {
    "aligns_to": N_("{goal} aligns to '{ref}', which is a draft"),
    "supports": N_("{goal} supports '{ref}', which is a draft"),
}


@rule("A015")
def aligned_to_draft(ctx: Context) -> Iterator[Diagnostic]:
    """A goal aligns to or supports a draft, which status and scores leave out.

    Anti-pattern: ``aligns_to: CO-2`` where CO-2 has ``draft: true``.

    Fix: publish the parent (remove ``draft: true``) or align elsewhere.
    """
    items: list[tuple[Objective | Kpi, Ref | None, str]] = [
        *((o, o.aligns_to, "aligns_to") for o in ctx.all_objectives()),
        *((k, k.supports, "supports") for k in ctx.all_kpis()),
    ]
    for entry, ref, key in items:
        if entry.draft or ref is None:
            continue
        parent, kr = ctx.resolve(ref)
        if (parent is not None and parent.draft) or (kr is not None and kr.draft):
            found = msg(_TO_DRAFT[key], goal=named(entry), ref=str(ref))
            yield make("A015", entry.file, *entry.at(key), found)
