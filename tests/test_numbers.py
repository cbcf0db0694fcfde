"""Numbers as people write them: exact values, and the schema pattern agrees with the parser."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrctl.core.numbers import (
    NUMBER_PATTERN,
    NumberError,
    Relative,
    is_number_text,
    parse_number,
    parse_target,
)
from okrctl.load.schemadef import GOALS_SCHEMA


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("45%", 0.45),
        ("1,200,000", 1_200_000),
        ("1.2M", 1_200_000),
        ("200万", 2_000_000),
        ("100万", 1_000_000),
        ("3亿", 300_000_000),
        ("5K", 5000),
        ("5k", 5000),
        ("1.5B", 1_500_000_000),
        ("-7", -7),
        (".5", 0.5),
        (" 12 ", 12),
        ("1e3", 1000),
        ("99.5%", 0.995),
    ],
)
def test_number_texts(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_scaled_values_are_exact() -> None:
    # through Decimal: 1.2 * 10**6 has no binary rounding error
    assert parse_number("1.2M") == 1200000.0
    assert parse_number("0.7万") == 7000.0
    assert parse_number("1.1亿") == 110000000.0


@pytest.mark.parametrize(
    "text", ["abc", "1,20,000", "12 %%", "1.2.3", "%", "M", "1MM", "--5", "1_000", "", "五"]
)
def test_rejected_texts(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}, float("inf"), float("nan")])
def test_rejected_values(value: object) -> None:
    with pytest.raises(NumberError):
        parse_number(value)


def test_relative_targets() -> None:
    assert parse_target("+30%") == Relative(0.3)
    assert parse_target("-15%") == Relative(-0.15)
    assert Relative(0.3).apply(1_000_000) == 1_300_000
    assert Relative(-0.15).apply(20) == 17
    # a plain percentage is a value, not a change
    assert parse_target("30%") == 0.3


@given(st.text(alphabet="0123456789,.+-%kKMB万亿e ", max_size=12))
def test_pattern_and_parser_agree(text: str) -> None:
    """What the JSON Schema (editors) accepts is exactly what okrctl parses; only the
    range (1e-9 to 1e15 in size), which a pattern cannot express, is okrctl's alone."""
    try:
        parse_number(text)
        parsed = True
    except NumberError as error:
        parsed = False
        if error.out_of_range:
            assert is_number_text(text)
            return
    assert parsed == is_number_text(text)


@pytest.mark.parametrize(
    "value",
    ["1e1000000", "1e309", "-1e309", "1e305亿", "5e-324", "1e16", 10**400, -(10**400), 5e-324],
)
def test_numbers_outside_the_range_are_refused(value: object) -> None:
    with pytest.raises(NumberError) as error:
        parse_number(value)
    assert error.value.out_of_range


def test_the_range_edges() -> None:
    assert parse_number("1e15") == 1e15
    assert parse_number("-1e15") == -1e15
    assert parse_number("1e-9") == 1e-9
    assert parse_number(0) == 0.0
    assert parse_number("0.0001%") == 1e-6


def test_schema_uses_the_parser_pattern() -> None:
    weight = GOALS_SCHEMA["properties"]["objectives"]["items"]["properties"]["key_results"][
        "items"
    ]["properties"]["weight"]
    patterns = [s.get("pattern") for s in weight["anyOf"]]
    assert NUMBER_PATTERN in patterns
    re.compile(NUMBER_PATTERN)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_thousands_separators_round_trip(number: object) -> None:
    text = f"{number:,}"
    assert parse_number(text) == pytest.approx(float(str(number)))


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (1_530_000.0, "en", (1e6, "M")),
        (999_999.0, "en", (1e3, "K")),
        (12_000.0, "en", (1e3, "K")),
        (1_530_000.0, "zh", (1e4, "万")),
        (200_000_000.0, "zh", (1e8, "亿")),
        (-3_400_000.0, "zh", (1e4, "万")),
        (9_999.0, "en", (1.0, "")),
        (None, "zh", (1.0, "")),
        (float("inf"), "en", (1.0, "")),
    ],
)
def test_a_charts_ticks_share_the_compact_scale_of_the_locale(
    value: float | None, lang: str, expected: tuple[float, str]
) -> None:
    from okrctl.core.shown import scale_for

    assert scale_for(value, lang) == expected
