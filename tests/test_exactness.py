"""Thresholds are decided exactly for values that are exact in decimal (docs/formulas.md,
"Exactness"): binary floats must never move a number across a band, status line, rating
or grading threshold."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conftest import MakeRepo, run_okrctl
from okrctl.core.progress import (
    Status,
    Thresholds,
    attainment,
    banded_score,
    final_status,
    metric_progress,
    pace_status,
    reaches,
    settle,
    stepped_score,
)
from okrctl.evaluate.scoring import rating_for
from okrctl.load.config import Config

CONFIG = """\
okrctl: 1
units:
  - {id: acme, level: company}
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
metrics:
  - {name: crm, path: metrics/crm.csv}
"""


def test_binary_noise_is_settled() -> None:
    assert 0.72 / 0.9 == 0.7999999999999999  # what floats give
    assert settle(0.72 / 0.9) == 0.8
    assert settle(0.59 + 1e-16) == 0.59
    assert reaches(0.72 / 0.9, 0.8)
    assert not reaches(0.7999, 0.8)
    # (0.37 - 0.30) / (0.40 - 0.30) is 0.6999999999999998 in floats
    assert metric_progress(0.37, 0.30, 0.40) == 0.7


def test_monthly_avg_kpi_reaches_its_band(make_repo: MakeRepo) -> None:
    # October's readings 70% and 74% average 72%; against 90%: a = 0.72 / 0.9 = 0.8
    # exactly, which reaches the band from 80% (score 0.6). October is the only closed
    # month on 2026-11-30, so the KPI score is 0.6; 0.6 < at_risk 0.7: red.
    root = make_repo(
        {
            "goals/a.yaml": """\
            defaults: {cycle: 2026-Q4, unit: acme, owner: li.na}
            kpis:
              - id: KPI-RATE
                title: Pass rate 90%
                metric: crm:rate
                aggregate: avg
                period: monthly
                target: 90%
                bands: [[80%, 0.6], [100%, 1.0]]
            """,
            "metrics/crm.csv": "date,metric,value\n2026-10-10,rate,70%\n2026-10-20,rate,74%\n",
        },
        config=CONFIG,
    )
    out = run_okrctl("status", "-C", str(root), "--as-of", "2026-11-30", "-f", "json")
    (row,) = json.loads(out.stdout)["rows"]
    assert (row["progress"], row["status"]) == (0.6, "red")
    explain = run_okrctl("explain", "KPI-RATE", "-C", str(root), "--as-of", "2026-11-30")
    assert "score 0.600" in explain.stdout and "score 0.000" not in explain.stdout


def test_aspirational_objective_at_exactly_seventy_percent_is_green(make_repo: MakeRepo) -> None:
    # after the cycle: (0.37 - 0.30) / (0.40 - 0.30) = 0.7, the aspirational bar: green
    root = make_repo(
        {
            "goals/a.yaml": """\
            defaults: {cycle: 2026-Q4, unit: acme, owner: li.na}
            objectives:
              - id: CO-1
                title: Stretch
                type: aspirational
                key_results:
                  - {id: rate, metric: crm:rate, baseline: 0.30, target: 0.40}
            """,
            "metrics/crm.csv": "date,metric,value\n2026-12-31,rate,0.37\n",
        },
        config=CONFIG,
    )
    out = run_okrctl("status", "-C", str(root), "--as-of", "2027-01-05", "-f", "json")
    objective = json.loads(out.stdout)["rows"][0]
    assert (objective["progress"], objective["status"]) == (0.7, "green")
    score = run_okrctl("score", "-C", str(root), "--as-of", "2027-01-05", "-f", "json")
    (card,) = json.loads(score.stdout)["scorecards"]
    assert card["okr_score"] == 0.7


# decimals with at most four significant digits: distinct exact values of such inputs
# differ far beyond the 12th digit, so settling never merges two of them
DECIMAL = st.integers(min_value=1, max_value=9999).flatmap(
    lambda n: st.sampled_from([Fraction(n, 10**k) for k in range(0, 5)])
)


@given(actual=DECIMAL, target=DECIMAL, zero_below=DECIMAL, full_at=DECIMAL)
def test_banded_score_edges_agree_with_exact_arithmetic(
    actual: Fraction, target: Fraction, zero_below: Fraction, full_at: Fraction
) -> None:
    zero_below, full_at = zero_below / 10000, full_at / 10000 + 1  # 0 <= zb < 1 <= fa
    a = attainment(float(actual), float(target), lower_is_better=False)
    assert a is not None
    exact_a = actual / target
    score = banded_score(a, float(zero_below), float(full_at), 10.0)
    if exact_a < zero_below:
        assert score == 0.0
    elif exact_a < full_at:  # the linear part: 0 exactly at zero_below, below 1
        exact = (exact_a - zero_below) / (full_at - zero_below)
        assert (score == 0.0) is (exact == 0)
        # settling a to 12 digits moves it by up to 5e-12, divided by (full_at - zero_below)
        assert 0.0 <= score < 1.0 and abs(score - float(exact)) <= 1e-9
    else:  # from full_at on: at least full marks, capped
        exact = min(exact_a / full_at, Fraction(10))
        assert score >= 1.0 and abs(score - float(exact)) <= 1e-9 * float(exact)
    bands = [(float(zero_below), 0.5), (float(full_at), 1.0)]
    exact_band = 1.0 if exact_a >= full_at else 0.5 if exact_a >= zero_below else 0.0
    assert stepped_score(a, bands) == exact_band


@given(current=DECIMAL, baseline=DECIMAL, target=DECIMAL, day=st.integers(0, 91))
def test_pace_status_agrees_with_exact_arithmetic(
    current: Fraction, baseline: Fraction, target: Fraction, day: int
) -> None:
    if target == baseline:
        return
    p = metric_progress(float(current), float(baseline), float(target))
    assert p is not None
    exact_p = max((current - baseline) / (target - baseline), Fraction(0))
    exact_e = Fraction(day + 1, 92)
    e = (day + 1) / 92
    on, risk = Fraction(9, 10), Fraction(7, 10)
    expected = (
        Status.GREEN if exact_p >= on * exact_e else Status.YELLOW if exact_p >= risk * exact_e
        else Status.RED
    )  # fmt: skip
    assert pace_status(p, e, Thresholds(0.9, 0.7)) is expected


@given(score=DECIMAL)
def test_final_status_and_rating_edges(score: Fraction) -> None:
    value = score / 10000  # 0.0001 .. 0.9999, and exact multiples of the bars
    for committed, bar in ((True, Fraction(1)), (False, Fraction(7, 10))):
        # reach the bar from a float computed the noisy way: 0.1 * 7 = 0.7000000000000001
        noisy = float(value) * 3 / 3
        got = final_status(noisy, committed)
        exact = (
            Status.GREEN
            if value >= bar
            else Status.YELLOW
            if value >= Fraction(2, 5)
            else (Status.RED)
        )
        assert got is exact
    config = Config(root=Path("."))
    bands = sorted(config.ratings, reverse=True)
    exact_rating = next((r for m, r in bands if value >= Fraction(str(m))), None)
    assert rating_for(float(value) * 3 / 3, config) == exact_rating


def test_the_noisy_edges_by_hand() -> None:
    # 0.1 * 3 = 0.30000000000000004; 0.7 / 0.1 * 0.1 = 0.7000000000000001; and the
    # other way: 0.72 / 0.9 = 0.7999999999999999 and 0.07 / 0.1 = 0.7000000000000001
    assert banded_score(0.72 / 0.9, 0.8, 1.0, 1.0) == 0.0  # at zero_below: 0, not below
    assert stepped_score(0.72 / 0.9, [(0.8, 0.6), (1.0, 1.0)]) == 0.6
    assert final_status((0.37 - 0.30) / (0.40 - 0.30), committed=False) is Status.GREEN
    assert pace_status(0.9 * (61 / 92), 61 / 92, Thresholds(0.9, 0.7)) is Status.GREEN
    assert rating_for(0.72 / 0.9, Config(root=Path("."))) == "B"


@given(target=DECIMAL, edge=st.integers(min_value=1, max_value=200))
def test_an_actual_exactly_on_a_band_edge_reaches_it(target: Fraction, edge: int) -> None:
    # actual = edge% of target, exact in decimal: the attainment is exactly the edge
    band = Fraction(edge, 100)
    actual = band * target
    a = attainment(float(actual), float(target), lower_is_better=False)
    assert a is not None
    assert stepped_score(a, [(float(band), 1.0)]) == 1.0
    assert reaches(a, float(band))
    assert banded_score(a, float(band), float(band) + 1, 5.0) == 0.0  # at zero_below: 0
