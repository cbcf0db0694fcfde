"""SPEC §4 arithmetic: every number reproducible by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrctl.core.progress import (
    Status,
    Thresholds,
    attainment,
    banded_score,
    elapsed_fraction,
    final_status,
    guardrail_progress,
    metric_progress,
    pace_status,
    periods,
    planned_fraction,
    range_progress,
    stepped_score,
    weighted_progress,
)
from okrctl.core.vocabulary import Period

Q4 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
T = Thresholds(0.9, 0.7)


def test_education_key_results_from_domain() -> None:
    # users 1.0M -> 2.0M reached 1.8M; paid 200k -> 500k reached 450k; satisfaction 85 -> 90: 88
    assert metric_progress(1_800_000, 1_000_000, 2_000_000) == pytest.approx(0.8)
    assert metric_progress(450_000, 200_000, 500_000) == pytest.approx(250 / 300)
    assert metric_progress(0.88, 0.85, 0.90) == pytest.approx(0.6)
    progress, partial = weighted_progress([(0.8, 1), (250 / 300, 1), (0.6, 1)], cap=1.0)
    assert progress == pytest.approx((0.8 + 250 / 300 + 0.6) / 3)
    assert round(progress * 100, 1) == 74.4
    assert partial is False


def test_expected_progress_counts_days_inclusively() -> None:
    assert elapsed_fraction(*Q4, dt.date(2026, 11, 30)) == 61 / 92
    assert elapsed_fraction(*Q4, dt.date(2026, 10, 1)) == 1 / 92
    assert elapsed_fraction(*Q4, dt.date(2026, 12, 31)) == 1.0
    assert elapsed_fraction(*Q4, dt.date(2026, 9, 30)) == 0.0
    assert elapsed_fraction(*Q4, dt.date(2027, 2, 1)) == 1.0


def test_lower_is_better_and_wrong_way() -> None:
    assert metric_progress(34, 50, 30) == pytest.approx(0.8)  # CAC 50 -> 30, now 34
    assert metric_progress(55, 50, 30) == pytest.approx(-0.25)  # moved the wrong way
    assert metric_progress(24, 50, 30) == pytest.approx(1.3)  # over-achieved
    assert metric_progress(5, 5, 5) is None


def test_range_guardrail() -> None:
    assert range_progress(4, 0, 3, 5) == 1.0
    assert range_progress(3, 0, 3, 5) == 1.0 and range_progress(5, 0, 3, 5) == 1.0
    assert range_progress(2, 0, 3, 5) == pytest.approx(2 / 3)
    assert range_progress(6, 0, 3, 5) == pytest.approx(6 / 5)  # toward the nearer bound
    assert range_progress(2, None, 3, 5) is None
    assert guardrail_progress(0.05, None, 0.05) == 1.0  # inclusive
    assert guardrail_progress(0.08, None, 0.05) == pytest.approx(0.05 / 0.08)
    assert guardrail_progress(0.97, 0.98, None) == pytest.approx(0.97 / 0.98)
    assert guardrail_progress(0.99, 0.98, None) == 1.0


def test_objective_progress_clamps_and_leaves_unknown_out() -> None:
    progress, partial = weighted_progress([(1.2, 0.5), (0.4, 0.5)], cap=1.0)
    assert progress == pytest.approx(0.7)  # 120% counts as 100%
    progress, partial = weighted_progress([(-0.3, 0.5), (0.6, 0.5)], cap=1.0)
    assert progress == pytest.approx(0.3)  # wrong way counts as 0
    progress, partial = weighted_progress([(None, 0.6), (0.5, 0.4)], cap=1.0)
    assert progress == pytest.approx(0.5) and partial is True
    assert weighted_progress([(None, 1.0)], cap=1.0) == (None, True)
    progress, _ = weighted_progress([(1.5, 1.0), (0.5, 1.0)], cap=1.2)
    assert progress == pytest.approx(0.85)


def test_status_during_the_cycle() -> None:
    e = 61 / 92
    assert pace_status(0.9 * e, e, T) is Status.GREEN  # exactly on the threshold
    assert pace_status(0.9 * e - 1e-9, e, T) is Status.YELLOW
    assert pace_status(0.7 * e, e, T) is Status.YELLOW
    assert pace_status(0.7 * e - 1e-9, e, T) is Status.RED
    assert pace_status(None, e, T) is Status.GREY
    assert pace_status(-0.5, 0.0, T) is Status.GREEN  # nothing expected yet


def test_status_after_the_cycle() -> None:
    assert final_status(1.0, committed=True) is Status.GREEN
    assert final_status(0.99, committed=True) is Status.YELLOW
    assert final_status(0.7, committed=False) is Status.GREEN
    assert final_status(0.69, committed=False) is Status.YELLOW
    assert final_status(0.4, committed=False) is Status.YELLOW
    assert final_status(0.39, committed=True) is Status.RED
    assert final_status(None, committed=True) is Status.GREY


def test_plan_checkpoints() -> None:
    start, end = Q4
    plan = [(dt.date(2026, 10, 31), 2.0), (dt.date(2026, 11, 30), 7.0)]
    assert planned_fraction(plan, start, end, 0, 10, dt.date(2026, 10, 31)) == pytest.approx(0.2)
    assert planned_fraction(plan, start, end, 0, 10, dt.date(2026, 11, 30)) == pytest.approx(0.7)
    # halfway through November: halfway between 2 and 7
    assert planned_fraction(plan, start, end, 0, 10, dt.date(2026, 11, 15)) == pytest.approx(
        (2 + 5 * 15 / 30) / 10
    )
    assert planned_fraction(plan, start, end, 0, 10, end) == pytest.approx(1.0)
    # no checkpoints: exactly the elapsed fraction
    day = dt.date(2026, 11, 30)
    assert planned_fraction([], start, end, 0, 10, day) == pytest.approx(61 / 92)


def test_kpi_attainment_and_banded_scores_at_the_edges() -> None:
    assert attainment(4, 5, lower_is_better=False) == pytest.approx(0.8)
    assert attainment(34, 30, lower_is_better=True) == pytest.approx(30 / 34)
    # "attainment >= 100% full marks, < 80% zero"
    assert banded_score(0.8, 0.8, 1.0, 1.0) == 0.0  # exactly 80%: the start of the ramp
    assert banded_score(0.79, 0.8, 1.0, 1.0) == 0.0
    assert banded_score(0.9, 0.8, 1.0, 1.0) == pytest.approx(0.5)
    assert banded_score(1.0, 0.8, 1.0, 1.0) == 1.0  # exactly 100%
    assert banded_score(1.3, 0.8, 1.0, 1.2) == pytest.approx(1.2)  # capped
    assert stepped_score(0.85, [(0.8, 0.5), (0.9, 0.8), (1.0, 1.0)]) == 0.5
    assert stepped_score(0.9, [(0.8, 0.5), (0.9, 0.8), (1.0, 1.0)]) == 0.8
    assert stepped_score(0.7, [(0.8, 0.5), (1.0, 1.0)]) == 0.0


def test_periods_inside_a_cycle() -> None:
    assert periods(*Q4, Period.MONTHLY) == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ]
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert len(periods(*year, Period.QUARTERLY)) == 4
    assert periods(dt.date(2026, 2, 15), dt.date(2026, 4, 10), Period.MONTHLY)[0] == (
        dt.date(2026, 2, 15),
        dt.date(2026, 2, 28),
    )
    assert periods(*Q4, Period.CYCLE) == [Q4]


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(finite, finite, finite, finite)
def test_progress_is_monotone_in_the_current_value(
    a: float, b: float, base: float, target: float
) -> None:
    low, high = sorted((a, b))
    p_low, p_high = metric_progress(low, base, target), metric_progress(high, base, target)
    if p_low is None or p_high is None:
        return
    if target > base:
        assert p_low <= p_high + 1e-9
    else:
        assert p_low >= p_high - 1e-9  # lower is better: more is worse


@given(finite, finite, finite)
def test_lower_is_better_mirrors_higher_is_better(
    current: float, base: float, target: float
) -> None:
    up = metric_progress(current, base, target)
    down = metric_progress(-current, -base, -target)
    assert (up is None) == (down is None)
    if up is not None and down is not None:
        assert up == pytest.approx(down, rel=1e-9, abs=1e-9)


@given(
    st.floats(min_value=0, max_value=10, allow_nan=False),
    st.floats(min_value=0.01, max_value=0.99),
    st.floats(min_value=1.0, max_value=2.0),
)
def test_banded_scores_stay_in_range(a: float, zero_below: float, cap: float) -> None:
    score = banded_score(a, zero_below, 1.0, cap)
    assert 0.0 <= score <= cap


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), finite), st.floats(min_value=0.01, max_value=1)),
        min_size=1,
        max_size=6,
    )
)
def test_objective_progress_stays_in_range(items: list[tuple[float | None, float]]) -> None:
    progress, _ = weighted_progress(items, cap=1.0)
    assert progress is None or 0.0 <= progress <= 1.0 + 1e-12


@given(st.floats(min_value=0.0, max_value=2.0), st.floats(min_value=0.0, max_value=1.0))
def test_status_improves_with_progress(p: float, e: float) -> None:
    order = [Status.RED, Status.YELLOW, Status.GREEN]
    assert order.index(pace_status(p, e, T)) <= order.index(pace_status(p + 0.1, e, T))
