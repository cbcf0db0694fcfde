"""`okrctl check`: load, run every rule, apply the repository's rule settings, summarise."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from okrctl.core.codes import CODES, code_of, make
from okrctl.core.diagnostics import Diagnostic, Severity, Suppression, did_you_mean
from okrctl.core.i18n import msg
from okrctl.load.config import CONFIG_NAME, Config, load_config
from okrctl.load.repository import Repository, load_repository
from okrctl.rules.context import Context, alignment_stats
from okrctl.rules.registry import all_rules

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
    for word, setting in repo.config.rule_settings.items():
        code = code_of(word)
        if code is None:
            names = [*CODES, *(name for name, _ in CODES.values())]
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
        grades[code] = None if value == "off" else Severity.parse(value)
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
    repo: Repository,
    diagnostics: list[Diagnostic],
    ran: Callable[[str], bool] | None,
    *,
    comments: dict[str, tuple[Suppression, ...]] | None = None,
) -> list[Diagnostic]:
    """``diagnostics`` as the repository wants them reported: suppression comments
    applied (and those that silence nothing reported, for the rules ``ran`` says ran;
    None: none), then okrctl.yaml's ``rules:`` settings."""
    from okrctl.rules.suppress import suppress

    return apply_settings(repo, suppress(repo, diagnostics, ran, comments=comments))


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

        ctx.data = MetricData(repo.config, share=share, strict=False)
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

    Without ``changed_since`` the check is incremental (rules/incremental.py): only what
    changed since the last run is parsed and judged again, unless ``use_cache`` is off.
    With ``changed_since`` (a git revision) only the diagnostics the change answers for
    are reported (git/scope.py says which); REV's side is the working tree's state with
    the change undone (rules/since.py), or a whole run where that cannot be told. With
    ``data`` the metric files the goals read are checked too (as of ``as_of``, default
    today). With ``paths`` (files or folders, as given on the command line) only the
    diagnostics in them are reported; one outside the repository, missing, or a file
    okrctl does not read is a ``UsageError``. Without ``freshness`` the age of the data
    (D006, stale data) is not judged: a pull request that touches goal files is not failed
    by an export that aged since (docs/ci.md, "Data freshness belongs to the scheduled
    job").
    """
    day = as_of or dt.date.today()
    config = load_config(start)
    if not config.has_errors():
        if changed_since is None:
            return _check_all(
                config,
                use_cache=use_cache,
                data=data,
                as_of=day,
                paths=paths,
                freshness=freshness,
            )
        result = _check_changed(
            config,
            changed_since,
            use_cache=use_cache,
            data=data,
            as_of=day,
            paths=paths,
            freshness=freshness,
        )
        if result is not None:
            return result
    return check_whole(
        start,
        changed_since=changed_since,
        use_cache=use_cache,
        data=data,
        as_of=day,
        paths=paths,
        freshness=freshness,
    )


def check_whole(
    start: Path,
    *,
    changed_since: str | None,
    use_cache: bool,
    data: bool,
    as_of: dt.date,
    paths: list[Path] | None = None,
    freshness: bool = True,
) -> CheckResult:
    """`check` judging the whole graph (at both revisions with ``changed_since``): the
    answer for a broken okrctl.yaml, and for a change the incremental way cannot undo."""
    day = as_of
    repo = load_repository(start, use_cache=use_cache)
    chosen = None if paths is None else selection(repo.root, _known(repo.config, repo), paths)
    ctx, diagnostics = diagnose(repo, data=data, as_of=day)
    if changed_since is not None:
        from okrctl.git.scope import ChangeScope

        scope = ChangeScope.since(repo, changed_since)
        shared = ctx.data if ctx is not None else None
        _, before = diagnose(scope.base, data=data, as_of=day, share=shared)
        diagnostics = scope.select(repo, diagnostics, before)
    diagnostics = _narrowed(diagnostics, chosen, freshness)
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
        lang=repo.config.lang,
        paths=chosen or (),
    )


def _within(file: str, chosen: tuple[str, ...]) -> bool:
    return any(c == "." or file == c or file.startswith(c + "/") for c in chosen)


def selection(root: Path, known: set[str], paths: list[Path]) -> tuple[str, ...]:
    """``paths`` (relative to the working directory) as repository-relative posix paths;
    "." for the root. Each must exist inside the repository; a file must be one okrctl
    reads: a goal file, okrctl.yaml, or a metric source's file."""
    from okrctl.core.errors import UsageError

    root = root.resolve()
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


def full_order(diagnostic: Diagnostic) -> tuple[str, int, int, str, str, int, str]:
    """The order diagnostics are reported in: place, code and message, then severity and
    hint, so that any two runs finding the same diagnostics print them alike."""
    return (*diagnostic.sort_key(), int(diagnostic.severity), diagnostic.hint or "")


def _check_changed(
    config: Config,
    revision: str,
    *,
    use_cache: bool,
    data: bool,
    as_of: dt.date,
    paths: list[Path] | None,
    freshness: bool,
) -> CheckResult | None:
    """`check --changed-since` at the cost of the change (rules/since.py); None when both
    sides must be judged whole."""
    from okrctl.git.changed import changed_files
    from okrctl.git.scope import ChangeScope
    from okrctl.load.repository import discover
    from okrctl.rules.since import judge_both

    changed = changed_files(config.root, revision)  # first: a bad revision says so
    found, problems = discover(config)
    chosen = None if paths is None else selection(config.root, _known(config, found), paths)
    judged = judge_both(
        config, found, revision, changed, data=data, as_of=as_of, use_cache=use_cache
    )
    if judged is None:
        return None
    repo = Repository(config, (), tuple(problems))
    ran = _ran(data)
    head = [*config.diagnostics, *problems, *judged.head]
    diagnostics = settle(repo, head, ran, comments=_with_config(config, judged.comments))
    before_raw = [*config.diagnostics, *judged.before]
    base_comments = _with_config(config, judged.base_comments)
    before = settle(Repository(config, ()), before_raw, ran, comments=base_comments)
    scope = ChangeScope(revision, frozenset(changed), judged.base)
    diagnostics = scope.select(judged.head_changed, diagnostics, before, located=judged.files)
    diagnostics = _narrowed(diagnostics, chosen, freshness)
    diagnostics.sort(key=full_order)
    return CheckResult(
        root=config.root,
        diagnostics=tuple(diagnostics),
        summary=Summary(*judged.totals),
        config_broken=False,
        changed_only=True,
        lang=config.lang,
        paths=chosen or (),
    )


def _ran(data: bool) -> Callable[[str], bool]:
    """Which rules ran: all of them, or all but the data contracts under ``--no-data``."""
    return (lambda code: True) if data else (lambda code: not code.startswith("D"))


def _with_config(
    config: Config, comments: dict[str, tuple[Suppression, ...]]
) -> dict[str, tuple[Suppression, ...]]:
    """The goal files' suppression comments, and okrctl.yaml's."""
    out = dict(comments)
    if config.suppressions:
        out[CONFIG_NAME] = config.suppressions
    return out


def _check_all(
    config: Config,
    *,
    use_cache: bool,
    data: bool,
    as_of: dt.date,
    paths: list[Path] | None,
    freshness: bool,
) -> CheckResult:
    """`okrctl check` of a repository whose okrctl.yaml is sound, through the recorded
    state of the last run (rules/incremental.py); suppression comments, ``paths`` and
    ``freshness`` apply as on the whole path."""
    from okrctl.rules.incremental import run

    outcome = run(config, None, data=data, as_of=as_of, use_cache=use_cache)
    found, problems = outcome.paths, outcome.problems
    chosen = None if paths is None else selection(config.root, _known(config, found), paths)
    repo = Repository(config, (), tuple(problems))
    raw = [*config.diagnostics, *problems, *outcome.diagnostics]
    comments = _with_config(config, outcome.suppressions)
    diagnostics = settle(repo, raw, _ran(data), comments=comments)
    diagnostics = _narrowed(diagnostics, chosen, freshness)
    diagnostics.sort(key=full_order)
    return CheckResult(
        root=config.root,
        diagnostics=tuple(diagnostics),
        summary=Summary(*outcome.totals),
        config_broken=False,
        lang=config.lang,
        paths=chosen or (),
    )


def _narrowed(
    diagnostics: list[Diagnostic], chosen: tuple[str, ...] | None, freshness: bool
) -> list[Diagnostic]:
    """Only the diagnostics in the ``chosen`` files or folders (None: all), and without
    those judging the data's age unless ``freshness``."""
    if chosen is not None:
        diagnostics = [d for d in diagnostics if _within(d.file, chosen)]
    if not freshness:
        diagnostics = [d for d in diagnostics if d.code not in FRESHNESS_CODES]
    return diagnostics


def _known(config: Config, goal_files: Iterable[str] | Repository) -> set[str]:
    """The files `check PATH` accepts: goal files, okrctl.yaml, metric files."""
    paths = [f.path for f in goal_files.files] if isinstance(goal_files, Repository) else goal_files
    known = {*paths, CONFIG_NAME, config.checkins}
    return known | {source.path for source in config.metrics.values()}
