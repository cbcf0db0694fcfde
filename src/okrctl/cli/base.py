"""The okrctl command: the typer app, the options every command shares, and color."""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from okrctl import __version__
from okrctl.cli import complete
from okrctl.core.errors import UsageError

app = typer.Typer(
    # --install-completion / --show-completion; the values come from cli/complete.py
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Goals as code: OKRs, KPIs and Balanced Scorecards as YAML in git.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _repo_directory(value: Path | None) -> Path | None:
    """-C/--repo must name a directory, for every command alike: anything else is refused
    before any work (exit 2), never taken as "its folder" or looked into."""
    if value is None:
        return None
    import stat

    from okrctl.cli.errors import EXIT_USAGE
    from okrctl.render.escape import one_line

    try:
        reason = None if stat.S_ISDIR(os.stat(value).st_mode) else "not a directory"
    except FileNotFoundError:
        reason = "no such directory"
    except (OSError, ValueError) as error:  # a link loop, a name too long, a NUL byte
        reason = getattr(error, "strerror", None) or str(error)
    if reason is None:
        return value
    sys.stderr.write(
        f"okrctl: error: -C/--repo {one_line(str(value))}: {reason}\n"
        "  hint: name the folder of a goals repository, or a folder inside it\n"
    )
    raise typer.Exit(EXIT_USAGE)


RepoOption = Annotated[
    Path | None,
    typer.Option(
        "-C",
        "--repo",
        help="Run as if started in this directory (okrctl.yaml is found from there upwards).",
        show_default=False,
        callback=_repo_directory,
    ),
]


class StatusFormat(enum.StrEnum):
    """``--format`` of the commands that print text or JSON only."""

    text = "text"
    json = "json"


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


def use_color(no_color: bool) -> bool:
    """Color on a terminal, unless --no-color or NO_COLOR; FORCE_COLOR forces it."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


PROGRESS_AFTER = 1.0  # seconds of work before a progress bar appears (docs/output.md)


def show_progress(for_people: bool = True) -> None:
    """Let long work draw a progress bar on stderr: only where stderr is a terminal, not
    in CI (``CI`` set) or with ``TERM=dumb``, and only for output meant for people
    (``for_people``: never beside JSON, SARIF or CSV). ``OKRCTL_PROGRESS_AFTER`` sets the
    seconds before it appears (default 1)."""
    from okrctl.core.feedback import install

    install(None)
    if not for_people or not sys.stderr.isatty():
        return
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return

    try:
        after = float(os.environ.get("OKRCTL_PROGRESS_AFTER", PROGRESS_AFTER))
    except ValueError:
        after = PROGRESS_AFTER
    install(lazy_reporter(max(0.0, after)))


def lazy_reporter(after: float) -> Any:
    """The progress bar of ``render/progress_bar.py``, imported (with rich) on first use."""

    def run(description: str, total: int | None) -> Any:
        from okrctl.render.progress_bar import reporter

        return reporter(after)(description, total)

    return run


CycleOption = Annotated[
    str | None,
    typer.Option(
        "--cycle",
        help="Cycle to report on. Default: the shortest one containing the as-of date.",
        show_default=False,
        autocompletion=complete.cycles,
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
UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit",
        help="Only this unit (id or name) and the units below it.",
        show_default=False,
        autocompletion=complete.units,
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="en|zh",
        help="Language of the output for people. Default: `lang:` in okrctl.yaml, else the "
        "locale (LC_ALL/LANG starting zh), else en.",
        show_default=False,
    ),
]


def lazy(target: str) -> Callable[..., Any]:
    """The renderer ``"module:function"``, imported when it is called: a command's table
    of formats names every renderer, and only the chosen one is imported (rich, charts)."""
    module, _, name = target.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return call


def parse_day(text: str | None, option: str) -> dt.date | None:
    """The date an option gives (YYYY-MM-DD), or None when it was not given;
    ``UsageError`` (exit 2) for any other text."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date", hint="write YYYY-MM-DD") from None


def choose_language(option: str | None, configured: str | None) -> str:
    """The language of human output: ``--lang``, else okrctl.yaml's ``lang:``, else the
    locale (``default_language``). ``UsageError`` for a word that names no language."""
    from okrctl.core.i18n import default_language, parse_language

    if option is not None:
        chosen = parse_language(option)
        if chosen is None:
            raise UsageError(f"--lang {option!r}: use en or zh")
        return chosen
    if configured is not None and parse_language(configured):
        return parse_language(configured) or "en"
    return default_language()


def repository_language(option: str | None, root: Path) -> str:
    """``choose_language`` for a command that reads no workspace (diff, history): the
    ``lang:`` of okrctl.yaml at ``root``; an unreadable okrctl.yaml counts as no ``lang:``
    (the command reports its own problems)."""
    from okrctl.core.errors import OkrctlError
    from okrctl.load.config import load_config

    if option is not None:
        return choose_language(option, None)
    try:
        configured = load_config(root).lang
    except OkrctlError:
        configured = None
    return choose_language(None, configured)


def say_frozen(frozen: str | None) -> None:
    """Tell the reader that a closed cycle's numbers are the frozen ones (on standard
    error, so every output format stays as it is)."""
    if frozen:
        from okrctl.render.escape import one_line

        sys.stderr.write(
            f"okrctl: closed cycle: frozen numbers from {one_line(frozen)} "
            "(`okrctl close CYCLE --verify` compares them with today's data)\n"
        )
