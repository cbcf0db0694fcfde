"""Command definitions. Each command parses options and hands over to the core."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from okrctl import __version__
from okrctl.cli.errors import handle_errors

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
    result = run_check(start, changed_files=changed, use_cache=not no_cache)
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
