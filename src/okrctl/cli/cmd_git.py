"""`okrctl diff` and `okrctl history`."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from okrctl.cli import complete
from okrctl.cli.base import (
    AsOfOption,
    DebugOption,
    LangOption,
    RepoOption,
    StatusFormat,
    app,
    parse_day,
    repository_language,
)
from okrctl.cli.errors import EXIT_FINDINGS, handle_errors


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
    with_impact: Annotated[
        bool,
        typer.Option(
            "--impact",
            help="Also the status and progress or score before and after, on the same data, "
            "of each goal the change touches and the objectives above it.",
        ),
    ] = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """What a change does to the goals: added, removed, re-parented, targets, weights;
    flags goal posts moved after a cycle started."""
    import datetime as dt

    from okrctl.load.config import find_root
    from okrctl.render import diff_out
    from okrctl.review.diff import goal_diff

    root = find_root((repo or Path.cwd()).resolve())
    language = repository_language(lang, root)
    day = parse_day(as_of, "--as-of") or dt.date.today()
    result = goal_diff(root, base, head, day)
    if with_impact:
        from okrctl.render import impact_out
        from okrctl.review.impact import impact

        impacts = impact(root, base, head, day, result)
        {
            DiffFormat.text: impact_out.render_text,
            DiffFormat.md: impact_out.render_markdown,
            DiffFormat.json: impact_out.render_json,
        }[format](result, impacts, sys.stdout, language)
    else:
        if format is DiffFormat.json:
            diff_out.render_json(result, sys.stdout)
        else:
            draw = diff_out.render_text if format is DiffFormat.text else diff_out.render_markdown
            draw(result, sys.stdout, language)
    sys.stdout.flush()
    if (fail_on is FailOn.goalpost and result.goalposts) or (
        fail_on is FailOn.any and result.changes
    ):
        raise typer.Exit(EXIT_FINDINGS)


@app.command(name="history")
@handle_errors
def goal_history(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="An objective, key result (OBJ/KR), KPI or scorecard.",
            autocompletion=complete.goals,
        ),
    ],
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    format: Annotated[StatusFormat, typer.Option("--format", "-f", help="text or json.")] = (
        StatusFormat.text
    ),
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """The timeline of one goal: each commit that changed it, and its value at the time."""
    import datetime as dt

    from okrctl.load.config import find_root
    from okrctl.render import history_out
    from okrctl.review.history import history

    root = find_root((repo or Path.cwd()).resolve())
    language = repository_language(lang, root)
    day = parse_day(as_of, "--as-of") or dt.date.today()
    result = history(root, ident, day)
    if format is StatusFormat.json:
        history_out.render_json(result, sys.stdout)
    else:
        history_out.render_text(result, sys.stdout, language)
