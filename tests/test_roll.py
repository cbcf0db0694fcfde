"""`okrctl roll FROM TO`: carry unfinished goals into the next cycle."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_okrctl
from okrctl.goalfile import parse_goal_file


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
    assert "dry run: 4 file(s) would be written" in result.stdout
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


def test_a_baseline_from_data_with_a_refused_cell_says_so(
    edu: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last day's social users read n/a: the new baseline is that day's total without
    them, 450,000 + 630,000 = 1.08M, and roll says a cell was refused."""
    import datetime as dt

    from okrctl import roll

    plan = roll.plan_roll  # rolled after the cycle ended, whatever day the suite runs
    monkeypatch.setattr(
        roll, "plan_roll", lambda w, s, t, i, today: plan(w, s, t, i, dt.date(2027, 1, 4))
    )
    crm = edu / "metrics" / "crm.csv"
    text = crm.read_text(encoding="utf-8")
    assert text.endswith("2026-12-31,users_total,720000,social\n")  # line 641
    crm.write_text(text.replace("720000,social\n", "n/a,social\n"), encoding="utf-8")
    result = run_okrctl("roll", "2026-Q4", "2027-Q1", "--dry-run", "-C", str(edu))
    users = next(line for line in result.stdout.splitlines() if line.startswith("    users:"))
    assert users == (
        "    users: baseline 1.00M -> 1.08M  (1 cell rejected: metrics/crm.csv line 641)"
    )
    assert "! 1 cell rejected in metrics/crm.csv (users_total), line 641: see okrctl check" in (
        result.stdout
    )
