"""The digest `okrctl notify` posts to chat: goals off track and at risk with their
owners, owed check-ins, and data that went stale (docs/notify.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from okrctl.core.model import Cycle, Person
from okrctl.core.progress import Status
from okrctl.evaluate.evaluator import Evaluation, evaluate
from okrctl.evaluate.rhythm import NOBODY, Due, rhythm
from okrctl.evaluate.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Item:
    """A goal behind: ``kind`` objective, kr or kpi; ``progress`` (KPIs: score) and
    ``expected`` as fractions; ``confidence`` the owner's 1-10 judgement, when given."""

    kind: str
    id: str
    title: str
    owner: str
    status: Status
    progress: float | None
    expected: float | None
    confidence: int | None = None


@dataclass
class Digest:
    org: str | None
    cycle: str
    as_of: dt.date
    final: bool
    off_track: list[Item] = field(default_factory=list)
    at_risk: list[Item] = field(default_factory=list)
    owed: list[Due] = field(default_factory=list)
    stale: list[Due] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.off_track or self.at_risk or self.owed or self.stale)

    def owners(self) -> list[str]:
        """Everyone the digest names, in order of first appearance."""
        seen: dict[str, None] = {}
        for item in [*self.off_track, *self.at_risk]:
            seen.setdefault(item.owner, None)
        for due in [*self.owed, *self.stale]:
            seen.setdefault(due.owner, None)
        seen.pop(NOBODY, None)
        return list(seen)


def digest(workspace: Workspace, cycle: Cycle, as_of: dt.date) -> Digest:
    """The digest of ``cycle`` on ``as_of``."""
    evaluation = evaluate(workspace.ctx, workspace.data, cycle, as_of)
    out = Digest(
        workspace.config.org,
        cycle.id,
        as_of,
        as_of >= cycle.end,
        people=dict(workspace.config.people),
    )
    for item in _behind(evaluation):
        (out.off_track if item.status is Status.RED else out.at_risk).append(item)
    due = rhythm(workspace, cycle, as_of)
    out.owed, out.stale = due.owed, due.stale
    return out


def _behind(evaluation: Evaluation) -> list[Item]:
    """Objectives, key results and KPIs that are red or yellow, objectives first."""
    items: list[Item] = []
    behind = (Status.RED, Status.YELLOW)
    for result in sorted(evaluation.objectives.values(), key=lambda r: r.objective.id):
        objective = result.objective
        owner = objective.owner or NOBODY
        if result.status in behind:
            items.append(
                Item(
                    "objective",
                    objective.id,
                    objective.title,
                    owner,
                    result.status,
                    result.progress,
                    result.expected,
                )
            )
        for kr in result.key_results:
            if kr.kr.draft or kr.status not in behind:
                continue
            items.append(
                Item(
                    "kr",
                    kr.kr.path,
                    kr.kr.title or kr.kr.id,
                    kr.kr.owner or owner,
                    kr.status,
                    kr.shown,
                    kr.expected,
                    kr.confidence,
                )
            )
    for kpi in sorted(evaluation.kpis.values(), key=lambda r: r.kpi.id):
        if kpi.status in behind:
            items.append(
                Item(
                    "kpi",
                    kpi.kpi.id,
                    kpi.kpi.title,
                    kpi.kpi.owner or NOBODY,
                    kpi.status,
                    kpi.score,
                    None,
                )
            )
    return items
