"""`okrctl roll FROM TO`: start cycle TO from cycle FROM.

Unfinished aspirational objectives (and any the user names) are carried into TO under new
ids (``ID-TO``), in ``goals/TO/`` files cut from their source files (comments, notation and
line endings kept; see ``rollfile``). Reached key results and done milestones are left
behind; alignment is kept where the parent was carried too (re-pointed to the carried
parent) or where the parent's cycle spans TO.

Every carried key result keeps a usable baseline and the target it had:

* baseline: the last observed value (the latest check-in, or the metric's value on the
  latest date up to the as-of date) for key results that read a last value; else the given
  baseline; else none (an ``aggregate: sum`` key result without one takes TO's data, a
  check-in key result without one is reported and warned about by ``okrctl check``, D011);
* a relative target (``+30%``) is written as FROM's effective target (baseline 100,000:
  130000), so the new baseline does not move it (to 153,400 on a baseline of 118,000);
* ``plan`` checkpoints, dated in FROM, are dropped.

The plan lists each of these per key result: old value, new value, and where it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.errors import UsageError
from okrctl.core.fileio import check_writable, locked, read_limited, write_atomic
from okrctl.core.model import Cycle, Objective
from okrctl.core.numbers import Relative
from okrctl.core.plural import agreeing, counted
from okrctl.core.vocabulary import Aggregate, GoalType, KRKind
from okrctl.edit import rollfile
from okrctl.evaluate.evaluator import Evaluator, KRResult
from okrctl.evaluate.workspace import Workspace
from okrctl.load.yamlread import MAX_FILE_BYTES, decode
from okrctl.metrics.source import Rejected
from okrctl.rules.context import Context


@dataclass(frozen=True, slots=True)
class Change:
    """One value of a carried key result: as FROM had it, as TO gets it (None: the same),
    and why."""

    kr: str
    field: str  # baseline | target | at_least | at_most | done | plan
    old: str
    new: str | None
    why: str


@dataclass
class Carried:
    old: str
    new: str
    file: str
    progress: float | None
    changes: list[Change] = field(default_factory=list)
    dropped_krs: list[str] = field(default_factory=list)
    # key result id -> input its last observed value misses (a refused later cell)
    rejected: dict[str, tuple[Rejected, ...]] = field(default_factory=dict)
    alignment: str = ""  # kept | re-pointed | dropped | none


@dataclass
class RollPlan:
    source: str
    target: str
    as_of: dt.date
    carried: list[Carried]
    skipped: list[tuple[str, str]]
    files: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Cycles:
    source: Cycle
    target: Cycle
    as_of: dt.date


def new_id(ident: str, cycle: str) -> str:
    return f"{ident}-{cycle}"


def _target_file(path: str, cycle: str) -> str:
    parts = PurePosixPath(path).parts
    if parts and parts[0] == "goals":
        return str(PurePosixPath("goals", cycle, *parts[1:]))
    return str(PurePosixPath("goals", cycle, *parts))


def plan_roll(
    workspace: Workspace, source: str, target: str, include: list[str], as_of: dt.date
) -> RollPlan:
    """What rolling ``source`` into ``target`` writes; values observed up to ``as_of``
    (at most the end of ``source``)."""
    config = workspace.config
    for cycle_id in (source, target):
        if cycle_id not in config.cycles:
            raise UsageError(f"no cycle '{cycle_id}'{did_you_mean(cycle_id, config.cycles)}")
    ctx = workspace.ctx
    for ident in include:
        if ident not in ctx.objectives:
            raise UsageError(
                f"--include {ident}: no objective '{ident}'{did_you_mean(ident, ctx.objectives)}"
            )
    cycles = _Cycles(
        config.cycles[source], config.cycles[target], min(as_of, config.cycles[source].end)
    )
    objectives = [o for o in ctx.objectives.values() if o.cycle == source]
    results, _ = Evaluator(ctx, workspace.data, cycles.as_of).run(objectives, [])
    chosen: list[Objective] = []
    skipped = []
    for objective in objectives:
        progress = results[objective.id].progress
        if objective.draft and objective.id not in include:
            skipped.append((objective.id, "draft"))
        elif objective.id in include:
            chosen.append(objective)
        elif objective.type is GoalType.COMMITTED:
            skipped.append((objective.id, "committed"))
        elif progress is not None and progress >= 1.0:
            skipped.append((objective.id, "finished"))
        else:
            chosen.append(objective)
    clashes = [new_id(o.id, target) for o in chosen if new_id(o.id, target) in ctx.entries]
    if clashes:
        raise UsageError(
            f"{target} already holds {', '.join(clashes)}",
            hint="the cycle was rolled before; remove those goals first",
        )
    carried_ids = {o.id for o in chosen}
    plan: dict[str, Carried] = {}
    keep: dict[str, dict[str, rollfile.Keep]] = {}
    aligned: dict[str, str | None] = {}
    for objective in chosen:
        carried = Carried(
            objective.id,
            new_id(objective.id, target),
            _target_file(objective.file, target),
            results[objective.id].progress,
        )
        aligned[objective.id] = _alignment(objective, ctx, carried, carried_ids, cycles.target)
        carried.dropped_krs = [
            r.kr.id
            for r in results[objective.id].key_results
            if r.progress is not None and r.progress >= 1.0 and r.kr.kind is not KRKind.GUARDRAIL
        ]
        keep.setdefault(objective.file, {})[objective.id] = rollfile.Keep(
            {"aligns_to"} if carried.alignment == "dropped" else set(), set(carried.dropped_krs)
        )
        plan[objective.id] = carried
    files = {}
    for path, kept in keep.items():
        krs = {ident: results[ident].key_results for ident in kept}
        text = _carry_file(workspace.config.root, path, kept, plan, aligned, krs, cycles)
        files[_target_file(path, target)] = text
    return RollPlan(source, target, cycles.as_of, list(plan.values()), skipped, files)


def _alignment(
    objective: Objective, ctx: Context, carried: Carried, carried_ids: set[str], to_cycle: Cycle
) -> str | None:
    """The carried objective's ``aligns_to`` (None: none); sets ``carried.alignment``."""
    ref = objective.aligns_to
    parent = ctx.parent(objective)
    if ref is None:
        carried.alignment = "none"
        return None
    if parent is not None and parent.id in carried_ids:
        carried.alignment = "re-pointed"
        return new_id(ref.objective, to_cycle.id) + (f"/{ref.kr}" if ref.kr else "")
    cycle = ctx.cycle(parent.cycle) if parent is not None else None
    if cycle is not None and cycle.contains(to_cycle):
        carried.alignment = "kept"
        return str(ref)
    carried.alignment = "dropped"
    return None


def _carry_file(
    root: Path,
    path: str,
    keep: dict[str, rollfile.Keep],
    plan: dict[str, Carried],
    aligned: dict[str, str | None],
    krs: dict[str, tuple[KRResult, ...]],
    cycles: _Cycles,
) -> str:
    """The text of the carried copy of goal file ``path``."""
    try:
        data = read_limited(root / path, MAX_FILE_BYTES)
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    text, _ = decode(data)
    if text is None:
        raise UsageError(f"{path}: cannot be read", hint="run `okrctl check`")
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    document = rollfile.load(rollfile.cut(text, keep, path), path)
    rollfile.prune(document, keep)
    defaults = document.get("defaults")
    if hasattr(defaults, "get") and "cycle" in defaults:
        defaults["cycle"] = cycles.target.id
    for node in rollfile.entries(document, "objectives"):
        ident = str(node.get("id"))
        carried = plan[ident]
        node["id"] = carried.new
        if "cycle" in node:
            node["cycle"] = cycles.target.id
        if aligned[ident] is not None:
            node["aligns_to"] = aligned[ident]
        results = {r.kr.id: r for r in krs[ident]}
        for kr_node in rollfile.entries(node, "key_results"):
            result = results.get(str(kr_node.get("id")))
            if result is not None:
                carried.changes.extend(_carry_kr(kr_node, result, cycles))
                if result.rejected:  # the last observed value misses refused input
                    carried.rejected[result.kr.id] = result.rejected
    target = _target_file(path, cycles.target.id)
    deeper = len(PurePosixPath(target).parts) - len(PurePosixPath(path).parts)
    header = f"# carried from {cycles.source.id} into {cycles.target.id} by okrctl roll\n"
    return rollfile.render(document, header, deeper, crlf)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)


def _carry_kr(node: Any, result: KRResult, cycles: _Cycles) -> list[Change]:
    """Edit one carried key result's node for the new cycle; what changed and why."""
    kr = result.kr
    changes = []
    if "plan" in node or kr.plan:
        changes.append(
            Change(
                kr.id,
                "plan",
                counted(len(kr.plan), "checkpoint"),
                "none",
                f"its dates are in {cycles.source.id}",
            )
        )
    if kr.kind is KRKind.MILESTONE:
        old = _shown(node.get("done"))
        if node.get("done") is not False:
            rollfile.put(node, "done", False)
        return [*changes, Change(kr.id, "done", old, None if old == "false" else "false", "")]
    if kr.kind is KRKind.GUARDRAIL:
        guard = "at_least" if kr.at_least is not None else "at_most"
        return [*changes, Change(kr.id, guard, _shown(node.get(guard)), None, "")]
    written_baseline = node.get("baseline")
    style = rollfile.style_of(
        written_baseline if written_baseline is not None else node.get("target"), kr.percent
    )
    value, why = _new_baseline(result, cycles)
    new_text = "none"
    if value is not None:
        new = rollfile.written(value, style)
        rollfile.put(node, "baseline", new)
        new_text = _shown(new)
    old_text = _shown(written_baseline)
    if written_baseline is None and result.baseline is not None:
        old_text = (
            f"none given ({rollfile.written(result.baseline, style)} from "
            f"{kr.metric or 'check-ins'} on {result.answer.baseline_date})"
        )
    changes.append(Change(kr.id, "baseline", old_text, new_text, why))
    changes.append(_target(node, result, cycles, style, value))
    return changes


def _what(result: KRResult) -> str:
    return "check-in" if result.kr.metric is None else f"value of {result.kr.metric}"


def _new_baseline(result: KRResult, cycles: _Cycles) -> tuple[float | None, str]:
    """The carried key result's baseline (None: none is written) and where it comes from."""
    kr, answer = result.kr, result.answer
    source, target = cycles.source, cycles.target
    last = kr.metric is None or kr.aggregate is Aggregate.LAST
    if last and result.current is not None:
        return result.current, f"the last {_what(result)} in {source.id}, {answer.last_date}"
    if last and answer.baseline is not None:
        return answer.baseline, (
            f"the last {_what(result)}, {answer.baseline_date}, before {source.id} "
            f"(none inside it up to {cycles.as_of})"
        )
    if kr.baseline is not None:
        return kr.baseline, "the given baseline, kept: " + (
            f"no {_what(result)} in {source.id} up to {cycles.as_of}"
            if last
            else f"an `aggregate: {kr.aggregate}` key result is not re-based on a last value"
        )
    if kr.metric is None:
        return None, (
            f"no baseline given and no check-in up to {cycles.as_of}; check-ins for "
            f"{target.id} are dated inside it, so write `baseline:` by hand; "
            "okrctl check warns with D011"
        )
    return None, (
        f"none given: {target.id} takes {kr.metric} on the latest date on or before {target.start}"
    )


def _target(
    node: Any, result: KRResult, cycles: _Cycles, style: str, baseline: float | None
) -> Change:
    kr = result.kr
    written_target = _shown(node.get("target"))
    if kr.kind is not KRKind.RELATIVE or kr.relative is None:
        return Change(kr.id, "target", written_target, None, "")
    relative = Relative(kr.relative)
    if result.target is None or result.baseline is None:
        moved = (
            f" = {rollfile.written(relative.apply(baseline), style)}"
            if baseline is not None
            else ""
        )
        return Change(
            kr.id,
            "target",
            written_target,
            None,
            f"kept relative: {cycles.source.id} had no baseline to resolve it on, so it "
            f"applies to the new baseline{moved}",
        )
    resolved = rollfile.written(result.target, style)
    node["target"] = resolved
    old_baseline = _shown(rollfile.written(result.baseline, style))
    why = f"{cycles.source.id}'s effective target: {written_target} of {old_baseline}"
    if baseline is not None and relative.apply(baseline) != result.target:
        moved = _shown(rollfile.written(relative.apply(baseline), style))
        why += f"; kept as {written_target} it would move to {moved} on the new baseline"
    return Change(kr.id, "target", written_target, _shown(resolved), why)


def write_roll(root: Path, plan: RollPlan, *, force: bool) -> None:
    """Write the plan's files, all under their locks; none if one exists (unless
    ``force``) or cannot be written (read-only, a link out of the repository)."""
    with locked([root / p for p in plan.files], root=root):
        existing = [p for p in plan.files if (root / p).exists()]
        if existing and not force:
            raise UsageError(
                f"{', '.join(existing)} already {agreeing(len(existing), 'exists', 'exist')}",
                hint="pass --force to overwrite, or --dry-run to see the plan",
            )
        for path in plan.files:
            check_writable(root / path, root=root)
        for path, text in plan.files.items():
            write_atomic(root / path, text, root=root)
