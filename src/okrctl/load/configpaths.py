"""Where a goals repository is, and the paths and globs okrctl.yaml names inside it.

A path must name something (not be empty), hold no control characters (a NUL cannot even
reach the system) and stay inside the repository (C002): each is a diagnostic at the
place it is written, so no unusable path ever reaches the file system.
"""

from __future__ import annotations

import os
from pathlib import Path

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic
from okrctl.core.errors import ConfigError
from okrctl.core.i18n import msg
from okrctl.load.yamlread import YamlList

CONFIG_NAME = "okrctl.yaml"
PATH_HINT = "write a path relative to okrctl.yaml, such as metrics/crm.csv or goals/**/*.yaml"


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds okrctl.yaml."""
    start = Path(os.path.realpath(start))
    if not start.exists():
        raise ConfigError(f"directory {start} does not exist", hint="check the -C/--repo path")
    if not start.is_dir():
        raise ConfigError(f"{start} is not a directory", hint="check the -C/--repo path")
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_NAME
        # anything but a directory counts: a FIFO or unreadable okrctl.yaml is refused
        # when read, never passed over for one further up
        if os.path.lexists(candidate) and not os.path.isdir(candidate):
            return directory
    raise ConfigError(
        f"no {CONFIG_NAME} found in {start} or any directory above it",
        hint="run `okrctl init` to start a goals repository, or pass -C/--repo DIR",
    )


def path_problem(text: str) -> str | None:
    """Why ``text`` cannot be a path or glob in okrctl.yaml, or None."""
    if not text.strip():
        return "is empty"
    bad = next((c for c in text if ord(c) < 32 or ord(c) == 127), None)
    if bad is not None:
        shown = text.encode("unicode_escape").decode("ascii")
        return f"'{shown}' holds the control character U+{ord(bad):04X}"
    return None


def inside(root: Path, relative: str) -> bool:
    """True when ``relative`` names a place inside ``root`` (after links are resolved)."""
    if os.path.isabs(relative) or relative.startswith(("~", "\\")):
        return False
    if any(part == ".." for part in Path(relative).parts):
        return False
    # realpath, not Path.resolve: a link loop is no reason to fail here (reading it will say)
    target = Path(os.path.realpath(root / relative))
    return target == root or root in target.parents


def usable_path(
    root: Path,
    text: str,
    where: tuple[int, int],
    label: str,
    outside_hint: str,
    diagnostics: list[Diagnostic],
    *,
    glob: bool = False,
) -> bool:
    """Whether the path ``text`` (``label`` names it in messages, such as "checkins
    path") can be used; when not, the reason is added to ``diagnostics``. Of a glob,
    the part before the first wildcard is the place that must be inside."""
    problem = path_problem(text)
    if problem:
        diagnostics.append(
            make(
                "S001",
                CONFIG_NAME,
                *where,
                msg("{label} {problem}", label=label, problem=problem),
                PATH_HINT,
            )
        )
        return False
    place = (text.split("*")[0] or ".") if glob else text
    if ".." in Path(text).parts or not inside(root, place):
        diagnostics.append(
            make(
                "C002",
                CONFIG_NAME,
                *where,
                msg("{label} '{text}' points outside the repository", label=label, text=text),
                outside_hint,
            )
        )
        return False
    return True


def goal_globs(
    root: Path, raw: object, diagnostics: list[Diagnostic]
) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]] | None:
    """The usable ``goals`` globs and where each is written; None when okrctl.yaml gives
    no list (the default applies)."""
    if not isinstance(raw, YamlList) or not raw:
        return None
    kept = []
    for index, glob in enumerate(raw):
        if isinstance(glob, str) and usable_path(
            root,
            glob,
            raw.lc[index],
            "goals glob",
            "goal files must live inside the repository",
            diagnostics,
            glob=True,
        ):
            kept.append((glob, raw.lc[index]))
    return tuple(g for g, _ in kept), tuple(at for _, at in kept)
