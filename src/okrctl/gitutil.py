"""The little okrctl asks of git, with clear errors for the ways git says no."""

from __future__ import annotations

from pathlib import Path

from okrctl.errors import GitError


def changed_files(root: Path, revision: str) -> set[str]:
    """Paths (relative to ``root``) changed since ``revision``, including uncommitted and
    untracked files."""
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except git.InvalidGitRepositoryError as exc:
        raise GitError(
            f"{root} is not inside a git repository",
            hint="--changed-since needs git history; run okrctl check without it",
        ) from exc
    except git.NoSuchPathError as exc:  # pragma: no cover - root exists by now
        raise GitError(f"{root} does not exist") from exc
    try:
        top = Path(repo.working_tree_dir or root).resolve()
        try:
            repo.git.rev_parse("--verify", "--quiet", f"{revision}^{{commit}}")
        except git.GitCommandError as exc:
            raise _git_error(exc, revision, missing=True) from exc
        names = repo.git.diff("--name-only", "-z", "--no-renames", revision, "--").split("\0")
        names += repo.git.ls_files("--others", "--exclude-standard", "-z").split("\0")
    except git.GitCommandError as exc:
        raise _git_error(exc, revision) from exc
    finally:
        repo.close()
    out = set()
    for name in filter(None, names):
        absolute = (top / name).resolve()
        try:
            out.add(absolute.relative_to(root.resolve()).as_posix())
        except ValueError:
            continue
    return out


def _git_error(exc: object, revision: str, *, missing: bool = False) -> GitError:
    text = str(getattr(exc, "stderr", "") or "").strip()
    if text.startswith("stderr:"):
        text = text[len("stderr:") :].strip().strip("'").strip()
    if "dubious ownership" in text:
        return GitError(
            "git refuses this repository: it is owned by another user (dubious ownership)",
            hint="git config --global --add safe.directory '<repository path>'",
        )
    if missing or "shallow" in text or "unknown revision" in text or "bad revision" in text:
        return GitError(
            f"revision '{revision}' is not in this clone",
            hint="fetch it (git fetch origin <branch>); in GitHub Actions use "
            "actions/checkout with fetch-depth: 0",
        )
    return GitError(f"git failed: {text.splitlines()[-1] if text else 'no message'}")
