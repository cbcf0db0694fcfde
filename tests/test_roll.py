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


def test_roll_keeps_the_notation_of_the_values_it_carries(edu: Path) -> None:
    result = run_okrctl("roll", "2026-Q4", "2027-Q1", "--include", "MKT-1", "-C", str(edu))
    assert result.returncode == 0, result.stderr
    # old baselines as the goal files write them (100万, 85%), not 1,000,000 and 0.85
    assert "    users: baseline 100万 -> 1.53M\n" in result.stdout
    assert "    satisfaction: baseline 85% -> 87.0%\n" in result.stdout
    assert "    users: baseline 1,000,000 -> 1.53M\n" in result.stdout  # MKT-1 writes it so
    company = (edu / "goals" / "2027-Q1" / "company.yaml").read_text(encoding="utf-8")
    assert "        target: 200万\n" in company and "        target: 500K\n" in company
    marketing = (edu / "goals" / "2027-Q1" / "departments" / "marketing.yaml").read_text(
        encoding="utf-8"
    )
    assert "        target: 2,000,000\n" in marketing
    social = (edu / "goals" / "2027-Q1" / "teams" / "social.yaml").read_text(encoding="utf-8")
    assert "        target: 50万\n" in social
    carried = _objectives(edu)  # every file reads back without a problem, the same numbers
    assert carried["CO-1-2027-Q1"].key_results[0].target == 2_000_000  # type: ignore[attr-defined]
