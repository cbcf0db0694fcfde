"""The ``okrctl`` command. Heavy modules are imported inside the commands that need them."""

from __future__ import annotations

import sys

from okrctl import __version__


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        # answered before typer and rich are imported: `okrctl --version` stays instant
        sys.stdout.write(f"okrctl {__version__}\n")
        return
    from okrctl.cli.commands import app_for

    app_for(sys.argv[1] if len(sys.argv) > 1 else None)(prog_name="okrctl")
