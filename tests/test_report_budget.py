"""The HTML review of a large organisation stays within its size budget (docs/report.md)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_okrctl

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from generate_org import generate

DAY = "2026-11-30"  # in the generated cycle, 2026-Q4
BUDGET = 5_000_000


@pytest.mark.slow
def test_a_large_review_summarises_and_details_one_level(tmp_path: Path) -> None:
    org = tmp_path / "org"
    generate(org, files=200, mistakes=False)  # 1,000 objectives, 4,000 key results
    args = ("report", "-C", str(org), "--as-of", DAY, "-f", "html", "--no-git")
    result = run_okrctl(*args)
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert len(page.encode()) < BUDGET  # the full review would be ~35 MB (a chart ~8.5 KB)
    # said first, with the way to the details
    top = page[: page.index('<section class="first"')]
    assert "over its 5 MB budget" in top and "--unit UNIT" in top
    # the first level's goals in detail, the others as units with their numbers
    assert "<h3>Level: company</h3>" in page and "<h3>Level: team</h3>" not in page
    assert '<section id="units">' in page and "<td>team3-2</td><td>team</td>" in page
    # one unit, under the budget: every level below it in detail, no note
    unit = run_okrctl(*args, "--unit", "dept3").stdout
    assert "<h3>Level: team</h3>" in unit and "budget" not in unit


@pytest.mark.slow
def test_a_review_within_the_budget_is_whole(tmp_path: Path) -> None:
    org = tmp_path / "org"
    generate(org, files=24, mistakes=False)  # 480 key results: ~3.9 MB with their charts
    page = run_okrctl("report", "-C", str(org), "--as-of", DAY, "-f", "html", "--no-git").stdout
    assert "<h3>Level: team</h3>" in page
    assert "budget" not in page and '<section id="units">' not in page


def test_the_units_table_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    # the education example's review forced over a 1-byte budget: the units table lists
    # courses with CRS-1 (1/3, off track) and IND-LIU-1 (0.7, on track): 2 objectives,
    # average score (1/3 + 0.7) / 2 = 0.5167 -> 52%; courses is first seen at team level
    import okrctl.render.report_html_budget as budget

    monkeypatch.setattr(budget, "BUDGET", 1)
    page = run_okrctl(
        "report", "-C", str(EXAMPLES / "education"), "--as-of", "2026-11-30", "-f", "html",
        "--no-git",
    ).stdout  # fmt: skip
    row = re.search(r"<tr><td>courses</td>.*?</tr>", page)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))
    assert cells[:3] == ["courses", "team", "2"]
    assert cells[-1] == "52%"
    assert "on track</span> 1" in cells[3] and "off track</span> 1" in cells[3]
