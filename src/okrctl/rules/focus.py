"""The rules run on part of a repository: a *focused* context that iterates only the
files an edit reaches while looking any id up through the index, and the rule
diagnostics of a context by goal file (docs/architecture.md, "Incremental check")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping

from okrctl.core.diagnostics import Diagnostic
from okrctl.core.model import GoalFile, Kpi, Objective, Scorecard
from okrctl.load.config import Config
from okrctl.load.repository import Repository
from okrctl.rules.context import Context, Entry, objective_stats
from okrctl.rules.index import Index
from okrctl.rules.stored import StoredIndex


class _Lazy(Mapping[str, Entry]):
    """First definitions of some kinds, by id, loading a goal file only when asked."""

    def __init__(
        self,
        first: Mapping[str, tuple[str, str]],
        kinds: str,
        load: Callable[[str], GoalFile],
    ) -> None:
        self.first, self.kinds, self.load = first, kinds, load

    def __getitem__(self, key: str) -> Entry:
        path, kind = self.first[key]
        if kind not in self.kinds:
            raise KeyError(key)
        goal_file = self.load(path)
        group: tuple[Entry, ...]
        if kind == "o":
            group = goal_file.objectives
        elif kind == "k":
            group = goal_file.kpis
        else:
            group = goal_file.scorecards
        return next(entry for entry in group if entry.id == key)

    def __contains__(self, key: object) -> bool:
        found = self.first.get(key) if isinstance(key, str) else None
        return found is not None and found[1] in self.kinds

    def __iter__(self) -> Iterator[str]:
        return (key for key, (_, kind) in self.first.items() if kind in self.kinds)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def focused(
    config: Config,
    files: list[GoalFile],
    index: Index | StoredIndex,
    load: Callable[[str], GoalFile],
) -> Context:
    """A context iterating ``files`` alone, looking every id up through ``index``."""
    ctx = Context(Repository(config, tuple(files)), index=index)
    first = index.first()
    ctx.objectives = _Lazy(first, "o", load)  # type: ignore[assignment]
    ctx.kpis = _Lazy(first, "k", load)  # type: ignore[assignment]
    ctx.scorecards = _Lazy(first, "s", load)  # type: ignore[assignment]
    ctx.entries = _Lazy(first, "oks", load)
    for goal_file in files:
        ctx.objective_list.extend(goal_file.objectives)
        ctx.kpi_list.extend(goal_file.kpis)
        ctx.scorecard_list.extend(goal_file.scorecards)
        entries: list[Objective | Kpi | Scorecard] = [
            *goal_file.objectives,
            *goal_file.kpis,
            *goal_file.scorecards,
        ]
        for entry in entries:
            if not ctx.is_first(entry):
                ctx.duplicates.append((ctx.entries[entry.id], entry))
    return ctx


def rule_diagnostics(ctx: Context) -> list[Diagnostic]:
    """What every rule finds in ``ctx`` (and, with metric data, in the files it reads)."""
    from okrctl.rules.registry import all_rules

    out: list[Diagnostic] = []
    for info in all_rules().values():
        if info.check is not None:
            out.extend(info.check(ctx))
    if ctx.data is not None and ctx.index is None:
        from okrctl.rules.data import data_file_problems

        out.extend(data_file_problems(ctx))
    return out


def attach_data(ctx: Context, data: bool, as_of: dt.date) -> None:
    if data:
        from okrctl.metrics.engine import MetricData

        ctx.data = MetricData(ctx.config, strict=False)
        ctx.as_of = as_of


def judge(
    ctx: Context, files: Iterable[GoalFile]
) -> tuple[
    dict[str, tuple[Diagnostic, ...]], dict[str, tuple[int, int, int, int]], list[Diagnostic]
]:
    """Run the rules on ``ctx``: diagnostics per goal file of ``files``, their alignment
    counts, and the diagnostics located elsewhere (okrctl.yaml, metric files)."""
    files = list(files)
    found: dict[str, list[Diagnostic]] = {f.path: [] for f in files}
    general: list[Diagnostic] = []
    for diagnostic in rule_diagnostics(ctx):
        bucket = found.get(diagnostic.file)
        (general if bucket is None else bucket).append(diagnostic)
    stats = {
        f.path: objective_stats(ctx, [o for o in f.objectives if ctx.is_first(o)]) for f in files
    }
    return {p: tuple(d) for p, d in found.items()}, stats, general
