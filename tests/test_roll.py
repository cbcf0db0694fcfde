"""`okrctl roll FROM TO`: carry unfinished goals into the next cycle."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, MakeRepo, run_okrctl, write
from okrctl.load.goalfile import parse_goal_file


@pytest.fixture
def edu(tmp_path: Path) -> Path:
    target = tmp_path / "education"
    shutil.copytree(EXAMPLES / "education", target, ignore=shutil.ignore_patterns(".okrctl_cache"))
    config = target / "okrctl.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}",
            "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
            "  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}",
        ),
        encoding="utf-8",
    )
    return target


def _objectives(root: Path) -> dict[str, object]:
    out = {}
    for path in (root / "goals" / "2027-Q1").rglob("*.yaml"):
        goal = parse_goal_file(path.name, path.read_bytes())
        assert [d for d in goal.diagnostics] == []
        out.update({o.id: o for o in goal.objectives})
    return out


def test_dry_run_writes_nothing(edu: Path) -> None:
    result = run_okrctl("roll", "2026-Q4", "2027-Q1", "--dry-run", "-C", str(edu))
    assert result.returncode == 0
    assert "carry CO-1 " in result.stdout and "leave MKT-1 (committed)" in result.stdout
    assert "dry run: 4 files would be written" in result.stdout
    # a sum over the cycle is not re-based on a last value: its given baseline is kept
    assert (
        "    users: baseline 0 -> 0 (the given baseline, kept: an `aggregate: sum` key result "
        "is not re-based on a last value)\n"
    ) in result.stdout
    assert not (edu / "goals" / "2027-Q1").exists()


def test_roll_carries_rebases_and_realigns(edu: Path) -> None:
    status = json.loads(
        run_okrctl("status", "-C", str(edu), "-f", "json", "--cycle", "2026-Q4").stdout
    )
    current = {r["id"]: r["current"] for r in status["rows"]}
    result = run_okrctl("roll", "2026-Q4", "2027-Q1", "--include", "MKT-1", "-C", str(edu))
    assert result.returncode == 0, result.stderr
    carried = _objectives(edu)
    assert set(carried) == {
        "CO-1-2027-Q1",
        "MKT-1-2027-Q1",
        "SOC-1-2027-Q1",
        "IND-ZHAO-1-2027-Q1",
        "IND-LIU-1-2027-Q1",
        "CRS-1-2027-Q1",
    }
    co1 = carried["CO-1-2027-Q1"]
    users = next(k for k in co1.key_results if k.id == "users")
    assert users.baseline == current["CO-1/users"]  # re-based on the last observed value
    assert users.target == 2_000_000
    # parents carried too: alignment re-pointed to the new ids
    assert str(carried["MKT-1-2027-Q1"].aligns_to) == "CO-1-2027-Q1/users"
    # CRS-1's parent PRD-1 (committed) stays behind: alignment dropped, reported
    assert carried["CRS-1-2027-Q1"].aligns_to is None
    assert "align by hand: CRS-1-2027-Q1" in result.stdout
    # a finished milestone is left behind, an open one carried as not done
    crs = carried["CRS-1-2027-Q1"]
    assert [k.id for k in crs.key_results] == ["launched", "syllabus"]
    assert crs.key_results[1].done is False
    check = run_okrctl("check", "-f", "json", "--no-data", "-C", str(edu))
    codes = {
        (d["code"], d["file"])
        for d in json.loads(check.stdout)["diagnostics"]
        if d["severity"] == "error"
    }
    assert codes == {("A004", "goals/2027-Q1/teams/courses.yaml")}  # the one to align


def test_roll_refuses_overwrite_and_unknown_cycles(edu: Path) -> None:
    assert run_okrctl("roll", "2026-Q4", "2027-Q1", "-C", str(edu)).returncode == 0
    again = run_okrctl("roll", "2026-Q4", "2027-Q1", "-C", str(edu))
    assert again.returncode == 2 and "already holds" in again.stderr
    bad = run_okrctl("roll", "2026-Q4", "2027-Q2", "-C", str(edu))
    assert bad.returncode == 2 and "did you mean '2027-Q1'" in bad.stderr
    missing = run_okrctl("roll", "2026-Q4", "2027-Q1", "--include", "NOPE", "-C", str(edu))
    assert missing.returncode == 2


# -- what roll carries: baselines, targets, the plan, comments, line endings ------------------

TWO_QUARTERS = """\
okrctl: 1
units:
  - {id: acme, level: company}
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}
metrics:
  - {name: crm, path: metrics/crm.csv}
"""

GROW = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - id: revenue
        metric: crm:revenue
        baseline: 100000
        target: +30%
      - id: deals
        title: Deals signed
        baseline: 0
        target: 10
"""

# revenue rose from 100,000 at the start of 2026-Q4 to 118,000 at its end
REVENUE = "date,metric,value\n2026-10-01,revenue,100000\n2026-12-31,revenue,118000\n"


def _grow(make_repo: MakeRepo, goals: str = GROW, checkins: str | None = None) -> Path:
    root = make_repo({"goals/company.yaml": goals}, config=TWO_QUARTERS)
    write(root, "metrics/crm.csv", REVENUE)
    if checkins is not None:
        write(root, "metrics/checkins.csv", "date,metric,value,note\n" + checkins)
    return root


def _roll(root: Path, *args: str) -> str:
    # --as-of after 2026-Q4: the values observed are those up to its end, 2026-12-31
    result = run_okrctl(
        "roll", "2026-Q4", "2027-Q1", "--as-of", "2027-01-05", *args, "-C", str(root)
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _q1_rows(root: Path, as_of: str = "2027-02-15") -> dict[str, dict[str, object]]:
    status = run_okrctl(
        "status", "--cycle", "2027-Q1", "--as-of", as_of, "-f", "json", "-C", str(root)
    )
    assert status.returncode == 0, status.stderr
    return {r["id"]: r for r in json.loads(status.stdout)["rows"]}


def test_dry_run_lists_every_baseline_and_target_with_its_source(make_repo: MakeRepo) -> None:
    root = _grow(make_repo)
    out = _roll(root, "--dry-run")
    # CO-1: revenue (118,000 - 100,000) / (130,000 - 100,000) = 60%; deals has no data
    assert out == (
        "values observed up to 2026-12-31\n"
        "carry CO-1 (60%) -> CO-1-2027-Q1 in goals/2027-Q1/company.yaml; alignment none\n"
        "    revenue: baseline 100000 -> 118000 (the last value of crm:revenue in 2026-Q4, "
        "2026-12-31)\n"
        "    revenue: target +30% -> 130000 (2026-Q4's effective target: +30% of 100000; kept "
        "as +30% it would move to 153400 on the new baseline)\n"
        "    deals: baseline 0 -> 0 (the given baseline, kept: no check-in in 2026-Q4 up to "
        "2026-12-31)\n"
        "    deals: target 10 unchanged\n"
        "dry run: 1 file would be written\n"
    )
    assert not (root / "goals" / "2027-Q1").exists()


def test_relative_target_is_carried_as_the_old_effective_target(
    make_repo: MakeRepo, engine: str
) -> None:
    root = _grow(make_repo)
    _roll(root)
    text = (root / "goals" / "2027-Q1" / "company.yaml").read_text(encoding="utf-8")
    # +30% of the 2026-Q4 baseline 100,000 = 130,000; re-based on 118,000, "+30%" would
    # have become 153,400
    assert "        baseline: 118000\n        target: 130000\n" in text
    write(root, "metrics/crm.csv", REVENUE + "2027-02-15,revenue,124000\n")
    revenue = _q1_rows(root)["CO-1-2027-Q1/revenue"]
    # (124,000 - 118,000) / (130,000 - 118,000) = 6,000 / 12,000 = 50%
    # (against 153,400 it would be 6,000 / 35,400 = 16.9%)
    assert (revenue["baseline"], revenue["target"], revenue["progress"]) == (118000, 130000, 0.5)


def test_checkin_kr_keeps_its_given_baseline(make_repo: MakeRepo, engine: str) -> None:
    root = _grow(make_repo)  # deals: baseline 0, target 10, no check-ins in 2026-Q4
    _roll(root)
    # a check-in of the new cycle: 4 deals signed
    write(root, "metrics/checkins.csv", "date,metric,value\n2027-01-20,CO-1-2027-Q1/deals,4\n")
    deals = _q1_rows(root)["CO-1-2027-Q1/deals"]
    # (4 - 0) / (10 - 0) = 40%, not "no baseline" all cycle
    assert (deals["baseline"], deals["progress"], deals["note"]) == (0, 0.4, None)


def test_checkin_kr_is_rebased_on_its_last_checkin(make_repo: MakeRepo, engine: str) -> None:
    root = _grow(make_repo, checkins="2026-11-02,CO-1/deals,3,\n2026-12-15,CO-1/deals,6,\n")
    out = _roll(root)
    assert (
        "    deals: baseline 0 -> 6 (the last check-in in 2026-Q4, 2026-12-15)\n"
        "    deals: target 10 unchanged\n"
    ) in out
    write(
        root,
        "metrics/checkins.csv",
        "date,metric,value\n2026-12-15,CO-1/deals,6\n2027-02-01,CO-1-2027-Q1/deals,8\n",
    )
    deals = _q1_rows(root)["CO-1-2027-Q1/deals"]
    # (8 - 6) / (10 - 6) = 50%
    assert (deals["baseline"], deals["progress"]) == (6, 0.5)


def test_checkin_kr_without_any_baseline_is_reported_and_warned(make_repo: MakeRepo) -> None:
    root = _grow(make_repo, GROW.replace("        baseline: 0\n", ""))
    out = _roll(root)
    assert (
        "    deals: baseline none -> none (no baseline given and no check-in up to 2026-12-31; "
        "check-ins for 2027-Q1 are dated inside it, so write `baseline:` by hand; okrctl "
        "check warns with D011)\n"
    ) in out
    check = run_okrctl("check", "-f", "json", "--as-of", "2027-01-05", "-C", str(root))
    found = [
        (d["code"], d["file"], d["line"], d["severity"])
        for d in json.loads(check.stdout)["diagnostics"]
        if d["code"] == "D011"
    ]
    # line 11 of the carried file: the header line, then the file less CO-1's id line
    assert ("D011", "goals/2027-Q1/company.yaml", 11, "warning") in found


def test_notation_of_the_file_is_kept(make_repo: MakeRepo) -> None:
    goals = """\
        defaults: {cycle: 2026-Q4, unit: acme}
        objectives:
          - id: CO-1
            title: Grow
            key_results:
              - {id: revenue, metric: crm:revenue, baseline: 10万, target: +30%}
              - {id: paid, metric: crm:paid, baseline: 100K, target: 150K}
              - {id: retention, metric: crm:retention, baseline: 40%, target: +10%}
              - {id: big, metric: crm:big, baseline: "1,000,000", target: "2,000,000"}
        """
    root = _grow(make_repo, goals)
    write(
        root,
        "metrics/crm.csv",
        REVENUE + "2026-12-31,paid,118000\n2026-12-31,retention,42%\n2026-12-31,big,1469565\n",
    )
    _roll(root)
    text = (root / "goals" / "2027-Q1" / "company.yaml").read_text(encoding="utf-8")
    # 118,000 = 11.8万; 10万 x 1.3 = 13万; 118,000 = 118K; 40% x 1.1 = 44%;
    # 1,469,565 keeps its thousands separators
    assert (
        "      - {id: revenue, metric: crm:revenue, baseline: 11.8万, target: 13万}\n"
        "      - {id: paid, metric: crm:paid, baseline: 118K, target: 150K}\n"
        "      - {id: retention, metric: crm:retention, baseline: 42%, target: 44%}\n"
        '      - {id: big, metric: crm:big, baseline: "1,469,565", target: "2,000,000"}\n'
    ) in text
    rows = _q1_rows(root, "2027-01-01")
    assert rows["CO-1-2027-Q1/revenue"]["target"] == 130000
    assert rows["CO-1-2027-Q1/retention"]["target"] == 0.44


COMMENTED = (
    "# yaml-language-server: $schema=../schemas/goals.schema.json\n"
    "# Company goals for the quarter\n"
    "defaults: {cycle: 2026-Q4, unit: acme}  # everyone in acme\n"
    "objectives:\n"
    "  # growth first\n"
    "  - id: CO-1\n"
    "    title: Grow   # the big one\n"
    "    key_results:\n"
    "      # money\n"
    "      - id: revenue   # finance tracks it\n"
    "        metric: crm:revenue\n"
    "        baseline: 100000\n"
    "        target: +30%    # 130,000 by the end of Q4\n"
    "        plan:\n"
    "          - {date: 2026-11-15, value: 110000}\n"
    "      # signed deals, from okrctl checkin\n"
    "      - {id: deals, title: Deals signed, target: 10}   # counted by hand\n"
    "      # reached: stays behind\n"
    "      - id: mentions\n"
    "        metric: crm:mentions\n"
    "        baseline: 5\n"
    "        target: 20\n"
    "  # keeping the lights on: committed, stays in 2026-Q4\n"
    "  - id: CO-2\n"
    "    title: Keep it running\n"
    "    type: committed\n"
    "    key_results:\n"
    "      - {id: uptime, metric: crm:uptime, at_least: 99%}\n"
    "  # the brand\n"
    "  - id: CO-3\n"
    "    title: Be known\n"
    "    key_results:\n"
    "      - id: fans  # followers\n"
    "        metric: crm:fans\n"
    "        baseline: 5\n"
    "        target: 20\n"
    "kpis:\n"
    "  # calls\n"
    "  - {id: K-CALLS, title: Calls, owner: bo, target: 40, weight: 1}\n"
)


CARRIED = (
    "# carried from 2026-Q4 into 2027-Q1 by okrctl roll\n"
    "# yaml-language-server: $schema=../../schemas/goals.schema.json\n"
    "# Company goals for the quarter\n"
    "defaults: {cycle: 2027-Q1, unit: acme}  # everyone in acme\n"
    "objectives:\n"
    "  # growth first\n"
    "  - id: CO-1-2027-Q1\n"
    "    title: Grow   # the big one\n"
    "    key_results:\n"
    "      # money\n"
    "      - id: revenue   # finance tracks it\n"
    "        metric: crm:revenue\n"
    "        baseline: 118000\n"
    "        target: 130000  # 130,000 by the end of Q4\n"
    "      # signed deals, from okrctl checkin\n"
    "      - {id: deals, title: Deals signed, baseline: 6, target: 10} # counted by hand\n"
    "  # the brand\n"
    "  - id: CO-3-2027-Q1\n"
    "    title: Be known\n"
    "    key_results:\n"
    "      - id: fans  # followers\n"
    "        metric: crm:fans\n"
    "        baseline: 12\n"
    "        target: 20\n"
)


def _commented(make_repo: MakeRepo, newline: str) -> tuple[Path, str]:
    root = _grow(make_repo, checkins="2026-12-15,CO-1/deals,6,\n")
    (root / "goals" / "company.yaml").write_bytes(COMMENTED.replace("\n", newline).encode("utf-8"))
    write(
        root,
        "metrics/crm.csv",
        REVENUE + "2026-12-31,mentions,25\n2026-12-31,fans,12\n2026-12-31,uptime,99.5%\n",
    )
    return root, _roll(root)


def test_comments_of_the_carried_file_survive(make_repo: MakeRepo) -> None:
    root, out = _commented(make_repo, "\n")
    # the schema path is one folder deeper; CO-2, the reached KR, the plan and the KPIs
    # stay behind with their comments; every other comment is where it was
    text = (root / "goals" / "2027-Q1" / "company.yaml").read_text(encoding="utf-8")
    assert text == CARRIED
    assert "    mentions: reached, left behind\n" in out
    assert "    revenue: plan 1 checkpoint -> none (its dates are in 2026-Q4)\n" in out
    assert "leave CO-2 (committed)\n" in out
    check = run_okrctl("check", "-f", "json", "--as-of", "2027-01-05", "-C", str(root))
    errors = [d for d in json.loads(check.stdout)["diagnostics"] if d["severity"] == "error"]
    assert errors == []


def test_line_endings_of_the_carried_file_are_kept(make_repo: MakeRepo) -> None:
    root, _ = _commented(make_repo, "\r\n")
    data = (root / "goals" / "2027-Q1" / "company.yaml").read_bytes()
    assert data == CARRIED.replace("\n", "\r\n").encode("utf-8")


def test_roll_as_of_must_be_a_date(make_repo: MakeRepo) -> None:
    root = _grow(make_repo)
    bad = run_okrctl("roll", "2026-Q4", "2027-Q1", "--as-of", "soon", "-C", str(root))
    assert bad.returncode == 2 and "--as-of 'soon' is not a date" in bad.stderr


def test_a_draft_objective_is_left_behind_and_said_so(make_repo: MakeRepo) -> None:
    root = _grow(make_repo, GROW.replace("    title: Grow\n", "    title: Grow\n    draft: true\n"))
    out = _roll(root, "--dry-run")
    assert out == (
        "values observed up to 2026-12-31\nleave CO-1 (draft)\ndry run: 0 files would be written\n"
    )


def test_a_file_ruamel_cannot_load_is_a_usage_error(make_repo: MakeRepo) -> None:
    root = _grow(
        make_repo, GROW.replace("    title: Grow\n", "    title: Grow\n    title: Again\n")
    )
    result = run_okrctl("roll", "2026-Q4", "2027-Q1", "--as-of", "2027-01-05", "-C", str(root))
    # the duplicate key is an error (Y002) that reaches the numbers: nothing is computed
    assert result.returncode == 2
    assert "goals/company.yaml:5:5: error Y002" in result.stderr
    assert not (root / "goals" / "2027-Q1").exists()
    # graded down, roll gets as far as loading the file to carry it, and says why it cannot
    write(root, "okrctl.yaml", TWO_QUARTERS + "rules: {Y002: warning}\n")
    result = run_okrctl("roll", "2026-Q4", "2027-Q1", "--as-of", "2027-01-05", "-C", str(root))
    assert result.returncode == 2
    assert result.stderr.startswith(
        'okrctl: error: goals/company.yaml:5: cannot be carried: found duplicate key "title"'
    )
    assert not (root / "goals" / "2027-Q1").exists()


def test_a_baseline_from_data_with_a_refused_cell_says_so(edu: Path) -> None:
    """The last day's social users read n/a: the new baseline is that day's total without
    them, 450,000 + 630,000 = 1.08M, and roll says a cell was refused."""
    crm = edu / "metrics" / "crm.csv"
    text = crm.read_text(encoding="utf-8")
    assert text.endswith("2026-12-31,users_total,720000,social\n")  # line 641
    crm.write_text(text.replace("720000,social\n", "n/a,social\n"), encoding="utf-8")
    result = run_okrctl(
        "roll", "2026-Q4", "2027-Q1", "--dry-run", "--as-of", "2027-01-04", "-C", str(edu)
    )
    users = next(
        line for line in result.stdout.splitlines() if line.startswith("    users: baseline")
    )
    assert users.startswith("    users: baseline 100万 -> 108万 (")
    assert users.endswith("  (1 cell rejected: metrics/crm.csv line 641)")
    assert "! 1 cell rejected in metrics/crm.csv (users_total), line 641: see okrctl check" in (
        result.stdout
    )
