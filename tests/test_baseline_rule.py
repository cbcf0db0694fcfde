"""D011 baseline-never-available: a key result without `baseline:` whose values start
after its cycle start, so its progress would stay unknown all cycle."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import MakeRepo, run_okrctl, write

GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: deals, target: 10}
      - {id: calls, target: 40}
      - {id: demos, baseline: 0, target: 5}
      - {id: users, metric: crm:users, target: 200}
      - {id: cost, metric: crm:cost, target: 30}
      - {id: leads, metric: crm:leads, target: [3, 5]}
      - {id: nps, metric: crm:nps, target: 50}
      - {id: deck, milestone: true, done: false}
      - {id: churn, at_most: 5}
"""
# deals: check-ins only after the start 2026-10-01; calls: one on the start day (its
# baseline); demos: a baseline given
CHECKINS = "date,metric,value\n2026-10-01,CO-1/calls,3\n2026-10-15,CO-1/deals,2\n"
# users and leads: rows only after the start; cost: a row before it; nps: no rows at all
CRM = (
    "date,metric,value\n2026-10-05,users,120\n2026-09-30,cost,50\n2026-10-05,cost,45\n"
    "2026-10-05,leads,2\n"
)


def _repo(make_repo: MakeRepo) -> Path:
    root = make_repo({"goals/company.yaml": GOALS})
    write(root, "metrics/checkins.csv", CHECKINS)
    write(root, "metrics/crm.csv", CRM)
    return root


def _d011(root: Path, *args: str) -> list[dict[str, object]]:
    result = run_okrctl("check", "-f", "json", "--as-of", "2026-11-30", *args, "-C", str(root))
    assert result.returncode in (0, 1), result.stderr
    return [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "D011"]


def test_key_results_that_never_get_a_baseline_are_warned(make_repo: MakeRepo, engine: str) -> None:
    found = _d011(_repo(make_repo))
    # deals (line 6), users (line 9) and leads (line 11); not calls (a check-in on the
    # start day), demos (given), cost (a row before the start), nps (no rows: D005's
    # case), the milestone or the guardrail
    assert [(d["severity"], d["line"], d["column"]) for d in found] == [
        ("warning", 6, 14),
        ("warning", 9, 14),
        ("warning", 11, 14),
    ]
    assert found[0]["message"] == (
        "key result 'CO-1/deals' has no baseline: none is given and no check-in is dated on "
        "or before its cycle start 2026-10-01; check-ins are dated inside the cycle, so its "
        "progress stays unknown"
    )
    assert found[0]["hint"] == (
        "write `baseline:` (the value on 2026-10-01), or record it dated the first day: "
        "okrctl checkin CO-1/deals VALUE --date 2026-10-01"
    )
    assert found[1]["message"] == (
        "key result 'CO-1/users' has no baseline: none is given and crm:users has rows in "
        "2026-Q4 but none on or before its start 2026-10-01"
    )


def test_the_warning_matches_what_status_shows(make_repo: MakeRepo) -> None:
    root = _repo(make_repo)
    status = run_okrctl("status", "--as-of", "2026-11-30", "-f", "json", "-C", str(root))
    notes = {r["id"]: r["note"] for r in json.loads(status.stdout)["rows"]}
    unknown = "no baseline: none given and no data on or before the cycle start"
    assert notes["CO-1/deals"] == unknown and notes["CO-1/users"] == unknown
    # calls: (3 - 3) / (40 - 3) = 0, measured from the start-day check-in
    assert notes["CO-1/calls"] is None


def test_no_data_skips_it(make_repo: MakeRepo) -> None:
    assert _d011(_repo(make_repo), "--no-data") == []
