"""Which files changed since a revision (`okrctl check --changed-since`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okrctl.git.revisions import GitRepo


def changed_files(root: Path, revision: str) -> set[str]:
    """Paths (relative to ``root``) changed since ``revision``, including uncommitted and
    untracked files."""
    from okrctl.git.revisions import open_git

    with open_git(root) as git:
        return changed_paths(git, revision)


def changed_paths(git: GitRepo, revision: str) -> set[str]:
    """``changed_files`` in an open repository. Only the files of ``revision`` and the
    working tree are compared, so a shallow clone that holds ``revision`` answers exactly.
    A rename counts as both names, a deletion as the name it had."""
    git.resolve(revision)
    names = git.run(
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--relative",
        revision,
        "--",
        what=f"compare with {revision}",
    ).split("\0")
    names += git.run(
        "ls-files", "--others", "--exclude-standard", "-z", what="list untracked files"
    ).split("\0")
    return {name for name in names if name}
