"""Commands that write goal files: `fmt`, `new`, `init`, `roll`."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okrctl.cli import complete
from okrctl.cli.base import (
    DebugOption,
    LangOption,
    RepoOption,
    app,
    choose_language,
    parse_day,
    repository_language,
)
from okrctl.cli.errors import EXIT_FINDINGS, EXIT_USAGE, handle_errors
from okrctl.core.i18n import N_
from okrctl.core.plural import counted

if TYPE_CHECKING:
    from okrctl.edit.fmt import Formatted
    from okrctl.edit.newgoal import Added

DIFF_LINES = 20  # of a file's diff that `fmt --check` prints


@app.command()
@handle_errors
def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files to format. Default: okrctl.yaml and every goal file.", show_default=False
        ),
    ] = None,
    repo: RepoOption = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Change nothing; exit 1 and list the files that would change, why, and "
            f"the first {DIFF_LINES} lines of the diff.",
        ),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option("--diff", help="Like --check, with the whole unified diff of each file."),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Put goal files and okrctl.yaml in canonical key order and layout, keeping comments
    and line endings."""
    from okrctl.core.errors import UsageError
    from okrctl.edit.fmt import format_files
    from okrctl.load.config import CONFIG_NAME, find_root, inside, load_config
    from okrctl.load.repository import discover
    from okrctl.render.escape import one_line

    root = find_root((repo or Path.cwd()).resolve())
    if paths:
        chosen = []
        for path in paths:
            absolute = path if path.is_absolute() else (repo or Path.cwd()) / path
            try:
                relative = absolute.resolve().relative_to(root).as_posix()
            except ValueError:
                raise UsageError(f"{path} is outside the goals repository {root}") from None
            if not inside(root, relative) or not (root / relative).is_file():
                raise UsageError(f"{path}: no such file in the goals repository")
            chosen.append(relative)
    else:
        found, _ = discover(load_config(root))
        chosen = [CONFIG_NAME, *found]
    check = check or diff
    result = format_files(root, chosen, check=check)
    for name in result.changed:
        _report_formatted(name, result.details[name], check=check, full_diff=diff)
    for name, reason in result.skipped:
        sys.stderr.write(f"okrctl: skipped {one_line(name)}: {one_line(reason)}\n")
    done = "would be reformatted" if check else "reformatted"
    sys.stdout.write(
        f"{counted(len(result.changed), 'file')} {done}, {len(result.unchanged)} "
        f"unchanged, {len(result.skipped)} skipped\n"
    )
    if result.skipped:
        raise typer.Exit(EXIT_USAGE)
    if check and result.changed:
        raise typer.Exit(EXIT_FINDINGS)


def _report_formatted(name: str, formatted: Formatted, *, check: bool, full_diff: bool) -> None:
    """``would reformat FILE: why`` and the diff (--check), or ``reformatted FILE``."""
    from okrctl.render.escape import one_line, terminal

    if not check:
        note = f" ({formatted.style.describe()}: now all {formatted.style.name})"
        sys.stdout.write(f"reformatted {one_line(name)}{note if formatted.style.mixed else ''}\n")
        return
    where = f"; first change at line {formatted.first_line}" if formatted.first_line else ""
    why = ", ".join(formatted.reasons)
    sys.stdout.write(f"would reformat {one_line(name)}: {why}{where}\n")
    lines = formatted.diff if full_diff else formatted.diff[:DIFF_LINES]
    for line in lines:
        sys.stdout.write(terminal(line) + "\n")
    more = len(formatted.diff) - len(lines)
    if more > 0:
        sys.stdout.write(f"... {more} more diff lines: okrctl fmt --diff {one_line(name)}\n")


new_app = typer.Typer(
    help="Add an objective, a key result or a KPI to the right goal file.", no_args_is_help=True
)
app.add_typer(new_app, name="new")


def _language(repo: Path | None, lang: str | None) -> str:
    """The language of `new`'s questions and messages: --lang, then the repository's
    ``lang:``, then the locale (``choose_language``)."""
    from okrctl.load.config import find_root

    if lang is not None:
        return choose_language(lang, None)
    return repository_language(None, find_root((repo or Path.cwd()).resolve()))


def _ask(
    value: str | None, option: str, question: str, lang: str, *, required: bool = True
) -> str | None:
    """The option's value, else ``question`` (in ``lang``) on a terminal, else a usage
    error if required."""
    from okrctl.core.i18n import tr

    if value is not None or not required:
        return value
    if sys.stdin.isatty() and sys.stdout.isatty():
        answer: str = typer.prompt(tr(question, lang))
        return answer
    from okrctl.core.errors import UsageError

    raise UsageError(
        tr("{option} is required", lang, option=option),
        hint=tr("pass it, or run on a terminal to be asked", lang),
    )


# the kinds `new` adds, by the name it prints in English, as other languages say them
_KINDS = {"objective": N_("objective"), "kr": N_("key result"), "kpi": N_("KPI")}


def _report_added(added: Added, lang: str) -> None:
    from okrctl.core.i18n import tr
    from okrctl.render.escape import one_line

    message = tr(
        "added {kind} {id} to {path}",
        lang,
        kind=added.kind if lang == "en" else tr(_KINDS[added.kind], lang),
        id=one_line(added.ident),
        path=one_line(added.path),
    )
    new_file = tr(" (new file)", lang) if added.created_file else ""
    sys.stdout.write(message + new_file + "\n")


def _insert(
    repo: Path | None, kind: str, fields: Mapping[str, object], file: str | None, lang: str
) -> None:
    from okrctl.core.errors import UsageError
    from okrctl.core.i18n import tr
    from okrctl.edit.newgoal import InvalidEntry, add
    from okrctl.load.config import find_root, inside
    from okrctl.render.check_text import render_plain

    root = find_root((repo or Path.cwd()).resolve())
    if file is not None and not inside(root, file):
        raise UsageError(tr("--file {file} is outside the goals repository", lang, file=file))
    try:
        added = add(root, kind, fields, file=file)
    except InvalidEntry as invalid:
        from okrctl.rules.runner import CheckResult, Summary

        result = CheckResult(
            root, tuple(invalid.diagnostics), Summary(0, 0, 0, 0, 0, 0, 0, 0, 0), False
        )
        refused = tr("the entry would make the goals invalid; nothing was written", lang)
        sys.stderr.write(f"okrctl: {refused}\n")
        render_plain(result, sys.stderr, quiet=True, lang=lang)
        raise typer.Exit(EXIT_FINDINGS) from None
    _report_added(added, lang)


@new_app.command("objective")
@handle_errors
def new_objective(
    ident: Annotated[
        str | None, typer.Option("--id", help="Objective id.", show_default=False)
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="The objective.", show_default=False)
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", show_default=False)] = None,
    unit: Annotated[str | None, typer.Option("--unit", show_default=False)] = None,
    level: Annotated[str | None, typer.Option("--level", show_default=False)] = None,
    cycle: Annotated[str | None, typer.Option("--cycle", show_default=False)] = None,
    aligns_to: Annotated[
        str | None, typer.Option("--aligns-to", metavar="OBJ[/KR]", show_default=False)
    ] = None,
    goal_type: Annotated[
        str | None, typer.Option("--type", help="committed or aspirational.", show_default=False)
    ] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            help="Goal file to add it to. Default: the file of the unit's goals.",
            show_default=False,
        ),
    ] = None,
    repo: RepoOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Add an objective."""
    language = _language(repo, lang)
    fields = {
        "id": _ask(ident, "--id", N_("Id (e.g. MKT-2)"), language),
        "title": _ask(title, "--title", N_("Title"), language),
        "owner": owner,
        "unit": unit,
        "level": level,
        "cycle": cycle,
        "aligns_to": aligns_to,
        "type": goal_type,
    }
    _insert(repo, "objective", fields, file, language)


@new_app.command("kr")
@handle_errors
def new_kr(
    objective: Annotated[
        str,
        typer.Argument(metavar="OBJ", help="The objective.", autocompletion=complete.objectives),
    ],
    ident: Annotated[
        str | None, typer.Option("--id", help="Key result id.", show_default=False)
    ] = None,
    title: Annotated[str | None, typer.Option("--title", show_default=False)] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", metavar="SOURCE:METRIC", show_default=False)
    ] = None,
    aggregate: Annotated[str | None, typer.Option("--aggregate", show_default=False)] = None,
    baseline: Annotated[str | None, typer.Option("--baseline", show_default=False)] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help="e.g. 2000000, 45%, 200万, +30%.", show_default=False),
    ] = None,
    at_least: Annotated[str | None, typer.Option("--at-least", show_default=False)] = None,
    at_most: Annotated[str | None, typer.Option("--at-most", show_default=False)] = None,
    milestone: Annotated[
        bool, typer.Option("--milestone", help="A done-or-not key result.")
    ] = False,
    weight: Annotated[str | None, typer.Option("--weight", show_default=False)] = None,
    repo: RepoOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Add a key result to an objective."""
    language = _language(repo, lang)
    needs_target = not milestone and at_least is None and at_most is None
    fields: dict[str, object] = {
        "objective": objective,
        "id": _ask(ident, "--id", N_("Id (e.g. users)"), language),
        "title": title,
        "metric": metric,
        "aggregate": aggregate,
        "baseline": baseline,
        "target": _ask(
            target, "--target", N_("Target (e.g. 200万)"), language, required=needs_target
        ),
        "at_least": at_least,
        "at_most": at_most,
        "milestone": milestone or None,
        "done": False if milestone else None,
        "weight": weight,
    }
    _insert(repo, "kr", fields, None, language)


@new_app.command("kpi")
@handle_errors
def new_kpi(
    ident: Annotated[str | None, typer.Option("--id", help="KPI id.", show_default=False)] = None,
    title: Annotated[str | None, typer.Option("--title", show_default=False)] = None,
    target: Annotated[str | None, typer.Option("--target", show_default=False)] = None,
    owner: Annotated[str | None, typer.Option("--owner", show_default=False)] = None,
    unit: Annotated[str | None, typer.Option("--unit", show_default=False)] = None,
    cycle: Annotated[str | None, typer.Option("--cycle", show_default=False)] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", metavar="SOURCE:METRIC", show_default=False)
    ] = None,
    aggregate: Annotated[str | None, typer.Option("--aggregate", show_default=False)] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="monthly, quarterly or cycle.", show_default=False),
    ] = None,
    direction: Annotated[
        str | None, typer.Option("--direction", help="higher or lower.", show_default=False)
    ] = None,
    weight: Annotated[str | None, typer.Option("--weight", show_default=False)] = None,
    supports: Annotated[
        str | None, typer.Option("--supports", metavar="OBJ/KR", show_default=False)
    ] = None,
    file: Annotated[str | None, typer.Option("--file", show_default=False)] = None,
    repo: RepoOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Add a KPI."""
    language = _language(repo, lang)
    fields = {
        "id": _ask(ident, "--id", N_("Id (e.g. KPI-SALES)"), language),
        "title": _ask(title, "--title", N_("Title"), language),
        "target": _ask(target, "--target", N_("Target"), language),
        "owner": owner,
        "unit": unit,
        "cycle": cycle,
        "metric": metric,
        "aggregate": aggregate,
        "period": period,
        "direction": direction,
        "weight": weight,
        "supports": supports,
    }
    _insert(repo, "kpi", fields, file, language)


@app.command()
@handle_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the repository.")] = Path("."),
    template: Annotated[
        str,
        typer.Option(
            "--template",
            help="Company stage: startup (OKRs), growth (OKRs + KPIs) or mature (KPIs + BSC).",
        ),
    ] = ("growth"),
    industry: Annotated[
        str, typer.Option("--industry", help="saas, ecommerce, manufacturing, retail or education.")
    ] = "saas",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Start a goals repository from a template: okrctl.yaml, goals, sample metrics, schemas,
    a CI workflow and a pre-commit config."""
    import datetime as dt

    from okrctl.core.i18n import tr
    from okrctl.edit.init import write
    from okrctl.render.escape import one_line

    # the repository does not exist yet: --lang, else the locale
    language = choose_language(lang, None)
    created = write(directory, template, industry, dt.date.today(), force=force)
    made = tr(
        "created a {template} {industry} goals repository in {directory}:",
        language,
        template=template,
        industry=industry,
        directory=one_line(str(directory)),
    )
    sys.stdout.write(made + "\n")
    for path in created:
        sys.stdout.write(f"  {path}\n")
    sys.stdout.write(tr("next: {commands}", language, commands="okrctl check && okrctl status"))
    sys.stdout.write("\n")


@app.command()
@handle_errors
def roll(
    source: Annotated[
        str,
        typer.Argument(metavar="FROM", help="The cycle that ends.", autocompletion=complete.cycles),
    ],
    target: Annotated[
        str,
        typer.Argument(metavar="TO", help="The cycle to start.", autocompletion=complete.cycles),
    ],
    repo: RepoOption = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include", help="Also carry this objective (repeatable).", show_default=False
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Use the values observed up to this date. Default: today, or the end of "
            "FROM once it is over.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; write nothing.")] = (
        False
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Start cycle TO from FROM: carry unfinished aspirational goals with new baselines.

    Every carried key result is listed with its baseline and target, old -> new, and
    where the new value comes from."""
    import datetime as dt

    from okrctl.edit.roll import plan_roll, write_roll
    from okrctl.evaluate.workspace import open_workspace
    from okrctl.metrics.rejected import by_file, row_note, warnings_for
    from okrctl.render.escape import one_line

    workspace = open_workspace((repo or Path.cwd()).resolve())
    day = parse_day(as_of, "--as-of") or dt.date.today()
    plan = plan_roll(workspace, source, target, include or [], day)
    out = sys.stdout
    out.write(f"values observed up to {plan.as_of}\n")
    for c in plan.carried:
        progress = "no data" if c.progress is None else f"{c.progress * 100:.0f}%"
        out.write(
            f"carry {one_line(c.old)} ({progress}) -> {one_line(c.new)} in "
            f"{one_line(c.file)}; alignment {c.alignment}\n"
        )
        for kr in c.dropped_krs:
            out.write(f"    {one_line(kr)}: reached, left behind\n")
        for change in c.changes:
            note = row_note(c.rejected.get(change.kr, ())) if change.field == "baseline" else None
            out.write(
                f"    {one_line(change.kr)}: {change.field} {one_line(change.old)}"
                + (" unchanged" if change.new is None else f" -> {one_line(change.new)}")
                + (f" ({one_line(change.why)})" if change.why else "")
                + (f"  ({one_line(note)})" if note else "")
                + "\n"
            )
    for ident, why in plan.skipped:
        out.write(f"leave {one_line(ident)} ({why})\n")
    for warning in by_file(
        warnings_for((c.old + "/" + kr, r) for c in plan.carried for kr, r in c.rejected.items())
    ):
        out.write(f"! {one_line(warning.message)}\n")
    dropped = [c.new for c in plan.carried if c.alignment == "dropped"]
    if dropped:
        out.write(f"align by hand: {', '.join(dropped)} (their parents stay in {source})\n")
    if dry_run:
        out.write(f"dry run: {counted(len(plan.files), 'file')} would be written\n")
        return
    write_roll(workspace.config.root, plan, force=force)
    out.write(f"wrote {counted(len(plan.files), 'file')}; next: okrctl check\n")
