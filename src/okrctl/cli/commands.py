"""Command definitions. Each command parses options and hands over to the core."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okrctl import __version__
from okrctl.cli.errors import handle_errors

if TYPE_CHECKING:
    from okrctl.newgoal import Added

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Goals as code: OKRs, KPIs and Balanced Scorecards as YAML in git.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

RepoOption = Annotated[
    Path | None,
    typer.Option(
        "-C",
        "--repo",
        help="Run as if started in this directory (okrctl.yaml is found from there upwards).",
        show_default=False,
    ),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"okrctl {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Goals as code: OKRs, KPIs and Balanced Scorecards as YAML in git."""


class CheckFormat(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


def use_color(no_color: bool) -> bool:
    """Color on a terminal, unless --no-color or NO_COLOR; FORCE_COLOR forces it."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


@app.command()
@handle_errors
def check(
    repo: RepoOption = None,
    format: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format. Default: github when GITHUB_ACTIONS is set, else text.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")] = False,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REV",
            help="Validate everything, report only diagnostics in files changed since REV.",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only the diagnostics: no hints, no summary.")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="Never use color.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse every file again; ignore .okrctl_cache/.")
    ] = False,
    no_data: Annotated[
        bool, typer.Option("--no-data", help="Skip the checks of metric files (D rules).")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Judge data freshness and cycle coverage as of this date. Default: today.",
            show_default=False,
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Validate goal files: schema, alignment, weights, references, metrics, scorecards.

    Exit status: 0 clean, 1 findings (errors; warnings too with --strict), 2 usage,
    configuration, IO or git error, 3 internal error.
    """
    import gc

    from okrctl.check import check as run_check
    from okrctl.config import find_root

    # a short-lived process holding tens of thousands of records: the cyclic collector
    # would only rescan them (30% of a large repository's run time)
    gc.disable()

    start = (repo or Path.cwd()).resolve()
    if repo is not None and not repo.is_dir():
        from okrctl.errors import UsageError

        raise UsageError(f"-C/--repo {repo}: no such directory")
    changed = None
    if changed_since is not None:
        from okrctl.gitutil import changed_files

        changed = changed_files(find_root(start), changed_since)
    from okrctl.workspace import parse_day

    day = parse_day(as_of, "--as-of") if as_of else None
    result = run_check(
        start, changed_files=changed, use_cache=not no_cache, data=not no_data, as_of=day
    )
    chosen = format or (
        CheckFormat.github if os.environ.get("GITHUB_ACTIONS") else CheckFormat.text
    )
    out = sys.stdout
    if chosen is CheckFormat.json:
        from okrctl.render.check_json import render_json

        render_json(result, out)
    elif chosen is CheckFormat.sarif:
        from okrctl.render.check_sarif import render_sarif

        render_sarif(result, out)
    elif chosen is CheckFormat.github:
        from okrctl.render.check_github import append_job_summary, render_github

        render_github(result, out)
        append_job_summary(result)
    else:
        from okrctl.render.check_text import render_plain, render_rich

        color = use_color(no_color)
        if color:
            render_rich(result, out, quiet=quiet, color=True)
        else:
            render_plain(result, out, quiet=quiet)
    out.flush()
    raise typer.Exit(result.exit_code(strict))


@app.command()
@handle_errors
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the schema files into this directory.", show_default=False
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Argument(help="Print only this schema (e.g. goals.schema.json).", show_default=False),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Print or write the JSON Schemas of okrctl.yaml and goal files (for editors)."""
    import json

    from okrctl.errors import UsageError
    from okrctl.schemadef import SCHEMAS

    if name is not None and name not in SCHEMAS:
        raise UsageError(f"no schema named '{name}'", hint="one of: " + ", ".join(SCHEMAS))
    chosen = {name: SCHEMAS[name]} if name else SCHEMAS
    if output is None:
        for schema_name, body in chosen.items():
            if len(chosen) > 1:
                sys.stdout.write(f"// {schema_name}\n")
            sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        return
    from okrctl.fileio import write_atomic

    output.mkdir(parents=True, exist_ok=True)
    for schema_name, body in chosen.items():
        write_atomic(output / schema_name, json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        sys.stderr.write(f"wrote {output / schema_name}\n")


@app.command()
@handle_errors
def rules(
    code: Annotated[
        str | None,
        typer.Argument(help="A rule code or name: print its documentation.", show_default=False),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """List the rules `okrctl check` applies, or explain one."""
    from okrctl.errors import UsageError
    from okrctl.render.escape import one_line
    from okrctl.ruledocs import rule_text
    from okrctl.rules.registry import all_rules, lookup

    if code is not None:
        info = lookup(code)
        if info is None:
            from okrctl.diagnostics import did_you_mean

            known = list(all_rules())
            raise UsageError(f"no rule '{one_line(code)}'{did_you_mean(code, known)}")
        sys.stdout.write(rule_text(info))
        return
    for _, info in sorted(all_rules().items()):
        sys.stdout.write(
            f"{info.code}  {info.severity.label:<7}  {info.name:<24}  {info.summary}\n"
        )


class StatusFormat(enum.StrEnum):
    text = "text"
    json = "json"


class StatusGrouping(enum.StrEnum):
    alignment = "alignment"
    perspective = "perspective"


CycleOption = Annotated[
    str | None,
    typer.Option(
        "--cycle",
        help="Cycle to report on. Default: the shortest one containing the as-of date.",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Report as of this date. Default: today, or the cycle end once the cycle is over.",
        show_default=False,
    ),
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="Never use color.")]


@app.command()
@handle_errors
def status(
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Only this unit and the units below it.", show_default=False),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this owner's goals.", show_default=False)
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="Only goals at this level.", show_default=False)
    ] = None,
    only_status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="Only goals with this status: green, yellow, red, grey (repeatable).",
            show_default=False,
        ),
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth", min=1, help="Show this many levels of objectives.", show_default=False
        ),
    ] = None,
    behind: Annotated[
        bool,
        typer.Option("--behind", help="Only what is behind pace; exit 1 when anything is red."),
    ] = False,
    by: Annotated[
        StatusGrouping,
        typer.Option("--by", help="alignment (the cascade) or perspective (Balanced Scorecard)."),
    ] = StatusGrouping.alignment,
    format: Annotated[StatusFormat, typer.Option("--format", "-f", help="Output format.")] = (
        StatusFormat.text
    ),
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Progress of every goal as a tree: company -> department -> team -> individual."""
    import datetime as dt
    import gc

    from okrctl.errors import UsageError
    from okrctl.evaluate import evaluate
    from okrctl.progress import Status
    from okrctl.status import Filters, build, build_by_perspective
    from okrctl.workspace import choose_cycle, open_workspace, parse_day, report_date

    gc.disable()
    statuses = set()
    for word in only_status or []:
        try:
            statuses.add(Status(word.lower()))
        except ValueError:
            raise UsageError(f"--status {word!r}: use green, yellow, red or grey") from None
    workspace = open_workspace((repo or Path.cwd()).resolve())
    today = dt.date.today()
    day = parse_day(as_of, "--as-of") if as_of else None
    chosen = choose_cycle(workspace.config, cycle, day or today)
    when = report_date(chosen, day, today)
    if unit is not None and workspace.config.units and unit not in workspace.config.units:
        from okrctl.diagnostics import did_you_mean

        raise UsageError(f"no unit '{unit}'{did_you_mean(unit, workspace.config.units)}")
    evaluation = evaluate(workspace.ctx, workspace.data, chosen, when)
    tree = (build_by_perspective if by is StatusGrouping.perspective else build)(
        workspace.ctx,
        evaluation,
        Filters(
            unit=unit,
            owner=owner,
            level=level,
            status=frozenset(statuses),
            depth=depth,
            behind=behind,
        ),
    )
    if format is StatusFormat.json:
        from okrctl.render.status_json import render as render_json

        render_json(tree, sys.stdout)
    else:
        from okrctl.render.status_text import render as render_text

        render_text(tree, sys.stdout, color=use_color(no_color))
    errors = workspace.file_errors()
    if errors and format is StatusFormat.text:
        sys.stderr.write(f"okrctl: {errors} error(s) in goal files; run `okrctl check`\n")
    sys.stdout.flush()
    if behind and tree.counts.get("red"):
        raise typer.Exit(1)


@app.command()
@handle_errors
def explain(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="An objective (CO-1), a key result (CO-1/users) or a KPI."
        ),
    ],
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    debug: DebugOption = False,
) -> None:
    """How a number was computed: formula, inputs, the data rows used, pace and status."""
    import datetime as dt

    from okrctl.explain import explain as run_explain
    from okrctl.render.explain_text import render
    from okrctl.workspace import open_workspace, parse_day

    workspace = open_workspace((repo or Path.cwd()).resolve())
    day = parse_day(as_of, "--as-of") if as_of else dt.date.today()
    render(run_explain(workspace, ident, day), sys.stdout)


@app.command()
@handle_errors
def checkin(
    ident: Annotated[str, typer.Argument(metavar="OBJ/KR", help="The key result.")],
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE",
            help="The value: 12, 45%, 1.2M, 200万; done or not-done for a milestone.",
        ),
    ],
    repo: RepoOption = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Date of the value. Default: today.",
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", help="A short note kept with the value.", show_default=False),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Record a manual value for a key result without a data feed."""
    import datetime as dt

    from okrctl.checkin import checkin as run_checkin
    from okrctl.render.escape import one_line
    from okrctl.render.numbers import number
    from okrctl.workspace import open_workspace, parse_day

    workspace = open_workspace((repo or Path.cwd()).resolve())
    today = dt.date.today()
    day = parse_day(date, "--date") if date else today
    result = run_checkin(workspace, ident, value, day, note, today)
    replaced = "" if result.replaced is None else f" (was {number(result.replaced)})"
    sys.stdout.write(
        f"recorded {one_line(result.kr)} = {number(result.value)} on {result.day}"
        f"{replaced} in {one_line(result.path)}\n"
    )


class ScoreFormat(enum.StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    md = "md"


def _evaluation(repo: Path | None, cycle: str | None, as_of: str | None) -> tuple[object, object]:
    """Open the repository and evaluate the chosen cycle on the chosen date."""
    import datetime as dt
    import gc

    from okrctl.evaluate import evaluate
    from okrctl.workspace import choose_cycle, open_workspace, parse_day, report_date

    gc.disable()
    workspace = open_workspace((repo or Path.cwd()).resolve())
    today = dt.date.today()
    day = parse_day(as_of, "--as-of") if as_of else None
    chosen = choose_cycle(workspace.config, cycle, day or today)
    return workspace, evaluate(
        workspace.ctx, workspace.data, chosen, report_date(chosen, day, today)
    )


def _refuse_bad_weights(workspace: object) -> None:
    """Scores from weights that do not add up would be wrong: refuse, saying where."""
    from okrctl.diagnostics import Severity
    from okrctl.errors import ConfigError
    from okrctl.rules.weights import kpi_weights, okr_kpi_weights, rating_bands, scorecard_weights

    ctx = workspace.ctx  # type: ignore[attr-defined]
    for rule in (scorecard_weights, kpi_weights, okr_kpi_weights, rating_bands):
        for problem in rule(ctx):
            if problem.severity is Severity.ERROR:
                raise ConfigError(
                    f"{problem.message} ({problem.code})",
                    hint="fix the weights first; `okrctl check` lists every problem",
                    file=problem.file,
                    line=problem.line or None,
                    column=problem.column or None,
                )


@app.command()
@handle_errors
def score(
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="Only scorecards of this unit and the units below it.",
            show_default=False,
        ),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this owner's scorecard.", show_default=False)
    ] = None,
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ScoreFormat.text
    ),
    synergy: Annotated[bool, typer.Option("--synergy", help="Add the OKR-KPI synergy view.")] = (
        False
    ),
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Scorecards: OKR score, KPI score, total, rating and bonus multiplier per owner or
    team, and the balanced scorecards."""
    from okrctl.render import score_out
    from okrctl.scoring import score_report

    workspace, evaluation = _evaluation(repo, cycle, as_of)
    _refuse_bad_weights(workspace)
    report = score_report(workspace.ctx, evaluation, unit=unit, owner=owner)  # type: ignore[attr-defined,arg-type]
    if format is ScoreFormat.json:
        score_out.render_json(report, sys.stdout, synergy)
    elif format is ScoreFormat.csv:
        score_out.render_csv(report, sys.stdout)
    elif format is ScoreFormat.md:
        score_out.render_markdown(report, sys.stdout, synergy)
    else:
        score_out.render_text(report, sys.stdout, color=use_color(no_color), synergy=synergy)


@app.command()
@handle_errors
def why(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A measure of a balanced scorecard (KPI or objective id)."
        ),
    ],
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    debug: DebugOption = False,
) -> None:
    """Why is this measure red? Walk the strategy map upstream to the off-track drivers."""
    from okrctl.errors import UsageError
    from okrctl.render.strategy_map import render_why
    from okrctl.scoring import why as run_why

    workspace, evaluation = _evaluation(repo, cycle, as_of)
    results = run_why(workspace.ctx, evaluation, ident)  # type: ignore[attr-defined,arg-type]
    if not results:
        raise UsageError(
            f"'{ident}' is not a measure of any balanced scorecard",
            hint="`okrctl map` shows the strategy maps and their measures",
        )
    render_why(results, sys.stdout)


class MapFormat(enum.StrEnum):
    text = "text"
    mermaid = "mermaid"
    dot = "dot"


@app.command(name="map")
@handle_errors
def strategy_map(
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    scorecard: Annotated[
        str | None,
        typer.Option("--scorecard", help="Only this balanced scorecard.", show_default=False),
    ] = None,
    format: Annotated[
        MapFormat,
        typer.Option("--format", "-f", help="text, mermaid (GitHub Markdown) or dot (Graphviz)."),
    ] = MapFormat.text,
    debug: DebugOption = False,
) -> None:
    """Draw the strategy map of the balanced scorecards with each measure's status."""
    from okrctl.errors import UsageError
    from okrctl.render import strategy_map as maps
    from okrctl.scoring import Scorer

    workspace, evaluation = _evaluation(repo, cycle, as_of)
    cards = Scorer(workspace.ctx, evaluation).balanced()  # type: ignore[attr-defined,arg-type]
    if scorecard is not None:
        cards = [c for c in cards if c.scorecard.id == scorecard]
    if not cards:
        raise UsageError(
            "no balanced scorecard" + (f" '{scorecard}'" if scorecard else "") + " in this cycle"
        )
    draw = {
        MapFormat.text: maps.render_text,
        MapFormat.mermaid: maps.render_mermaid,
        MapFormat.dot: maps.render_dot,
    }[format]
    for index, card in enumerate(cards):
        if index:
            sys.stdout.write("\n")
        draw(card, sys.stdout)


class DiffFormat(enum.StrEnum):
    text = "text"
    md = "md"
    json = "json"


class FailOn(enum.StrEnum):
    goalpost = "goalpost"
    any = "any"


@app.command()
@handle_errors
def diff(
    base: Annotated[str, typer.Argument(help="The revision to compare from (e.g. origin/main).")],
    head: Annotated[
        str | None,
        typer.Argument(
            help="The revision to compare to. Default: the working tree.", show_default=False
        ),
    ] = None,
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    format: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="text, md (a pull-request comment) or json."),
    ] = DiffFormat.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 on goal-post moves (goalpost) or on any change (any).",
            show_default=False,
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """What a change does to the goals: added, removed, re-parented, targets, weights;
    flags goal posts moved after a cycle started."""
    import datetime as dt

    from okrctl.config import find_root
    from okrctl.goaldiff import goal_diff
    from okrctl.render import diff_out
    from okrctl.workspace import parse_day

    root = find_root((repo or Path.cwd()).resolve())
    day = parse_day(as_of, "--as-of") if as_of else dt.date.today()
    result = goal_diff(root, base, head, day)
    {
        DiffFormat.text: diff_out.render_text,
        DiffFormat.md: diff_out.render_markdown,
        DiffFormat.json: diff_out.render_json,
    }[format](result, sys.stdout)
    sys.stdout.flush()
    if (fail_on is FailOn.goalpost and result.goalposts) or (
        fail_on is FailOn.any and result.changes
    ):
        raise typer.Exit(1)


@app.command(name="history")
@handle_errors
def goal_history(
    ident: Annotated[
        str,
        typer.Argument(metavar="ID", help="An objective, key result (OBJ/KR), KPI or scorecard."),
    ],
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    format: Annotated[StatusFormat, typer.Option("--format", "-f", help="text or json.")] = (
        StatusFormat.text
    ),
    debug: DebugOption = False,
) -> None:
    """The timeline of one goal: each commit that changed it, and its value at the time."""
    import datetime as dt

    from okrctl.config import find_root
    from okrctl.history import history
    from okrctl.render import history_out
    from okrctl.workspace import parse_day

    root = find_root((repo or Path.cwd()).resolve())
    day = parse_day(as_of, "--as-of") if as_of else dt.date.today()
    result = history(root, ident, day)
    if format is StatusFormat.json:
        history_out.render_json(result, sys.stdout)
    else:
        history_out.render_text(result, sys.stdout)


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
            "--check", help="Change nothing; exit 1 and list the files that would change."
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Put goal files and okrctl.yaml in canonical key order and layout, keeping comments."""
    from okrctl.config import CONFIG_NAME, find_root, inside, load_config
    from okrctl.errors import UsageError
    from okrctl.fmt import format_files
    from okrctl.render.escape import one_line
    from okrctl.repository import discover

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
    result = format_files(root, chosen, check=check)
    for name in result.changed:
        sys.stdout.write(("would reformat " if check else "reformatted ") + one_line(name) + "\n")
    for name, reason in result.skipped:
        sys.stderr.write(f"okrctl: skipped {one_line(name)}: {one_line(reason)}\n")
    done = "would be reformatted" if check else "reformatted"
    sys.stdout.write(
        f"{len(result.changed)} file(s) {done}, {len(result.unchanged)} "
        f"unchanged, {len(result.skipped)} skipped\n"
    )
    if result.skipped:
        raise typer.Exit(2)
    if check and result.changed:
        raise typer.Exit(1)


new_app = typer.Typer(
    help="Add an objective, a key result or a KPI to the right goal file.", no_args_is_help=True
)
app.add_typer(new_app, name="new")


def _ask(value: str | None, question: str, *, required: bool = True) -> str | None:
    """The option's value, else a prompt on a terminal, else a usage error if required."""
    if value is not None or not required:
        return value
    if sys.stdin.isatty() and sys.stdout.isatty():
        answer: str = typer.prompt(question)
        return answer
    from okrctl.errors import UsageError

    option = "--" + question.split(" (")[0].lower().replace(" ", "-")
    raise UsageError(f"{option} is required", hint="pass it, or run on a terminal to be asked")


def _report_added(added: Added) -> None:
    from okrctl.render.escape import one_line

    sys.stdout.write(
        f"added {added.kind} {one_line(added.ident)} to {one_line(added.path)}"
        + (" (new file)" if added.created_file else "")
        + "\n"
    )


def _insert(repo: Path | None, kind: str, fields: Mapping[str, object], file: str | None) -> None:
    from okrctl.config import find_root, inside
    from okrctl.errors import UsageError
    from okrctl.newgoal import InvalidEntry, add
    from okrctl.render.check_text import render_plain

    root = find_root((repo or Path.cwd()).resolve())
    if file is not None and not inside(root, file):
        raise UsageError(f"--file {file} is outside the goals repository")
    try:
        added = add(root, kind, fields, file=file)
    except InvalidEntry as invalid:
        from okrctl.check import CheckResult, Summary

        result = CheckResult(
            root, tuple(invalid.diagnostics), Summary(0, 0, 0, 0, 0, 0, 0, 0, 0), False
        )
        sys.stderr.write("okrctl: the entry would make the goals invalid; nothing was written\n")
        render_plain(result, sys.stderr, quiet=True)
        raise typer.Exit(1) from None
    _report_added(added)


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
    debug: DebugOption = False,
) -> None:
    """Add an objective."""
    fields = {
        "id": _ask(ident, "Id (e.g. MKT-2)"),
        "title": _ask(title, "Title"),
        "owner": owner,
        "unit": unit,
        "level": level,
        "cycle": cycle,
        "aligns_to": aligns_to,
        "type": goal_type,
    }
    _insert(repo, "objective", fields, file)


@new_app.command("kr")
@handle_errors
def new_kr(
    objective: Annotated[str, typer.Argument(metavar="OBJ", help="The objective.")],
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
    debug: DebugOption = False,
) -> None:
    """Add a key result to an objective."""
    needs_target = not milestone and at_least is None and at_most is None
    fields: dict[str, object] = {
        "objective": objective,
        "id": _ask(ident, "Id (e.g. users)"),
        "title": title,
        "metric": metric,
        "aggregate": aggregate,
        "baseline": baseline,
        "target": _ask(target, "Target (e.g. 200万)", required=needs_target),
        "at_least": at_least,
        "at_most": at_most,
        "milestone": milestone or None,
        "done": False if milestone else None,
        "weight": weight,
    }
    if milestone:
        fields["done"] = "false"
    _insert(repo, "kr", fields, None)


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
    debug: DebugOption = False,
) -> None:
    """Add a KPI."""
    fields = {
        "id": _ask(ident, "Id (e.g. KPI-SALES)"),
        "title": _ask(title, "Title"),
        "target": _ask(target, "Target"),
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
    _insert(repo, "kpi", fields, file)


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
    debug: DebugOption = False,
) -> None:
    """Start a goals repository from a template: okrctl.yaml, goals, sample metrics, schemas,
    a CI workflow and a pre-commit config."""
    import datetime as dt

    from okrctl.init import write
    from okrctl.render.escape import one_line

    created = write(directory, template, industry, dt.date.today(), force=force)
    sys.stdout.write(
        f"created a {template} {industry} goals repository in {one_line(str(directory))}:\n"
    )
    for path in created:
        sys.stdout.write(f"  {path}\n")
    sys.stdout.write("next: okrctl check && okrctl status\n")


@app.command()
@handle_errors
def roll(
    source: Annotated[str, typer.Argument(metavar="FROM", help="The cycle that ends.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="The cycle to start.")],
    repo: RepoOption = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include", help="Also carry this objective (repeatable).", show_default=False
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; write nothing.")] = (
        False
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    debug: DebugOption = False,
) -> None:
    """Start cycle TO from FROM: carry unfinished aspirational goals with new baselines."""
    import datetime as dt

    from okrctl.render.escape import one_line
    from okrctl.render.numbers import number
    from okrctl.roll import plan_roll, write_roll
    from okrctl.workspace import open_workspace

    workspace = open_workspace((repo or Path.cwd()).resolve())
    plan = plan_roll(workspace, source, target, include or [], dt.date.today())
    out = sys.stdout
    for c in plan.carried:
        progress = "no data" if c.progress is None else f"{c.progress * 100:.0f}%"
        out.write(
            f"carry {one_line(c.old)} ({progress}) -> {one_line(c.new)} in "
            f"{one_line(c.file)}; alignment {c.alignment}\n"
        )
        for kr, old, new in c.rebased:
            out.write(
                f"    {one_line(kr)}: baseline {number(old)} -> "
                + ("from the new cycle's data" if new is None else number(new))
                + "\n"
            )
        for kr in c.dropped_krs:
            out.write(f"    {one_line(kr)}: reached, left behind\n")
    for ident, why in plan.skipped:
        out.write(f"leave {one_line(ident)} ({why})\n")
    dropped = [c.new for c in plan.carried if c.alignment == "dropped"]
    if dropped:
        out.write(f"align by hand: {', '.join(dropped)} (their parents stay in {source})\n")
    if dry_run:
        out.write(f"dry run: {len(plan.files)} file(s) would be written\n")
        return
    write_roll(workspace.config.root, plan, force=force)
    out.write(f"wrote {len(plan.files)} file(s); next: okrctl check\n")


class ReportFormat(enum.StrEnum):
    term = "term"
    md = "md"
    html = "html"
    json = "json"


@app.command()
@handle_errors
def report(
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Only this unit and the units below it.", show_default=False),
    ] = None,
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="term, md, html or json.")
    ] = ReportFormat.term,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.", show_default=False)
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="en or zh. Default: from the locale.", show_default=False),
    ] = None,
    include_scorecards: Annotated[
        bool,
        typer.Option("--include-scorecards", help="Add the individual scorecards (personal data)."),
    ] = (False),
    no_git: Annotated[
        bool, typer.Option("--no-git", help="Leave out the changes read from git.")
    ] = False,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """The quarterly review: summary, objectives, KPIs, synergy, balanced scorecard, changes,
    forecast, risks and a retrospective, as terminal text, Markdown, HTML or JSON."""
    import datetime as dt
    import gc
    import io

    from okrctl.errors import UsageError
    from okrctl.i18n import LANGUAGES, default_language
    from okrctl.report import build_report
    from okrctl.workspace import choose_cycle, open_workspace, parse_day, report_date

    gc.disable()
    language = lang or default_language()
    if language not in LANGUAGES:
        raise UsageError(f"--lang {lang!r}: use en or zh")
    workspace = open_workspace((repo or Path.cwd()).resolve())
    today = dt.date.today()
    day = parse_day(as_of, "--as-of") if as_of else None
    chosen = choose_cycle(workspace.config, cycle, day or today)
    model = build_report(
        workspace,
        chosen.id,
        report_date(chosen, day, today),
        language,
        unit=unit,
        include_scorecards=include_scorecards,
        git_changes=not no_git,
    )
    buffer = io.StringIO()
    if format is ReportFormat.json:
        from okrctl.render.report_json import render as render_json

        render_json(model, buffer)
    elif format is ReportFormat.md:
        from okrctl.render.report_md import render as render_md

        render_md(model, buffer)
    elif format is ReportFormat.html:
        from okrctl.render.report_html import render as render_html

        render_html(model, buffer)
    else:
        from okrctl.render.report_term import render as render_term

        target = sys.stdout if output is None else buffer
        render_term(model, target, color=use_color(no_color) and output is None)
    if output is not None:
        from okrctl.fileio import write_atomic

        write_atomic(output, buffer.getvalue())
        sys.stderr.write(f"wrote {output}\n")
    elif format is not ReportFormat.term:
        sys.stdout.write(buffer.getvalue())
