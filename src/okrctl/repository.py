"""A goals repository: its configuration and every goal file, loaded fast and safely.

Files are found by the ``goals`` globs, refused when they resolve outside the repository,
parsed in parallel when there are many, and remembered in a content-addressed cache
(``.okrctl_cache/``) so that a re-run parses only what changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from okrctl.config import CONFIG_NAME, Config, load_config
from okrctl.diagnostics import Diagnostic
from okrctl.model import GoalFile, Kpi, Objective, Scorecard
from okrctl.rules.registry import make

_SKIP_DIRS = {".git", ".okrctl_cache", ".venv", "node_modules"}


@dataclass(frozen=True, slots=True)
class Repository:
    config: Config
    files: tuple[GoalFile, ...]
    discovery: tuple[Diagnostic, ...] = ()

    @property
    def root(self) -> Path:
        return self.config.root

    def objectives(self) -> Iterator[Objective]:
        for goal_file in self.files:
            yield from goal_file.objectives

    def kpis(self) -> Iterator[Kpi]:
        for goal_file in self.files:
            yield from goal_file.kpis

    def scorecards(self) -> Iterator[Scorecard]:
        for goal_file in self.files:
            yield from goal_file.scorecards


def discover(config: Config) -> tuple[list[str], list[Diagnostic]]:
    """Repository-relative POSIX paths of the goal files, and problems with the globs."""
    root = config.root
    found: dict[str, None] = {}
    problems: list[Diagnostic] = []
    directories: dict[Path, bool] = {}

    def stays_inside(path: Path) -> bool:
        # resolving every file costs a syscall per path component; directories are few
        if path.is_symlink():
            real = path.resolve()
            return real == root or root in real.parents
        folder = path.parent
        if folder not in directories:
            real = folder.resolve()
            directories[folder] = real == root or root in real.parents
        return directories[folder]

    for index, pattern in enumerate(config.goals):
        matched = 0
        for path in sorted(root.glob(pattern)):
            relative = path.relative_to(root)
            if any(part in _SKIP_DIRS for part in relative.parts[:-1]):
                continue
            if relative.as_posix() == CONFIG_NAME or not path.is_file():
                continue
            matched += 1
            if not stays_inside(path):
                problems.append(
                    make(
                        "C002",
                        relative.as_posix(),
                        0,
                        0,
                        f"'{relative.as_posix()}' is a link to a file outside the repository; "
                        "it is not read",
                        "goal files must live inside the repository",
                    )
                )
                continue
            found[relative.as_posix()] = None
        if matched == 0:
            problems.append(
                make(
                    "C008",
                    CONFIG_NAME,
                    *(
                        config.goals_positions[index]
                        if index < len(config.goals_positions)
                        else (config.goals_line or 1, 1)
                    ),
                    f"goals glob '{pattern}' matches no file",
                    "correct the glob in okrctl.yaml, or remove it",
                )
            )
    return list(found), problems


def load_repository(start: Path, *, use_cache: bool = True, jobs: int | None = None) -> Repository:
    """Configuration and goal files of the repository around ``start``."""
    from okrctl.filecache import parse_files

    config = load_config(start)
    if config.has_errors():
        return Repository(config, ())
    paths, problems = discover(config)
    files = parse_files(config.root, paths, use_cache=use_cache, jobs=jobs)
    return Repository(config, tuple(files), tuple(problems))


def default_jobs(count: int) -> int:
    """Worker processes for ``count`` files: parallel only where it pays for the start-up."""
    if count < 200:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))
