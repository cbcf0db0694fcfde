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
    StatusFormat,
    UnitOption,
    app,
    choose_language,
    lazy,
    parse_day,
    show_progress,
    use_color,
)
from okrctl.cli.errors import EXIT_FINDINGS, handle_errors

if TYPE_CHECKING:
    import datetime as dt

    from okrctl.core.model import Cycle
    from okrctl.core.progress import Status
    from okrctl.evaluate.workspace import Workspace


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


GroupingOption = Annotated[
    StatusGrouping,
    typer.Option("--by", help="alignment (the cascade) or perspective (Balanced Scorecard)."),
]
OwedOption = Annotated[
    bool,
    typer.Option(
        "--owed",
        help="Only key results whose last check-in is older than their checkin_every, "
        "by owner; exit 1 when any.",
    ),
]
StaleOption = Annotated[
    bool,
    typer.Option(
        "--stale",
        help="Only key results whose last data point is older than their cadence "
        "(checkin_every, else the source's stale_after), by owner; exit 1 when any.",
    ),
]


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
    owed: OwedOption = False,
    stale: StaleOption = False,
    by: GroupingOption = StatusGrouping.alignment,
    format: Annotated[StatusFormat, typer.Option("--format", "-f", help="Output format.")] = (
        StatusFormat.text
    ),
    no_color: NoColorOption = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Progress of every goal as a tree: company -> department -> team -> individual."""
    import gc

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
    if owed or stale:
        _due(workspace, chosen, when, format, owed=owed, stale=stale)
        return
    evaluation = evaluate(workspace.ctx, workspace.data, chosen, when)
    filters = Filters(unit, owner, level, statuses, depth, behind)
    grouped = build_by_perspective if by is StatusGrouping.perspective else build
    tree = grouped(workspace.ctx, evaluation, filters)
    tree.names = workspace.config.names()
    tree.frozen = workspace.frozen  # a closed cycle says so in both formats
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


def _due(
    workspace: Workspace,
    cycle: Cycle,
    when: dt.date,
    format: StatusFormat,
    *,
    owed: bool,
    stale: bool,
) -> None:
    """`status --owed` / `--stale`: who owes what, by owner; exit 1 when anything is due."""
    from okrctl.evaluate.rhythm import rhythm

    result = rhythm(workspace, cycle, when)
    name = "due_json" if format is StatusFormat.json else "due_text"
    lazy(f"okrctl.render.rhythm_out:{name}")(result, sys.stdout, owed=owed, stale=stale)
    sys.stdout.flush()
    if (owed and result.owed) or (stale and result.stale):
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
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """How a number was computed: formula, inputs, the data rows used, pace and status."""
    import datetime as dt

    from okrctl.evaluate.explain import explain as run_explain
    from okrctl.evaluate.workspace import open_workspace
    from okrctl.render.explain_text import render

    if lang is not None:
        choose_language(lang, None)  # a word that names no language is refused first
    show_progress()
    workspace = open_workspace((repo or Path.cwd()).resolve())
    day = parse_day(as_of, "--as-of") or dt.date.today()
    language = choose_language(lang, workspace.config.lang)
    render(run_explain(workspace, ident, day), sys.stdout, language)


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
    confidence: Annotated[
        str | None,
        typer.Option(
            "--confidence",
            metavar="1-10",
            help="How sure the owner is to reach the target: 1 (no chance) to 10 (certain).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Record a manual value for a key result without a data feed; a second check-in on
    the same day keeps the first (the later one counts)."""
    import datetime as dt

    from okrctl.core.i18n import tr
    from okrctl.core.shown import number
    from okrctl.edit.checkin import checkin as run_checkin
    from okrctl.evaluate.workspace import open_workspace
    from okrctl.render.escape import one_line

    if lang is not None:
        choose_language(lang, None)  # a word that names no language is refused first
    # recording a value computes nothing: an error elsewhere does not block it
    workspace = open_workspace((repo or Path.cwd()).resolve(), validate=False)
    language = choose_language(lang, workspace.config.lang)
    today = dt.date.today()
    day = parse_day(date, "--date") or today
    result = run_checkin(workspace, ident, value, day, note, today, confidence)
    message = tr(
        "recorded {kr} = {value} on {day}",
        language,
        kr=one_line(result.kr),
        value=number(result.value, lang=language),
        day=result.day,
    )
    if result.confidence is not None:
        message += tr(", confidence {n}/10", language, n=result.confidence)
    if result.earlier is not None:
        message += tr(
            " (after {value} earlier that day, which is kept)",
            language,
            value=number(result.earlier, lang=language),
        )
    message += tr(" in {path}", language, path=one_line(result.path))
    sys.stdout.write(message + "\n")
