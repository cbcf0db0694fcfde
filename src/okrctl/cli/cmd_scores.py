"""`okrctl score`, `okrctl why`, `okrctl map`; the evaluation they share."""

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
    parse_day,
    say_frozen,
    show_progress,
    use_color,
)
from okrctl.cli.errors import handle_errors

if TYPE_CHECKING:
    from okrctl.evaluate.evaluator import Evaluation
    from okrctl.evaluate.workspace import Workspace


class ScoreFormat(enum.StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    md = "md"


def _evaluation(
    repo: Path | None, cycle: str | None, as_of: str | None, unit: str | None = None
) -> tuple[Workspace, Evaluation]:
    """Open the repository and evaluate the chosen cycle on the chosen date."""
    import gc

    from okrctl.evaluate.evaluator import evaluate
    from okrctl.evaluate.workspace import open_view

    gc.disable()
    workspace, chosen, when = open_view(repo, cycle, parse_day(as_of, "--as-of"), unit)
    say_frozen(workspace.frozen)
    return workspace, evaluate(workspace.ctx, workspace.data, chosen, when)


def _refuse_bad_weights(workspace: Workspace) -> None:
    """Scores from weights that do not add up would be wrong: refuse, saying where."""
    from okrctl.core.diagnostics import Severity
    from okrctl.core.errors import ConfigError
    from okrctl.rules.weights import kpi_weights, okr_kpi_weights, rating_bands, scorecard_weights

    ctx = workspace.ctx
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
    unit: UnitOption = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", help="Only this owner's scorecard (id or name).", show_default=False
        ),
    ] = None,
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ScoreFormat.text
    ),
    synergy: Annotated[bool, typer.Option("--synergy", help="Add the OKR-KPI synergy view.")] = (
        False
    ),
    no_color: NoColorOption = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Scorecards: OKR score, KPI score, total, rating and bonus multiplier per owner or
    team, and the balanced scorecards."""
    from okrctl.cli.base import choose_language
    from okrctl.evaluate.scoring import score_report
    from okrctl.evaluate.workspace import resolve_owner, resolve_unit
    from okrctl.render import score_out

    show_progress(format in (ScoreFormat.text, ScoreFormat.md))
    workspace, evaluation = _evaluation(repo, cycle, as_of, unit)
    language = choose_language(lang, workspace.config.lang)
    unit = None if unit is None else resolve_unit(workspace.config, unit)
    owner = None if owner is None else resolve_owner(workspace.config, workspace.ctx, owner)
    _refuse_bad_weights(workspace)
    report = score_report(workspace.ctx, evaluation, unit=unit, owner=owner)
    renderers = {  # the renderer of each format
        ScoreFormat.json: lambda: score_out.render_json(report, sys.stdout, synergy),
        ScoreFormat.csv: lambda: score_out.render_csv(report, sys.stdout),
        ScoreFormat.md: lambda: score_out.render_markdown(report, sys.stdout, synergy),
        ScoreFormat.text: lambda: score_out.render_text(
            report,
            sys.stdout,
            color=use_color(no_color),
            synergy=synergy,
            lang=language,
            names=workspace.config.names(),
        ),
    }
    renderers[format]()


@app.command()
@handle_errors
def why(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A measure of a balanced scorecard (KPI or objective id).",
            autocompletion=complete.goals,
        ),
    ],
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Why is this measure red? Walk the strategy map upstream to the off-track drivers."""
    from okrctl.cli.base import choose_language
    from okrctl.core.errors import UsageError
    from okrctl.evaluate.why import why as run_why
    from okrctl.render.strategy_map import render_why

    workspace, evaluation = _evaluation(repo, cycle, as_of)
    results = run_why(workspace.ctx, evaluation, ident)
    if not results:
        raise UsageError(
            f"'{ident}' is not a measure of any balanced scorecard",
            hint="`okrctl map` shows the strategy maps and their measures",
        )
    render_why(results, sys.stdout, choose_language(lang, workspace.config.lang))


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
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Draw the strategy map of the balanced scorecards with each measure's status."""
    from okrctl.cli.base import choose_language
    from okrctl.core.errors import UsageError
    from okrctl.evaluate.scoring import Scorer
    from okrctl.render import strategy_map as maps

    workspace, evaluation = _evaluation(repo, cycle, as_of)
    cards = Scorer(workspace.ctx, evaluation).balanced()
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
    language = choose_language(lang, workspace.config.lang)
    for index, card in enumerate(cards):
        if index:
            sys.stdout.write("\n")
        draw(card, sys.stdout, language)
