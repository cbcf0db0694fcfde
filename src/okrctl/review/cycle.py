"""The report's changes during the cycle: how the goals changed since the cycle started,
read from git, or why that cannot be told.

The changes are counted from the last commit on HEAD's first-parent line (the branch the
report is made on, not a side branch merged into it) committed before the cycle's first
day; when the repository started later, from its first commit. When the clone's history
does not reach that far (a shallow clone, grafts), the section says it is incomplete and
lists nothing: a partial list would read as a confident, wrong one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrctl.core.i18n import text

if TYPE_CHECKING:
    from okrctl.git.revisions import GitRepo
    from okrctl.review.diff import FieldChange


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    kind: str
    entity: str
    id: str
    title: str
    fields: tuple[FieldChange, ...]
    goalposts: tuple[dict[str, Any], ...]
    author: str | None = None  # the last commit in the cycle that touched its file
    when: str | None = None
    commit: str | None = None


@dataclass(frozen=True, slots=True)
class Incomplete:
    """Why the changes cannot be listed: the clone's history stops at ``commit``."""

    reason: str  # "shallow clone" or "grafted history"
    commit: str
    date: str  # the commit's committer date, YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class CycleChanges:
    entries: list[ChangeEntry]
    note: str | None
    complete: bool  # the entries are every change of the cycle
    incomplete: Incomplete | None = None


def not_read(reason: str, lang: str) -> CycleChanges:
    return CycleChanges([], text("git_unavailable", lang, reason=reason), False)


def cycle_base(git: GitRepo, start: dt.date) -> str:
    """The commit the cycle's changes are counted from; a HistoryGap when the clone's
    history does not reach it or does not hold every commit after it."""
    from okrctl.git.shallow import HistoryGap, find_cuts, first_parent_cut, range_cut

    cuts = find_cuts(git)
    base = git.run(
        "rev-list",
        "-1",
        "--first-parent",
        f"--before={start.isoformat()}T00:00:00",
        "HEAD",
        "--",
        what="find the cycle's starting point",
    ).strip()
    line = git.run(
        "rev-list",
        "--first-parent",
        f"{base}..HEAD" if base else "HEAD",
        "--",
        what="read the history of HEAD",
    ).split()
    needed = f"the history back to the start of the cycle ({start})"
    cut = first_parent_cut(cuts, line)
    if cut is not None:
        raise HistoryGap(cut, needed)
    base = base or line[-1]  # the repository started during the cycle: its first commit
    cut = range_cut(git, cuts, base, "HEAD")
    if cut is not None:
        raise HistoryGap(cut, needed)
    return base


def cycle_changes(root: Path, start: dt.date, as_of: dt.date, lang: str) -> CycleChanges:
    from okrctl.core.errors import GitError
    from okrctl.git.revisions import open_git
    from okrctl.git.shallow import SHALLOW, HistoryGap
    from okrctl.review.diff import goal_diff

    try:
        with open_git(root) as git:
            git.resolve("HEAD")
            base = cycle_base(git, start)
            diff = goal_diff(root, base, None, as_of)
            last: dict[str, Any] = {}
            for change in diff.changes:
                if change.file not in last:
                    commits = git.log(f"{base}..HEAD", [change.file])
                    last[change.file] = commits[-1] if commits else None
    except HistoryGap as gap:
        cut = gap.cut
        fix = (
            text("fix_shallow", lang)
            if cut.kind == SHALLOW
            else text("fix_grafted", lang, commit=cut.short)
        )
        note = text(
            "history_incomplete",
            lang,
            reason=text(cut.kind, lang),
            commit=cut.short,
            date=cut.day,
            start=start.isoformat(),
            fix=fix,
        )
        return CycleChanges([], note, False, Incomplete(cut.kind, cut.sha, cut.day))
    except GitError as exc:
        return not_read(exc.message, lang)
    entries = []
    for change in diff.changes:
        commit = last.get(change.file)
        posts = tuple(
            {
                "reason": p.reason,
                "field": p.field,
                "old": p.old,
                "new": p.new,
                "old_written": p.old_written,
                "new_written": p.new_written,
                "author": p.author.name if p.author else None,
                "when": p.author.when if p.author else None,
                "commit": p.author.commit if p.author else None,
            }
            for p in change.goalposts
        )
        entries.append(
            ChangeEntry(
                change.kind,
                change.entity,
                change.id,
                change.title,
                change.fields,
                posts,
                commit.author if commit else None,
                commit.date.isoformat() if commit else None,
                commit.short if commit else None,
            )
        )
    return CycleChanges(entries, None if entries else text("no_changes", lang), True)
