"""`okrctl close CYCLE`: a closed quarter keeps its numbers after the data is re-exported,
and `--verify` names the drift."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import MakeRepo, git, run_okrctl

CONFIG = """\
okrctl: 1
units:
  - {id: acme, level: company}
cycles:
  - {id: 2026-Q3, start: 2026-07-01, end: 2026-09-30}
  - {id: 2099-Q1, start: 2099-01-01, end: 2099-03-31}
metrics:
  - {name: crm, path: metrics/crm.csv}
"""
GOALS = """\
defaults: {cycle: 2026-Q3, unit: acme}
objectives:
  - id: CO-1
    title: Grow users
    owner: li.na
    key_results:
      - {id: users, metric: "crm:users", baseline: 1000000, target: 2000000, weight: 0.5}
      - {id: deals, target: 10, baseline: 0, weight: 0.5}
kpis:
  - {id: KPI-CALLS, title: Calls, owner: li.na, metric: "crm:calls", target: 100, aggregate: sum}
"""
# users 1.8M of 1.0M -> 2.0M = 80%; deals 5 of 10 = 50%; CO-1 = 65%; calls 90 of 100 = 0.9
CRM = "date,metric,value\n2026-07-01,users,1000000\n2026-09-30,users,1800000\n2026-08-01,calls,90\n"
CHECKINS = "date,metric,value,confidence,note\n2026-09-20,CO-1/deals,5,8,\n"


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    root = make_repo(
        {"goals/company.yaml": GOALS, "metrics/crm.csv": CRM, "metrics/checkins.csv": CHECKINS},
        config=CONFIG,
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the quarter")
    return root


def _status(root: Path) -> tuple[dict[str, dict[str, object]], str]:
    result = run_okrctl("status", "-C", str(root), "--cycle", "2026-Q3", "-f", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    return {r["id"]: r for r in document["rows"]}, document.get("frozen", "")


def test_a_closed_quarter_keeps_its_numbers_and_verify_names_the_drift(repo: Path) -> None:
    closed = run_okrctl("close", "2026-Q3", "-C", str(repo))
    assert closed.returncode == 0, closed.stderr
    head = git(repo, "rev-parse", "HEAD").strip()
    assert closed.stdout == (
        "closed 2026-Q3: the numbers of 2 key results, 1 objectives, 1 KPIs, 1 scorecards "
        f"frozen in reviews/2026-Q3.lock.json at commit {head[:12]}; commit the file to keep "
        "them\n"
    )
    lock = json.loads((repo / "reviews" / "2026-Q3.lock.json").read_text(encoding="utf-8"))
    assert lock["commit"] == head and lock["as_of"] == "2026-09-30"
    crm_hash = hashlib.sha256(CRM.encode()).hexdigest()
    assert lock["sources"]["crm"] == {
        "kind": "metrics",
        "path": "metrics/crm.csv",
        "sha256": crm_hash,
        "last_date": "2026-09-30",
    }
    users = lock["answers"]["kr:CO-1/users"]
    assert (users["source"], users["value"], users["last_date"]) == ("crm", 1800000, "2026-09-30")
    assert users["rows"] == [[3, "2026-09-30", 1800000]]  # the baseline is given
    numbers = lock["numbers"]
    assert numbers["key_results"]["CO-1/users"]["progress"] == 0.8
    assert numbers["key_results"]["CO-1/deals"]["confidence"] == 8
    assert numbers["objectives"]["CO-1"] == {
        "progress": 0.65,
        "score": 0.65,
        "partial": False,
        "status": "yellow",
    }
    assert numbers["kpis"]["KPI-CALLS"]["score"] == 0.9
    assert numbers["scorecards"]["default:li.na"]["okr_score"] == 0.65

    # the export is redone and rewrites the quarter: users 1.5M, calls 120
    (repo / "metrics" / "crm.csv").write_text(
        "date,metric,value\n2026-07-01,users,1000000\n2026-09-30,users,1500000\n"
        "2026-08-01,calls,120\n",
        encoding="utf-8",
    )
    rows, frozen = _status(repo)
    assert frozen == "reviews/2026-Q3.lock.json"
    assert (rows["CO-1/users"]["current"], rows["CO-1/users"]["progress"]) == (1800000, 0.8)
    assert rows["CO-1"]["progress"] == 0.65 and rows["KPI-CALLS"]["progress"] == 0.9
    text = run_okrctl("status", "-C", str(repo), "--cycle", "2026-Q3", "--no-color")
    assert "closed: frozen numbers from reviews/2026-Q3.lock.json" in text.stdout
    score = run_okrctl("score", "-C", str(repo), "--cycle", "2026-Q3", "-f", "json")
    assert "frozen numbers from reviews/2026-Q3.lock.json" in score.stderr
    card = json.loads(score.stdout)["scorecards"][0]
    assert card["okr_score"] == 0.65
    report = run_okrctl("report", "-C", str(repo), "--cycle", "2026-Q3", "-f", "md", "--no-git")
    assert report.returncode == 0 and "frozen numbers" in report.stderr
    assert "65%" in report.stdout

    verify = run_okrctl("close", "2026-Q3", "--verify", "-C", str(repo))
    assert verify.returncode == 1
    lines = verify.stdout.splitlines()
    assert lines[0] == "source crm: metrics/crm.csv changed since the close"
    assert "CO-1/users current: frozen 1.8M, now 1.5M" in lines
    assert "CO-1/users progress: frozen 0.8, now 0.5" in lines
    assert "KPI-CALLS actual: frozen 90, now 120" in lines
    assert "CO-1 progress: frozen 0.65, now 0.5" in lines
    assert lines[-1].endswith("would change; reviews/2026-Q3.lock.json keeps the frozen ones")


def test_verify_of_unchanged_data_is_clean(repo: Path) -> None:
    assert run_okrctl("close", "2026-Q3", "-C", str(repo)).returncode == 0
    verify = run_okrctl("close", "2026-Q3", "--verify", "-C", str(repo))
    assert (verify.returncode, verify.stdout) == (
        0,
        "2026-Q3: every frozen value matches today's data\n",
    )


def test_an_open_cycle_needs_force_and_a_closed_one_is_not_closed_twice(repo: Path) -> None:
    write = repo / "goals" / "later.yaml"
    write.write_text(
        "defaults: {cycle: 2099-Q1, unit: acme}\nobjectives:\n  - id: LATER\n    title: t\n"
        "    key_results:\n      - {id: k, target: 1, baseline: 0}\n",
        encoding="utf-8",
    )
    opened = run_okrctl("close", "2099-Q1", "-C", str(repo))
    assert opened.returncode == 2
    assert "cycle 2099-Q1 is still open (it ends 2099-03-31)" in opened.stderr
    assert not (repo / "reviews").exists()
    assert run_okrctl("close", "2099-Q1", "--force", "-C", str(repo)).returncode == 0
    assert run_okrctl("close", "2026-Q3", "-C", str(repo)).returncode == 0
    again = run_okrctl("close", "2026-Q3", "-C", str(repo))
    assert again.returncode == 2 and "is already closed" in again.stderr
    assert run_okrctl("close", "2026-Q3", "--force", "-C", str(repo)).returncode == 0


def test_a_damaged_lock_file_is_named(repo: Path) -> None:
    (repo / "reviews").mkdir()
    (repo / "reviews" / "2026-Q3.lock.json").write_text("{not json", encoding="utf-8")
    result = run_okrctl("status", "-C", str(repo), "--cycle", "2026-Q3")
    assert result.returncode == 2
    assert "reviews/2026-Q3.lock.json" in result.stderr and "Traceback" not in result.stderr


def test_verify_of_an_open_cycle_is_a_usage_error(repo: Path) -> None:
    result = run_okrctl("close", "2026-Q3", "--verify", "-C", str(repo))
    assert result.returncode == 2 and "cycle 2026-Q3 is not closed" in result.stderr
