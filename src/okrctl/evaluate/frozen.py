"""A closed cycle's numbers, read back from its lock file (`okrctl close`,
docs/close.md): the metric data a command sees answers from the frozen answers, and the
evaluation of each frozen key result, objective and KPI carries the frozen numbers, so
status, score and report print what the review saw — whatever the exports or the goal
files say today."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from okrctl.core.errors import OkrctlError
from okrctl.core.fileio import read_limited
from okrctl.core.progress import Status
from okrctl.evaluate.evaluator import KpiResult, ObjectiveResult
from okrctl.load.config import Config, inside
from okrctl.metrics.engine import MetricData
from okrctl.metrics.source import Answer, Request

LOCK_FORMAT = "okrctl-close"
LOCK_VERSION = 1
MAX_LOCK_BYTES = 256 * 1024 * 1024


def lock_path(cycle_id: str) -> str:
    """Where `okrctl close` keeps a cycle's numbers, relative to the repository root."""
    return f"reviews/{cycle_id}.lock.json"


def read_lock(root: Path, cycle_id: str) -> dict[str, Any] | None:
    """The lock file of ``cycle_id``, or None when the cycle is not closed. A lock file
    that is not okrctl's is an OkrctlError (exit 2) naming it."""
    name = lock_path(cycle_id)
    path = root / name
    if not inside(root, name):
        raise OkrctlError(
            "is a link that points outside the repository",
            hint="okrctl reads nothing outside the repository; make it a regular file",
            file=name,
        )
    if not path.is_file():
        return None
    try:
        data = json.loads(read_limited(path, MAX_LOCK_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise OkrctlError(
            f"cannot read the frozen numbers: {exc}",
            hint="restore it from git (`git checkout -- FILE`) or close the cycle again with "
            "`okrctl close CYCLE --force`",
            file=name,
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") != LOCK_FORMAT
        or data.get("version") != LOCK_VERSION
        or data.get("cycle") != cycle_id
    ):
        raise OkrctlError(
            f"not an okrctl lock file of cycle {cycle_id} (format {LOCK_FORMAT} "
            f"version {LOCK_VERSION})",
            hint="restore it from git, or close the cycle again with --force",
            file=name,
        )
    return data


def _date(text: object) -> dt.date | None:
    return dt.date.fromisoformat(text) if isinstance(text, str) else None


def answer_of(entry: dict[str, Any]) -> Answer:
    """A frozen answer as the metric engines give it."""
    return Answer(
        value=entry.get("value"),
        last_date=_date(entry.get("last_date")),
        dates=int(entry.get("dates") or 0),
        baseline=entry.get("baseline"),
        baseline_date=_date(entry.get("baseline_date")),
        series=tuple((dt.date.fromisoformat(d), float(v)) for d, v in entry.get("series", [])),
    )


class FrozenData(MetricData):
    """Metric data that answers a closed cycle's requests from its lock file, and every
    other request (goals of other cycles) from the data as it is."""

    def __init__(self, config: Config, lock: dict[str, Any], name: str) -> None:
        super().__init__(config)
        self.lock = lock
        self.name = name  # the lock file, for "frozen numbers from ..."
        self._answers: dict[str, dict[str, Any]] = lock.get("answers", {})
        numbers = lock.get("numbers", {})
        self._krs: dict[str, dict[str, Any]] = numbers.get("key_results", {})
        self._objectives: dict[str, dict[str, Any]] = numbers.get("objectives", {})
        self._kpis: dict[str, dict[str, Any]] = numbers.get("kpis", {})

    def answer(self, requests: Any) -> dict[str, Answer]:
        pairs = list(requests)
        frozen = {r.key: answer_of(self._answers[r.key]) for _, r in pairs if self._holds(r)}
        rest = [(s, r) for s, r in pairs if r.key not in frozen]
        return {**(super().answer(rest) if rest else {}), **frozen}

    def _holds(self, request: Request) -> bool:
        entry = self._answers.get(request.key)
        return entry is not None and entry.get("metric") == request.metric

    def pin(
        self, objectives: dict[str, ObjectiveResult], kpis: dict[str, KpiResult]
    ) -> tuple[dict[str, ObjectiveResult], dict[str, KpiResult]]:
        """The results with the frozen numbers of every frozen goal."""
        out_objectives = {}
        for oid, result in objectives.items():
            frozen = self._objectives.get(oid)
            if frozen is None:
                out_objectives[oid] = result
                continue
            krs = []
            for kr in result.key_results:
                numbers = self._krs.get(kr.kr.path)
                if numbers is None:
                    krs.append(kr)
                    continue
                krs.append(
                    replace(
                        kr,
                        current=numbers.get("current"),
                        baseline=numbers.get("baseline"),
                        target=numbers.get("target"),
                        progress=numbers.get("progress"),
                        expected=numbers.get("expected", kr.expected),
                        status=Status(numbers.get("status", kr.status.value)),
                        confidence=numbers.get("confidence"),
                    )
                )
            out_objectives[oid] = replace(
                result,
                progress=frozen.get("progress"),
                partial=bool(frozen.get("partial", result.partial)),
                status=Status(frozen.get("status", result.status.value)),
                key_results=tuple(krs),
            )
        out_kpis = {}
        for kid, kpi_result in kpis.items():
            frozen = self._kpis.get(kid)
            out_kpis[kid] = (
                kpi_result
                if frozen is None
                else replace(
                    kpi_result,
                    actual=frozen.get("actual"),
                    target=frozen.get("target"),
                    attainment=frozen.get("attainment"),
                    score=frozen.get("score"),
                    status=Status(frozen.get("status", kpi_result.status.value)),
                )
            )
        return out_objectives, out_kpis


def frozen_data(config: Config, cycle_id: str, as_of: dt.date) -> FrozenData | None:
    """The frozen data of ``cycle_id`` when it is closed and ``as_of`` is on or after the
    day its numbers were frozen for (the cycle end); else None."""
    lock = read_lock(config.root, cycle_id)
    if lock is None:
        return None
    frozen_on = _date(lock.get("as_of"))
    if frozen_on is None or as_of < frozen_on:
        return None
    return FrozenData(config, lock, lock_path(cycle_id))
