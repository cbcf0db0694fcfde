"""`--changed-since REV` on real git repositories, and the ways git says no."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import MakeRepo, Run, run_okrctl
from conftest import git as conftest_git


def git(root: Path, *args: str) -> str:
    """conftest's git, on the day these tests commit."""
    return conftest_git(root, *args, date="2026-10-05T09:00:00+08:00")


BAD_A = """\
defaults: {cycle: 2026-Q4, unit: sales}
objectives:
  - id: A-1
    title: Unaligned in a
    key_results: [{id: k, target: 1}]
"""
BAD_B = BAD_A.replace("A-1", "B-1").replace("in a", "in b")


@pytest.fixture
def git_repo(make_repo: MakeRepo) -> Path:
    root = make_repo({"goals/a.yaml": BAD_A, "goals/b.yaml": BAD_B})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "goals")
    return root


def _files(result: Run) -> set[str]:
    return {d["file"] for d in json.loads(result.stdout)["diagnostics"]}


def test_only_changed_files_are_reported(git_repo: Path) -> None:
    everything = run_okrctl("check", "-f", "json", "-C", str(git_repo))
    assert _files(everything) == {"goals/a.yaml", "goals/b.yaml"}
    (git_repo / "goals" / "b.yaml").write_text(BAD_B + "# edited\n", encoding="utf-8")
    (git_repo / "goals" / "c.yaml").write_text(BAD_A.replace("A-1", "C-1"), encoding="utf-8")
    result = run_okrctl("check", "-f", "json", "--changed-since", "HEAD", "-C", str(git_repo))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["changed_only"] is True
    assert _files(result) == {"goals/b.yaml", "goals/c.yaml"}
    # the whole graph is still validated: counts cover every file
    assert report["summary"]["objectives"] == 3


def test_nothing_changed_is_clean(git_repo: Path) -> None:
    result = run_okrctl("check", "--changed-since", "HEAD", "-C", str(git_repo))
    assert result.returncode == 0
    assert result.stdout.startswith("no problems (in changed files and what they affect) ")


def test_cross_file_breakage_is_reported_where_it_lands(git_repo: Path) -> None:
    parent = """\
    defaults: {cycle: 2026-Q4, unit: acme}
    objectives:
      - id: CO-1
        title: Grow
        key_results: [{id: users, target: 2, baseline: 1}]
    """
    child = BAD_A.replace(
        "    title: Unaligned in a\n", "    title: a\n    aligns_to: CO-1/users\n"
    )
    import textwrap

    (git_repo / "goals" / "co.yaml").write_text(textwrap.dedent(parent), encoding="utf-8")
    (git_repo / "goals" / "a.yaml").write_text(child, encoding="utf-8")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "align a")
    # renaming the KR in co.yaml breaks a.yaml, which this change did not touch: reported
    # there; b.yaml's old A004 is about nothing the change altered: not reported
    (git_repo / "goals" / "co.yaml").write_text(
        textwrap.dedent(parent).replace("id: users", "id: members"), encoding="utf-8"
    )
    result = run_okrctl("check", "--changed-since", "HEAD", "-C", str(git_repo))
    assert result.returncode == 1
    assert result.stdout == (
        "goals/a.yaml:5:16: error A003 aligns_to 'CO-1/users' resolves to nothing: objective "
        "'CO-1' has no key result 'users' [unresolved-reference]\n"
        "goals/co.yaml:5:24: warning A012 top-level key result 'CO-1/members' has no "
        "supporting goal or KPI [uncovered-kr]\n"
        "    hint: add `aligns_to: CO-1/members` to an objective below, or "
        "`supports: CO-1/members` to a KPI\n"
        "1 error, 1 warning (in changed files and what they affect) in 3 files: "
        "3 objectives, 3 KRs, 0 KPIs, 0 scorecards; alignment 0.0% (0/2), "
        "coverage 0.0% (0/1)\n"
    )


def test_unknown_revision(git_repo: Path) -> None:
    result = run_okrctl("check", "--changed-since", "origin/nope", "-C", str(git_repo))
    assert result.returncode == 2
    assert "revision 'origin/nope' is not in this clone" in result.stderr
    assert "fetch-depth: 0" in result.stderr


def test_shallow_clone_without_the_base(git_repo: Path, tmp_path: Path) -> None:
    git(git_repo, "commit", "-q", "--allow-empty", "-m", "second")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_repo}", str(clone))
    result = run_okrctl("check", "--changed-since", "HEAD~1", "-C", str(clone))
    assert result.returncode == 2
    assert "fetch-depth: 0" in result.stderr


def test_not_a_git_repository(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/a.yaml": BAD_A})
    result = run_okrctl(
        "check",
        "--changed-since",
        "HEAD",
        "-C",
        str(root),
        env={"GIT_CEILING_DIRECTORIES": str(root.parent)},
    )
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand the repository to another user")
def test_dubious_ownership(git_repo: Path) -> None:
    subprocess.run(["chown", "-R", "65534:65534", str(git_repo)], check=True)
    result = run_okrctl(
        "check",
        "--changed-since",
        "HEAD",
        "-C",
        str(git_repo),
        env={"HOME": str(git_repo.parent), "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert result.returncode == 2
    assert "dubious ownership" in result.stderr
    assert "safe.directory" in result.stderr
