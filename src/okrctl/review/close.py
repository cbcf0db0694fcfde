"""`okrctl close CYCLE`: freeze every number of a cycle, with its provenance, into
``reviews/CYCLE.lock.json``; ``--verify`` recomputes them from today's data and lists
what would change (docs/close.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.core.errors import UsageError
from okrctl.core.fileio import locked, open_regular, write_atomic
from okrctl.core.model import Cycle
from okrctl.evaluate.evaluator import Evaluation, Evaluator, evaluate
from okrctl.evaluate.explain import _relevant
from okrctl.evaluate.frozen import LOCK_FORMAT, LOCK_VERSION, lock_path, read_lock
from okrctl.evaluate.scoring import Scorer
from okrctl.evaluate.workspace import Workspace
from okrctl.load.configsources import CHECKINS
from okrctl.metrics.source import Request

MAX_ROWS = 200  # rows cited per value; `rows_total` counts them all


@dataclass(frozen=True, slots=True)
class Closed:
    path: str
    cycle: str
    counts: dict[str, int]  # goals frozen, by group (key_results, objectives, ...)
    commit: str | None


@dataclass(frozen=True, slots=True)
class Drift:
    id: str  # OBJ/KR, objective, KPI or scorecard id
    field: str
    frozen: object
    now: object


@dataclass
class Verified:
    path: str
    cycle: str
    drift: list[Drift]
    sources: list[tuple[str, str]]  # (source, what changed in its file)


def close(workspace: Workspace, cycle: Cycle, today: dt.date, *, force: bool) -> Closed:
    """Freeze the numbers of ``cycle`` (as of its end) into its lock file. UsageError for
    an open cycle or a closed one, unless ``force``."""
    root = workspace.config.root
    name = lock_path(cycle.id)
    if today <= cycle.end and not force:
        raise UsageError(
            f"cycle {cycle.id} is still open (it ends {cycle.end})",
            hint="close it once it is over, or pass --force to freeze today's numbers",
        )
    with locked([root / name], root=root):
        known = read_lock(root, cycle.id)
        if known is not None and not force:
            raise UsageError(
                f"cycle {cycle.id} is already closed ({name}, frozen on {known.get('closed_on')})",
                hint="`okrctl close CYCLE --verify` compares it with today's data; "
                "--force freezes the numbers again",
            )
        as_of = min(today, cycle.end)
        document = freeze(workspace, cycle, as_of, today)
        (root / "reviews").mkdir(exist_ok=True)
        write_atomic(root / name, json_out.dumps(document, indent=1) + "\n", root=root)
    counted = document["numbers"]
    return Closed(
        name,
        cycle.id,
        {group: len(counted[group]) for group in counted},
        document["commit"],
    )


def _own(evaluation: Evaluation, cycle: Cycle) -> Evaluation:
    """Only the goals of the cycle itself (not those of cycles spanning it)."""
    evaluation.objectives = {
        k: v for k, v in evaluation.objectives.items() if v.objective.cycle == cycle.id
    }
    evaluation.kpis = {k: v for k, v in evaluation.kpis.items() if v.kpi.cycle == cycle.id}
    return evaluation


def numbers(workspace: Workspace, evaluation: Evaluation) -> dict[str, Any]:
    """Every number of an evaluation: key results, objectives, KPIs, scorecards."""
    from okrctl.evaluate.scoring import grade

    key_results: dict[str, Any] = {}
    objectives: dict[str, Any] = {}
    for oid, result in sorted(evaluation.objectives.items()):
        objectives[oid] = {
            "progress": result.progress,
            "score": grade(result, workspace.config).graded,
            "partial": result.partial,
            "status": result.status.value,
        }
        for kr in result.key_results:
            key_results[kr.kr.path] = {
                "current": kr.current,
                "baseline": kr.baseline,
                "target": kr.target,
                "progress": kr.progress,
                "expected": kr.expected,
                "status": kr.status.value,
                "confidence": kr.confidence,
            }
    kpis = {
        kid: {
            "actual": k.actual,
            "target": k.target,
            "attainment": k.attainment,
            "score": k.score,
            "status": k.status.value,
        }
        for kid, k in sorted(evaluation.kpis.items())
    }
    scorer = Scorer(workspace.ctx, evaluation)
    cards: dict[str, Any] = {}
    for card in scorer.cards():
        cards[card.id] = {
            "okr_score": card.okr_score,
            "kpi_score": card.kpi_score,
            "total": card.total,
            "rating": card.rating,
        }
    for balanced in scorer.balanced():
        cards[balanced.scorecard.id] = {
            "perspectives": {p.name: p.score for p in balanced.perspectives},
            "total": balanced.total,
            "rating": balanced.rating,
        }
    return {
        "key_results": key_results,
        "objectives": objectives,
        "kpis": kpis,
        "scorecards": dict(sorted(cards.items())),
    }


def freeze(workspace: Workspace, cycle: Cycle, as_of: dt.date, today: dt.date) -> dict[str, Any]:
    """The lock document of ``cycle`` on ``as_of``."""
    evaluation = _own(evaluate(workspace.ctx, workspace.data, cycle, as_of, series=True), cycle)
    evaluator = Evaluator(workspace.ctx, workspace.data, as_of)
    requests: list[tuple[str, Request, Any]] = []
    for result in evaluation.objectives.values():
        for kr in result.key_results:
            source, request = evaluator.kr_request(kr.kr, result.cycle, series=True)
            requests.append((source, request, kr))
    for kpi in evaluation.kpis.values():
        for source, request in evaluator.kpi_requests(kpi.kpi, kpi.cycle):
            requests.append((source, request, None))
    answers: dict[str, Any] = {}
    used_sources: set[str] = set()
    for source_name, request, kr_result in requests:
        answer = workspace.data.answer([(source_name, request)])[request.key]
        reader = workspace.data.source(source_name)
        rows = reader.rows(request) if reader is not None else []
        if kr_result is not None:
            rows = _relevant(rows, request, kr_result)
        used_sources.add(source_name)
        answers[request.key] = {
            "source": source_name,
            "metric": request.metric,
            "where": [[c, list(v)] for c, v in request.where],
            "aggregate": request.aggregate,
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "value": answer.value,
            "last_date": _iso(answer.last_date),
            "dates": answer.dates,
            "baseline": answer.baseline,
            "baseline_date": _iso(answer.baseline_date),
            "series": [[d.isoformat(), v] for d, v in answer.series],
            "rows": [[r.line, r.day.isoformat(), r.value] for r in rows[:MAX_ROWS]],
            "rows_total": len(rows),
        }
    return {
        "format": LOCK_FORMAT,
        "version": LOCK_VERSION,
        "cycle": cycle.id,
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
        "as_of": as_of.isoformat(),
        "closed_on": today.isoformat(),
        "okrctl": __version__,
        "commit": git_commit(workspace.config.root),
        "sources": {name: provenance(workspace, name) for name in sorted(used_sources)},
        "answers": dict(sorted(answers.items())),
        "numbers": numbers(workspace, evaluation),
    }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def provenance(workspace: Workspace, name: str) -> dict[str, Any]:
    """Where a source's numbers came from: its file and the file's SHA-256, or its
    query text; and the last date it holds."""
    spec = workspace.data.spec(name)
    out: dict[str, Any] = {"kind": "checkins" if name == CHECKINS else "metrics"}
    if spec is None:
        return out
    query = getattr(spec, "query", None) or getattr(spec, "table", None)
    if query:
        out["query"] = query
    if spec.path:
        out["path"] = spec.path
        out["sha256"] = file_hash(workspace.config.root / spec.path)
    source = workspace.data.source(name)
    latest = source.latest_date() if source is not None else None
    out["last_date"] = _iso(latest)
    return out


def file_hash(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open_regular(path) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def git_commit(root: Path) -> str | None:
    """The commit checked out at ``root`` (``+dirty`` when files differ from it), or None
    outside git."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if head.returncode != 0:
            return None
        changed = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "."],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = head.stdout.strip()
    return commit + ("+dirty" if changed.stdout.strip() else "")


def verify(workspace: Workspace, cycle: Cycle) -> Verified:
    """Recompute the closed cycle's numbers from today's data and goal files and list
    every value that differs from the frozen one. UsageError when it is not closed."""
    root = workspace.config.root
    name = lock_path(cycle.id)
    lock = read_lock(root, cycle.id)
    if lock is None:
        raise UsageError(
            f"cycle {cycle.id} is not closed (no {name})", hint=f"okrctl close {cycle.id}"
        )
    as_of = dt.date.fromisoformat(lock["as_of"])
    evaluation = _own(evaluate(workspace.ctx, workspace.data, cycle, as_of), cycle)
    now = numbers(workspace, evaluation)
    drift: list[Drift] = []
    for group in ("key_results", "objectives", "kpis", "scorecards"):
        frozen = lock.get("numbers", {}).get(group, {})
        current = now.get(group, {})
        for ident in sorted(set(frozen) | set(current)):
            before, after = frozen.get(ident), current.get(ident)
            if before is None or after is None:
                drift.append(Drift(ident, "(whole)", before is not None, after is not None))
                continue
            for field in sorted(set(before) | set(after)):
                if _differs(before.get(field), after.get(field)):
                    drift.append(Drift(ident, field, before.get(field), after.get(field)))
    sources = []
    for source_name, frozen_source in sorted(lock.get("sources", {}).items()):
        if "sha256" not in frozen_source:
            continue
        path = frozen_source.get("path")
        today_hash = file_hash(root / path) if isinstance(path, str) else None
        if today_hash != frozen_source.get("sha256"):
            sources.append(
                (
                    source_name,
                    f"{path} changed since the close" if today_hash else f"{path} is gone",
                )
            )
    return Verified(name, cycle.id, drift, sources)


def _differs(before: object, after: object) -> bool:
    if isinstance(before, dict) and isinstance(after, dict):
        keys = set(before) | set(after)
        return any(_differs(before.get(k), after.get(k)) for k in keys)
    if isinstance(before, int | float) and isinstance(after, int | float):
        from okrctl.core.progress import settle

        return settle(float(before)) != settle(float(after))
    return before != after
