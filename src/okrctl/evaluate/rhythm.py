"""The operating rhythm: the check-ins of a key result, and who owes what — key results
whose last check-in or data point is older than their cadence (docs/metrics.md,
"Cadence: who owes what")."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.errors import UsageError
from okrctl.core.model import Cycle, KeyResult, Ref
from okrctl.core.numbers import duration_days
from okrctl.evaluate.evaluator import in_view
from okrctl.evaluate.workspace import Workspace
from okrctl.load.configsources import CHECKINS
from okrctl.metrics.checkins import Checkin, CheckinSource

NOBODY = "(no owner)"


def checkins(workspace: Workspace, ident: str | None) -> tuple[str, list[Checkin]]:
    """The check-ins file's path and its rows (of the key result or objective ``ident``,
    or all), in file order. UsageError for an id that names nothing."""
    ctx = workspace.ctx
    wanted: set[str] | None = None
    if ident is not None:
        ref = Ref.parse(ident)
        objective = ctx.objectives.get(ref.objective)
        if objective is None and ident not in ctx.kpis:
            raise UsageError(
                f"no objective, key result or KPI '{ident}'"
                f"{did_you_mean(ref.objective, [*ctx.objectives, *ctx.kpis])}"
            )
        if objective is None:
            wanted = {ident}
        elif ref.kr is None:
            wanted = {kr.path for kr in objective.key_results}
        else:
            if ref.kr not in {kr.id for kr in objective.key_results}:
                raise UsageError(
                    f"objective '{objective.id}' has no key result '{ref.kr}'"
                    f"{did_you_mean(ref.kr, [k.id for k in objective.key_results])}"
                )
            wanted = {f"{objective.id}/{ref.kr}"}
    source = workspace.data.source(CHECKINS)
    path = workspace.config.checkins
    if not isinstance(source, CheckinSource):
        return path, []
    rows = source.checkins()
    return path, [c for c in rows if wanted is None or c.kr in wanted]


@dataclass(frozen=True, slots=True)
class Due:
    """A key result whose last check-in (``kind`` "check-in") or data point ("data") is
    older than its cadence on the as-of date. ``last`` None: none in the cycle yet, and
    ``age`` then counts from the cycle start."""

    kind: str
    kr: KeyResult
    title: str
    owner: str
    cadence: str
    last: dt.date | None
    age: int  # whole days from ``last`` (or the cycle start) to the as-of date
    source: str  # the check-ins file, or the metric source's name


@dataclass
class Rhythm:
    cycle: str
    as_of: dt.date
    owed: list[Due]
    stale: list[Due]

    def by_owner(self, items: list[Due]) -> list[tuple[str, list[Due]]]:
        groups: dict[str, list[Due]] = defaultdict(list)
        for item in items:
            groups[item.owner].append(item)
        return sorted(groups.items(), key=lambda g: (g[0] == NOBODY, g[0]))


def rhythm(workspace: Workspace, cycle: Cycle, as_of: dt.date) -> Rhythm:
    """Owed check-ins and stale data of every key result in view of ``cycle`` on
    ``as_of``. A check-in key result (no ``metric``) is owed when it has a
    ``checkin_every`` and its last check-in is older; a metric key result is stale when its
    last data point is older than its ``checkin_every``, else its source's
    ``stale_after``."""
    ctx = workspace.ctx
    owed: list[Due] = []
    stale: list[Due] = []
    checkin_rows = checkins(workspace, None)[1]
    last_checkin: dict[str, dt.date] = {}
    for row in checkin_rows:
        if row.day <= as_of:
            last_checkin[row.kr] = max(row.day, last_checkin.get(row.kr, row.day))
    measured: list[tuple[KeyResult, str, str, str, Cycle]] = []
    for objective in sorted(ctx.objectives.values(), key=lambda o: o.id):
        own_cycle = ctx.cycle(objective.cycle)
        if objective.draft or own_cycle is None or not in_view(cycle, own_cycle):
            continue
        if as_of < own_cycle.start:
            continue
        for kr in objective.key_results:
            if kr.draft:
                continue
            owner = kr.owner or objective.owner or NOBODY
            title = kr.title or kr.id
            if kr.metric is None:
                if not kr.checkin_every:
                    continue
                due = _due(
                    "check-in",
                    kr,
                    title,
                    owner,
                    kr.checkin_every,
                    last_checkin.get(kr.path),
                    own_cycle,
                    as_of,
                    workspace.config.checkins,
                )
                if due is not None:
                    owed.append(due)
                continue
            spec = workspace.config.metrics.get(kr.metric.source)
            cadence = kr.checkin_every or (spec.stale_after if spec else None)
            if cadence:
                measured.append((kr, title, owner, cadence, own_cycle))
    last = _last_data(workspace, [(kr, c) for kr, _, _, _, c in measured], as_of)
    for kr, title, owner, cadence, own_cycle in measured:
        assert kr.metric is not None
        due = _due(
            "data",
            kr,
            title,
            owner,
            cadence,
            last.get(kr.path),
            own_cycle,
            as_of,
            kr.metric.source,
        )
        if due is not None:
            stale.append(due)
    return Rhythm(cycle.id, as_of, owed, stale)


def _due(
    kind: str,
    kr: KeyResult,
    title: str,
    owner: str,
    cadence: str,
    last: dt.date | None,
    cycle: Cycle,
    as_of: dt.date,
    source: str,
) -> Due | None:
    days = duration_days(cadence)
    if days is None:
        return None  # not a duration: the schema reports it
    since = last if last is not None and last >= cycle.start else None
    age = (as_of - (since or cycle.start)).days
    if since is None:
        age += 1  # nothing yet: the cycle's first day counts as a day without one
    if age <= days:
        return None
    return Due(kind, kr, title, owner, cadence, since, age, source)


def _last_data(
    workspace: Workspace, items: list[tuple[KeyResult, Cycle]], as_of: dt.date
) -> dict[str, dt.date]:
    """The last date with data of each key result's metric in its cycle up to ``as_of``
    (one batch of requests: each source is read once)."""
    from okrctl.evaluate.evaluator import Evaluator

    evaluator = Evaluator(workspace.ctx, workspace.data, as_of)
    requests = [evaluator.kr_request(kr, cycle) for kr, cycle in items]
    answers = workspace.data.answer(requests)
    out = {}
    for kr, _ in items:
        answer = answers.get(f"kr:{kr.path}")
        if answer is not None and answer.last_date is not None:
            out[kr.path] = answer.last_date
    return out
