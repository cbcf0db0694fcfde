"""The HTML review of a large organisation stays within its size budget (docs/report.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import run_okrctl

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
    assert len(page.encode()) < BUDGET  # the full review is 5.6 MB (5,631,250 bytes)
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
    generate(org, files=40, mistakes=False)
    page = run_okrctl("report", "-C", str(org), "--as-of", DAY, "-f", "html", "--no-git").stdout
    assert "<h3>Level: team</h3>" in page
    assert "budget" not in page and '<section id="units">' not in page
