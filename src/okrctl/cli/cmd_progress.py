"""`okrctl status`, `okrctl explain`, `okrctl checkin`."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okrctl.cli import complete
from okrctl.cli.base import (
    AsOfOption,
    CycleOption,
    DebugOption,
    LangOption,
    NoColorOption,
    RepoOption,
    UnitOption,
    app,
    lazy,
    parse_day,
    show_progress,
    use_color,
)
from okrctl.cli.errors import EXIT_FINDINGS, handle_errors

if TYPE_CHECKING:
    from okrctl.core.progress import Status


class StatusFormat(enum.StrEnum):
    text = "text"
    json = "json"


class StatusGrouping(enum.StrEnum):
    alignment = "alignment"
    perspective = "perspective"


def _statuses(words: list[str]) -> frozenset[Status]:
    """The statuses ``--status`` names: colours or the words status prints, any language;
    ``UsageError`` listing the words for one that names none."""
    from okrctl.core.errors import UsageError
    from okrctl.core.progress import Status

    statuses = set()
    for word in words:
        parsed = Status.parse(word)
        if parsed is None:
            raise UsageError(
                f"--status {word!r}: no such status", hint="use " + ", ".join(Status.choices())
            )
        statuses.add(parsed)
    return frozenset(statuses)


@app.command()
@handle_errors
def status(
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    unit: UnitOption = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="Only this owner's goals (id or name).", show_default=False),
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="Only goals at this level.", show_default=False)
    ] = None,
    only_status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="Only goals with this status: on-track, at-risk, off-track, no-data (or "
            "green, yellow, red, grey, or the words printed in --lang zh); repeatable.",
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
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Progress of every goal as a tree: company -> department -> team -> individual."""
    import gc

    from okrctl.cli.base import choose_language
    from okrctl.evaluate.evaluator import evaluate
    from okrctl.evaluate.status import Filters, build, build_by_perspective
    from okrctl.evaluate.workspace import open_view, resolve_owner, resolve_unit
    from okrctl.render.console import output_width

    gc.disable()
    show_progress(format is StatusFormat.text)
    statuses = _statuses(only_status or [])
    workspace, chosen, when = open_view(repo, cycle, parse_day(as_of, "--as-of"), unit)
    language = choose_language(lang, workspace.config.lang)
    unit = None if unit is None else resolve_unit(workspace.config, unit)
    owner = None if owner is None else resolve_owner(workspace.config, workspace.ctx, owner)
    evaluation = evaluate(workspace.ctx, workspace.data, chosen, when)
    filters = Filters(unit, owner, level, statuses, depth, behind)
    grouped = build_by_perspective if by is StatusGrouping.perspective else build
    tree = grouped(workspace.ctx, evaluation, filters)
    tree.names = workspace.config.names()
    renderers = {  # the renderer of each format, imported when chosen
        StatusFormat.json: lambda: lazy("okrctl.render.status_json:render")(tree, sys.stdout),
        StatusFormat.text: lambda: lazy("okrctl.render.status_text:render")(
            tree,
            sys.stdout,
            color=use_color(no_color),
            width=output_width(sys.stdout),
            lang=language,
        ),
    }
    renderers[format]()
    sys.stdout.flush()
    if behind and tree.counts.get("red"):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
@handle_errors
def explain(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="An objective (CO-1), a key result (CO-1/users) or a KPI.",
            autocompletion=complete.goals,
        ),
    ],
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    debug: DebugOption = False,
) -> None:
    """How a number was computed: formula, inputs, the data rows used, pace and status."""
    import datetime as dt

    from okrctl.evaluate.explain import explain as run_explain
    from okrctl.evaluate.workspace import open_workspace
    from okrctl.render.explain_text import render

    show_progress()
    workspace = open_workspace((repo or Path.cwd()).resolve())
    day = parse_day(as_of, "--as-of") or dt.date.today()
    render(run_explain(workspace, ident, day), sys.stdout)


@app.command()
@handle_errors
def checkin(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="OBJ/KR", help="The key result.", autocompletion=complete.key_results
        ),
    ],
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

    from okrctl.core.shown import number
    from okrctl.edit.checkin import checkin as run_checkin
    from okrctl.evaluate.workspace import open_workspace
    from okrctl.render.escape import one_line

    # recording a value computes nothing: an error elsewhere does not block it
    workspace = open_workspace((repo or Path.cwd()).resolve(), validate=False)
    today = dt.date.today()
    day = parse_day(date, "--date") or today
    result = run_checkin(workspace, ident, value, day, note, today)
    replaced = "" if result.replaced is None else f" (was {number(result.replaced)})"
    sys.stdout.write(
        f"recorded {one_line(result.kr)} = {number(result.value)} on {result.day}"
        f"{replaced} in {one_line(result.path)}\n"
    )
