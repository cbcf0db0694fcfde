"""`okrctl diff --impact`: status and progress before and after a change, on the same data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, MakeRepo, git, golden, run_okrctl

CONFIG = MINIMAL_CONFIG
COMPANY = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, metric: "crm:users", baseline: 100, target: 200}
"""
SALES = """\
defaults: {cycle: 2026-Q4, unit: sales}
objectives:
  - id: S-1
    title: Sell more
    aligns_to: CO-1/users
    key_results:
      - {id: deals, metric: "crm:deals", baseline: 0, target: 100, weight: 0.5}
      - {id: calls, metric: "crm:calls", baseline: 0, target: 10, weight: 0.5}
kpis:
  - {id: K-CALLS, title: Calls, metric: "crm:calls", target: 10, supports: S-1/calls}
"""
# on 2026-11-30 (e = 61/92 = 66.3%; at risk from 0.7 x e = 46.4%, on track from 59.7%):
# users 140 of 100 -> 200 = 40% (off track); deals 50 of 100 = 50% (at risk);
# calls 8 of 10 = 80% (on track); S-1 = 65% (on track)
CRM = (
    "date,metric,value\n2026-10-01,users,100\n2026-11-20,users,140\n"
    "2026-11-20,deals,50\n2026-11-20,calls,8\n"
)


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    root = make_repo(
        {"goals/company.yaml": COMPANY, "goals/sales.yaml": SALES, "metrics/crm.csv": CRM},
        config=CONFIG,
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plan", date="2026-09-20T09:00:00+08:00")
    return root


def _impact(root: Path, *args: str) -> list[dict[str, object]]:
    result = run_okrctl(
        "diff", *args, "--impact", "-f", "json", "--as-of", "2026-11-30", "-C", str(root)
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["impact"]  # type: ignore[no-any-return]


def test_a_goal_post_move_shows_its_status_change(repo: Path) -> None:
    # the target of deals is lowered from 100 to 60: 50 of 60 is 83.3%, on track
    path = repo / "goals" / "sales.yaml"
    path.write_text(SALES.replace("target: 100, weight", "target: 60, weight"), encoding="utf-8")
    impact = {(i["kind"], i["id"]): i for i in _impact(repo, "HEAD")}
    deals = impact[("key result", "S-1/deals")]
    assert deals["touched"] is True
    assert deals["before"] == {"status": "yellow", "progress": 0.5, "score": None}
    assert deals["after"]["status"] == "green"  # type: ignore[index]
    assert deals["after"]["progress"] == pytest.approx(50 / 60)  # type: ignore[index]
    # the objective holding it: 65% -> (83.3% + 80%) / 2 = 81.7%, on track either way
    s1 = impact[("objective", "S-1")]
    assert s1["touched"] is False
    assert (s1["before"]["progress"], s1["after"]["progress"]) == (  # type: ignore[index]
        0.65,
        pytest.approx((50 / 60 + 0.8) / 2),
    )
    # the objective above it is there, unchanged
    co1 = impact[("objective", "CO-1")]
    assert co1["before"] == co1["after"] == {"status": "red", "progress": 0.4, "score": 0.4}

    text = run_okrctl("diff", "HEAD", "--impact", "--as-of", "2026-11-30", "-C", str(repo))
    assert "  * key result S-1/deals: at risk -> on track, 50% -> 83%\n" in text.stdout
    md = run_okrctl(
        "diff", "HEAD", "--impact", "-f", "md", "--as-of", "2026-11-30", "-C", str(repo)
    )
    assert md.stdout.startswith("<!-- okrctl-diff -->\n### Goal changes")
    assert "| key result S-1/deals | at risk → **on track** | 50% → 83% |" in md.stdout
    golden("diff-impact.md", md.stdout)


def test_impact_between_two_revisions_uses_todays_data_on_both_sides(repo: Path) -> None:
    path = repo / "goals" / "sales.yaml"
    path.write_text(SALES.replace("target: 10, supports", "target: 16, supports"), encoding="utf-8")
    git(repo, "commit", "-qam", "harder KPI", date="2026-11-10T09:00:00+08:00")
    impact = {(i["kind"], i["id"]): i for i in _impact(repo, "HEAD~1", "HEAD")}
    calls = impact[("KPI", "K-CALLS")]
    # 8 of 10 = 0.8 -> 8 of 16 = 0.5, the same 8 calls on both sides
    assert calls["before"]["progress"] == 0.8 and calls["after"]["progress"] == 0.5  # type: ignore[index]
    assert ("objective", "S-1") in impact  # the KPI evidences S-1/calls


def test_a_change_that_touches_no_numbers(repo: Path) -> None:
    path = repo / "goals" / "company.yaml"
    path.write_text(COMPANY.replace("title: Grow", "title: Grow faster"), encoding="utf-8")
    impact = _impact(repo, "HEAD")
    assert [(i["id"], i["before"] == i["after"]) for i in impact] == [("CO-1", True)]
