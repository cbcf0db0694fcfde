"""What `okrctl history` read of git before, so that it reads only the commits since
(docs/architecture.md, "History at git speed").

Kept signed with the machine key in ``.okrctl_cache/history``: the commit it was read up
to, the folders it covered, the first-parent log of those folders (each commit with the
files it changed) and, per goal id searched, the paths whose number of occurrences of
it changed in some commit (git's pickaxe). When the new HEAD has the recorded commit on
its first-parent line, the history up to HEAD is the recorded one plus the commits
``RECORDED..HEAD``, and only those are read; anything else (another line after a rebase
or reset, other folders, no or a foreign record) reads the whole history again.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

from okrctl.core.errors import GitError, OkrctlError
from okrctl.core.fileio import replace_file
from okrctl.core.signing import machine_key, sign, verified
from okrctl.git.revisions import GitRepo, Header, Pending, parse_changes
from okrctl.load.config import CONFIG_NAME, Config, parse_config

NAME = "history"


def _context() -> bytes:
    """What a record is signed for: okrctl's version and the code that writes and reads
    it, so that a record of another layout is never read as this one."""
    import hashlib

    from okrctl import __version__

    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    here = Path(__file__).resolve().parent
    for name in ("logcache.py", "revisions.py"):
        digest.update((here / name).read_bytes())
    return b"okrctl-history\0" + digest.digest()


Changes = list[tuple[str, str | None]]


@dataclass
class Record:
    """The history read up to ``head`` for ``folders``."""

    head: str
    folders: tuple[str, ...]
    log: list[tuple[Header, Changes]]  # oldest first
    paths: dict[str, set[str]] = field(default_factory=dict)  # text -> paths mentioning it
    globs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # okrctl.yaml blob -> goals


def _path(root: Path) -> Path:
    from okrctl.load.filecache import CACHE_DIR

    return root / CACHE_DIR / NAME


def load(root: Path) -> Record | None:
    """The record of this machine's okrctl, or None (none, foreign, unreadable)."""
    key = machine_key()
    if key is None:
        return None
    try:
        payload = verified(key, _path(root).read_bytes(), _context())
        record = pickle.loads(payload) if payload is not None else None
    except Exception:  # missing, cut short or another okrctl's layout
        return None
    return record if isinstance(record, Record) else None


def save(root: Path, record: Record) -> None:
    """Keep ``record``; a read-only checkout only stays slower."""
    from okrctl.load.filecache import cache_home

    key = machine_key()
    if key is None:
        return
    payload = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        cache_home(root)
        replace_file(_path(root), sign(key, payload, _context()) + payload, sync=False)
    except OSError:
        pass


def on_line(git: GitRepo, old: str, head: str) -> bool:
    """Whether ``old`` is ``head`` or on its first-parent line (one git process; a commit
    git no longer has is on no line)."""
    if old == head:
        return True
    try:
        out = git.run(
            "rev-list", "--first-parent", "--parents", f"{old}..{head}", what="read the history"
        )
    except GitError:
        return False
    rows = [line.split() for line in out.splitlines() if line.strip()]
    # newest first: the oldest commit of the range must have ``old`` as its first parent
    return bool(rows) and len(rows[-1]) > 1 and rows[-1][1] == old


class _Read:
    """A git process not started: everything it would print was read before."""

    def result(self) -> str:
        return ""

    def cancel(self) -> None:
        pass


def _folders(globs: list[str]) -> tuple[str, ...]:
    """The folders a list of goals globs reaches (``""``: the root), sorted."""
    folders = set()
    for glob in globs:
        cut = min((glob.find(c) for c in "*?" if c in glob), default=len(glob))
        folders.add(glob[:cut].rpartition("/")[0])
    return tuple(sorted(folders))


class Search:
    """The commits of ``head`` that `history` reads for one id: started in the background
    at once (``paths()`` and ``log()`` wait for them), from the record where it allows.
    The folders searched are those any version of okrctl.yaml's goals globs reach (and
    the default globs'); a version that cannot be read searches the whole root."""

    def __init__(self, git: GitRepo, head: str, text: str) -> None:
        self.git, self.head, self.text = git, head, text
        record = load(git.root)
        if record is not None and not on_line(git, record.head, head):
            record = None
        if record is not None:
            since = f"{record.head}..{head}"
            versions = git.versions(since, CONFIG_NAME) if record.head != head else []
            self.globs = {**record.globs, **self._globs_of(versions)}
        else:
            since = head
            self.globs = self._globs_of(git.versions(head, CONFIG_NAME))
        defaults = list(Config(root=git.root).goals)
        self.folders = _folders(defaults + [g for globs in self.globs.values() for g in globs])
        if record is not None and record.folders != self.folders:
            record, since = None, head
        self.record = record
        folders = list(self.folders)
        known = record is not None and text in record.paths
        same = record is not None and record.head == head  # nothing new to read
        self._paths: Pending | _Read = (
            _Read()
            if same and known
            else git.paths_mentioning(since if known else head, text, folders)
        )
        self._log: Pending | _Read = (
            _Read() if same else git.log_changes(since, [*folders, CONFIG_NAME])
        )

    def _globs_of(self, blobs: list[str]) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for blob in blobs:
            try:
                out[blob] = tuple(parse_config(self.git.root, self.git.object(blob) or b"").goals)
            except OkrctlError:  # a broken okrctl.yaml in the past: the whole root
                out[blob] = ("**",)
        return out

    def paths(self) -> set[str]:
        found = {p.strip("\n") for p in self._paths.result().split("\0") if p.strip("\n")}
        if self.record is not None and self.text in self.record.paths:
            found |= self.record.paths[self.text]
        self._found = found
        return found

    def log(self) -> list[tuple[Header, Changes]]:
        new = parse_changes(self._log.result())
        self._full = (self.record.log if self.record is not None else []) + new
        return self._full

    def cancel(self) -> None:
        for pending in (self._paths, self._log):
            pending.cancel()

    def keep(self) -> None:
        """Record what was read (after ``paths()`` and ``log()``)."""
        record = self.record
        if record is not None and record.head == self.head and self.text in record.paths:
            return  # nothing new was read
        paths = dict(record.paths) if record is not None else {}
        paths[self.text] = self._found
        found = Record(self.head, self.folders, self._full, paths, self.globs)
        save(self.git.root, found)
