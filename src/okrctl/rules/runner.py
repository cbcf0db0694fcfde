"""`okrctl check`: load, run every rule, apply the repository's rule settings, summarise."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, Severity, did_you_mean
from okrctl.core.i18n import msg
from okrctl.load.config import CONFIG_NAME
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
    lang: str | None = None  # okrctl.yaml's `lang:`, the default language of the text
    # the files and folders `okrctl check PATH...` reports on, relative to the root
    paths: tuple[str, ...] = ()

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
    for word, setting in repo.config.rule_settings.items():
        info = lookup(word)
        if info is None:
            names = [*rules, *(r.name for r in rules.values())]
            extra.append(
                make(
                    "C007",
                    CONFIG_NAME,
                    setting.line,
                    setting.column,
                    msg(
                        "rules: '{word}' is not a rule code or name{suggestion}",
                        word=word,
                        suggestion=did_you_mean(word, names),
                    ),
                )
            )
            continue
        value = setting.severity
        if value is None:
            continue  # options only: the default severity stays
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


def settle(
    repo: Repository, diagnostics: list[Diagnostic], ran: Callable[[str], bool] | None
) -> list[Diagnostic]:
    """``diagnostics`` as the repository wants them reported: suppression comments
    applied (and those that silence nothing reported, for the rules ``ran`` says ran;
    None: none), then okrctl.yaml's ``rules:`` settings."""
    from okrctl.rules.suppress import suppress

    return apply_settings(repo, suppress(repo, diagnostics, ran))


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
    if ctx is None:
        ran = None
    else:
        ran = (lambda code: True) if data else (lambda code: not code.startswith("D"))
    return ctx, settle(repo, run_rules(repo, ctx), ran)


# the codes that judge how old the data is on the day of the check
FRESHNESS_CODES = frozenset({"D006"})


def check(
    start: Path,
    *,
    changed_since: str | None = None,
    use_cache: bool = True,
    data: bool = True,
    as_of: dt.date | None = None,
    paths: list[Path] | None = None,
    freshness: bool = True,
) -> CheckResult:
    """Validate the repository around ``start``.

    With ``changed_since`` (a git revision) the whole graph is still validated, but only
    the diagnostics the change answers for are reported (changescope.py says which). With
    ``data`` the metric files the goals read are checked too (as of ``as_of``, default
    today). With ``paths`` (files or folders, as given on the command line) only the
    diagnostics in them are reported; one outside the repository, missing, or a file
    okrctl does not read is a ``UsageError``.
    today). Without ``freshness`` the age of the data (D006, stale data) is not judged:
    a pull request that touches goal files is not failed by an export that aged since
    (docs/ci.md, "Data freshness belongs to the scheduled job").
    """
    repo = load_repository(start, use_cache=use_cache)
    chosen = None if paths is None else selection(repo, paths)
    day = as_of or dt.date.today()
    ctx, diagnostics = diagnose(repo, data=data, as_of=day)
    if changed_since is not None:
        from okrctl.git.scope import ChangeScope

        scope = ChangeScope.since(repo, changed_since)
        shared = ctx.data if ctx is not None else None
        _, before = diagnose(scope.base, data=data, as_of=day, share=shared)
        diagnostics = scope.select(repo, diagnostics, before)
    if chosen is not None:
        diagnostics = [d for d in diagnostics if _within(d.file, chosen)]
    if not freshness:
        diagnostics = [d for d in diagnostics if d.code not in FRESHNESS_CODES]
    diagnostics.sort(key=Diagnostic.sort_key)
    config_broken = any(
        d.severity is Severity.ERROR and d.file == CONFIG_NAME for d in repo.config.diagnostics
    )
    return CheckResult(
        root=repo.root,
        diagnostics=tuple(diagnostics),
        summary=summarise(repo, ctx),
        config_broken=config_broken,
        changed_only=changed_since is not None,
        lang=repo.config.lang,
        paths=chosen or (),
    )


def _within(file: str, chosen: tuple[str, ...]) -> bool:
    return any(c == "." or file == c or file.startswith(c + "/") for c in chosen)


def selection(repo: Repository, paths: list[Path]) -> tuple[str, ...]:
    """``paths`` (relative to the working directory) as repository-relative posix paths;
    "." for the root. Each must exist inside the repository; a file must be one okrctl
    reads: a goal file, okrctl.yaml, or a metric source's file."""
    from okrctl.core.errors import UsageError

    root = repo.root.resolve()
    known = {f.path for f in repo.files} | {CONFIG_NAME, repo.config.checkins}
    known |= {source.path for source in repo.config.metrics.values()}
    out = []
    for given in paths:
        shown = str(given)  # the CLI escapes what it prints (cli/errors.py)
        path = Path(os.path.abspath(given))
        if not path.exists():
            raise UsageError(msg("{path}: no such file or folder", path=shown))
        try:
            relative = path.resolve().relative_to(root).as_posix()
        except ValueError:
            raise UsageError(
                msg("{path} is outside the goals repository at {root}", path=shown, root=str(root)),
                hint=msg("name files inside the repository, or pass -C to choose another"),
            ) from None
        if path.is_file() and relative not in known:
            raise UsageError(
                msg(
                    "{path} is not a file okrctl checks: not a goal file, okrctl.yaml or a "
                    "metric file",
                    path=shown,
                ),
                hint=msg(
                    "the `goals:` globs of okrctl.yaml decide which YAML files are goal files"
                ),
            )
        out.append(relative)
    return tuple(out)
