"""The weekly rhythm: who owes a check-in, which data went stale, confidence next to
progress, and freshness kept out of pull-request checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MakeRepo, golden, run_okrctl

CONFIG = """\
okrctl: 1
units:
  - {id: acme, level: company}
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
metrics:
  - {name: crm, path: metrics/crm.csv, stale_after: 7d}
  - {name: erp, path: metrics/erp.csv}
"""
GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    owner: li.na
    key_results:
      - {id: users, metric: "crm:users", baseline: 0, target: 100}
      - {id: orders, metric: "erp:orders", baseline: 0, target: 100, checkin_every: 2w}
      - {id: deals, target: 10, baseline: 0, checkin_every: 7d, owner: wang.fang}
      - {id: calls, target: 10, baseline: 0, checkin_every: 7d}
      - {id: demos, target: 10, baseline: 0}
"""
# on 2026-11-30: users' newest row 2026-11-20 is 10 days old (stale, 7d); orders' 2026-11-20
# is 10 days old (fresh, 2w); deals checked in 2026-11-25 (5 days: fine); calls has no
# check-in this cycle: 61 days without one (owed); demos has no cadence
CRM = "date,metric,value\n2026-11-20,users,40\n"
ERP = "date,metric,value\n2026-11-20,orders,40\n"
CHECKINS = (
    "date,metric,value,confidence,note\n"
    "2026-11-25,CO-1/deals,4,7,two in the pipeline\n"
    "2026-09-30,CO-1/calls,1,,before the cycle\n"
)


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    return make_repo(
        {
            "goals/company.yaml": GOALS,
            "metrics/crm.csv": CRM,
            "metrics/erp.csv": ERP,
            "metrics/checkins.csv": CHECKINS,
        },
        config=CONFIG,
    )


def test_owed_and_stale_by_owner(repo: Path) -> None:
    day = ["--as-of", "2026-11-30", "-C", str(repo)]
    owed = run_okrctl("status", "--owed", *day)
    assert owed.returncode == 1
    assert owed.stdout == (
        "2026-Q4 on 2026-11-30: owed check-ins\n"
        "\n"
        "li.na (1)\n"
        "  CO-1/calls  calls: check-in none this cycle, 61 days (every 7d)\n"
        "\n"
        "1 key result behind cadence\n"
    )
    stale = run_okrctl("status", "--stale", "-f", "json", *day)
    assert stale.returncode == 1
    document = json.loads(stale.stdout)
    assert document["owners"] == [
        {
            "owner": "li.na",
            "items": [
                {
                    "kind": "data",
                    "id": "CO-1/users",
                    "title": "users",
                    "cadence": "7d",
                    "last": "2026-11-20",
                    "age_days": 10,
                    "source": "crm",
                }
            ],
        }
    ]
    both = run_okrctl("status", "--owed", "--stale", *day)
    golden("status-owed-stale.txt", both.stdout)
    # a week earlier nothing is due but calls (54 days without a check-in)
    early = run_okrctl("status", "--stale", "--as-of", "2026-11-23", "-C", str(repo))
    assert (early.returncode, early.stdout.splitlines()[1]) == (0, "  none")


def test_confidence_sits_next_to_progress_apart_from_status(repo: Path) -> None:
    result = run_okrctl("status", "--as-of", "2026-11-30", "-f", "json", "-C", str(repo))
    rows = {r["id"]: r for r in json.loads(result.stdout)["rows"]}
    assert rows["CO-1/deals"]["confidence"] == 7
    assert rows["CO-1/deals"]["status"] == "red"  # 40% against 66%: confidence changes nothing
    assert "confidence" not in rows["CO-1/users"]
    text = run_okrctl("status", "--as-of", "2026-11-30", "--no-color", "-C", str(repo)).stdout
    header = text.splitlines()[1].split()
    assert header[-2:] == ["confidence", "owner"]
    assert "7/10" in next(line for line in text.splitlines() if "KR deals" in line)


def test_checkins_lists_notes_and_confidence(repo: Path) -> None:
    result = run_okrctl("checkins", "CO-1", "-C", str(repo))
    assert result.returncode == 0
    golden("checkins.txt", result.stdout)
    document = json.loads(run_okrctl("checkins", "-f", "json", "-C", str(repo)).stdout)
    assert document["checkins"][0] == {
        "line": 2,
        "date": "2026-11-25",
        "id": "CO-1/deals",
        "value": 4,
        "confidence": 7,
        "note": "two in the pipeline",
        "counts": True,
        "superseded_by": None,
    }
    missing = run_okrctl("checkins", "CO-9", "-C", str(repo))
    assert missing.returncode == 2 and "no objective, key result or KPI 'CO-9'" in missing.stderr


def test_freshness_is_left_out_of_pull_request_checks(repo: Path) -> None:
    day = ["--as-of", "2026-11-30", "--strict", "-C", str(repo)]
    judged = run_okrctl("check", *day)
    assert "D006" in judged.stdout and "metric source 'crm' is stale" in judged.stdout
    skipped = run_okrctl("check", "--no-freshness", *day)
    assert "D006" not in skipped.stdout


def test_the_report_shows_confidence_next_to_progress(repo: Path) -> None:
    args = ["report", "--as-of", "2026-11-30", "--no-git", "-C", str(repo)]
    md = run_okrctl(*args, "-f", "md")
    assert md.returncode == 0, md.stderr
    assert "| 40% · confidence 7/10 |" in md.stdout
    zh = run_okrctl(*args, "-f", "md", "--lang", "zh").stdout
    assert "40% · 信心 7/10" in zh
    report = json.loads(run_okrctl(*args, "-f", "json").stdout)
    krs = {k["id"]: k for o in report["objectives"] for k in o["key_results"]}
    assert krs["CO-1/deals"]["confidence"] == 7 and "confidence" not in krs["CO-1/users"]
