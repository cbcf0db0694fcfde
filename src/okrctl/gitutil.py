"""Which files changed since a revision (`okrctl check --changed-since`)."""

from __future__ import annotations

from pathlib import Path


def changed_files(root: Path, revision: str) -> set[str]:
    """Paths (relative to ``root``) changed since ``revision``, including uncommitted and
    untracked files."""
    from okrctl.gitrepo import open_git

    with open_git(root) as git:
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
