"""Shell completion of the values okrctl's options and arguments take: cycle ids, unit
ids (with their names), goal ids. Typer calls these while the user presses Tab, in a
repository that may be half-edited: each answers from okrctl.yaml (and, for goal ids,
the goal files through the parse cache), never prints, and answers nothing rather than
fail (docs/commands.md, "Shell completion")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from okrctl.load.repository import Repository

Choices = list[tuple[str, str]]
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?$")


def _start(ctx: typer.Context) -> Path:
    """Where the command would run: -C/--repo as typed so far, else the working folder."""
    repo = ctx.params.get("repo")
    return Path(repo) if isinstance(repo, str | Path) else Path.cwd()


def _quietly(find: Callable[[], Iterator[tuple[str, str]]], incomplete: str) -> Choices:
    """The choices ``find`` yields that start with ``incomplete``, sorted; none when the
    repository cannot be read (no okrctl.yaml, a broken file, a permission)."""
    from okrctl.render.escape import one_line

    try:
        found = dict(find())
    except Exception:  # a completion never fails the shell: it offers nothing
        return []
    # ids from a pull request reach the user's shell: only id characters, and help texts
    # on one line without control or bidi characters
    return sorted(
        (value, one_line(text))
        for value, text in found.items()
        if value.startswith(incomplete) and _ID.match(value)
    )


def cycles(ctx: typer.Context, incomplete: str) -> Choices:
    """Cycle ids of okrctl.yaml, with their dates."""

    def find() -> Iterator[tuple[str, str]]:
        from okrctl.load.config import load_config

        for cycle in load_config(_start(ctx)).cycles.values():
            yield cycle.id, f"{cycle.start} – {cycle.end}"

    return _quietly(find, incomplete)


def units(ctx: typer.Context, incomplete: str) -> Choices:
    """Unit ids of okrctl.yaml, with their names and levels."""

    def find() -> Iterator[tuple[str, str]]:
        from okrctl.load.config import load_config

        for unit in load_config(_start(ctx)).units.values():
            yield unit.id, f"{unit.name} ({unit.level})" if unit.name else unit.level

    return _quietly(find, incomplete)


def _repository(ctx: typer.Context) -> Repository:
    from okrctl.load.repository import load_repository

    return load_repository(_start(ctx))


def objectives(ctx: typer.Context, incomplete: str) -> Choices:
    """Objective ids, with their titles."""

    def find() -> Iterator[tuple[str, str]]:
        for objective in _repository(ctx).objectives():
            yield objective.id, objective.title or ""

    return _quietly(find, incomplete)


def key_results(ctx: typer.Context, incomplete: str) -> Choices:
    """``OBJ/KR`` paths of key results, with their titles."""

    def find() -> Iterator[tuple[str, str]]:
        for objective in _repository(ctx).objectives():
            for kr in objective.key_results:
                yield kr.path, kr.title or ""

    return _quietly(find, incomplete)


def goals(ctx: typer.Context, incomplete: str) -> Choices:
    """Every goal id a command accepts: objectives, ``OBJ/KR``, KPIs and scorecards."""

    def find() -> Iterator[tuple[str, str]]:
        repo = _repository(ctx)
        for objective in repo.objectives():
            yield objective.id, objective.title or ""
            for kr in objective.key_results:
                yield kr.path, kr.title or ""
        for kpi in repo.kpis():
            yield kpi.id, kpi.title or ""
        for card in repo.scorecards():
            yield card.id, card.title or ""

    return _quietly(find, incomplete)
