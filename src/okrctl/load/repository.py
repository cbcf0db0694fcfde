"""A goals repository: its configuration and every goal file, loaded fast and safely.

Files are found by the ``goals`` globs, refused when they resolve outside the repository,
parsed in parallel when there are many, and remembered in a content-addressed cache
(``.okrctl_cache/``) so that a re-run parses only what changed.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic
from okrctl.core.errors import OkrctlError
from okrctl.core.i18n import msg
from okrctl.core.model import GoalFile, Kpi, Objective, Scorecard
from okrctl.load.config import CONFIG_NAME, Config, load_config
from okrctl.load.manifest import stat_key

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


def _unreadable(directory: Path, root: Path, error: OSError, pattern: str) -> OkrctlError:
    relative = directory.relative_to(root).as_posix() if directory != root else "."
    reason = error.strerror or str(error)
    if isinstance(error, NotADirectoryError):
        reason = "not a directory"
    return OkrctlError(
        f"cannot read the directory: {reason}",
        hint=f"okrctl reads every directory the goals glob '{pattern}' in okrctl.yaml looks "
        "into (goal files left unread would pass unchecked): make it readable, or narrow the glob",
        file=relative,
    )


def _entries(directory: Path, root: Path, pattern: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return list(entries)
    except FileNotFoundError:
        return []  # a folder that is not there matches nothing (C008 says so)
    except OSError as error:
        raise _unreadable(directory, root, error, pattern) from None


def _look_up(path: Path, root: Path, pattern: str, *, follow: bool) -> os.stat_result | None:
    """What is at ``path`` (a name the glob spells out), or None when nothing is."""
    try:
        return os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            return None  # no file can have that name
        raise _unreadable(path, root, error, pattern) from None


def _is_directory(entry: os.DirEntry[str], *, follow: bool) -> bool:
    try:
        return entry.is_dir(follow_symlinks=follow)
    except OSError:
        return False


def glob_paths(root: Path, pattern: str) -> set[Path]:
    """What ``pattern`` matches below ``root`` (``glob_entries``)."""
    return {Path(found) for found in glob_entries(root, pattern)}


def glob_entries(
    root: Path, pattern: str, looked: dict[str, tuple[int, int, int] | None] | None = None
) -> dict[str, os.DirEntry[str] | None]:
    """What ``pattern`` (``/``-separated; ``*``, ``?``, ``[...]`` within a name, ``**`` for
    any number of folders, not following links to folders) matches below ``root``.

    Unlike ``Path.glob``, a folder the pattern must look into but cannot read is an error
    (``OkrctlError``), never "no match": a gate must not pass having read nothing.
    Folders okrctl never reads (``.git``, ``node_modules``, ...) are not entered.
    Each match (a path as text) comes with the directory entry it was listed by (None
    when the pattern spells the name out), whose type is known without a system call.
    ``looked``, when given, receives the stat key (``manifest.stat_key``) of every folder
    listed or looked into: while none of them changes, neither does the answer.
    """
    parts = [p for p in pattern.split("/") if p not in ("", ".")]
    if parts and parts[-1] == "**":
        parts.append("*")  # "goals/**": everything below goals/
    found: dict[str, os.DirEntry[str] | None] = {}
    todo: list[tuple[Path, int]] = [(root, 0)]
    seen: set[tuple[Path, int]] = set()
    while todo:
        directory, index = todo.pop()
        if (directory, index) in seen:
            continue
        seen.add((directory, index))
        if looked is not None and str(directory) not in looked:
            looked[str(directory)] = stat_key(directory)
        if index == len(parts):
            found.setdefault(str(directory), None)
            continue
        part, last = parts[index], index == len(parts) - 1
        if part == "**":
            todo.append((directory, index + 1))
            for entry in _entries(directory, root, pattern):
                if entry.name not in _SKIP_DIRS and _is_directory(entry, follow=False):
                    todo.append((directory / entry.name, index))
            continue
        if not any(c in part for c in "*?["):
            path = directory / part
            info = _look_up(path, root, pattern, follow=not last)
            if info is not None and last:
                found.setdefault(str(path), None)
            elif info is not None and stat.S_ISDIR(info.st_mode):
                todo.append((path, index + 1))
            elif info is not None:
                raise _unreadable(path, root, NotADirectoryError(), pattern)
            continue
        matches_name = _name_matcher(part)
        for entry in _entries(directory, root, pattern):
            if not matches_name(entry.name) or (entry.name in _SKIP_DIRS and not last):
                continue
            if last:
                found[entry.path] = entry
            elif _is_directory(entry, follow=True):
                todo.append((directory / entry.name, index + 1))
    return found


@functools.lru_cache(maxsize=64)
def _name_matcher(part: str) -> Callable[[str], object]:
    """Whether a name matches one part of a glob, case-sensitive as on POSIX."""
    return re.compile(fnmatch.translate(part)).match


def _is_folder(path: str, entry: os.DirEntry[str] | None) -> bool:
    """Whether ``path`` is a folder (following links), from its entry when listed."""
    if entry is not None:
        return _is_directory(entry, follow=True)
    return os.path.isdir(path)


def discover(
    config: Config,
    looked: dict[str, tuple[int, int, int] | None] | None = None,
    links: dict[str, str] | None = None,
) -> tuple[list[str], list[Diagnostic]]:
    """Repository-relative POSIX paths of the goal files, and problems with the globs.

    Everything a glob matches except folders is a goal file: a FIFO, a device or a
    broken link is refused when read, never skipped. ``looked`` receives the stat keys
    of the folders the globs looked into (``glob_entries``), ``links`` the real path
    (``os.path.realpath``) of every matched file that is a link: a link can come to
    resolve elsewhere (outside the repository) without any of those folders changing."""
    root = config.root
    found: dict[str, None] = {}
    problems: list[Diagnostic] = []
    directories: dict[str, bool] = {str(root): True}

    def is_inside(real: Path) -> bool:
        return real == root or root in real.parents

    def resolves_inside(text: str) -> bool:
        return is_inside(Path(os.path.realpath(text)))

    def folder_inside(folder: str) -> bool:
        # a folder that is no link, named below a folder inside, is inside: one lstat per
        # folder instead of resolving each one from the top
        known = directories.get(folder)
        if known is None:
            parent, _, name = folder.rpartition(os.sep)
            if name == ".." or not parent or os.path.islink(folder):
                known = resolves_inside(folder)
            else:
                known = folder_inside(parent)
            directories[folder] = known
        return known

    def stays_inside(text: str, entry: os.DirEntry[str] | None) -> bool:
        # resolving every file costs a syscall per path component; directories are few
        if entry.is_symlink() if entry is not None else os.path.islink(text):
            real = os.path.realpath(text)
            if links is not None:
                links[text] = real
            return is_inside(Path(real))
        return folder_inside(text.rpartition(os.sep)[0])

    prefix = len(str(root)) + 1
    for index, pattern in enumerate(config.goals):
        matched = 0
        matches = glob_entries(root, pattern, looked)
        # in Path order (by name parts), compared as text: a path per file is costly, and
        # with "/" as NUL (below every character of a name) text order is name-part order
        named = sorted(((p[prefix:], p) for p in matches), key=lambda m: m[0].replace("/", "\0"))
        for relative, text in named:
            if not _SKIP_DIRS.isdisjoint(relative.split("/")[:-1]):
                continue
            entry = matches[text]
            if relative in (CONFIG_NAME, "") or _is_folder(text, entry):
                continue
            matched += 1
            if not stays_inside(text, entry):
                problems.append(_linked_outside(relative))
                continue
            found[relative] = None
        if matched == 0:
            problems.append(_matches_nothing(config, index, pattern))
    return list(found), problems


def _linked_outside(relative: str) -> Diagnostic:
    return make(
        "C002",
        relative,
        0,
        0,
        msg("'{value}' is a link to a file outside the repository; it is not read", value=relative),
        msg("goal files must live inside the repository"),
    )


def _matches_nothing(config: Config, index: int, pattern: str) -> Diagnostic:
    where = (
        config.goals_positions[index]
        if index < len(config.goals_positions)
        else (config.goals_line or 1, 1)
    )
    return make(
        "C008",
        CONFIG_NAME,
        *where,
        msg("goals glob '{pattern}' matches no file", pattern=pattern),
        msg("correct the glob in okrctl.yaml, or remove it"),
    )


def load_repository(start: Path, *, use_cache: bool = True, jobs: int | None = None) -> Repository:
    """Configuration and goal files of the repository around ``start``."""
    from okrctl.load.filecache import parse_files

    config = load_config(start)
    if config.has_errors():
        return Repository(config, ())
    paths, problems = discover(config)
    files = parse_files(config.root, paths, use_cache=use_cache, jobs=jobs)
    return Repository(config, tuple(files), tuple(problems))
