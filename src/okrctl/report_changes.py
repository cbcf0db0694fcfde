"""The report's "changes during the cycle": goal changes read from git since the last
commit before the cycle started, with the last commit that touched each goal's file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from okrctl.i18n import text
from okrctl.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    kind: str
    entity: str
    id: str
    title: str
    fields: tuple[tuple[str, Any, Any], ...]
    goalposts: tuple[dict[str, Any], ...]
    author: str | None = None  # the last commit in the cycle that touched its file
    when: str | None = None
    commit: str | None = None


def changes_in_cycle(
    workspace: Workspace, start: dt.date, as_of: dt.date, lang: str
) -> tuple[list[ChangeEntry], str | None]:
    from okrctl.errors import GitError
    from okrctl.gitrepo import open_git
    from okrctl.goaldiff import goal_diff

    root = workspace.config.root
    try:
        with open_git(root) as git:
            base = git.run(
                "rev-list",
                "-1",
                f"--before={start.isoformat()}T00:00:00",
                "HEAD",
                "--",
                ".",
                what="find the cycle's starting point",
            ).strip()
            if not base:
                roots = git.run(
                    "rev-list", "--max-parents=0", "HEAD", what="find the first commit"
                ).split()
                base = roots[-1] if roots else ""
            if not base:
                return [], text("no_changes", lang)
            diff = goal_diff(root, base, None, as_of)
            last: dict[str, Any] = {}
            for change in diff.changes:
                if change.file not in last:
                    commits = git.log(f"{base}..HEAD", [change.file])
                    last[change.file] = commits[-1] if commits else None
    except GitError as exc:
        return [], text("git_unavailable", lang, reason=exc.message)
    entries = []
    for change in diff.changes:
        commit = last.get(change.file)
        posts = tuple(
            {
                "reason": p.reason,
                "field": p.field,
                "old": p.old,
                "new": p.new,
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
                tuple((f.field, f.old, f.new) for f in change.fields),
                posts,
                commit.author if commit else None,
                commit.date.isoformat() if commit else None,
                commit.short if commit else None,
            )
        )
    return entries, None if entries else text("no_changes", lang)
