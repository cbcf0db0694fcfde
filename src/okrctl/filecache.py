"""Parse goal files, in parallel when there are many, through a content-addressed cache.

The cache lives in ``.okrctl_cache/`` at the repository root (it ignores itself in git).
Each entry is keyed by the file's path and a hash of its bytes, and the whole cache by a
fingerprint of the okrctl code that turns bytes into records, so it is never stale and
always safe to delete. Goal files arrive in pull requests, so a cache file could be
planted in one: the cache is signed with a key kept outside the repository
(``$XDG_CACHE_HOME/okrctl/cache.key``) and an unsigned or foreign cache is ignored,
never unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path

from okrctl.model import GoalFile
from okrctl.rules.registry import make

CACHE_DIR = ".okrctl_cache"
_CACHE_FILE = "goals.pickle"
_SOURCES = (
    "__init__.py",
    "yamlread.py",
    "validate.py",
    "schemadef.py",
    "goalfile.py",
    "model.py",
    "numbers.py",
    "diagnostics.py",
    "rules/registry.py",
    "rules/loading.py",
)

Entries = dict[str, tuple[bytes, GoalFile]]


def _fingerprint() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    here = Path(__file__).parent
    for name in _SOURCES:
        digest.update(name.encode())
        digest.update((here / name).read_bytes())
    return digest.digest()


def _key() -> bytes | None:
    """The machine's cache-signing key, created on first use; None if it cannot be kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "okrctl" / "cache.key"
    try:
        return path.read_bytes()
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        key = os.urandom(32)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except FileExistsError:
        try:
            return path.read_bytes()
        except OSError:
            return None
    except OSError:
        return None


def _sign(key: bytes, payload: bytes) -> bytes:
    return hashlib.blake2b(payload, key=key[:64], digest_size=32).digest()


def _read_cache(root: Path, key: bytes, fingerprint: bytes) -> Entries:
    path = root / CACHE_DIR / _CACHE_FILE
    try:
        blob = path.read_bytes()
    except OSError:
        return {}
    signature, payload = blob[:32], blob[32:]
    if len(signature) != 32 or not hmac.compare_digest(signature, _sign(key, payload)):
        return {}
    try:
        stored_fingerprint, entries = pickle.loads(payload)
    except Exception:  # a signed cache written by a crashed run: start afresh
        return {}
    return entries if stored_fingerprint == fingerprint else {}


def _write_cache(root: Path, key: bytes, fingerprint: bytes, entries: Entries) -> None:
    directory = root / CACHE_DIR
    try:
        directory.mkdir(exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by okrctl; safe to delete\n*\n", encoding="utf-8")
        payload = pickle.dumps((fingerprint, entries), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".goals-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_sign(key, payload))
                handle.write(payload)
            os.replace(tmp, directory / _CACHE_FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return  # a read-only checkout still checks; it is only slower


def _parse_one(item: tuple[str, bytes]) -> GoalFile:
    from okrctl.goalfile import parse_goal_file

    return parse_goal_file(*item)


def _parse_many(items: list[tuple[str, bytes]], jobs: int) -> list[GoalFile]:
    if jobs <= 1 or len(items) < 2:
        return [_parse_one(item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    chunk = max(1, len(items) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(_parse_one, items, chunksize=chunk))


def _unreadable(path: str, exc: OSError) -> GoalFile:
    reason = exc.strerror or str(exc)
    return GoalFile(
        path, (), (), (), (make("Y003", path, 0, 0, f"cannot read the file: {reason}"),)
    )


def parse_files(
    root: Path, paths: Iterable[str], *, use_cache: bool = True, jobs: int | None = None
) -> list[GoalFile]:
    """GoalFile records for ``paths`` (repository-relative), in the same order."""
    from okrctl.repository import default_jobs

    paths = list(paths)
    contents: dict[str, bytes] = {}
    results: dict[str, GoalFile] = {}
    for path in paths:
        try:
            contents[path] = (root / path).read_bytes()
        except OSError as exc:
            results[path] = _unreadable(path, exc)
    key = _key() if use_cache else None
    fingerprint = _fingerprint() if key else b""
    cached: Entries = _read_cache(root, key, fingerprint) if key else {}
    digests = {
        path: hashlib.blake2b(data, digest_size=16).digest() for path, data in contents.items()
    }
    todo = []
    for path, data in contents.items():
        hit = cached.get(path)
        if hit is not None and hit[0] == digests[path]:
            results[path] = hit[1]
        else:
            todo.append((path, data))
    if todo:
        workers = default_jobs(len(todo)) if jobs is None else jobs
        for goal_file in _parse_many(todo, workers):
            results[goal_file.path] = goal_file
    if key and (todo or set(cached) != set(contents)):
        entries = {path: (digests[path], results[path]) for path in contents}
        _write_cache(root, key, fingerprint, entries)
    return [results[path] for path in paths if path in results]
