"""Parse goal files, in parallel when there are many, through a content-addressed cache.

The cache lives in ``.okrctl_cache/`` at the repository root (it ignores itself in git).
Each goal file has its own entry, named by a hash of the okrctl code that turns bytes into
records, the file's path and a hash of its bytes: an entry can only ever match the exact
bytes it was made from, so the cache is never stale and always safe to delete, and an
edit rewrites one small entry. Goal files arrive in pull requests, so a cache file could be
planted in one: the cache is signed with a key kept outside the repository
(``$XDG_CACHE_HOME/okrctl/cache.key``) and an unsigned or foreign cache is ignored,
never unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from okrctl.core.codes import make
from okrctl.core.errors import OkrctlError
from okrctl.core.fileio import FileTooLarge, read_limited, replace_file
from okrctl.core.model import GoalFile
from okrctl.core.signing import machine_key, sign, verified
from okrctl.load.yamlread import MAX_FILE_BYTES, too_large

CACHE_DIR = ".okrctl_cache"
_ENTRIES = "goals"
_SOURCES = (  # the code a cached parse depends on, relative to the okrctl package
    "__init__.py",
    "load/yamlread.py",
    "load/yamlscalar.py",
    "load/validate.py",
    "load/schemadef.py",
    "load/goalfile.py",
    "load/goalvalues.py",
    "load/fields.py",
    "load/schemaparts.py",
    "load/suppressions.py",
    "load/written.py",
    "core/model.py",
    "core/numbers.py",
    "core/diagnostics.py",
    "core/codes.py",
    "core/vocabulary.py",
    "core/encodings.py",
    "rules/registry.py",
    "rules/loading.py",
)


def _fingerprint() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parents[1]
    for name in _SOURCES:
        digest.update(name.encode())
        digest.update((here / name).read_bytes())
    return digest.digest()


def cache_home(root: Path) -> Path:
    """The repository's cache folder (CACHE_DIR), made with a .gitignore that keeps it
    out of commits and pull requests. Raises ``OSError``."""
    home = root / CACHE_DIR
    home.mkdir(parents=True, exist_ok=True)
    ignore = home / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by okrctl; safe to delete\n*\n", encoding="utf-8")
    return home


class _Store:
    """Signed cache entries, one file per (okrctl code, path, content)."""

    def __init__(self, root: Path, key: bytes) -> None:
        self.directory = root / CACHE_DIR / _ENTRIES
        self.key = key
        self.salt = _fingerprint()
        self.used: set[str] = set()

    def name(self, path: str, digest: bytes) -> str:
        return hashlib.blake2b(
            path.encode() + b"\0" + digest, key=self.salt, digest_size=20
        ).hexdigest()

    def _sign(self, payload: bytes) -> bytes:
        return sign(self.key, payload)

    def get(self, name: str) -> GoalFile | None:
        self.used.add(name)
        try:
            blob = (self.directory / name).read_bytes()
        except OSError:
            return None
        payload = verified(self.key, blob)
        if payload is None:
            return None  # not written by this machine's okrctl: never unpickled
        try:
            value = pickle.loads(payload)
        except Exception:  # signed but unreadable (a crash mid-write): parse again
            return None
        return value if isinstance(value, GoalFile) else None

    def put(self, name: str, payload: bytes) -> None:
        """Store ``payload``, a pickled GoalFile."""
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                cache_home(self.directory.parent.parent)
            replace_file(self.directory / name, self._sign(payload) + payload, sync=False)
        except OSError:
            return  # a read-only checkout still checks; it is only slower

    def prune(self) -> None:
        """Drop entries this run did not use, once they outnumber the used ones."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        if len(names) <= 2 * len(self.used) + 16:
            return
        for name in names:
            if name not in self.used:
                (self.directory / name).unlink(missing_ok=True)


def content_digest(data: bytes) -> bytes:
    """The hash a cache entry is named by (and the stat manifest records): 16 bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


def cached_file(root: Path, path: str, digest: bytes) -> GoalFile | None:
    """The cached parse of ``path`` whose bytes hash to ``digest``, or None when the cache
    has no such entry (or no key to trust one with)."""
    key = machine_key()
    if key is None:
        return None
    store = _store_for(root, key)
    return store.get(store.name(path, digest))


def parse_version(root: Path, path: str, blob: str, read: Callable[[], bytes]) -> GoalFile:
    """``path`` as the git blob ``blob`` holds it (``read`` gives its bytes), through the
    parse cache, named by the blob id (itself a hash of the bytes): a version parsed
    once is not read from git nor parsed again."""
    from okrctl.load.goalfile import parse_goal_file

    key = machine_key()
    store = _store_for(root, key) if key is not None else None
    name = store.name(path, b"git blob " + blob.encode()) if store is not None else ""
    hit = store.get(name) if store is not None else None
    if hit is not None:
        return hit
    goal_file = parse_goal_file(path, read())
    if store is not None:
        store.put(name, pickle.dumps(goal_file, protocol=pickle.HIGHEST_PROTOCOL))
    return goal_file


@functools.lru_cache(maxsize=4)
def _store_for(root: Path, key: bytes) -> _Store:
    return _Store(root, key)


def prune_unused(root: Path, live: Iterable[tuple[str, bytes]]) -> None:
    """Drop the parse cache's entries for file versions no longer in ``live`` (path,
    content hash), once they outnumber the live ones."""
    key = machine_key()
    if key is None:
        return
    store = _Store(root, key)
    live = list(live)
    try:
        if len(os.listdir(store.directory)) <= 2 * len(live) + 16:
            return
    except OSError:
        return
    for path, digest in live:
        store.used.add(store.name(path, digest))
    store.prune()


def _parse_pickled(item: tuple[str, bytes]) -> bytes:
    """In a worker: parse, and hand back the pickle that both travels and gets cached."""
    from okrctl.load.goalfile import parse_goal_file

    return pickle.dumps(parse_goal_file(*item), protocol=pickle.HIGHEST_PROTOCOL)


def _parse_many(items: list[tuple[str, bytes]], jobs: int) -> Iterator[tuple[GoalFile, bytes]]:
    """Parsed files with their pickles, in parallel when ``jobs`` > 1."""
    if jobs <= 1 or len(items) < 2:
        for item in items:
            payload = _parse_pickled(item)
            yield pickle.loads(payload), payload
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    chunk = max(1, len(items) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for payload in pool.map(_parse_pickled, items, chunksize=chunk):
            yield pickle.loads(payload), payload


def _unreadable(path: str, exc: OSError) -> OkrctlError:
    """A goal file that cannot be read is an I/O error (exit 2), never a file left out."""
    return OkrctlError(
        f"cannot read the goal file: {exc.strerror or exc}",
        hint="okrctl reads every file the goals globs in okrctl.yaml match: make it a "
        "readable file, or narrow the globs",
        file=path,
    )


def parse_files(
    root: Path,
    paths: Iterable[str],
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    prune: bool = True,
) -> list[GoalFile]:
    """GoalFile records for ``paths`` (repository-relative), in the same order. With
    ``prune`` (``paths`` is every goal file) entries no file uses any more are dropped."""

    paths = list(paths)
    key = machine_key() if use_cache else None
    store = _Store(root, key) if key else None
    results: dict[str, GoalFile] = {}
    todo: list[tuple[str, bytes]] = []
    names: dict[str, str] = {}
    for path in paths:
        try:
            data = read_limited(root / path, MAX_FILE_BYTES)
        except FileTooLarge as exc:
            problem = too_large(exc.size)
            results[path] = GoalFile(
                path, (), (), (), (make(problem.code, path, 0, 0, problem.message, problem.hint),)
            )
            continue
        except OSError as exc:
            raise _unreadable(path, exc) from None
        if store is not None:
            names[path] = store.name(path, content_digest(data))
            hit = store.get(names[path])
            if hit is not None:
                results[path] = hit
                continue
        todo.append((path, data))
    if todo:
        from okrctl.core.feedback import track

        workers = default_jobs(len(todo)) if jobs is None else jobs
        with track("parsing goal files", len(todo)) as advance:
            for goal_file, payload in _parse_many(todo, workers):
                results[goal_file.path] = goal_file
                if store is not None:
                    store.put(names[goal_file.path], payload)
                advance(1)
    if store is not None and todo and prune:
        store.prune()
    return [results[path] for path in paths if path in results]


def default_jobs(count: int) -> int:
    """Worker processes for parsing ``count`` files: parallel only where it pays for the
    processes' start-up (200 files or more), at most 8."""
    if count < 200:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))
