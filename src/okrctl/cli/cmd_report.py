"""`okrctl report`."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Annotated, Any

import typer

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
    say_frozen,
    show_progress,
    use_color,
)
from okrctl.cli.errors import handle_errors


class ReportFormat(enum.StrEnum):
    term = "term"
    md = "md"
    html = "html"
    json = "json"


# the renderer of each format: (report, stream, unit) -> None, imported when chosen
RENDERERS: dict[ReportFormat, Callable[[Any, IO[str], str | None], None]] = {
    ReportFormat.json: lambda model, out, _: lazy("okrctl.render.report_json:render")(model, out),
    ReportFormat.md: lambda model, out, _: lazy("okrctl.render.report_md:render")(model, out),
    ReportFormat.html: lazy("okrctl.render.report_html_budget:render_within"),
}
TERM = lazy("okrctl.render.report_term:render")


@app.command()
@handle_errors
def report(
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    unit: UnitOption = None,
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="term, md, html or json.")
    ] = ReportFormat.term,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.", show_default=False)
    ] = None,
    lang: LangOption = None,
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
    import gc
    import io

    from okrctl.cli.base import choose_language
    from okrctl.evaluate.workspace import open_view, resolve_unit
    from okrctl.review.report import build_report

    gc.disable()
    show_progress(format is not ReportFormat.json)
    if lang is not None:
        choose_language(lang, None)  # a word that names no language is refused first
    workspace, chosen, when = open_view(repo, cycle, parse_day(as_of, "--as-of"), unit)
    language = choose_language(lang, workspace.config.lang)
    unit = None if unit is None else resolve_unit(workspace.config, unit)
    say_frozen(workspace.frozen)
    model = build_report(
        workspace,
        chosen.id,
        when,
        language,
        unit=unit,
        include_scorecards=include_scorecards,
        git_changes=not no_git,
    )
    buffer = io.StringIO()
    if format is ReportFormat.term:  # straight to a terminal, in color where it is one
        target = sys.stdout if output is None else buffer
        TERM(model, target, color=use_color(no_color) and output is None)
    else:
        RENDERERS[format](model, buffer, unit)
    if output is not None:
        from okrctl.core.fileio import write_atomic

        write_atomic(output, buffer.getvalue())
        sys.stderr.write(f"wrote {output}\n")
    elif format is not ReportFormat.term:
        sys.stdout.write(buffer.getvalue())
