"""Incomplete git history is never silent: in a shallow clone of a pull request's merge
commit (what actions/checkout fetches by default), a clone cut at a date, and a clone with a
replace ref, every command that reads history either answers exactly or says it cannot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import COMPANY, ROOT, SALES, MakeRepo, git, run_okrctl, write

DAY = "2026-11-30"
FIX = (
    "Fetch the whole history: git fetch --unshallow (in GitHub Actions: actions/checkout "
    "with fetch-depth: 0)."
)
HINT = (
    "  hint: fetch the whole history: git fetch --unshallow; in GitHub Actions use "
    "actions/checkout with fetch-depth: 0\n"
)


@pytest.fixture
def pr_merge(make_repo: MakeRepo) -> Path:
    """The cycle 2026-Q4 starts 2026-10-01. main: planned in September, a target lowered on
    2026-11-10; a pull request lowers the KPI target (11-14) and retitles S-1 (11-15); main
    adds S-2 (11-16); the merge commit (11-17) is what a pull request's merge ref holds."""
    root = make_repo({"goals/company.yaml": COMPANY, "goals/sales.yaml": SALES})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Plan Q4")  # 2026-09-20
    write(root, "goals/company.yaml", COMPANY.replace("target: 200", "target: 190"))
    git(root, "commit", "-qam", "Adjust plan", date="2026-09-28T10:00:00+08:00")
    write(root, "goals/company.yaml", COMPANY.replace("target: 200", "target: 150"))
    git(
        root, "commit", "-qam", "Be realistic", date="2026-11-10T15:00:00+08:00", author="Wang Fang"
    )
    git(root, "checkout", "-qb", "pr")
    write(
        root,
        "goals/company.yaml",
        COMPANY.replace("target: 200", "target: 150").replace(
            "target: 40, weight: 1", "target: 25, weight: 1"
        ),
    )
    git(root, "commit", "-qam", "Lower calls", date="2026-11-14T09:00:00+08:00", author="Zhao Lei")
    write(root, "goals/sales.yaml", SALES.replace("title: Sell", "title: Sell more"))
    git(root, "commit", "-qam", "Retitle", date="2026-11-15T09:00:00+08:00")
    git(root, "checkout", "-q", "main")
    write(root, "goals/new.yaml", SALES.replace("S-1", "S-2").replace("title: Sell", "title: Call"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Add S-2", date="2026-11-16T09:00:00+08:00")
    git(root, "merge", "-q", "--no-ff", "pr", "-m", "Merge #7", date="2026-11-17T09:00:00+08:00")
    return root


def clone(source: Path, tmp_path: Path, name: str, *how: str) -> Path:
    target = tmp_path / name
    git(tmp_path, "clone", "-q", *how, f"file://{source}", str(target))
    return target


def sha(root: Path, revision: str) -> str:
    return git(root, "rev-parse", revision).strip()


def report(root: Path, fmt: str) -> str:
    result = run_okrctl("report", "-f", fmt, "--as-of", DAY, "-C", str(root), env={"LANG": "C"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def changes(root: Path) -> dict[str, object]:
    from jsonschema import Draft7Validator

    data = json.loads(report(root, "json"))
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    assert list(Draft7Validator(schema).iter_errors(data)) == []
    return {k: v for k, v in data.items() if k.startswith("changes")}


# the report of the whole history, computed by hand: the cycle's changes are counted from
# "Adjust plan" (09-28, the last commit on main before 10-01)
FULL_CHANGES = [
    {
        "kind": "changed",
        "entity": "objective",
        "id": "S-1",
        "title": "Sell more",
        "fields": [
            {"field": "title", "old": "Sell", "new": "Sell more"}
            | {"old_written": None, "new_written": None}
        ],
        "goalposts": [],
        "author": "Li Na",  # the last commit touching goals/sales.yaml: Retitle
        "when": "2026-11-15T09:00:00+08:00",
    },
    {
        "kind": "added",
        "entity": "objective",
        "id": "S-2",
        "title": "Call",
        "fields": [],
        "goalposts": [],
        "author": "Li Na",  # Add S-2
        "when": "2026-11-16T09:00:00+08:00",
    },
    {
        "kind": "changed",
        "entity": "key result",
        "id": "CO-1/users",
        "title": "",
        "fields": [
            {
                "field": "target",
                "old": 190.0,
                "new": 150.0,
                "old_written": "190",
                "new_written": "150",
            }
        ],
        "goalposts": [("target lowered", "Wang Fang", "2026-11-10T15:00:00+08:00")],
        "author": "Zhao Lei",  # the last commit touching goals/company.yaml: Lower calls
        "when": "2026-11-14T09:00:00+08:00",
    },
    {
        "kind": "added",
        "entity": "key result",
        "id": "S-2/deals",
        "title": "",
        "fields": [],
        "goalposts": [],
        "author": "Li Na",
        "when": "2026-11-16T09:00:00+08:00",
    },
    {
        "kind": "changed",
        "entity": "KPI",
        "id": "K-CALLS",
        "title": "Calls",
        "fields": [
            {"field": "target", "old": 40.0, "new": 25.0, "old_written": "40", "new_written": "25"}
        ],
        "goalposts": [("target lowered", "Zhao Lei", "2026-11-14T09:00:00+08:00")],
        "author": "Zhao Lei",
        "when": "2026-11-14T09:00:00+08:00",
    },
]


def _shown(entries: list[dict[str, object]]) -> list[dict[str, object]]:
    out = []
    for c in entries:
        posts = [(p["reason"], p["author"], p["when"]) for p in c["goalposts"]]  # type: ignore[attr-defined,index]
        keep = {k: c[k] for k in ("kind", "entity", "id", "title", "fields", "author", "when")}
        out.append({**keep, "goalposts": posts})
    return out


def test_full_history_lists_the_changes(pr_merge: Path, tmp_path: Path) -> None:
    for root in (pr_merge, clone(pr_merge, tmp_path, "full")):
        section = changes(root)
        assert _shown(section["changes"]) == FULL_CHANGES  # type: ignore[arg-type]
        assert section["changes_complete"] is True
        assert section["changes_incomplete"] is None
        assert section["changes_note"] is None


@pytest.mark.parametrize(
    ("depth", "stop", "day"),
    [
        ("1", "HEAD", "2026-11-17"),  # only the merge commit
        ("2", "HEAD^1", "2026-11-16"),  # main's side stops at "Add S-2", after the start
        ("3", "HEAD~2", "2026-11-10"),  # at "Be realistic", still after the start
    ],
)
def test_shallow_report_says_incomplete_in_every_format(
    pr_merge: Path, tmp_path: Path, depth: str, stop: str, day: str
) -> None:
    shallow = clone(pr_merge, tmp_path, "shallow", "--depth", depth)
    commit = sha(shallow, stop)
    note = (
        f"Incomplete: shallow clone. This clone's history stops at commit {commit[:10]} "
        f"({day}), so the changes since the cycle started on 2026-10-01 cannot be listed. " + FIX
    )
    assert changes(shallow) == {
        "changes": [],
        "changes_note": note,
        "changes_complete": False,
        "changes_incomplete": {"reason": "shallow clone", "commit": commit, "date": day},
    }
    md = report(shallow, "md")
    section = md[md.index("## Changes during the cycle") : md.index("## Forecast")]
    assert section == (
        "## Changes during the cycle\n\n"
        f"Incomplete: shallow clone. This clone's history stops at commit {commit[:10]} "
        f"\\({day}\\), so the changes since the cycle started on 2026-10-01 cannot be "
        "listed. Fetch the whole history: git fetch --unshallow \\(in GitHub Actions: "
        "actions/checkout with fetch-depth: 0\\).\n\n"
    )
    html = report(shallow, "html")
    html_note = note.replace("'", "&#x27;")  # html.escape with quote=True
    assert f'<section id="changes"><h2>Changes during the cycle</h2>\n<p>{html_note}</p>' in html
    term = report(shallow, "term")
    assert " ".join(term.split()).count(note) == 1


def test_history_cut_before_the_cycle_is_enough_for_the_report(
    pr_merge: Path, tmp_path: Path
) -> None:
    # --shallow-since 09-25 keeps "Adjust plan" (09-28) and everything after it: the cycle's
    # changes are all there, so the report is the full one
    cut = clone(pr_merge, tmp_path, "since", "--shallow-since=2026-09-25")
    assert git(cut, "rev-parse", "--is-shallow-repository").strip() == "true"
    section = changes(cut)
    assert _shown(section["changes"]) == FULL_CHANGES  # type: ignore[arg-type]
    assert section["changes_complete"] is True


def test_report_counts_from_main_not_from_a_side_branch(make_repo: MakeRepo) -> None:
    """A branch committed before the cycle but merged during it: its goals are changes of the
    cycle, and main's plan before the cycle is the starting point."""
    root = make_repo({"goals/company.yaml": COMPANY})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Plan Q4")  # 09-20
    git(root, "checkout", "-qb", "side")
    write(root, "goals/sales.yaml", SALES)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Sales plan", date="2026-09-29T09:00:00+08:00")
    git(root, "checkout", "-q", "main")
    write(root, "goals/company.yaml", COMPANY.replace("target: 200", "target: 190"))
    git(root, "commit", "-qam", "Adjust plan", date="2026-09-28T10:00:00+08:00")
    git(root, "merge", "-q", "--no-ff", "side", "-m", "Merge", date="2026-10-05T09:00:00+08:00")
    section = changes(root)
    # from "Adjust plan" (main on 10-01): S-1 came in with the merge; the 190 is the plan
    assert [(c["kind"], c["id"]) for c in section["changes"]] == [
        ("added", "S-1"),
        ("added", "S-1/deals"),
    ]  # type: ignore[union-attr,index]


@pytest.mark.parametrize("how", ["replace ref", "grafts file"])
def test_grafting_history_away_is_incomplete(pr_merge: Path, how: str) -> None:
    # `git replace --graft X`, or a line "X" in .git/info/grafts, makes X look like the
    # first commit
    realistic = sha(pr_merge, "HEAD~2")
    grafts = pr_merge / ".git" / "info" / "grafts"
    if how == "replace ref":
        git(pr_merge, "replace", "--graft", realistic)
    else:
        grafts.write_text(realistic + "\n", encoding="utf-8")
    section = changes(pr_merge)
    assert section["changes"] == [] and section["changes_complete"] is False
    assert section["changes_incomplete"] == {
        "reason": "grafted history",
        "commit": realistic,
        "date": "2026-11-10",
    }
    assert section["changes_note"] == (
        f"Incomplete: grafted history. This clone's history stops at commit {realistic[:10]} "
        "(2026-11-10), so the changes since the cycle started on 2026-10-01 cannot be listed. "
        f"Remove the replacement (git replace -d {realistic[:10]}) or the commit's line in "
        ".git/info/grafts."
    )
    result = run_okrctl("history", "CO-1/users", "-C", str(pr_merge))
    assert result.returncode == 2
    assert result.stderr == (
        "okrctl: error: the history of CO-1/users is not all in this clone (grafted history): "
        f"the history stops at commit {realistic[:10]} (2026-11-10)\n"
        "  hint: okrctl reads history as it was recorded: remove the replacement "
        f"(git replace -d {realistic[:10]}) or the commit's line in .git/info/grafts\n"
    )
    if how == "replace ref":
        git(pr_merge, "replace", "-d", realistic)
    else:
        grafts.unlink()
    assert changes(pr_merge)["changes_complete"] is True


def test_report_in_chinese_says_incomplete(pr_merge: Path, tmp_path: Path) -> None:
    shallow = clone(pr_merge, tmp_path, "shallow", "--depth", "1")
    commit = sha(shallow, "HEAD")[:10]
    data = json.loads(
        run_okrctl(
            "report", "-f", "json", "--lang", "zh", "--as-of", DAY, "-C", str(shallow)
        ).stdout
    )
    assert data["changes_note"] == (
        f"不完整：浅克隆。此克隆的历史止于提交 {commit}（2026-11-17），无法列出自周期开始"
        "（2026-10-01）以来的变更。请获取完整历史：git fetch --unshallow（GitHub Actions 中："
        "actions/checkout 设置 fetch-depth: 0）。"
    )


@pytest.mark.parametrize(
    ("how", "stop", "day"),
    [
        (("--depth", "1"), "HEAD", "2026-11-17"),
        (("--depth", "2"), "HEAD^1", "2026-11-16"),
        (("--shallow-since=2026-09-25",), "HEAD~3", "2026-09-28"),
    ],
)
def test_history_stops_with_the_fix_in_a_shallow_clone(
    pr_merge: Path, tmp_path: Path, how: tuple[str, ...], stop: str, day: str
) -> None:
    shallow = clone(pr_merge, tmp_path, "shallow", *how)
    result = run_okrctl("history", "CO-1/users", "-C", str(shallow))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "okrctl: error: the history of CO-1/users is not all in this clone (shallow clone): "
        f"the history stops at commit {sha(shallow, stop)[:10]} ({day})\n" + HINT
    )


def test_history_of_the_full_clone(pr_merge: Path, tmp_path: Path) -> None:
    full = clone(pr_merge, tmp_path, "full")
    result = run_okrctl("history", "CO-1/users", "-f", "json", "-C", str(full))
    events = [(e["kind"], e["subject"]) for e in json.loads(result.stdout)["events"]]
    assert events == [
        ("created", "Plan Q4"),
        ("changed", "Adjust plan"),
        ("changed", "Be realistic"),
    ]


def test_diff_needs_the_commits_between_its_revisions(pr_merge: Path, tmp_path: Path) -> None:
    """The pull request's own change (HEAD^1..HEAD) lowers the KPI target in "Lower calls"
    (Zhao Lei, 11-14); at depth 2 the clone holds only the PR's last commit, "Retitle"."""
    args = ("HEAD^1", "HEAD", "-f", "json", "--as-of", DAY)
    full = json.loads(run_okrctl("diff", *args, "-C", str(pr_merge)).stdout)
    (kpi,) = [c for c in full["changes"] if c["id"] == "K-CALLS"]
    (post,) = kpi["goalposts"]
    assert (post["author"]["name"], post["author"]["subject"]) == ("Zhao Lei", "Lower calls")

    depth2 = clone(pr_merge, tmp_path, "d2", "--depth", "2")
    result = run_okrctl("diff", *args, "-C", str(depth2))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "okrctl: error: the history from HEAD^1 to HEAD (who moved a goal post, and when) is "
        "not all in this clone (shallow clone): the history stops at commit "
        f"{sha(depth2, 'HEAD^2')[:10]} (2026-11-15)\n" + HINT
    )
    # depth 3 reaches "Lower calls" and its parent: the range is whole, the answer exact
    depth3 = clone(pr_merge, tmp_path, "d3", "--depth", "3")
    assert json.loads(run_okrctl("diff", *args, "-C", str(depth3)).stdout) == full
    # a diff with no goal made easier needs no history: depth 2 answers it
    plain = run_okrctl("diff", "HEAD^2", "HEAD", "-f", "json", "-C", str(depth2))
    assert plain.returncode == 0, plain.stderr
    assert [c["id"] for c in json.loads(plain.stdout)["changes"]] == ["S-2", "S-2/deals"]


def test_changed_since_reads_trees_not_history(pr_merge: Path, tmp_path: Path) -> None:
    """`check --changed-since REV` compares REV's files with the working tree: a clone that
    holds REV answers exactly however shallow it is."""
    depth2 = clone(pr_merge, tmp_path, "d2", "--depth", "2")
    for root in (pr_merge, depth2):
        result = run_okrctl("check", "--no-data", "--changed-since", "HEAD^1", "-C", str(root))
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout == (
            "goals/company.yaml:7:14: warning A012 top-level key result 'CO-1/cost' has no "
            "supporting goal or KPI [uncovered-kr]\n"
            "    hint: add `aligns_to: CO-1/cost` to an objective below, or "
            "`supports: CO-1/cost` to a KPI\n"
            "0 errors, 1 warning (in changed files and what they affect) in 3 files: "
            "3 objectives, 4 KRs, 1 KPI, 0 scorecards; alignment 100.0% (2/2), "
            "coverage 50.0% (1/2)\n"
        )
