"""Input that `okrctl check` flags never crashes the commands that compute: they refuse
a repository whose errors reach the numbers (exit 2, the errors listed), and compute from
one whose only errors are of alignment. docs/output.md, "Invalid repositories"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, git, run_okrctl

DAY = ("--as-of", "2026-11-30")
MARKETING = "goals/departments/marketing.yaml"
COMPANY = "goals/company.yaml"
SCORING = "scoring: {zero_below: 80%, full_at: 100%, cap: 1.0}\n    supports: MKT-1/users"

# (file, text, replacement, the errors that reach the numbers: code, line, column)
FAULTS = {
    "kr-aggregate": (COMPANY, "aggregate: last", "aggregate: bogus", [("S001", 24, 20)]),
    "kpi-aggregate": (MARKETING, "aggregate: sum", "aggregate: bogus", [("S001", 28, 16)]),
    "kpi-period": (MARKETING, "period: monthly", "period: weekly", [("S001", 29, 13)]),
    "full-at-0": (
        MARKETING,
        SCORING,
        "scoring: {full_at: 0}\n    supports: MKT-1/users",
        [("W005", 33, 14)],
    ),
    # 0.7 + 0.4 = 110%
    "kr-weights": (
        MARKETING,
        "weight: 0.6\n      - id: cac",
        "weight: 0.7\n      - id: cac",
        [("W001", 15, 17)],
    ),
    # CO-1 twice; the alignment errors that follow (A003 ...) do not reach the numbers
    "duplicate-id": (MARKETING, "- id: MKT-1", "- id: CO-1", [("A001", 4, 9)]),
}
COMPUTING = [
    ("status", *DAY),
    ("status", *DAY, "--format", "json"),
    ("score", *DAY, "--format", "json"),
    ("report", *DAY, "--format", "json"),
    ("explain", "CO-1/users", *DAY),
    ("explain", "KPI-MKT-CAMPAIGNS", *DAY),
    ("why", "KPI-MKT-CAMPAIGNS", *DAY),
    ("map", *DAY),
    ("history", "CO-1"),
    ("roll", "2026-Q4", "FY2026", "--dry-run"),
]


def education(tmp_path: Path, fault: str | None = None, rules: str | None = None) -> Path:
    root = tmp_path / "education"
    shutil.copytree(EXAMPLES / "education", root)
    if fault is not None:
        name, old, new, _ = FAULTS[fault]
        text = (root / name).read_text(encoding="utf-8")
        assert old in text
        (root / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    if rules is not None:
        with (root / "okrctl.yaml").open("a", encoding="utf-8") as handle:
            handle.write(f"rules: {rules}\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "goals")
    return root


@pytest.mark.parametrize("fault", list(FAULTS))
def test_computing_commands_refuse_errors_that_reach_the_numbers(
    tmp_path: Path, fault: str
) -> None:
    # before: `aggregate: bogus` was a ValueError and `{full_at: 0}` a ZeroDivisionError,
    # exit 3 in status, score, report, explain, why and map; wrong weights and duplicate
    # ids were computed as if they were right
    root = education(tmp_path, fault)
    check = run_okrctl("check", "--format", "json", "--no-data", "-C", str(root))
    assert check.returncode == 1
    errors = [
        (d["code"], d["file"], d["line"], d["column"])
        for d in json.loads(check.stdout)["diagnostics"]
        if d["severity"] == "error"
    ]
    name, *_, expected = FAULTS[fault]
    for code, line, column in expected:
        assert (code, name, line, column) in errors
    for args in COMPUTING:
        result = run_okrctl(*args, "-C", str(root))
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines[0] == (
            "okrctl: error: 1 error in the goals repository reaches the numbers; none are "
            "computed until it is fixed"
        )
        # the error as `okrctl check` prints it, then the hint
        ((code, line, column),) = expected
        assert lines[1].startswith(f"{name}:{line}:{column}: error {code} ")
        assert lines[2:] == ["  hint: `okrctl check` shows each with a hint"]


def test_checkin_and_diff_do_not_compute_and_are_not_refused(tmp_path: Path) -> None:
    root = education(tmp_path, "kr-aggregate")
    # the working tree gets the fault on top of a clean commit
    clean = education(tmp_path / "clean")
    shutil.copy(root / COMPANY, clean / COMPANY)
    result = run_okrctl(
        "diff", "HEAD", "--as-of", "2026-11-30", "--format", "json", "-C", str(clean)
    )
    assert result.returncode == 0, result.stderr
    (change,) = json.loads(result.stdout)["changes"]
    assert change["id"] == "CO-1/satisfaction"


def test_alignment_errors_do_not_stop_the_numbers(tmp_path: Path) -> None:
    # MKT-1 aligned to nothing (A003, an error): the report measures exactly that
    root = education(tmp_path)
    text = (root / MARKETING).read_text(encoding="utf-8")
    (root / MARKETING).write_text(text.replace("aligns_to: CO-1/users", "aligns_to: CO-9"))
    check = run_okrctl("check", "--no-data", "-C", str(root))
    assert check.returncode == 1 and "error A003" in check.stdout
    report = run_okrctl("report", *DAY, "--format", "json", "--no-git", "-C", str(root))
    assert report.returncode == 0, report.stderr
    # 7 objectives below the top level, MKT-1 no longer aligned: 6/7
    assert json.loads(report.stdout)["summary"]["alignment_rate"] == pytest.approx(6 / 7)


def test_more_than_twenty_errors_are_counted_not_all_listed(tmp_path: Path) -> None:
    root = education(tmp_path)
    entries = "".join(
        f"  - {{id: X-{i}, title: t, target: 1, aggregate: bogus{i}}}\n" for i in range(25)
    )
    (root / "goals" / "extra.yaml").write_text(
        "defaults: {cycle: 2026-Q4, unit: marketing, owner: x}\nkpis:\n" + entries
    )
    result = run_okrctl("status", *DAY, "-C", str(root))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("okrctl: error: 25 errors in the goals repository reach")
    assert len([line for line in lines if " error S001 " in line]) == 20
    assert "... and 5 more" in lines


def test_graded_down_a_value_that_cannot_be_used_is_shown_without_a_number(
    tmp_path: Path,
) -> None:
    # a user who grades S001 down gets the numbers, but never one computed with a guess
    root = education(tmp_path, "kr-aggregate", rules="{S001: warning}")
    result = run_okrctl("status", *DAY, "--format", "json", "-C", str(root))
    assert result.returncode == 0, result.stderr
    row = next(r for r in json.loads(result.stdout)["rows"] if r["id"] == "CO-1/satisfaction")
    assert (row["status"], row["progress"], row["current"]) == ("grey", None, None)
    assert row["note"] == (
        "not computed: aggregate 'bogus' is not one of last, sum, avg, min, max, count"
    )
    explain = run_okrctl("explain", "CO-1/satisfaction", *DAY, "-C", str(root))
    assert explain.returncode == 0 and "not computed: aggregate 'bogus'" in explain.stdout


def test_graded_down_a_scoring_standard_that_divides_by_zero_gives_no_score(
    tmp_path: Path,
) -> None:
    root = education(tmp_path, "full-at-0", rules="{W005: warning}")
    for args in [("status", *DAY, "--format", "json"), ("score", *DAY, "--format", "json")]:
        result = run_okrctl(*args, "-C", str(root))
        assert result.returncode == 0, result.stderr
    rows = json.loads(run_okrctl("status", *DAY, "-f", "json", "-C", str(root)).stdout)["rows"]
    kpi = next(r for r in rows if r["id"] == "KPI-MKT-CAMPAIGNS")
    assert (kpi["status"], kpi["progress"]) == ("grey", None)


def test_a_goal_file_left_unread_stops_the_numbers(tmp_path: Path) -> None:
    # a goal file linked from outside the repository is not read (C002): the numbers
    # without it would silently leave its goals out
    root = education(tmp_path)
    outside = tmp_path / "outside.yaml"
    outside.write_text("objectives: []\n", encoding="utf-8")
    (root / "goals" / "linked.yaml").symlink_to(outside)
    result = run_okrctl("status", *DAY, "-C", str(root))
    assert result.returncode == 2
    assert "goals/linked.yaml: error C002 " in result.stderr


def test_goal_files_below_a_folder_linked_from_outside_are_not_read(tmp_path: Path) -> None:
    # the folder is the link: files below it, however deep, resolve outside (C002); a
    # folder linked from inside the repository stays readable
    root = education(tmp_path)
    elsewhere = tmp_path / "elsewhere" / "deep"
    elsewhere.mkdir(parents=True)
    (elsewhere / "more.yaml").write_text("objectives: []\n", encoding="utf-8")
    (root / "goals" / "shared").symlink_to(tmp_path / "elsewhere")
    (root / "goals" / "inner").mkdir()
    (root / "goals" / "inner" / "sub").mkdir()
    (root / "goals" / "inner" / "sub" / "ok.yaml").write_text("objectives: []\n")
    (root / "goals" / "alias").symlink_to(root / "goals" / "inner")
    config = (root / "okrctl.yaml").read_text(encoding="utf-8")
    (root / "okrctl.yaml").write_text(
        config.replace(
            'goals: ["goals/**/*.yaml"]',
            'goals: ["goals/**/*.yaml", "goals/*/deep/*.yaml", "goals/*/sub/*.yaml"]',
        ),
        encoding="utf-8",
    )
    result = run_okrctl("check", "-f", "json", "-C", str(root))
    found = {(d["code"], d["file"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert ("C002", "goals/shared/deep/more.yaml") in found
    assert not any(f.startswith(("goals/alias", "goals/inner")) for c, f in found if c == "C002")


def test_score_refuses_weights_that_do_not_add_up_whatever_their_grade(tmp_path: Path) -> None:
    # the KPI weights of zhang.wei: 0.6 + 0.4 -> 0.7 + 0.4 = 110% (W002), graded down
    root = education(tmp_path, rules="{W002: warning}")
    text = (root / MARKETING).read_text(encoding="utf-8")
    (root / MARKETING).write_text(
        text.replace("weight: 0.6\n    scoring", "weight: 0.7\n    scoring")
    )
    assert run_okrctl("status", *DAY, "-C", str(root)).returncode == 0
    result = run_okrctl("score", *DAY, "-C", str(root))
    assert result.returncode == 2
    assert "weights sum to 110%, not 100% (W002)" in result.stderr
