"""What the reporting commands share: the repository, its indexes, its metric data, and
the cycle and date they report on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from okrctl.core.diagnostics import Diagnostic, Severity, did_you_mean
from okrctl.core.errors import ConfigError, InvalidRepository, UsageError
from okrctl.core.model import Cycle
from okrctl.load.config import Config
from okrctl.load.repository import Repository, load_repository
from okrctl.metrics.engine import MetricData
from okrctl.rules.context import Context


@dataclass
class Workspace:
    repo: Repository
    ctx: Context
    data: MetricData
    frozen: str | None = None  # the lock file whose numbers a closed cycle shows

    @property
    def config(self) -> Config:
        return self.repo.config


def open_workspace(start: Path, *, use_cache: bool = True, validate: bool = True) -> Workspace:
    """The repository around ``start``, ready to compute from. With ``validate`` (every
    command that computes numbers) a repository with errors is refused
    (``InvalidRepository``): docs/output.md, "Invalid repositories"."""
    repo = load_repository(start, use_cache=use_cache)
    ctx = context(repo, validate=validate)
    return Workspace(repo, ctx, MetricData(repo.config))


# The errors that reach the arithmetic: a file not read (Y; C002, a goal file linked from
# outside the repository; okrctl.yaml's own C errors refuse every command already), a value
# of the wrong shape (S), weights or a scoring standard that cannot be applied (W), an id
# that names two goals (A001, A002), a goal in no known cycle (A009), a scorecard measure or
# a metric source that names nothing (B001, M001). Alignment and strategy-map errors are
# not among them: the report measures alignment, and its numbers do not depend on it.
_FAMILIES_THAT_COMPUTE = ("Y", "S", "W", "C")
_CODES_THAT_COMPUTE = frozenset({"A001", "A002", "A009", "B001", "M001"})


def reaches_the_numbers(diagnostic: Diagnostic) -> bool:
    """Whether an error makes numbers computed from the repository untrustworthy."""
    code = diagnostic.code
    return code.startswith(_FAMILIES_THAT_COMPUTE) or code in _CODES_THAT_COMPUTE


def context(repo: Repository, *, validate: bool = True) -> Context:
    """The indexes of ``repo``; a broken okrctl.yaml is a ``ConfigError``. With
    ``validate``, an error that reaches the numbers (``reaches_the_numbers``, as
    `okrctl check --no-data` reports it, the repository's `rules:` settings applied) is an
    ``InvalidRepository``: it could give a wrong number, or none at all."""
    broken = [d for d in repo.config.diagnostics if d.severity is Severity.ERROR]
    if broken:
        first = broken[0]
        raise ConfigError(
            first.message,
            hint=(first.hint or "") + ("; " if first.hint else "") + "run `okrctl check`",
            file=first.file,
            line=first.line,
            column=first.column,
        )
    ctx = Context.build(repo)
    if validate:
        from okrctl.rules.runner import run_rules, settle

        errors = [
            d
            for d in settle(repo, run_rules(repo, ctx), None)
            if d.severity is Severity.ERROR and reaches_the_numbers(d)
        ]
        if errors:
            raise InvalidRepository(sorted(errors, key=Diagnostic.sort_key))
    return ctx


def open_view(
    repo: Path | None, cycle_id: str | None, day: dt.date | None, unit: str | None = None
) -> tuple[Workspace, Cycle, dt.date]:
    """What a reporting command (status, score, report) looks at: the repository, the
    cycle (``cycle_id`` or the one containing ``day``, default today) and the as-of date;
    ``unit`` must name (by id or name) a unit okrctl.yaml declares. ``UsageError`` for an
    unknown cycle or unit, ``ConfigError`` when okrctl.yaml declares no cycle."""
    workspace = open_workspace((repo or Path.cwd()).resolve())
    today = dt.date.today()
    cycle = choose_cycle(workspace.config, cycle_id, day or today)
    if unit is not None:
        resolve_unit(workspace.config, unit)
    when = report_date(cycle, day, today)
    from okrctl.evaluate.frozen import frozen_data

    frozen = frozen_data(workspace.config, cycle.id, when)
    if frozen is not None:  # a closed cycle: its numbers as `okrctl close` froze them
        workspace.data, workspace.frozen = frozen, frozen.name
    return workspace, cycle, when


def _choose(kind: str, option: str, word: str, names: dict[str, str]) -> str:
    """The id ``word`` names among ``names`` (id -> display name): an id, else a display
    name (case-insensitive); ``UsageError`` listing the valid choices otherwise."""
    if word in names:
        return word
    folded = word.casefold()
    matches = [i for i, name in names.items() if name.casefold() == folded]
    matches = matches or [i for i in names if i.casefold() == folded]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(i if names[i] == i else f"{i} ({names[i]})" for i in sorted(names))
    pool = list(names) + [n for n in names.values() if n]
    if matches:
        raise UsageError(
            f"{option} {word!r} names more than one {kind}: {', '.join(sorted(matches))}",
            hint=f"use the id; {kind}s: {choices}",
        )
    raise UsageError(
        f"{option}: no {kind} {word!r}{did_you_mean(word, pool)}",
        hint=f"{kind}s: {choices}" if names else f"no {kind} is declared in okrctl.yaml",
    )


def resolve_unit(config: Config, word: str) -> str:
    """The unit id ``--unit`` names: a unit id or its ``name:`` from okrctl.yaml. Without
    declared units any word is kept (goals may name units okrctl.yaml does not list)."""
    if not config.units:
        return word
    return _choose("unit", "--unit", word, {u.id: u.name or u.id for u in config.units.values()})


def resolve_owner(config: Config, ctx: Context, word: str) -> str:
    """The person id ``--owner`` names: an id or a display name from okrctl.yaml's
    ``people:``, among the people declared there and the owners the goals name."""
    names = {pid: person.name or pid for pid, person in config.people.items()}
    owners = [o.owner for o in ctx.all_objectives()] + [k.owner for k in ctx.all_kpis()]
    owners += [kr.owner for o in ctx.all_objectives() for kr in o.key_results]
    for owner in owners:
        if owner and owner not in names:
            names[owner] = owner
    for unit in config.units.values():
        if unit.lead and unit.lead not in names:
            names[unit.lead] = unit.lead
    return _choose("owner", "--owner", word, names)


def choose_cycle(config: Config, cycle_id: str | None, as_of: dt.date) -> Cycle:
    from okrctl.evaluate.evaluator import default_cycle

    if cycle_id is not None:
        cycle = config.cycles.get(cycle_id)
        if cycle is None:
            raise UsageError(
                f"no cycle '{cycle_id}'{did_you_mean(cycle_id, config.cycles)}",
                hint="cycles: " + ", ".join(config.cycles) if config.cycles else None,
            )
        return cycle
    cycle = default_cycle(config, as_of)
    if cycle is None:
        raise ConfigError(
            "okrctl.yaml defines no cycles", hint="add `cycles:` to okrctl.yaml", file="okrctl.yaml"
        )
    return cycle


def report_date(cycle: Cycle, as_of: dt.date | None, today: dt.date) -> dt.date:
    """The as-of date: given, else today, but the cycle end once the cycle is over."""
    if as_of is not None:
        return as_of
    return min(today, cycle.end)
