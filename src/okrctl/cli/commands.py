"""Which module registers each command, and the app with the commands a run needs.

Importing a command module registers its commands on ``cli.base.app``. ``okrctl CMD``
imports only the module of ``CMD`` (typer then builds that command alone, which keeps
every command's start-up off the others' imports); ``okrctl --help``, a name that is no
command, or ``app`` taken from this module register every command, in the order
`okrctl --help` lists them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

# command -> the module under okrctl.cli that registers it; in `okrctl --help` order
MODULES: dict[str, str] = {
    "check": "cmd_check",
    "schema": "cmd_check",
    "rules": "cmd_check",
    "status": "cmd_progress",
    "explain": "cmd_progress",
    "checkin": "cmd_progress",
    "score": "cmd_scores",
    "why": "cmd_scores",
    "map": "cmd_scores",
    "report": "cmd_report",
    "diff": "cmd_git",
    "history": "cmd_git",
    "fmt": "cmd_edit",
    "new": "cmd_edit",
    "init": "cmd_edit",
    "roll": "cmd_edit",
    "checkins": "cmd_rhythm",
    "notify": "cmd_rhythm",
    "close": "cmd_rhythm",
}


def app_for(command: str | None) -> typer.Typer:
    """The app with ``command``'s module registered; every command when ``command`` is
    None or names no command (help and did-you-mean need them all)."""
    from okrctl.cli.base import app

    wanted = [MODULES[command]] if command in MODULES else list(dict.fromkeys(MODULES.values()))
    for module in wanted:
        importlib.import_module(f"okrctl.cli.{module}")
    return app


def __getattr__(name: str) -> object:
    if name == "app":  # `from okrctl.cli.commands import app`: every command
        return app_for(None)
    raise AttributeError(name)
