"""References and alignment (A): ids, parents, levels, cycles, units and coverage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, did_you_mean
from okrctl.core.model import Kpi, Objective, Ref, Scorecard
from okrctl.rules.context import Context
from okrctl.rules.registry import rule

MAX_KRS = 5
MAX_OBJECTIVES_PER_OWNER = 5


def _kind(entry: object) -> str:
    return {"Objective": "objective", "Kpi": "KPI", "Scorecard": "scorecard"}[type(entry).__name__]


@rule("A001")
def duplicate_id(ctx: Context) -> Iterator[Diagnostic]:
    """Two objectives, KPIs or scorecards share an id. Ids are unique in the repository,
    across files and kinds, because alignment, ``supports`` and scorecards refer by id.

    Anti-pattern: ``id: MKT-1`` in goals/marketing.yaml and again in goals/sales.yaml.

    Fix: rename one. The message names both places.
    """
    for first, second in ctx.duplicates:
        line, column = second.at("id")
        fline, _ = first.at("id")
        yield make(
            "A001",
            second.file,
            line,
            column,
            f"{_kind(second)} id '{second.id}' is already used by the {_kind(first)} at "
            f"{first.file}:{fline}",
            "ids are unique across all goal files; rename one of them",
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
                    f"key result id '{kr.id}' is used twice in objective '{objective.id}' "
                    f"(first at line {seen[kr.id]})",
                    "rename one of them",
                )
            else:
                seen[kr.id] = line


def _unresolved(ctx: Context, ref: Ref) -> str | None:
    objective, kr = ctx.resolve(ref)
    if objective is None:
        return f"'{ref}' resolves to nothing: there is no objective '{ref.objective}'" + (
            did_you_mean(ref.objective, ctx.objectives)
        )
    if ref.kr is not None and kr is None:
        return (
            f"'{ref}' resolves to nothing: objective '{ref.objective}' has no key result "
            f"'{ref.kr}'" + did_you_mean(ref.kr, [k.id for k in objective.key_results])
        )
    return None


@rule("A003")
def unresolved_reference(ctx: Context) -> Iterator[Diagnostic]:
    """``aligns_to`` or ``supports`` names an objective or key result that does not exist.

    Anti-pattern: ``aligns_to: CO-1/user`` when the key result is ``CO-1/users``.

    Fix: use the suggested id; references are ``OBJECTIVE`` or ``OBJECTIVE/KR``.
    """
    for objective in ctx.all_objectives():
        if objective.aligns_to is not None:
            problem = _unresolved(ctx, objective.aligns_to)
            if problem:
                yield make(
                    "A003", objective.file, *objective.at("aligns_to"), f"aligns_to {problem}"
                )
    for kpi in ctx.all_kpis():
        if kpi.supports is not None:
            problem = _unresolved(ctx, kpi.supports)
            if problem:
                yield make("A003", kpi.file, *kpi.at("supports"), f"supports {problem}")


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
                f"objective '{objective.id}' at level {ctx.level(objective)} aligns to nothing",
                "add `aligns_to: OBJECTIVE/KR` naming the goal one level up it serves",
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
                f"objective '{objective.id}' ({ctx.level(objective)}) aligns to "
                f"'{parent.id}' at level {ctx.level(parent)}, which is not above it",
                "align to a goal at a higher level",
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
                f"objective '{objective.id}' ({mine.id}) aligns to '{parent.id}' in cycle "
                f"{theirs.id} ({theirs.start}..{theirs.end}), which does not contain "
                f"{mine.id} ({mine.start}..{mine.end})",
                "align to a goal of the same cycle, or of one that spans it",
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
        loop = frozenset(path)
        if loop & reported:
            continue
        reported |= loop
        # reported once, at the member defined first, whichever member was met first
        start = path.index(min(path, key=ctx.order))
        path = path[start:] + path[:start]
        first = ctx.objectives[path[0]]
        yield make(
            "A007",
            first.file,
            *first.at("aligns_to"),
            "alignment loop: " + " -> ".join([*path, path[0]]),
            "one of these objectives must align to a goal higher up",
        )


def _units_configured(ctx: Context) -> bool:
    return bool(ctx.config.units)


@rule("A008")
def unknown_unit(ctx: Context) -> Iterator[Diagnostic]:
    """A goal names a unit that okrctl.yaml's ``units`` does not list (checked when units
    are configured).

    Anti-pattern: ``unit: marketting`` when okrctl.yaml lists ``marketing``.

    Fix: use a unit id from okrctl.yaml, or add the unit there.
    """
    if not _units_configured(ctx):
        return
    units = ctx.config.units
    entries: list[Objective | Kpi | Scorecard] = [
        *ctx.all_objectives(),
        *ctx.all_kpis(),
        *ctx.all_scorecards(),
    ]
    for entry in entries:
        if entry.unit is not None and entry.unit not in units:
            yield make(
                "A008",
                entry.file,
                *entry.at("unit"),
                f"{_kind(entry)} '{entry.id}' names unit '{entry.unit}', which is not in "
                f"okrctl.yaml{did_you_mean(entry.unit, units)}",
            )


@rule("A009")
def unknown_cycle(ctx: Context) -> Iterator[Diagnostic]:
    """A goal names a cycle okrctl.yaml does not define, or names none while several are
    defined.

    Anti-pattern: ``cycle: 2026Q4`` when the cycle is ``2026-Q4``.

    Fix: ``cycle: 2026-Q4`` on the goal, or once in the file's ``defaults:``.
    """
    cycles = ctx.config.cycles
    entries: list[Objective | Kpi | Scorecard] = [
        *ctx.all_objectives(),
        *ctx.all_kpis(),
        *ctx.all_scorecards(),
    ]
    for entry in entries:
        if entry.cycle is None:
            if len(cycles) != 1:
                yield make(
                    "A009",
                    entry.file,
                    *entry.at("id"),
                    f"{_kind(entry)} '{entry.id}' has no cycle"
                    + (" and okrctl.yaml defines none" if not cycles else ""),
                    "set `cycle:` on it or in the file's `defaults:`"
                    if cycles
                    else "add `cycles:` to okrctl.yaml",
                )
        elif entry.cycle not in cycles:
            yield make(
                "A009",
                entry.file,
                *entry.at("cycle"),
                f"{_kind(entry)} '{entry.id}' names cycle '{entry.cycle}', which okrctl.yaml "
                f"does not define{did_you_mean(entry.cycle, cycles)}",
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
                f"objective '{objective.id}' has level '{objective.level}', which is not one "
                f"of {', '.join(levels)}{did_you_mean(objective.level, levels)}",
            )
        elif ctx.level(objective) is None and not (
            objective.unit and ctx.config.units and objective.unit not in ctx.config.units
        ):
            yield make(
                "A010",
                objective.file,
                *objective.at("id"),
                f"objective '{objective.id}' has no level: it names no unit with a level and "
                "no `level:`",
                "set `unit:` or `level:` (on the objective or in the file's `defaults:`)",
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
    if not _units_configured(ctx):
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
                f"objective '{objective.id}' ({objective.unit}) aligns to '{parent.id}' of unit "
                f"'{parent.unit}', outside its chain ({' > '.join(reversed(chain))})",
                "align to a goal of your own unit chain, or turn off A011",
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
                    f"top-level key result '{kr.path}' has no supporting goal or KPI",
                    f"add `aligns_to: {kr.path}` to an objective below, or "
                    f"`supports: {kr.path}` to a KPI",
                )


@rule("A013")
def kr_count(ctx: Context) -> Iterator[Diagnostic]:
    """An objective with no key result (nothing measures it) or more than five (focus is
    lost).

    Anti-pattern: an objective with eight key results, or none.

    Fix: two to five key results per objective.
    """
    for objective in ctx.all_objectives():
        count = len(objective.key_results)
        if count == 0:
            yield make(
                "A013",
                objective.file,
                *objective.at("id"),
                f"objective '{objective.id}' has no key results",
                "add 2 to 5 measurable key results",
            )
        elif count > MAX_KRS:
            yield make(
                "A013",
                objective.file,
                *objective.at("key_results", key=True),
                f"objective '{objective.id}' has {count} key results; more than {MAX_KRS} "
                "dilutes focus",
                "keep the 3 to 5 that matter most",
            )


@rule("A014")
def owner_overload(ctx: Context) -> Iterator[Diagnostic]:
    """One owner holds more than five objectives in a cycle.

    Anti-pattern: one team lead owning seven objectives in 2026-Q4.

    Fix: fewer objectives, or share ownership.
    """
    owned: dict[tuple[str, str], list[Objective]] = defaultdict(list)
    for objective in ctx.all_objectives():
        if objective.owner and not objective.draft:
            owned[(objective.owner, objective.cycle or "")].append(objective)
    for (owner, cycle), objectives in owned.items():
        if len(objectives) > MAX_OBJECTIVES_PER_OWNER:
            extra = objectives[MAX_OBJECTIVES_PER_OWNER]
            yield make(
                "A014",
                extra.file,
                *extra.at("owner"),
                f"owner '{owner}' has {len(objectives)} objectives in cycle "
                f"{cycle or '(none)'}; more than {MAX_OBJECTIVES_PER_OWNER} is too many to "
                "pursue",
                "merge or hand over some of them",
            )


@rule("A015")
def aligned_to_draft(ctx: Context) -> Iterator[Diagnostic]:
    """A goal aligns to or supports a draft, which status and scores leave out.

    Anti-pattern: ``aligns_to: CO-2`` where CO-2 has ``draft: true``.

    Fix: publish the parent (remove ``draft: true``) or align elsewhere.
    """
    items: list[tuple[Objective | Kpi, Ref | None, str]] = [
        (o, o.aligns_to, "aligns_to") for o in ctx.all_objectives()
    ]
    items += [(k, k.supports, "supports") for k in ctx.all_kpis()]
    for entry, ref, key in items:
        if entry.draft or ref is None:
            continue
        parent, kr = ctx.resolve(ref)
        if (parent is not None and parent.draft) or (kr is not None and kr.draft):
            yield make(
                "A015",
                entry.file,
                *entry.at(key),
                f"{_kind(entry)} '{entry.id}' {key.replace('_', ' ')} '{ref}', which is a draft",
            )
