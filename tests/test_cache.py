"""The content-hash cache: faster re-runs, never stale, never trusted from a pull request."""

from __future__ import annotations

from pathlib import Path

import pytest

import okrctl.load.goalfile
from conftest import MINIMAL_GOAL, MakeRepo
from okrctl.load.filecache import CACHE_DIR
from okrctl.rules.runner import check


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    original = okrctl.load.goalfile.parse_goal_file

    def counting(path: str, data: bytes) -> object:
        seen.append(path)
        return original(path, data)

    monkeypatch.setattr(okrctl.load.goalfile, "parse_goal_file", counting)
    return seen


def test_second_run_parses_nothing(make_repo: MakeRepo, parses: list[str]) -> None:
    root = make_repo(
        {"goals/a.yaml": MINIMAL_GOAL, "goals/b.yaml": MINIMAL_GOAL.replace("CO-1", "CO-2")}
    )
    first = check(root)
    assert sorted(parses) == ["goals/a.yaml", "goals/b.yaml"]
    assert (root / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    parses.clear()
    second = check(root)
    assert parses == []
    assert second == first


def test_changed_file_is_parsed_again(make_repo: MakeRepo, parses: list[str]) -> None:
    root = make_repo(
        {"goals/a.yaml": MINIMAL_GOAL, "goals/b.yaml": MINIMAL_GOAL.replace("CO-1", "CO-2")}
    )
    check(root)
    parses.clear()
    (root / "goals" / "b.yaml").write_text(
        MINIMAL_GOAL.replace("CO-1", "CO-2").replace("10", "oops")
    )
    result = check(root)
    assert parses == ["goals/b.yaml"]
    assert [(d.code, d.file) for d in result.diagnostics if d.code == "S001"] == [
        ("S001", "goals/b.yaml")
    ]


def test_same_size_same_mtime_edit_is_still_seen(make_repo: MakeRepo) -> None:
    import os

    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    path = root / "goals" / "a.yaml"
    stat = path.stat()
    check(root)
    path.write_text(MINIMAL_GOAL.replace("target: 10", "target: 1x"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert any(d.code == "S001" for d in check(root).diagnostics)


def test_planted_cache_is_ignored(make_repo: MakeRepo, parses: list[str], tmp_path: Path) -> None:
    import pickle

    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (Path.touch, (str(marker),))  # type: ignore[return-value]

    # the attacker can compute where okrctl looks (the name depends only on public data)
    import hashlib

    from okrctl.load.filecache import _Store

    store = _Store(root, b"attacker does not know the real key")
    data = (root / "goals" / "a.yaml").read_bytes()
    name = store.name("goals/a.yaml", hashlib.blake2b(data, digest_size=16).digest())
    store.directory.mkdir(parents=True)
    payload = pickle.dumps(Exploit())
    (store.directory / name).write_bytes(store._sign(payload) + payload)
    result = check(root)
    assert not marker.exists()
    assert parses == ["goals/a.yaml"]
    assert result.summary.objectives == 1


def test_deleting_the_cache_is_safe(make_repo: MakeRepo) -> None:
    import shutil

    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    first = check(root)
    shutil.rmtree(root / CACHE_DIR)
    assert check(root) == first


def test_stale_entries_are_pruned(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    for index in range(40):
        (root / "goals" / "a.yaml").write_text(MINIMAL_GOAL + f"# edit {index}\n", encoding="utf-8")
        check(root)
    assert len(list((root / CACHE_DIR / "goals").iterdir())) <= 20


def test_unwritable_cache_still_checks(make_repo: MakeRepo) -> None:
    # a file where the cache directory belongs: no user, root included, can create the
    # cache there (a read-only directory would not stop root, which CI runs as)
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    (root / CACHE_DIR).write_text("not a directory\n", encoding="utf-8")
    assert check(root).summary.objectives == 1
    assert check(root).summary.objectives == 1
    assert (root / CACHE_DIR).read_text(encoding="utf-8") == "not a directory\n"


def test_unwritable_key_location_still_checks(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # the signing key cannot be stored: checking works, uncached
    blocker = tmp_path / "xdg-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    assert check(root).summary.objectives == 1
    assert not (root / CACHE_DIR).exists()


PLANTED = """\
import pathlib
pathlib.Path({marker!r}).write_text("ran")
def validate(data):
    return data
"""


def _validators(cache: Path) -> dict[str, Path]:
    return {p.name.split("-", 2)[1]: p for p in (cache / "okrctl").glob("validator-*.marshal")}


@pytest.fixture
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A cache home of the test's own, with the in-process validators forgotten."""
    import okrctl.load.validate

    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr(okrctl.load.validate, "_COMPILED", {})
    return cache


@pytest.mark.parametrize("planted", ["unsigned", "signed-with-another-key", "other-entry"])
def test_a_compiled_validator_okrctl_did_not_sign_is_never_run(
    make_repo: MakeRepo, own_cache: Path, tmp_path: Path, planted: str
) -> None:
    import marshal

    import okrctl.load.validate
    from okrctl.core.signing import signed

    root = make_repo({"goals/a.yaml": MINIMAL_GOAL.replace("target: 10", "target: lots")})
    first = check(root, use_cache=False)
    entries = _validators(own_cache)
    assert set(entries) == {"goals.schema.json", "okrctl.schema.json"}
    # someone who can write to ~/.cache/okrctl replaces an entry with code of their own
    marker = tmp_path / "pwned"
    code = compile(PLANTED.format(marker=str(marker)), "<planted>", "exec")
    payload = marshal.dumps(("validate", code))
    target = entries["goals.schema.json"]
    if planted == "unsigned":  # the format of okrctl before entries were signed
        blob = payload
    elif planted == "signed-with-another-key":
        blob = signed(b"k" * 32, payload, target.name.encode())
    else:  # a genuine entry of this machine, but the okrctl.yaml schema's validator
        blob = entries["okrctl.schema.json"].read_bytes()
    target.write_bytes(blob)
    okrctl.load.validate._COMPILED.clear()
    second = check(root, use_cache=False)
    assert not marker.exists()
    # the planted validator accepts anything; the real one still finds `target: lots`
    assert [d.code for d in second.diagnostics] == [d.code for d in first.diagnostics]
    assert "S001" in [d.code for d in second.diagnostics]
    assert target.read_bytes() != blob  # recompiled and stored signed
    okrctl.load.validate._COMPILED.clear()
    assert check(root, use_cache=False) == second


def test_a_validator_compiled_by_another_fastjsonschema_is_not_reused(
    make_repo: MakeRepo, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastjsonschema

    import okrctl.load.validate

    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    check(root, use_cache=False)
    before = set((own_cache / "okrctl").glob("validator-*.marshal"))
    monkeypatch.setattr(fastjsonschema, "VERSION", "0.0.1")
    okrctl.load.validate._COMPILED.clear()
    check(root, use_cache=False)
    after = set((own_cache / "okrctl").glob("validator-*.marshal"))
    assert len(before) == 2 and len(after - before) == 2  # entries of their own


def test_without_a_signing_key_validators_are_compiled_and_not_stored(
    make_repo: MakeRepo, own_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "xdg-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL.replace("target: 10", "target: lots")})
    assert "S001" in [d.code for d in check(root, use_cache=False).diagnostics]
    assert blocker.read_text(encoding="utf-8") == ""
