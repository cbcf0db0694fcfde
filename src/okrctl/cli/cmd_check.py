"""`okrctl check`, `okrctl rules`, `okrctl schema`."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okrctl.cli.base import (
    DebugOption,
    LangOption,
    RepoOption,
    app,
    choose_language,
    parse_day,
    show_progress,
    use_color,
)
from okrctl.cli.errors import handle_errors
from okrctl.core.errors import OkrctlError

if TYPE_CHECKING:
    from okrctl.rules.runner import CheckResult


class CheckFormat(enum.StrEnum):
    """The output formats of ``okrctl check`` (docs/output.md)."""

    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Report only on these files or folders (goal files, okrctl.yaml, metric "
        "files); the whole repository is still loaded for the cross-file rules.",
        show_default=False,
    ),
]
NoFreshnessOption = Annotated[
    bool,
    typer.Option(
        "--no-freshness",
        help="Do not judge the age of the data (D006): for pull-request jobs; the "
        "scheduled job judges freshness.",
    ),
]


@app.command()
@handle_errors
def check(
    paths: PathsArgument = None,
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
            help="Validate everything, report only what the change since REV answers for: "
            "diagnostics in changed files, new ones, and those about ids it altered.",
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
    lang: LangOption = None,
    no_freshness: NoFreshnessOption = False,
    debug: DebugOption = False,
) -> None:
    """Validate goal files: schema, alignment, weights, references, metrics, scorecards.

    Exit status: 0 clean, 1 findings (errors; warnings too with --strict), 2 usage,
    configuration, IO or git error, 3 internal error.
    """
    import gc

    from okrctl.rules.runner import check as run_check

    # a short-lived process holding tens of thousands of records: the cyclic collector
    # would only rescan them (30% of a large repository's run time)
    gc.disable()

    chosen = format or (
        CheckFormat.github if os.environ.get("GITHUB_ACTIONS") else CheckFormat.text
    )
    show_progress(chosen is CheckFormat.text)
    day = parse_day(as_of, "--as-of")
    try:
        result = run_check(
            (repo or Path.cwd()).resolve(),
            changed_since=changed_since,
            use_cache=not no_cache,
            data=not no_data,
            as_of=day,
            paths=paths or None,
            freshness=not no_freshness,
        )
    except OkrctlError as error:
        raise _told_in(error, lang) from None
    language = choose_language(lang, result.lang)
    _render(result, chosen, quiet=quiet, no_color=no_color, lang=language)
    sys.stdout.flush()
    raise typer.Exit(result.exit_code(strict))


def _told_in(error: OkrctlError, lang: str | None) -> OkrctlError:
    """``error`` to be told in --lang, else the locale's language (okrctl.yaml's ``lang:``
    may be what could not be read)."""
    error.lang = choose_language(lang, None)
    return error


def _render(
    result: CheckResult, chosen: CheckFormat, *, quiet: bool, no_color: bool, lang: str
) -> None:
    """Write ``result`` to standard output in the ``chosen`` format (docs/output.md); the
    github format also appends the job summary when GitHub Actions provides one. ``quiet``,
    ``no_color`` and ``lang`` apply to the text format only (JSON, SARIF and GitHub
    annotations stay English)."""
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

        if use_color(no_color):
            render_rich(result, out, quiet=quiet, color=True, lang=lang)
        else:
            render_plain(result, out, quiet=quiet, lang=lang)


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

    from okrctl.core.errors import UsageError
    from okrctl.load.outputschemas import all_schemas

    schemas = all_schemas()

    if name is not None and name not in schemas:
        raise UsageError(f"no schema named '{name}'", hint="one of: " + ", ".join(schemas))
    chosen = {name: schemas[name]} if name else schemas
    if output is None:
        for schema_name, body in chosen.items():
            if len(chosen) > 1:
                sys.stdout.write(f"// {schema_name}\n")
            sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        return
    from okrctl.core.fileio import write_atomic

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
    from okrctl.core.errors import UsageError
    from okrctl.render.escape import one_line
    from okrctl.rules.docs import rule_text
    from okrctl.rules.registry import all_rules, lookup

    if code is not None:
        info = lookup(code)
        if info is None:
            from okrctl.core.diagnostics import did_you_mean

            known = list(all_rules())
            raise UsageError(f"no rule '{one_line(code)}'{did_you_mean(code, known)}")
        sys.stdout.write(rule_text(info))
        return
    for _, info in sorted(all_rules().items()):
        sys.stdout.write(
            f"{info.code}  {info.severity.label:<7}  {info.name:<24}  {info.plain_summary}\n"
        )
