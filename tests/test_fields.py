"""The goal-field catalogue (load/fields.py) is the one place each goal field is listed:
the schema, `okrctl fmt`, `okrctl diff` and the model agree with it."""

from __future__ import annotations

import pytest

from okrctl.core.model import KeyResult, Kpi, Objective, Scorecard
from okrctl.edit import fmt
from okrctl.load import fields
from okrctl.load.written import NUMBER_FIELDS
from okrctl.review import diff

RECORDS = [
    ("objective", fields.OBJECTIVE_FIELDS, Objective, fmt.OBJECTIVE, fields.OBJECTIVE),
    ("key result", fields.KEY_RESULT_FIELDS, KeyResult, fmt.KEY_RESULT, fields.KEY_RESULT),
    ("kpi", fields.KPI_FIELDS, Kpi, fmt.KPI, fields.KPI),
    ("scorecard", fields.SCORECARD_FIELDS, Scorecard, fmt.SCORECARD, fields.SCORECARD),
]


@pytest.mark.parametrize(("name", "catalogue", "record", "fmt_order", "schema"), RECORDS)
def test_schema_and_fmt_follow_the_catalogue(
    name: str, catalogue: tuple, record: type, fmt_order: tuple, schema: dict
) -> None:
    keys = [f.key for f in catalogue]
    assert len(set(keys)) == len(keys), f"a {name} key is listed twice"
    assert list(schema["properties"]) == keys
    assert list(fmt_order) == keys


@pytest.mark.parametrize(("name", "catalogue", "record", "fmt_order", "schema"), RECORDS)
def test_every_compared_attribute_is_on_the_record(
    name: str, catalogue: tuple, record: type, fmt_order: tuple, schema: dict
) -> None:
    for field in catalogue:
        for attribute in field.compared:
            assert attribute in record._fields, f"{name}.{attribute} is not on {record.__name__}"


@pytest.mark.parametrize(("name", "catalogue", "record", "fmt_order", "schema"), RECORDS)
def test_every_field_read_by_name_is_on_the_record(
    name: str, catalogue: tuple, record: type, fmt_order: tuple, schema: dict
) -> None:
    for field in fields.read_by_name(catalogue):
        assert field.key in record._fields, f"{name}.{field.key} is not on {record.__name__}"


def test_a_closed_field_keeps_an_unknown_value_as_written() -> None:
    from okrctl.core.vocabulary import Aggregate, Unknown
    from okrctl.load.goalfile import read_fields

    read = read_fields(fields.KPI_FIELDS, {"aggregate": "median", "title": "Churn"})
    assert read["aggregate"] == Unknown("median")
    assert read["period"] == "cycle" and read["direction"] == "higher"
    assert read["title"] == "Churn" and read["owner"] is None and read["tags"] == ()
    assert read_fields(fields.KEY_RESULT_FIELDS, {})["aggregate"] is Aggregate.LAST


def test_diff_compares_the_catalogue_in_its_order() -> None:
    assert diff._KR_FIELDS[:9] == (
        "title",
        "owner",
        "metric",
        "where",
        "aggregate",
        "baseline",
        "target",
        "relative",
        "low",
    )
    assert "id" not in diff._OBJECTIVE_FIELDS
    assert "description" not in diff._KPI_FIELDS
    assert diff._KPI_FIELDS[diff._KPI_FIELDS.index("weight") + 1 :][:3] == (
        "zero_below",
        "full_at",
        "cap",
    )


def test_number_fields_come_from_the_catalogue() -> None:
    assert {
        "baseline",
        "target",
        "relative",
        "low",
        "high",
        "at_least",
        "at_most",
        "weight",
        "plan",
        "zero_below",
        "full_at",
        "cap",
        "bands",
        "okr_weight",
        "kpi_weight",
    } == NUMBER_FIELDS
    assert "title" not in NUMBER_FIELDS


def test_format_md_lists_the_keys_read_as_written() -> None:
    import re
    from pathlib import Path

    from okrctl.load.yamlread import TEXT_KEYS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "format.md").read_text("utf-8")
    start = doc.index("**Names and ids are read as written.**")
    paragraph = doc[start : doc.index("a plain value is taken exactly", start)]
    assert set(re.findall(r"`(\w+)`", paragraph)) == TEXT_KEYS


@pytest.mark.parametrize(
    "key", [f.key for f in fields.read_by_name(fields.KEY_RESULT_FIELDS) if f.names]
)
def test_a_text_field_of_a_key_result_is_read_as_written(key: str) -> None:
    from okrctl.load.goalfile import parse_goal_file

    body = (
        "objectives:\n  - id: O1\n    title: T\n    key_results:\n"
        f"      - id: K1\n        {key}: 1.10\n"
    )
    parsed = parse_goal_file("goals/o.yaml", body.encode())
    kr = parsed.objectives[0].key_results[0]
    assert getattr(kr, key) == "1.10", parsed.diagnostics
