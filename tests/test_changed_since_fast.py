"""`check --changed-since` at the cost of the change: REV's side is the working tree's
recorded state with the change undone, and it reports exactly what judging both
revisions whole reports (git/scope.py selects from either alike)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MakeRepo, git, run_okrctl
from okrctl.load import goalfile
from okrctl.load.filecache import CACHE_DIR
from okrctl.rules import runner, since
from test_incremental import BASE, CONFIG, CSV, FILES, TEAM, _write, goal_files
from test_incremental import COMPANY as CO

DAY = dt.date(2026, 11, 30)


def _both(root: Path, revision: str, use_cache: bool = True) -> None:
    fast = runner.check(root, changed_since=revision, use_cache=use_cache, as_of=DAY)
    whole = runner.check_whole(root, changed_since=revision, use_cache=False, data=True, as_of=DAY)
    assert fast.diagnostics == whole.diagnostics
    assert fast.summary == whole.summary
    assert fast.changed_only and whole.changed_only


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.lists(goal_files(), min_size=len(FILES), max_size=len(FILES)),
    edits=st.lists(
        st.tuples(st.integers(0, len(FILES) - 1), goal_files(), st.booleans()), max_size=4
    ),
)
def test_fast_equals_whole_after_any_edits(
    make_repo: MakeRepo,
    start: list[str | None],
    edits: list[tuple[int, str | None, bool]],
) -> None:
    """Random organisations and edits, some committed, some not: the change since the
    first commit (and since HEAD) selects the same diagnostics either way."""
    root = make_repo({"metrics/crm.csv": CSV}, config=CONFIG)
    shutil.rmtree(root / "goals", ignore_errors=True)
    shutil.rmtree(root / ".git", ignore_errors=True)
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    for name, text in zip(FILES, start, strict=True):
        _write(root, name, text, 0)
    _write(root, "goals/base.yaml", BASE, 0)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    first = git(root, "rev-parse", "HEAD").strip()
    for step, (which, text, commit) in enumerate(edits, start=1):
        _write(root, FILES[which], text, step)
        if commit:
            git(root, "add", "-A")
            git(root, "commit", "-qm", f"edit {step}", "--allow-empty")
        _both(root, first)
        _both(root, "HEAD")
    _both(root, first, use_cache=False)


def test_a_change_parses_only_what_it_touches(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warm, one edited file of 31: its two versions are parsed, nothing else; what the
    edit breaks in another file is still reported."""
    files = {f"goals/t{n}.yaml": TEAM.format(n=n) for n in range(30)}
    root = make_repo({**files, "goals/co.yaml": CO})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plan")
    assert run_okrctl("check", "-q", "-C", str(root), "--no-data").returncode == 0
    text = (root / "goals" / "co.yaml").read_text(encoding="utf-8")
    (root / "goals" / "co.yaml").write_text(text.replace("id: users", "id: people"))
    os.utime(root / "goals" / "co.yaml", (1_700_000_000, 1_700_000_000))
    parsed: list[str] = []
    real = goalfile.parse_goal_file

    def counting(path: str, data: bytes) -> goalfile.GoalFile:
        parsed.append(path)
        return real(path, data)

    monkeypatch.setattr(goalfile, "parse_goal_file", counting)
    calls: list[bool] = []
    judge = since.judge_both

    def spy(*args: object, **kwargs: object) -> since.Judged | None:
        out = judge(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(out is not None)
        return out

    monkeypatch.setattr(since, "judge_both", spy)
    result = run_okrctl("check", "-q", "--no-data", "--changed-since", "HEAD", "-C", str(root))
    assert calls == [True]
    assert sorted(parsed) == ["goals/co.yaml", "goals/co.yaml"]
    # every team file now aligns to a key result that no longer exists
    assert result.stdout.count("'CO-1/users'") == 30, result.stdout
    assert result.returncode == 1
