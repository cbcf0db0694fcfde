"""`okrctl diff` on real git repositories with pinned authors and dates."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import COMPANY, SALES, MakeRepo, git, run_okrctl, write


def diff_json(root: Path, *args: str) -> dict[str, object]:
    result = run_okrctl("diff", *args, "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _change(report: dict[str, object], ident: str) -> dict[str, object]:
    return next(c for c in report["changes"] if c["id"] == ident)  # type: ignore[union-attr,index]


def test_semantic_changes(history: Path) -> None:
    report = diff_json(history, "planned", "HEAD")
    assert _change(report, "S-2")["kind"] == "added"
    s1 = _change(report, "S-1")
    assert s1["moved_from"] == "goals/sales.yaml" and s1["file"] == "goals/sales-team.yaml"
    no_number = {"old_written": None, "new_written": None}
    assert {"field": "aligns_to", "old": "CO-1/users", "new": "CO-1/cost", **no_number} in s1[
        "fields"
    ]
    users = _change(report, "CO-1/users")
    target = {"old": 190.0, "new": 150.0, "old_written": "190", "new_written": "150"}
    assert {"field": "target", **target} in users["fields"]


def test_goal_posts_name_who_and_when(history: Path) -> None:
    report = diff_json(history, "planned", "HEAD")
    posts = {(c["id"], p["field"]): p for c in report["changes"] for p in c["goalposts"]}
    users = posts[("CO-1/users", "target")]
    assert users["reason"] == "target lowered" and (users["old"], users["new"]) == (190, 150)
    assert users["author"]["name"] == "Wang Fang"
    assert users["author"]["when"].startswith("2026-11-10")
    assert users["author"]["subject"] == "Be realistic"
    assert posts[("CO-1/cost", "target")]["reason"] == "target raised (lower is better)"
    assert posts[("K-CALLS", "target")]["reason"] == "target lowered"
    # users is behind pace on 2026-11-30 (10% done, 66% expected): its weight went down
    assert posts[("CO-1/users", "weight")]["reason"].startswith("weight shifted away")
    assert ("CO-1/cost", "weight") not in posts  # raised, not lowered


def test_changes_before_the_cycle_are_planning(history: Path) -> None:
    report = diff_json(history, "HEAD~3", "planned")
    users = _change(report, "CO-1/users")
    assert users["fields"] == [
        {"field": "target", "old": 200.0, "new": 190.0, "old_written": "200", "new_written": "190"}
    ]
    assert users["goalposts"] == []


def test_fail_on_goalpost_and_text_and_markdown(history: Path) -> None:
    result = run_okrctl(
        "diff",
        "planned",
        "HEAD",
        "--fail-on",
        "goalpost",
        "--as-of",
        "2026-11-30",
        "-C",
        str(history),
    )
    assert result.returncode == 1
    assert (
        "GOAL POST MOVED: target lowered: target 190 -> 150 by Wang Fang, 2026-11-10"
        in result.stdout
    )
    clean = run_okrctl("diff", "HEAD", "HEAD", "--fail-on", "goalpost", "-C", str(history))
    assert clean.returncode == 0
    assert clean.stdout.endswith(
        "0 added, 0 removed, 0 changed; 0 goal-post moves (HEAD -> HEAD)\n"
    )
    md = run_okrctl(
        "diff", "planned", "HEAD", "-f", "md", "--as-of", "2026-11-30", "-C", str(history)
    ).stdout
    assert md.startswith("### Goal changes")
    assert "#### ⚠️ Goal posts moved after the cycle started" in md


def test_working_tree_changes_are_uncommitted(history: Path) -> None:
    path = history / "goals" / "company.yaml"
    path.write_text(path.read_text().replace("target: 150", "target: 120"))
    report = diff_json(history, "HEAD")
    (post,) = [p for p in _change(report, "CO-1/users")["goalposts"] if p["field"] == "target"]
    assert post["author"]["name"] == "(uncommitted)"
    assert report["head"] == "working tree"


def test_long_diffs_fold_in_markdown(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/a.yaml": "objectives: []\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "empty")
    many = "defaults: {cycle: 2026-Q4, unit: acme}\nobjectives:\n" + "".join(
        f"  - {{id: O-{i}, title: t}}\n" for i in range(20)
    )
    (root / "goals" / "a.yaml").write_text(many)
    md = run_okrctl("diff", "HEAD", "-f", "md", "-C", str(root)).stdout
    assert "<details><summary>All 20 changes</summary>" in md


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-commits", "no commits yet"),
        ("missing", "is not in this clone"),
        ("not-git", "not inside a git repository"),
    ],
)
def test_git_errors_exit_2_with_the_fix(make_repo: MakeRepo, setup: str, message: str) -> None:
    root = make_repo({"goals/a.yaml": SALES})
    env = {"GIT_CEILING_DIRECTORIES": str(root.parent)}
    if setup != "not-git":
        git(root, "init", "-q")
    if setup == "missing":
        git(root, "add", "-A")
        git(root, "commit", "-qm", "one")
    result = run_okrctl(
        "diff", "origin/main" if setup == "missing" else "HEAD", "-C", str(root), env=env
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_shallow_clone_says_fetch_depth(history: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history}", str(clone))
    result = run_okrctl("diff", "HEAD~1", "-C", str(clone))
    assert result.returncode == 2
    assert "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr
    assert run_okrctl("diff", "HEAD", "-C", str(clone)).returncode == 0


def test_detached_head(history: Path) -> None:
    git(history, "checkout", "-q", "--detach", "HEAD~1")
    report = diff_json(history, "planned")
    assert report["head"] == "working tree"
    assert _change(report, "CO-1/users")["goalposts"]


def _git_children() -> list[str]:
    me = str(os.getpid())
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().split()
        except OSError:
            continue
        if fields[3] == me and "git" in fields[1]:
            children.append(fields[1])
    return children


@pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="lists child processes through Linux's /proc"
)
def test_no_git_process_is_left_behind(history: Path) -> None:
    import datetime as dt

    from okrctl.review.diff import goal_diff

    # the probe sees a git child that is still running (so an empty answer means something)
    probe = subprocess.Popen(["git", "cat-file", "--batch"], stdin=subprocess.PIPE, cwd=history)
    try:
        assert _git_children() == ["(git)"]
    finally:
        probe.communicate(b"")
    goal_diff(history, "planned", "HEAD", dt.date(2026, 11, 30))
    assert _git_children() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand the repository to another user")
def test_dubious_ownership(history: Path) -> None:
    subprocess.run(["chown", "-R", "65534:65534", str(history)], check=True)
    result = run_okrctl(
        "diff",
        "HEAD~1",
        "-C",
        str(history),
        env={"HOME": str(history.parent), "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert result.returncode == 2
    assert "dubious ownership" in result.stderr and "safe.directory" in result.stderr


def test_hostile_titles_and_file_names_stay_text(make_repo: MakeRepo) -> None:
    """A pull request's titles and file names reach PR comments and terminals as text."""
    root = make_repo({"goals/company.yaml": COMPANY})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plan")
    hostile = "Grow <img src=x onerror=alert(1)> @everyone [x](http://e.test) \\x1b[31mred"
    write(
        root,
        "goals/a`b.yaml",
        f"""\
        defaults: {{cycle: 2026-Q4, unit: sales, owner: li}}
        objectives:
          - id: S-1
            title: "{hostile}"
            aligns_to: CO-1/users
            key_results:
              - {{id: deals, baseline: 0, target: 10}}
        """,
    )
    md = run_okrctl("diff", "HEAD", "-C", str(root), "--format", "md").stdout
    (line,) = [x for x in md.splitlines() if "objective S-1" in x]
    assert "<img" not in line and "&lt;img src=x onerror=alert\\(1\\)&gt;" in line
    assert "@everyone" not in line and "&#64;everyone" in line
    assert "\\[x\\]\\(http://e.test\\)" in line
    assert "\x1b" not in line and "\\x1b\\[31mred" in line
    assert line.endswith("(``goals/a`b.yaml``)")
    assert "- ➕ **key result S-1/deals** (``goals/a`b.yaml``)" in md  # no title, one space
    text = run_okrctl("diff", "HEAD", "-C", str(root)).stdout
    assert "\x1b" not in text and "\\x1b[31mred" in text


NOTATION = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: ceo}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, metric: crm:users, baseline: 100万, target: 200万, weight: 0.6}
      - {id: churn, metric: crm:churn, baseline: 5%, target: 3%, weight: 0.4}
  - id: CO-2
    title: Earn
    key_results:
      - {id: arr, metric: crm:arr, baseline: 1.2M, target: +30%}
      - {id: launches, target: [3, 5]}
      - id: deals
        baseline: 0
        target: 1e3
        plan: [{date: 2026-10-31, value: 25万}]
kpis:
  - {id: K-CSAT, title: Satisfaction, metric: crm:csat, target: 90%, weight: 1}
"""

REALISTIC = {
    "target: 200万": "target: 150万",
    "weight: 0.6": "weight: 0.5",
    "weight: 0.4": "weight: 0.5",
    "target: 3%": "target: 4%",
    "baseline: 1.2M": "baseline: 1.5M",
    "target: +30%": "target: +20%",
    "[3, 5]": "[3, 8]",
    "target: 1e3": "target: 2e3",
    "value: 25万": "value: 30万",
    "target: 90%": "target: 85%",
}


@pytest.fixture
def notation(make_repo: MakeRepo) -> Path:
    """Goals written in the notations people use, changed mid-quarter."""
    root = make_repo({"goals/company.yaml": NOTATION})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Plan Q4")
    git(root, "tag", "planned")
    text = NOTATION
    for old, new in REALISTIC.items():
        assert old in text
        text = text.replace(old, new)
    write(root, "goals/company.yaml", text)
    git(
        root, "commit", "-qam", "Be realistic", date="2026-11-10T15:00:00+08:00", author="Wang Fang"
    )
    return root


def test_diff_shows_values_in_the_notation_of_the_file(notation: Path) -> None:
    args = ("diff", "planned", "HEAD", "--as-of", "2026-11-30", "-C", str(notation))
    text = run_okrctl(*args).stdout
    for line in (
        "    weight: 0.6 -> 0.5",
        "    baseline: 1.2M -> 1.5M",
        "    target: 1e3 -> 2e3",  # raised: no goal post
        "    plan: [{date: 2026-10-31, value: 25万}] -> [{date: 2026-10-31, value: 30万}]",
    ):
        assert line + "\n" in text, line
    # a change a goal-post line shows is not listed a second time above it
    for repeated in ("target: 200万", "target: 3%", "relative: +30%", "high: 5", "target: 90%"):
        assert f"    {repeated} ->" not in text, repeated
    posts = [x for x in text.splitlines() if "GOAL POST MOVED" in x]
    assert [p.split(" by ")[0] for p in posts] == [
        "    GOAL POST MOVED: target raised (lower is better): target 3% -> 4%",  # CO-1/churn
        "    GOAL POST MOVED: target lowered: target 200万 -> 150万",  # CO-1/users
        "    GOAL POST MOVED: relative target reduced: target +30% -> +20%",
        # the low end stays 3: the whole range shows what widened
        "    GOAL POST MOVED: range widened: target [3, 5] -> [3, 8]",
        "    GOAL POST MOVED: target lowered: target 90% -> 85%",
    ]
    md = run_okrctl(*args, "-f", "md").stdout
    assert "  - ⚠️ **goal post moved**: target lowered: target 200万 → 150万 by Wang Fang" in md
    assert "-&gt;" not in md and "->" not in md
    assert "  - target: 200万 → 150万" not in md and "  - target: 90% → 85%" not in md
    assert "  - target: 1e3 → 2e3\n" in md and "  - weight: 0.6 → 0.5\n" in md
    assert "goal-post moves (planned → HEAD)" in md


def test_diff_json_keeps_the_numbers_and_adds_the_written_form(notation: Path) -> None:
    report = diff_json(notation, "planned", "HEAD")
    users = _change(report, "CO-1/users")
    assert {
        "field": "target",
        "old": 2000000.0,
        "new": 1500000.0,
        "old_written": "200万",
        "new_written": "150万",
    } in users["fields"]
    churn = _change(report, "CO-1/churn")
    assert {
        "field": "target",
        "old": 0.03,
        "new": 0.04,
        "old_written": "3%",
        "new_written": "4%",
    } in churn["fields"]
    (post,) = churn["goalposts"]
    assert (post["old"], post["new"], post["old_written"], post["new_written"]) == (
        0.03,
        0.04,
        "3%",
        "4%",
    )
    launches = _change(report, "CO-2/launches")
    (widened,) = launches["goalposts"]
    # old/new hold the low ends (3 and 3); the written form shows the whole range
    assert (widened["old"], widened["new"]) == (3.0, 3.0)
    assert (widened["old_written"], widened["new_written"]) == ("[3, 5]", "[3, 8]")
    kpi = _change(report, "K-CSAT")
    assert [(f["old_written"], f["new_written"]) for f in kpi["fields"]] == [("90%", "85%")]


def test_history_and_report_show_the_notation_of_the_file(notation: Path) -> None:
    history = run_okrctl("history", "CO-1/users", "-C", str(notation)).stdout
    assert "    target: 200万 -> 150万\n" in history
    report = run_okrctl("report", "-f", "md", "--as-of", "2026-11-30", "-C", str(notation)).stdout
    assert "target: 200万 → 150万; weight: 0.6 → 0.5" in report
    day = ("--as-of", "2026-11-30", "-C", str(notation))
    html = run_okrctl("report", "-f", "html", *day).stdout
    assert "target: 200万 → 150万; weight: 0.6 → 0.5" in html
    data = json.loads(run_okrctl("report", "-f", "json", *day).stdout)
    users = next(c for c in data["changes"] if c["id"] == "CO-1/users")
    assert users["fields"][0] == {
        "field": "target",
        "old": 2000000.0,
        "new": 1500000.0,
        "old_written": "200万",
        "new_written": "150万",
    }
    post = users["goalposts"][0]
    assert (post["old"], post["old_written"], post["new_written"]) == (2000000.0, "200万", "150万")
