"""The one error handler every command goes through.

An ``OkrctlError`` (bad input, config, IO, git) prints what is wrong, where and how to fix
it, and exits 2; anything else is a bug: exit 3 with a request for a report, and the
traceback only with ``--debug``.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from okrctl import __version__
from okrctl.core.errors import InvalidRepository, OkrctlError
from okrctl.render.escape import one_line

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
ISSUES_URL = "the okrctl issue tracker"

F = TypeVar("F", bound=Callable[..., Any])


# an invalid repository lists this many of its errors; `okrctl check` lists them all
SHOWN_DIAGNOSTICS = 20


def report_error(error: OkrctlError) -> None:
    where = error.where()
    prefix = f"{one_line(where)}: " if where else ""
    from okrctl.core.i18n import localize, tr

    lang = error.lang or "en"
    sys.stderr.write(f"okrctl: error: {prefix}{one_line(localize(error.message, lang))}\n")
    if isinstance(error, InvalidRepository):
        from okrctl.render.check_text import diagnostic_line

        for diagnostic in error.diagnostics[:SHOWN_DIAGNOSTICS]:
            sys.stderr.write(diagnostic_line(diagnostic, lang) + "\n")
        if len(error.diagnostics) > SHOWN_DIAGNOSTICS:
            sys.stderr.write(f"... and {len(error.diagnostics) - SHOWN_DIAGNOSTICS} more\n")
    if error.hint:
        hint = tr("hint: {hint}", lang, hint=one_line(localize(error.hint, lang)))
        sys.stderr.write(f"  {hint}\n")


def _io_error(error: OSError) -> OkrctlError:
    """The path and the reason of a failed system call (of a rename, its target)."""
    path = error.filename2 if error.filename2 is not None else error.filename
    shown = os.fsdecode(path) if isinstance(path, str | bytes) else None
    return OkrctlError(error.strerror or str(error), file=shown)


def _language(option: object) -> str:
    """The language of an error message: ``--lang`` when the command has it and it names
    one, else the locale (okrctl.yaml may be what failed to load)."""
    from okrctl.core.i18n import default_language, parse_language

    chosen = parse_language(option) if isinstance(option, str) else None
    return chosen or default_language()


def handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug"))
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except OkrctlError as error:
            if error.lang is None:
                error.lang = _language(kwargs.get("lang"))
            report_error(error)
            raise typer.Exit(EXIT_USAGE) from None
        except KeyboardInterrupt:
            sys.stderr.write("okrctl: interrupted\n")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(EXIT_OK) from None
        except OSError as error:  # the system refused a read or a write: not a bug
            report_error(_io_error(error))
            raise typer.Exit(EXIT_USAGE) from None
        except Exception as error:  # the last line of defence: a bug in okrctl
            sys.stderr.write(
                f"okrctl: internal error: {type(error).__name__}: {one_line(str(error))}\n"
                f"  This is a bug in okrctl {__version__}. Please report it on {ISSUES_URL}"
                " with the command you ran"
                + (".\n" if debug else " and the output of the same command with --debug.\n")
            )
            if debug:
                traceback.print_exc(file=sys.stderr)
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]
