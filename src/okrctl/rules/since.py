"""`okrctl check --changed-since REV` at the cost of the change.

The working tree's diagnostics come from the incremental check (rules/incremental.py):
warm, only what changed since the last run is parsed and judged; on a fresh clone that
one whole run is the floor. The goals as they were at REV differ from the working tree
only in the files changed since REV, so REV's diagnostics are the working tree's state
with that edit undone: REV's versions of those files are read from git and parsed, the
index is patched, and the rules run again only on the files the edit can affect
(``index.affected``); every other file's diagnostics are the working tree's. git/scope.py
then selects what the change answers for, as it does from two whole runs. When REV's
okrctl.yaml differs from the working tree's, or the metric sources the goals read
differ, or the files' order differs, both sides are judged whole (``None`` here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from okrctl.core.diagnostics import Diagnostic, Suppression
from okrctl.core.model import GoalFile
from okrctl.load.config import CONFIG_NAME, Config
from okrctl.load.filecache import parse_files
from okrctl.load.repository import Repository
from okrctl.rules.focus import attach_data, focused, judge
from okrctl.rules.incremental import Record, State, run
from okrctl.rules.index import Index, MemoryView, affected, facts_of
from okrctl.rules.shelf import Damaged


class _Files(Mapping[str, GoalFile]):
    """The working tree's goal files by path, each parsed (through the parse cache) only
    when asked."""

    def __init__(self, config: Config, order: list[str], use_cache: bool) -> None:
        self.config, self.order, self.use_cache = config, order, use_cache
        self.known = set(order)
        self.loaded: dict[str, GoalFile] = {}

    def __getitem__(self, path: str) -> GoalFile:
        if path not in self.known:
            raise KeyError(path)
        if path not in self.loaded:
            self.loaded[path] = parse_files(
                self.config.root, [path], use_cache=self.use_cache, prune=False
            )[0]
        return self.loaded[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


class Judged:
    """Both sides of a change: the working tree's diagnostics and summary counts, REV's
    diagnostics (rule settings not applied), the changed files on both sides, and the
    working tree's goal files (parsed when asked)."""

    def __init__(
        self,
        head: list[Diagnostic],
        totals: tuple[int, ...],
        before: list[Diagnostic],
        base: Repository,
        head_changed: Repository,
        files: _Files,
        comments: tuple[dict[str, tuple[Suppression, ...]], dict[str, tuple[Suppression, ...]]],
    ) -> None:
        self.head, self.totals, self.before = head, totals, before
        self.base, self.head_changed, self.files = base, head_changed, files
        # the suppression comments of the goal files on each side, by path
        self.comments, self.base_comments = comments


def judge_both(
    config: Config,
    paths: list[str],
    revision: str,
    changed: set[str],
    *,
    data: bool,
    as_of: dt.date,
    use_cache: bool,
) -> Judged | None:
    """The working tree judged incrementally and REV judged as the undoing of the change;
    ``changed`` are the paths git says changed since ``revision`` (resolved). None when
    only whole runs can answer (see the module's docstring). Raises ``GitError``."""
    from okrctl.git.revisions import glob_regex, open_git
    from okrctl.load.goalfile import parse_goal_file

    root = config.root
    with open_git(root) as git:
        commit = git.resolve(revision)
        settings = git.blob(commit, CONFIG_NAME)
        if settings is None or settings != (root / CONFIG_NAME).read_bytes():
            return None
        patterns = [glob_regex(g) for g in config.goals]
        base_paths = sorted(
            p for p in git.files(commit) if p != CONFIG_NAME and any(r.match(p) for r in patterns)
        )
        head_set, base_set = set(paths), set(base_paths)
        if [p for p in paths if p in base_set] != [p for p in base_paths if p in head_set]:
            return None  # the order ids are first defined in would differ
        edited = (changed & (head_set | base_set)) | (head_set ^ base_set)
        old_versions = {}
        for path in sorted(edited & base_set):
            old_versions[path] = parse_goal_file(path, git.blob(commit, path) or b"")
    outcome = run(config, paths, data=data, as_of=as_of, use_cache=use_cache, keep=True)
    state = outcome.state
    assert state is not None
    files = _Files(config, paths, use_cache)
    try:
        before = _undo(config, state, base_paths, edited, old_versions, files, data, as_of)
    except Damaged:  # another run rewrote the recorded index meanwhile: whole runs answer
        return None
    if before is None:
        return None
    base = Repository(config, tuple(old_versions[p] for p in sorted(old_versions)))
    head_changed = Repository(config, tuple(files[p] for p in paths if p in edited))
    base_comments = {p: c for p, c in outcome.suppressions.items() if p not in edited}
    base_comments |= {p: f.suppressions for p, f in old_versions.items() if f.suppressions}
    comments = (outcome.suppressions, base_comments)
    return Judged(outcome.diagnostics, outcome.totals, before, base, head_changed, files, comments)


def _undo(
    config: Config,
    state: State,
    order: list[str],
    edited: set[str],
    old_versions: dict[str, GoalFile],
    files: _Files,
    data: bool,
    as_of: dt.date,
) -> list[Diagnostic] | None:
    """REV's diagnostics: ``state`` (the working tree) with the edited files as
    ``old_versions`` holds them (absent there: not at REV), re-judged where the edit
    reaches. None when the metric sources the goals read differ (a whole run answers)."""
    head_records = state.records()
    head_index = Index({p: r.facts for p, r in head_records.items()}, state.order)
    records = {p: r for p, r in head_records.items() if p not in edited}
    for path, goal_file in old_versions.items():
        records[path] = Record(facts_of(goal_file), goal_file.diagnostics, (), (0, 0, 0, 0))
    base_index = Index({p: records[p].facts for p in order}, order)
    if tuple(sorted(base_index.sources())) != state.sources:
        return None
    old_facts = {p: head_records[p].facts for p in edited if p in head_records}
    focus = affected(MemoryView(head_index, base_index, old_facts), edited, old_facts)

    def load(path: str) -> GoalFile:
        return old_versions[path] if path in old_versions else files[path]

    focus_files = [load(p) for p in order if p in focus]
    ctx = focused(config, focus_files, base_index, load)
    attach_data(ctx, data, as_of)
    found, _, _ = judge(ctx, focus_files)
    out: list[Diagnostic] = []
    for path in order:
        record = records[path]
        out += record.loaded
        out += found[path] if path in focus else record.found
    return out + list(state.general)
