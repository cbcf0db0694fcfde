"""Does this clone hold the history a question needs?

A clone can hold less history than the repository has, and git does not say so: a shallow
clone (``git clone --depth``, the default of ``actions/checkout``) stops at boundary commits
whose parents it never fetched, and grafts (``.git/info/grafts``) or replace refs
(``git replace --graft``) give commits other parents than they record. git then walks the
shorter history without complaint, a boundary commit looking like the repository's first.

Such a commit is a *cut*: the parents git walks differ from the parents the commit records.
A cut hides history only where a recorded parent is not reachable otherwise; each command
asks whether a hiding cut lies where its answer needs history:

* ``history``: the first-parent line of HEAD, back to the first commit;
* ``diff`` (who moved a goal post, and when): the commits between its two revisions;
* ``report`` (changes during the cycle): HEAD's first-parent line back to the last commit
  before the cycle started, and the commits from there to HEAD.

Committer dates are taken to grow along the history (a commit is newer than its parents),
as ``git clone --shallow-since`` takes them to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from okrctl.core.errors import GitError
from okrctl.git.revisions import GitRepo

SHALLOW = "shallow clone"
GRAFTED = "grafted history"

FETCH_HINT = (
    "fetch the whole history: git fetch --unshallow; in GitHub Actions use "
    "actions/checkout with fetch-depth: 0"
)


@dataclass(frozen=True, slots=True)
class Cut:
    """A commit whose parents, as git walks them, differ from those it records."""

    sha: str
    time: int  # committer date, seconds since the epoch
    date: str  # the same, ISO 8601 in the committer's time zone
    kind: str  # SHALLOW or GRAFTED
    parents: tuple[str, ...]  # as git walks them in this clone
    recorded: tuple[str, ...]  # as the commit records them

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def day(self) -> str:
        return self.date[:10]

    def hint(self) -> str:
        if self.kind == SHALLOW:
            return FETCH_HINT
        return (
            f"okrctl reads history as it was recorded: remove the replacement "
            f"(git replace -d {self.short}) or the commit's line in .git/info/grafts"
        )


class HistoryGap(GitError):
    """The history an answer needs is not all in this clone."""

    def __init__(self, cut: Cut, needed: str) -> None:
        super().__init__(
            f"{needed} is not all in this clone ({cut.kind}): the history stops at commit "
            f"{cut.short} ({cut.day})",
            hint=cut.hint(),
        )
        self.cut = cut


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def find_cuts(git: GitRepo) -> dict[str, Cut]:
    """Every cut of the clone, by commit id; empty (after two quick git calls) for a full
    clone without grafts or replace refs."""
    shallow, grafts = git.run(
        "rev-parse", "--git-path", "shallow", "--git-path", "info/grafts", what="find the clone"
    ).splitlines()[:2]
    candidates: dict[str, str] = {}
    for line in _lines(git.root / shallow):
        if line.strip():
            candidates[line.split()[0]] = SHALLOW
    for line in _lines(git.root / grafts):
        if line.strip() and not line.startswith("#"):
            candidates.setdefault(line.split()[0], GRAFTED)
    replaced = git.run(
        "for-each-ref",
        "--format=%(refname:strip=2) %(objecttype)",
        "refs/replace/",
        what="list replace refs",
    )
    for line in replaced.splitlines():
        name, _, kind = line.partition(" ")
        if kind == "commit":
            candidates.setdefault(name, GRAFTED)
    if not candidates:
        return {}
    walked = git.run(
        "log",
        "--no-walk=unsorted",
        "--ignore-missing",
        "--format=%H %ct %cI %P",
        *candidates,
        "--",
        what="read the clone's boundary commits",
    )
    recorded = _recorded_parents(git, list(candidates))
    cuts = {}
    for line in walked.splitlines():
        sha, time, date, *parents = line.split()
        if tuple(parents) != recorded.get(sha, ()):
            cuts[sha] = Cut(
                sha, int(time), date, candidates[sha], tuple(parents), recorded.get(sha, ())
            )
    return cuts


def _recorded_parents(git: GitRepo, shas: list[str]) -> dict[str, tuple[str, ...]]:
    """The parents each commit records (``--pretty=raw`` prints the commit as stored, and
    ``--no-replace-objects`` reads the commit, not its replacement)."""
    raw = git.run(
        "--no-replace-objects",
        "log",
        "--no-walk=unsorted",
        "--ignore-missing",
        "--pretty=raw",
        *shas,
        "--",
        what="read the clone's boundary commits",
    )
    out: dict[str, list[str]] = {}
    current: list[str] = []
    for line in raw.splitlines():
        if line.startswith("commit "):
            current = out.setdefault(line.split()[1], [])
        elif line.startswith("parent "):
            current.append(line.split()[1])
    return {sha: tuple(parents) for sha, parents in out.items()}


def _reachable(git: GitRepo, revision: str) -> dict[str, int]:
    """Every commit reachable from ``revision`` in this clone, with its committer date."""
    out = git.run("log", "--format=%H %ct", revision, "--", what=f"read the history of {revision}")
    return {sha: int(time) for sha, time in (line.split() for line in out.splitlines())}


def first_parent_cut(cuts: dict[str, Cut], line: list[str]) -> Cut | None:
    """The newest cut on a first-parent line (commit ids, newest first) where git walks to
    another first parent than the commit records (or to none)."""
    for sha in line:
        cut = cuts.get(sha)
        if cut is not None and cut.parents[:1] != cut.recorded[:1]:
            return cut
    return None


def range_cut(git: GitRepo, cuts: dict[str, Cut], base: str, tip: str) -> Cut | None:
    """A cut that makes ``base..tip`` (the commits reachable from ``tip`` and not from
    ``base``) differ from what the whole history holds, or None when it is exact.

    The range misses commits when a commit in it records a parent reachable from neither
    revision; it holds too many when a cut below ``base`` hides ancestors of ``base`` that
    ``tip`` reaches another way, which can only be commits older than that cut.
    """
    if not cuts:
        return None
    from_tip, from_base = _reachable(git, tip), _reachable(git, base)
    inside = {sha: time for sha, time in from_tip.items() if sha not in from_base}
    newest_first = sorted(cuts.values(), key=lambda c: -c.time)
    for cut in newest_first:
        if cut.sha in inside and any(
            p not in from_tip and p not in from_base for p in cut.recorded
        ):
            return cut
    oldest = min(inside.values(), default=None)
    for cut in newest_first:
        hides = any(p not in from_base for p in cut.recorded)
        if cut.sha in from_base and hides and oldest is not None and cut.time >= oldest:
            return cut
    return None


def require_line(git: GitRepo, tip: str, needed: str) -> None:
    """A HistoryGap unless the whole first-parent line of ``tip`` is in the clone."""
    cuts = find_cuts(git)
    if cuts:
        line = git.run("rev-list", "--first-parent", tip, "--", what=f"read the history of {tip}")
        cut = first_parent_cut(cuts, line.split())
        if cut is not None:
            raise HistoryGap(cut, needed)


def require_range(git: GitRepo, base: str, tip: str, needed: str) -> None:
    """A HistoryGap unless the clone holds exactly the commits of ``base..tip``."""
    cut = range_cut(git, find_cuts(git), base, tip)
    if cut is not None:
        raise HistoryGap(cut, needed)
