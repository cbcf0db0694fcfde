"""All commands: importing this module registers every command on ``app``, in the order
`okrctl --help` lists them."""

# isort: off
from okrctl.cli import cmd_check  # noqa: F401 - check, schema, rules
from okrctl.cli import cmd_progress  # noqa: F401 - status, explain, checkin
from okrctl.cli import cmd_scores  # noqa: F401 - score, why, map
from okrctl.cli import cmd_report  # noqa: F401 - report
from okrctl.cli import cmd_git  # noqa: F401 - diff, history
from okrctl.cli import cmd_edit  # noqa: F401 - fmt, new, init, roll
from okrctl.cli import cmd_rhythm  # noqa: F401 - checkins, notify, close
from okrctl.cli.base import app

# isort: on

__all__ = ["app"]
