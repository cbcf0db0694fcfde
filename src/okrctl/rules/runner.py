"""`okrctl check`: load, run every rule, apply the repository's rule settings, summarise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, Severity, did_you_mean
from okrctl.load.config import CONFIG_NAME, Config, load_config
from okrctl.load.repository import Repository, load_repository
from okrctl.rules.context import Context, alignment_stats
from okrctl.rules.registry import all_rules, lookup

if TYPE_CHECKING:
    from okrctl.metrics.engine import MetricData


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    objectives: int
    key_results: int
    kpis: int
    scorecards: int
    aligned: int
    below_top: int
    covered_krs: int
    top_krs: int

    @property
    def alignment_rate(self) -> float | None:
        return self.aligned / self.below_top if self.below_top else None

    @property
    def coverage(self) -> float | None:
        return self.covered_krs / self.top_krs if self.top_krs else None


@dataclass(frozen=True, slots=True)
class CheckResult:
    root: Path
    diagnostics: tuple[Diagnostic, ...]
    summary: Summary
    config_broken: bool
    changed_only: bool = False

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 findings, 2 when okrctl.yaml itself is broken."""
        if self.config_broken:
            return 2
        worst = max((d.severity for d in self.diagnostics), default=None)
        if worst is Severity.ERROR or (strict and worst is Severity.WARNING):
            return 1
        return 0


def run_rules(repo: Repository, ctx: Context | None) -> list[Diagnostic]:
    """Every diagnostic of the repository, before rule settings are applied."""
    diagnostics: list[Diagnostic] = [*repo.config.diagnostics, *repo.discovery]
    for goal_file in repo.files:
        diagnostics.extend(goal_file.diagnostics)
    if ctx is None:
        return diagnostics
    for info in all_rules().values():
        if info.check is not None:
            diagnostics.extend(info.check(ctx))
    if ctx.data is not None:
        from okrctl.rules.data import data_file_problems

        diagnostics.extend(data_file_problems(ctx))
    return diagnostics


def apply_settings(repo: Repository, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Turn rules off and re-grade them as okrctl.yaml's ``rules:`` says."""
    grades: dict[str, Severity | None] = {}
    extra: list[Diagnostic] = []
    rules = all_rules()
    for word, (value, line, column) in repo.config.rule_settings.items():
        info = lookup(word)
        if info is None:
            names = [*rules, *(r.name for r in rules.values())]
            extra.append(
                make(
                    "C007",
                    CONFIG_NAME,
                    line,
                    column,
                    f"rules: '{word}' is not a rule code or name{did_you_mean(word, names)}",
                )
            )
            continue
        if value != "off" and value.strip().upper() not in Severity.__members__:
            continue  # the schema reports the unknown severity (S001)
        grades[info.code] = None if value == "off" else Severity.parse(value)
    out = []
    for diagnostic in [*diagnostics, *extra]:
        if diagnostic.code in grades:
            grade = grades[diagnostic.code]
            if grade is None:
                continue
            diagnostic = diagnostic.regraded(grade)
        out.append(diagnostic)
    return out


def summarise(repo: Repository, ctx: Context | None) -> Summary:
    objectives = list(repo.objectives())
    if ctx is None:
        aligned = below = covered = top = 0
    else:
        aligned, below, covered, top = alignment_stats(ctx)
    return Summary(
        files=len(repo.files),
        objectives=len(objectives),
        key_results=sum(len(o.key_results) for o in objectives),
        kpis=sum(1 for _ in repo.kpis()),
        scorecards=sum(1 for _ in repo.scorecards()),
        aligned=aligned,
        below_top=below,
        covered_krs=covered,
        top_krs=top,
    )


def diagnose(
    repo: Repository, *, data: bool, as_of: dt.date, share: MetricData | None = None
) -> tuple[Context | None, list[Diagnostic]]:
    """Every diagnostic of ``repo`` with the rule settings applied, and the context the
    rules ran on (None when okrctl.yaml is broken). ``share``: metric data whose sources,
    where configured the same, are read once for both."""
    # with a broken okrctl.yaml only its own diagnostics are meaningful
    ctx = None if repo.config.has_errors() else Context.build(repo)
    if ctx is not None and data:
        from okrctl.metrics.engine import MetricData

        ctx.data = MetricData(repo.config, share=share)
        ctx.as_of = as_of
    return ctx, apply_settings(repo, run_rules(repo, ctx))


def check(
    start: Path,
    *,
    changed_since: str | None = None,
    use_cache: bool = True,
    data: bool = True,
    as_of: dt.date | None = None,
) -> CheckResult:
    """Validate the repository around ``start``.

    Without ``changed_since`` the check is incremental (rules/incremental.py): only what
    changed since the last run is parsed and judged again, unless ``use_cache`` is off.
    With ``changed_since`` (a git revision) only the diagnostics the change answers for
    are reported (git/scope.py says which); REV's side is the working tree's state with
    the change undone (rules/since.py), or a whole run where that cannot be told. With
    ``data`` the metric files the goals read are checked too (as of ``as_of``, default
    today).
    """
    day = as_of or dt.date.today()
    config = load_config(start)
    if not config.has_errors():
        if changed_since is None:
            return _check_all(config, use_cache=use_cache, data=data, as_of=day)
        result = _check_changed(config, changed_since, use_cache=use_cache, data=data, as_of=day)
        if result is not None:
            return result
    return check_whole(
        start, changed_since=changed_since, use_cache=use_cache, data=data, as_of=day
    )


def check_whole(
    start: Path, *, changed_since: str | None, use_cache: bool, data: bool, as_of: dt.date
) -> CheckResult:
    """`check` judging the whole graph (at both revisions with ``changed_since``): the
    answer for a broken okrctl.yaml, and for a change the incremental way cannot undo."""
    day = as_of
    repo = load_repository(start, use_cache=use_cache)
    ctx, diagnostics = diagnose(repo, data=data, as_of=day)
    if changed_since is not None:
        from okrctl.git.scope import ChangeScope

        scope = ChangeScope.since(repo, changed_since)
        shared = ctx.data if ctx is not None else None
        _, before = diagnose(scope.base, data=data, as_of=day, share=shared)
        diagnostics = scope.select(repo, diagnostics, before)
    diagnostics.sort(key=full_order)
    config_broken = any(
        d.severity is Severity.ERROR and d.file == CONFIG_NAME for d in repo.config.diagnostics
    )
    return CheckResult(
        root=repo.root,
        diagnostics=tuple(diagnostics),
        summary=summarise(repo, ctx),
        config_broken=config_broken,
        changed_only=changed_since is not None,
    )


def full_order(diagnostic: Diagnostic) -> tuple[str, int, int, str, str, int, str]:
    """The order diagnostics are reported in: place, code and message, then severity and
    hint, so that any two runs finding the same diagnostics print them alike."""
    return (*diagnostic.sort_key(), int(diagnostic.severity), diagnostic.hint or "")


def _check_changed(
    config: Config, revision: str, *, use_cache: bool, data: bool, as_of: dt.date
) -> CheckResult | None:
    """`check --changed-since` at the cost of the change (rules/since.py); None when both
    sides must be judged whole."""
    from okrctl.git.changed import changed_files
    from okrctl.git.scope import ChangeScope
    from okrctl.load.repository import discover
    from okrctl.rules.since import judge_both

    changed = changed_files(config.root, revision)  # first: a bad revision says so
    paths, problems = discover(config)
    judged = judge_both(
        config, paths, revision, changed, data=data, as_of=as_of, use_cache=use_cache
    )
    if judged is None:
        return None
    repo = Repository(config, (), tuple(problems))
    diagnostics = apply_settings(repo, [*config.diagnostics, *problems, *judged.head])
    before = apply_settings(Repository(config, ()), [*config.diagnostics, *judged.before])
    scope = ChangeScope(revision, frozenset(changed), judged.base)
    diagnostics = scope.select(judged.head_changed, diagnostics, before, located=judged.files)
    diagnostics.sort(key=full_order)
    return CheckResult(
        root=config.root,
        diagnostics=tuple(diagnostics),
        summary=Summary(*judged.totals),
        config_broken=False,
        changed_only=True,
    )


def _check_all(config: Config, *, use_cache: bool, data: bool, as_of: dt.date) -> CheckResult:
    """`okrctl check` of a repository whose okrctl.yaml is sound, through the recorded
    state of the last run (rules/incremental.py)."""
    from okrctl.load.repository import discover
    from okrctl.rules.incremental import run

    paths, problems = discover(config)
    outcome = run(config, paths, data=data, as_of=as_of, use_cache=use_cache)
    repo = Repository(config, (), tuple(problems))
    diagnostics = apply_settings(repo, [*config.diagnostics, *problems, *outcome.diagnostics])
    diagnostics.sort(key=full_order)
    return CheckResult(
        root=config.root,
        diagnostics=tuple(diagnostics),
        summary=Summary(*outcome.totals),
        config_broken=False,
    )
