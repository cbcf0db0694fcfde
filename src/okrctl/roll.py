"""`okrctl roll FROM TO`: start cycle TO from cycle FROM.

Unfinished aspirational objectives (and any the user names) are carried into TO under new
ids (``ID-TO``); key-result baselines are re-based on the last observed values (metric
data or check-ins); done milestones are left behind; alignment is kept where the parent
was carried too (re-pointed to the carried parent) or where the parent's cycle spans TO.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from okrctl.diagnostics import did_you_mean
from okrctl.errors import UsageError
from okrctl.evaluate import Evaluator, KRResult
from okrctl.fileio import write_atomic
from okrctl.fmt import KEY_RESULT, OBJECTIVE, _yaml
from okrctl.metrics.source import Rejected
from okrctl.model import GoalType, KRKind, Objective
from okrctl.workspace import Workspace


@dataclass
class Carried:
    old: str
    new: str
    file: str
    progress: float | None
    rebased: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    dropped_krs: list[str] = field(default_factory=list)
    # key result id -> input its last observed value misses (a refused later cell)
    rejected: dict[str, tuple[Rejected, ...]] = field(default_factory=dict)
    alignment: str = ""  # kept | re-pointed | dropped | none


@dataclass
class RollPlan:
    source: str
    target: str
    carried: list[Carried]
    skipped: list[tuple[str, str]]
    files: dict[str, str]


def new_id(ident: str, cycle: str) -> str:
    return f"{ident}-{cycle}"


def _target_file(path: str, cycle: str) -> str:
    parts = PurePosixPath(path).parts
    if parts and parts[0] == "goals":
        return str(PurePosixPath("goals", cycle, *parts[1:]))
    return str(PurePosixPath("goals", cycle, *parts))


def plan_roll(
    workspace: Workspace, source: str, target: str, include: list[str], today: dt.date
) -> RollPlan:
    config = workspace.config
    for cycle_id in (source, target):
        if cycle_id not in config.cycles:
            raise UsageError(f"no cycle '{cycle_id}'{did_you_mean(cycle_id, config.cycles)}")
    from_cycle, to_cycle = config.cycles[source], config.cycles[target]
    ctx = workspace.ctx
    for ident in include:
        if ident not in ctx.objectives:
            raise UsageError(
                f"--include {ident}: no objective '{ident}'{did_you_mean(ident, ctx.objectives)}"
            )
    as_of = min(today, from_cycle.end)
    objectives = [o for o in ctx.objectives.values() if o.cycle == source and not o.draft]
    evaluator = Evaluator(ctx, workspace.data, as_of)
    results, _ = evaluator.run(objectives, [])
    chosen: list[Objective] = []
    skipped = []
    for objective in objectives:
        progress = results[objective.id].progress
        if objective.id in include:
            chosen.append(objective)
        elif objective.type is GoalType.COMMITTED:
            skipped.append((objective.id, "committed"))
        elif progress is not None and progress >= 1.0:
            skipped.append((objective.id, "finished"))
        else:
            chosen.append(objective)
    carried_ids = {o.id for o in chosen}
    clashes = [new_id(o.id, target) for o in chosen if new_id(o.id, target) in ctx.entries]
    if clashes:
        raise UsageError(
            f"{target} already holds {', '.join(clashes)}",
            hint="the cycle was rolled before; remove those goals first",
        )
    documents: dict[str, list[Any]] = {}
    plan: list[Carried] = []
    for objective in chosen:
        result = results[objective.id]
        carried = Carried(
            objective.id,
            new_id(objective.id, target),
            _target_file(objective.file, target),
            result.progress,
        )
        entry = _objective(
            objective,
            target,
            carried,
            ctx.parent(objective),
            carried_ids,
            to_cycle,
            ctx,
            result.key_results,
        )
        documents.setdefault(carried.file, []).append(entry)
        plan.append(carried)
    files = {path: _dump(target, entries) for path, entries in documents.items()}
    return RollPlan(source, target, plan, skipped, files)


def _objective(
    objective: Objective,
    target: str,
    carried: Carried,
    parent: Objective | None,
    carried_ids: set[str],
    to_cycle: Any,
    ctx: Any,
    krs: tuple[KRResult, ...],
) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    fields: dict[str, Any] = {
        "id": carried.new,
        "title": objective.title,
        "description": objective.description,
        "owner": objective.owner,
        "unit": objective.unit,
        "level": objective.level,
        "type": objective.type.value,
        "perspective": objective.perspective,
    }
    ref = objective.aligns_to
    if ref is None:
        carried.alignment = "none"
    elif parent is not None and parent.id in carried_ids:
        fields["aligns_to"] = new_id(ref.objective, target) + (f"/{ref.kr}" if ref.kr else "")
        carried.alignment = "re-pointed"
    elif (
        parent is not None
        and (cycle := ctx.cycle(parent.cycle)) is not None
        and cycle.contains(to_cycle)
    ):
        fields["aligns_to"] = str(ref)
        carried.alignment = "kept"
    else:
        carried.alignment = "dropped"
    entry = CommentedMap()
    for key in OBJECTIVE:
        if fields.get(key) is not None:
            entry[key] = fields[key]
    entry["key_results"] = CommentedSeq()
    for result in krs:
        kr = result.kr
        if kr.draft:
            continue
        reached = result.progress is not None and result.progress >= 1.0
        if reached and kr.kind is not KRKind.GUARDRAIL:
            carried.dropped_krs.append(kr.id)  # done: nothing left to carry
            continue
        entry["key_results"].append(_key_result(result, carried))
    return entry


def _key_result(result: KRResult, carried: Carried) -> Any:
    from ruamel.yaml.comments import CommentedMap

    kr = result.kr
    fields: dict[str, Any] = {
        "id": kr.id,
        "title": kr.title or None,
        "owner": kr.owner,
        "metric": str(kr.metric) if kr.metric else None,
        "aggregate": kr.aggregate if kr.aggregate != "last" else None,
        "weight": kr.weight,
        "unit_label": kr.unit_label,
    }
    if kr.where:
        fields["where"] = {
            column: list(values) if len(values) > 1 else values[0] for column, values in kr.where
        }
    if kr.kind is KRKind.MILESTONE:
        fields["milestone"] = True
        fields["done"] = False
    elif kr.kind is KRKind.GUARDRAIL:
        fields["at_least"], fields["at_most"] = kr.at_least, kr.at_most
    else:
        if kr.kind is KRKind.RELATIVE and kr.relative is not None:
            fields["target"] = f"{kr.relative * 100:+g}%"
        elif kr.kind is KRKind.RANGE:
            fields["target"] = [kr.low, kr.high]
        else:
            fields["target"] = kr.target
        last = result.answer.series[-1][1] if result.answer.series else result.current
        if kr.aggregate == "last" or kr.metric is None:
            # re-based on the last observed value; None: the new cycle's data decides
            fields["baseline"] = last
            carried.rebased.append((kr.id, result.baseline, last))
            if result.rejected:
                carried.rejected[kr.id] = result.rejected
        else:
            carried.rebased.append((kr.id, result.baseline, None))
    entry = CommentedMap()
    for key in KEY_RESULT:
        if fields.get(key) is not None:
            entry[key] = (
                _written(fields[key], kr.percent)
                if key in ("baseline", "target", "at_least", "at_most")
                else fields[key]
            )
    return entry


def _written(value: Any, percent: bool) -> Any:
    """Numbers as people write them: 1469565, 0.5, or 43.5% for percentages."""
    if isinstance(value, list):
        return [_written(v, percent) for v in value]
    if not isinstance(value, float):
        return value
    if percent:
        return f"{round(value * 100, 4):g}%"
    return int(value) if value.is_integer() else round(value, 6)


def _dump(target: str, entries: list[Any]) -> str:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = _yaml()
    document = CommentedMap()
    document["defaults"] = CommentedMap([("cycle", target)])
    document["defaults"].fa.set_flow_style()
    document["objectives"] = CommentedSeq(entries)
    buffer = io.StringIO()
    buffer.write(f"# carried into {target} by okrctl roll\n")
    yaml.dump(document, buffer)
    return buffer.getvalue()


def write_roll(root: Path, plan: RollPlan, *, force: bool) -> None:
    existing = [p for p in plan.files if (root / p).exists()]
    if existing and not force:
        raise UsageError(
            f"{', '.join(existing)} already exist(s)",
            hint="pass --force to overwrite, or --dry-run to see the plan",
        )
    for path, text in plan.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(root / path, text)
