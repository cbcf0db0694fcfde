"""Goals at git revisions: the repository as it was, read straight from git's objects.

okrctl runs git itself (no wrapper library: importing one cost more than the
commands it ran); every blob is read through one persistent
``git cat-file --batch`` process (not a process per file: 50 versions of a file take
41 ms that way against 272 ms with ``git show``; bench/bench_git.py times the commands
that read history), which ``close()`` ends. Every way git says no becomes a ``GitError``
with the fix.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from okrctl.core.errors import GitError
from okrctl.core.model import GoalFile
from okrctl.load.config import CONFIG_NAME, parse_config
from okrctl.load.repository import Repository

WORKTREE = "WORKTREE"


def _env() -> dict[str, str]:
    """git's messages in English (``explain_git_failure`` reads them), no prompts."""
    return {**os.environ, "LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0"}


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit: full ``sha``, author name and email, author ``date`` (with its zone)
    and the subject line."""

    sha: str
    author: str
    email: str
    date: dt.datetime
    subject: str

    @property
    def short(self) -> str:
        """The first 10 characters of the sha."""
        return self.sha[:10]


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A goals glob (``goals/**/*.yaml``) as a regular expression over POSIX paths."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


class GitRepo:
    """The git repository around an okrctl root. Use as a context manager."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if not self.root.exists():
            raise GitError(f"{self.root} does not exist")
        self._batch: subprocess.Popen[bytes] | None = None
        try:
            top = self.run("rev-parse", "--show-toplevel", what="find the git repository")
        except GitError as exc:
            if "work tree" in exc.message:
                raise GitError(
                    "the repository has no working tree (a bare clone)",
                    hint="run okrctl in a normal clone",
                ) from None
            raise
        self.top = Path(top.rstrip("\n")).resolve()
        prefix = self.root.relative_to(self.top).as_posix()
        self.prefix = "" if prefix == "." else prefix + "/"

    # -- plumbing -------------------------------------------------------------------------
    def run(self, *args: str, what: str) -> str:
        """Run git in the okrctl root; a GitError saying what could not be done."""
        done = subprocess.run(
            ["git", "-C", str(self.root), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=_env(),
            check=False,
        )
        if done.returncode != 0:
            raise explain_git_failure(done.stderr.decode("utf-8", "replace"), what)
        return done.stdout.decode("utf-8", "surrogateescape")

    def close(self) -> None:
        """End the persistent ``git cat-file`` process."""
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait()
            self._batch = None

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def resolve(self, revision: str) -> str:
        """The commit a revision names, or a GitError that says how to get it."""
        try:
            return self.run(
                "rev-parse",
                "--verify",
                "--quiet",
                f"{revision}^{{commit}}",
                what=f"find revision {revision}",
            ).strip()
        except GitError as exc:
            if "dubious ownership" in exc.message:
                raise
            if not self.run("rev-list", "-n", "1", "--all", what="list commits").strip():
                raise GitError(
                    "the repository has no commits yet",
                    hint="commit the goal files first (git add, git commit)",
                ) from None
            raise missing_revision(revision, self.is_shallow()) from None

    def is_shallow(self) -> bool:
        """Whether the clone is shallow (its history cut off). Raises ``GitError``."""
        return (
            self.run("rev-parse", "--is-shallow-repository", what="inspect the clone").strip()
            == "true"
        )

    def blob(self, revision: str, path: str) -> bytes | None:
        """The bytes of ``path`` (relative to the okrctl root) at ``revision``; None when the
        file does not exist there."""
        return self._read(f"{revision}:{self.prefix}{path}")

    def _read(self, name: str) -> bytes | None:
        """One object through the persistent ``git cat-file --batch`` process (whose
        input is one name a line: a name holding a line break is read by its own git)."""
        if "\n" in name:
            done = subprocess.run(
                ["git", "-C", str(self.root), "cat-file", "blob", name],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=_env(),
                check=False,
            )
            return done.stdout if done.returncode == 0 else None
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "-C", str(self.root), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_env(),
            )
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) != 3:  # "<name> missing" or "ambiguous"
            return None
        data = self._batch.stdout.read(int(header[2]) + 1)[:-1]
        return data if header[1] == b"blob" else None

    def object(self, object_id: str) -> bytes | None:
        """A blob by its id."""
        return self._read(object_id)

    def files(self, revision: str) -> list[str]:
        """Paths (relative to the okrctl root) of every file at ``revision``."""
        out = self.run(
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "--full-tree",
            revision,
            "--",
            self.prefix or ".",
            what=f"list the files of {revision}",
        )
        return [p[len(self.prefix) :] for p in out.split("\0") if p.startswith(self.prefix) and p]

    def log(self, revision_range: str, paths: list[str] | None = None) -> list[Commit]:
        """Commits in the range that touch ``paths``, oldest first."""
        args = ["log", "--reverse", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1e", revision_range]
        if paths is not None:  # pathspecs are relative to the okrctl root (git -C root)
            args += ["--", *paths]
        out = self.run(*args, what=f"read the history of {revision_range}")
        commits = []
        for record in out.split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) == 5:
                sha, author, email, date, subject = fields
                commits.append(Commit(sha, author, email, dt.datetime.fromisoformat(date), subject))
        return commits

    def log_changes(self, revision: str, under: list[str] | None = None) -> Pending:
        """Start reading the first-parent history up to ``revision``; ``result()`` is its
        text for ``parse_changes``. ``under`` (paths or folders relative to the root, ``""``
        the whole root) restricts it to the commits that change a file there."""
        pathspecs = sorted({f":(literal){p}" if p else "." for p in under or [""]})
        return self.start(
            "log",
            "--reverse",
            "--first-parent",
            "--diff-merges=first-parent",
            "--raw",
            "--no-abbrev",
            "-z",
            "--no-renames",
            "--relative",
            "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s",
            revision,
            "--",
            *pathspecs,
            what=f"read the history of {revision}",
        )

    def start(self, *args: str, what: str) -> Pending:
        """Start git in the okrctl root in the background: ``result()`` waits for it."""
        process = subprocess.Popen(
            ["git", "-C", str(self.root), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )
        return Pending(process, what)

    def paths_mentioning(self, revision: str, text: str, under: list[str]) -> Pending:
        """Start finding every path (relative to the okrctl root, below one of the folders
        ``under``; ``""`` is the whole root) whose number of occurrences of ``text``
        changed in some commit reachable from ``revision``, merges included: git's
        pickaxe (``-S``), so a goal's files are found without reading any file in Python.
        A goal that moved between files, or was removed and written again, is found in
        each of them. ``result()`` gives the paths, one per line break-free NUL record."""
        pathspecs = sorted({f":(literal){folder}" if folder else "." for folder in under})
        return self.start(
            "log",
            "--diff-merges=first-parent",
            "--no-renames",
            "--relative",
            "--format=",
            "--name-only",
            "-z",
            f"-S{text}",
            revision,
            "--",
            *(pathspecs or ["."]),
            what=f"find the commits that mention {text}",
        )

    def versions(self, revision: str, path: str) -> list[str]:
        """The blob ids ``path`` had along the history up to ``revision``."""
        out = self.run(
            "log",
            "--raw",
            "--no-abbrev",
            "-z",
            "--no-renames",
            "--relative",
            "--format=",
            revision,
            "--",
            f":(literal){path}",
            what=f"read the history of {path}",
        )
        blobs = []
        for part in out.split("\0"):
            fields = part.strip().lstrip(":").split()
            if len(fields) == 5 and not fields[4].startswith("D"):
                blobs.append(fields[3])
        return blobs

    # -- the goals at a revision -------------------------------------------------------------
    def snapshot(self, revision: str, reuse: Mapping[str, GoalFile] | None = None) -> Repository:
        """The goals repository as it was at ``revision``; ``reuse`` holds goal files known to
        be the same there (by path), which are not read again."""
        from okrctl.load.goalfile import parse_goal_file

        if revision == WORKTREE:
            from okrctl.load.repository import load_repository

            return load_repository(self.root)
        commit = self.resolve(revision)
        config_bytes = self.blob(commit, CONFIG_NAME)
        if config_bytes is None:
            raise GitError(
                f"{CONFIG_NAME} does not exist at {revision}",
                hint="compare revisions that both hold the goals repository",
            )
        config = parse_config(self.root, config_bytes)
        patterns = [glob_regex(g) for g in config.goals]
        paths = sorted(
            p for p in self.files(commit) if any(r.match(p) for r in patterns) and p != CONFIG_NAME
        )
        files: list[GoalFile] = []
        for path in paths:
            if reuse is not None and path in reuse:
                files.append(reuse[path])
                continue
            data = self.blob(commit, path)
            if data is not None:
                files.append(parse_goal_file(path, data))
        return Repository(config, tuple(files))


Header = tuple[str, str, str, str, str]  # sha, author, email, ISO date, subject


def commit_of(header: Header) -> Commit:
    """The commit a ``parse_changes`` header describes."""
    sha, author, email, date, subject = header
    return Commit(sha, author, email, dt.datetime.fromisoformat(date), subject)


def parse_changes(out: str) -> list[tuple[Header, list[tuple[str, str | None]]]]:
    """``GitRepo.log_changes``'s text: oldest first, each commit's header (``commit_of``
    makes it a ``Commit``) with the files it changed (relative to the okrctl root) and
    their new blob ids (None when deleted)."""
    history = []
    for record in out.split("\x1e")[1:]:
        text, _, rest = record.partition("\0")
        sha, author, email, date, subject = (text.split("\x1f") + [""] * 5)[:5]
        parts = rest.lstrip("\n").split("\0")
        changes: list[tuple[str, str | None]] = []
        index = 0
        while index + 1 < len(parts):
            meta = parts[index].strip()
            if meta.startswith(":"):
                fields = meta[1:].split()
                changes.append((parts[index + 1], None if fields[4].startswith("D") else fields[3]))
                index += 2
            else:
                index += 1
        history.append(((sha, author, email, date, subject), changes))
    return history


class Pending:
    """A git process running in the background (``GitRepo.start``)."""

    def __init__(self, process: subprocess.Popen[bytes], what: str) -> None:
        self.process = process
        self.what = what

    def result(self) -> str:
        """Its output; a GitError saying what could not be done when git failed."""
        out, err = self.process.communicate()
        if self.process.returncode != 0:
            raise explain_git_failure(err.decode("utf-8", "replace"), self.what)
        return out.decode("utf-8", "surrogateescape")

    def cancel(self) -> None:
        """End it if it still runs."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def explain_git_failure(stderr: str, what: str) -> GitError:
    """The ``GitError`` for a failed git command that was to ``what`` (a verb phrase),
    with the fix for the failures okrctl knows (dubious ownership, not a repository)."""
    text = stderr.strip()
    if "dubious ownership" in text:
        return GitError(
            "git refuses this repository: it is owned by another user (dubious ownership)",
            hint="git config --global --add safe.directory '<repository path>'",
        )
    if "not a git repository" in text:
        return GitError(
            "not inside a git repository", hint="run okrctl in a clone of the goals repository"
        )
    last = text.splitlines()[-1] if text else "no message"
    return GitError(f"git could not {what}: {last}")


def missing_revision(revision: str, shallow: bool) -> GitError:
    """The ``GitError`` for a revision the clone lacks; a ``shallow`` clone's hint says
    to fetch the history."""
    if shallow:
        return GitError(
            f"revision '{revision}' is not in this shallow clone",
            hint="fetch the history: git fetch --unshallow; in GitHub Actions use "
            "actions/checkout with fetch-depth: 0",
        )
    return GitError(
        f"revision '{revision}' is not in this clone",
        hint="check the name, or fetch it (git fetch origin <branch>); in GitHub Actions use "
        "actions/checkout with fetch-depth: 0",
    )


def open_git(root: Path) -> GitRepo:
    """A GitRepo, or a GitError naming the problem (not a repository, no git, ...)."""
    if not root.exists():
        raise GitError(f"{root} does not exist")
    return GitRepo(root)
