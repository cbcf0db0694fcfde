"""A number outside the range okrctl computes with, in any numeric field of any file, is
S001 at its place in `okrctl check`, and no command crashes on it or prints a number that
is not a number (docs/format.md, "Numbers")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL_CONFIG, MINIMAL_GOAL, MakeRepo, git, run_okrctl, write

BIG = "9" * 400  # a plain YAML integer: Python's int holds it, float() overflows

CONFIG = """\
okrctl: 1
units: [{id: acme, level: company}, {id: sales, level: department, parent: acme}]
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}
metrics: [{name: crm, path: metrics/crm.csv, stale_after: 7d}]
status: {on_track: 0.9, at_risk: 0.7}
scoring:
  okr_weight: 0.4
  kpi_weight: 0.6
  kr_cap: 1.0
  aspirational_full_at: 0.7
  ratings: [{min: 100%, rating: S}, {min: 80%, rating: B}, {min: 0, rating: D}]
  bonus: {formula: {base: 1.0, base_from: 100%, extra: 0.2, extra_from: 120%, cap: 1.5}}
"""
BY_RATING = "  bonus: {by_rating: {S: 1.5, B: 1.0, D: 0}}\n"

GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: ceo}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - id: users
        metric: crm:users
        baseline: 100
        target: 200
        weight: 0.4
        plan: [{date: 2026-11-15, value: 150}]
      - {id: range, metric: crm:features, baseline: 0, target: [3, 5], weight: 0.2}
      - {id: guard, metric: crm:attrition, at_most: 5%, weight: 0.2}
      - {id: floor, metric: crm:nps, at_least: 30, weight: 0.2}
kpis:
  - id: K-CALLS
    title: Calls
    metric: crm:calls
    target: 40
    weight: 0.5
    scoring: {zero_below: 80%, full_at: 100%, cap: 1.2}
    supports: CO-1/users
    perspective: customer
  - id: K-DEALS
    title: Deals
    metric: crm:deals
    target: 10
    weight: 0.5
    bands: [[0.8, 0.5], [1.0, 1.0]]
    supports: CO-1/users
    perspective: financial
scorecards:
  - id: SC
    kind: balanced
    perspectives:
      financial: {weight: 0.5, measures: {K-DEALS: 1.0}}
      customer: {weight: 0.5, measures: [K-CALLS]}
  - id: SC-CEO
    kind: individual
    owner: ceo
    kpis: {K-CALLS: 0.5, K-DEALS: 0.5}
    okr_weight: 0.5
    kpi_weight: 0.5
"""
CRM = """\
date,metric,value
2026-10-01,users,100
2026-11-30,users,160
2026-11-30,features,4
2026-11-30,attrition,4%
2026-11-30,nps,25
2026-11-30,calls,35
2026-11-30,deals,9
"""

# diff computes from any revision (never refused); status stands for the commands that
# compute, which refuse the S001 before any arithmetic (tests/test_invalid_repository.py)
EVERY_FIELD = [("status", "--format", "json"), ("diff", "HEAD", "--format", "json")]
EVERY_COMMAND = [
    *EVERY_FIELD,
    ("score", "--format", "json", "--synergy"),
    ("report", "--format", "json", "--no-git"),
    ("explain", "CO-1/users"),
    ("explain", "K-CALLS"),
    ("why", "K-CALLS"),
    ("map",),
    ("history", "CO-1/users", "--format", "json"),
    ("roll", "2026-Q4", "2027-Q1", "--dry-run"),
]


def numbers_in(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, line, column) of every plain scalar that is a number or a number text
    (``5%``, ``100``), except the format version."""
    found = []

    def walk(node: yaml.Node, key: str | None) -> None:
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and re.fullmatch(r"[0-9.]+%?", node.value) and key != "okrctl":
                mark = node.start_mark
                found.append((mark.index, node.end_mark.index, mark.line + 1, mark.column + 1))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, key)
        elif isinstance(node, yaml.MappingNode):
            for name, value in node.value:
                walk(value, name.value)

    walk(yaml.compose(text), None)
    return found


CONFIG_BY_RATING = CONFIG.replace(CONFIG.splitlines()[-1] + "\n", BY_RATING)
VARIANTS = [
    (name, text, *place)
    for name, text in (("okrctl.yaml", CONFIG), ("goals/a.yaml", GOALS))
    for place in numbers_in(text)
] + [
    ("okrctl.yaml", CONFIG_BY_RATING, *place)
    for place in numbers_in(CONFIG_BY_RATING)
    if place[2] == CONFIG_BY_RATING.count("\n")  # the by_rating line, the last
]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("numbers")
    write(root, "okrctl.yaml", CONFIG)
    write(root, "goals/a.yaml", GOALS)
    write(root, "metrics/crm.csv", CRM)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "goals")
    return root


def test_the_repository_is_clean_before_a_number_is_made_huge(repo: Path) -> None:
    result = run_okrctl("check", "--format", "json", "--as-of", "2026-11-30", "-C", str(repo))
    errors = [d for d in json.loads(result.stdout)["diagnostics"] if d["severity"] == "error"]
    assert (result.returncode, errors) == (0, [])
    # okrctl.yaml: 2 status + 4 scoring + 3 rating minimums + 5 bonus formula = 14;
    # the goal file: 12 in key results + 11 in KPIs + 7 in scorecards = 30; 3 multipliers
    assert len(VARIANTS) == 14 + 30 + 3


def no_constants(name: str) -> None:
    raise AssertionError(f"JSON holds {name}")


# every command for the first field of each file (okrctl.yaml, the goal file), then the
# check and the commands of EVERY_FIELD for every field
FULL = {VARIANTS[0][2:4], VARIANTS[14][2:4]}


@pytest.mark.parametrize(("name", "text", "start", "end", "line", "column"), VARIANTS)
def test_a_400_digit_number_anywhere_is_s001_and_crashes_nothing(
    repo: Path, name: str, text: str, start: int, end: int, line: int, column: int
) -> None:
    # before: the measure weights of a balanced scorecard (`measures: {K-DEALS: 1.0}`) were
    # not range-checked: a 400-digit weight passed check and was silently no weight
    original = (repo / name).read_text(encoding="utf-8")
    huge = text[:start] + BIG + text[end:]
    commands = EVERY_COMMAND if (start, end) in FULL else EVERY_FIELD
    try:
        (repo / name).write_text(huge, encoding="utf-8")
        check = run_okrctl("check", "--format", "json", "-C", str(repo))
        assert check.returncode in (1, 2), check.stderr
        found = [
            (d["code"], d["file"], d["line"], d["column"])
            for d in json.loads(check.stdout)["diagnostics"]
            if "out of range" in d["message"]
        ]
        assert found == [("S001", name, line, column)]
        for args in commands:
            result = run_okrctl(*args, "--as-of", "2026-11-30", "-C", str(repo))
            assert result.returncode in (0, 1, 2), (args, result.stderr)
            assert "internal error" not in result.stderr
            if "json" in args and result.returncode == 0:
                json.loads(result.stdout, parse_constant=no_constants)
    finally:
        (repo / name).write_text(original, encoding="utf-8")


def test_check_writes_numbers_as_every_json_output_does(make_repo: MakeRepo) -> None:
    # before: check's JSON had its own json.dump (0.6666666666666666 next to the report's
    # 0.666666666667, and NaN/Infinity would have been written as such)
    sales = "".join(
        f"  - {{id: S-{i}, title: t, {align}key_results: [{{id: k, target: 10, baseline: 0}}]}}\n"
        for i, align in enumerate(["aligns_to: CO-1/users, ", "aligns_to: CO-1/users, ", ""])
    )
    root = make_repo(
        {
            "goals/a.yaml": MINIMAL_GOAL,
            "goals/b.yaml": "defaults: {cycle: 2026-Q4, unit: sales}\nobjectives:\n" + sales,
        }
    )
    check = json.loads(run_okrctl("check", "--format", "json", "-C", str(root)).stdout)
    report = run_okrctl("report", "--format", "json", "--no-git", "-C", str(root))
    # 2 of the 3 objectives below the top level are aligned
    assert check["summary"]["alignment_rate"] == 0.666666666667
    assert json.loads(report.stdout)["summary"]["alignment_rate"] == 0.666666666667


# -- durations and dates at the ends of the calendar ----------------------------------------


def test_a_stale_after_longer_than_100_years_is_s001(make_repo: MakeRepo) -> None:
    # before: int('9' * 400) / 24 overflowed a float: exit 3 in check and report
    config = MINIMAL_CONFIG.replace("metrics/crm.csv}", f"metrics/crm.csv, stale_after: {BIG}h}}")
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL}, config=config)
    check = run_okrctl("check", "--format", "json", "-C", str(root))
    assert check.returncode == 2  # okrctl.yaml is broken
    ((code, line, column, message),) = [
        (d["code"], d["line"], d["column"], d["message"])
        for d in json.loads(check.stdout)["diagnostics"]
        if d["severity"] == "error"
    ]
    assert (code, line, column) == ("S001", 8, 53)
    assert message == (
        "metric source 'crm': stale_after 999999999999… (401 characters) is out of range: "
        "at most 36,500 days (100 years)"
    )
    report = run_okrctl("report", "-C", str(root))
    assert report.returncode == 2 and "stale_after" in report.stderr


def test_the_last_days_of_the_calendar_are_a_cycle_like_any_other(make_repo: MakeRepo) -> None:
    # before: the month after December 9999 raised "year 10000 is out of range": exit 3
    config = MINIMAL_CONFIG.replace(
        "2026-Q4, start: 2026-10-01, end: 2026-12-31", "Q, start: 9999-10-01, end: 9999-12-31"
    )
    kpi = (
        "kpis:\n  - {id: K, title: Calls, owner: bo, metric: crm:calls, aggregate: sum,"
        " period: monthly, target: 5}\n"
    )
    root = make_repo(
        {
            "goals/a.yaml": MINIMAL_GOAL.replace("2026-Q4", "Q") + kpi,
            "metrics/crm.csv": "date,metric,value\n9999-10-15,calls,5\n9999-11-15,calls,5\n"
            "9999-12-15,calls,4\n",
        },
        config=config,
    )
    result = run_okrctl("status", "--as-of", "9999-12-31", "--format", "json", "-C", str(root))
    assert result.returncode == 0, result.stderr
    row = next(r for r in json.loads(result.stdout)["rows"] if r["id"] == "K")
    # three closed months scored 5/5, 5/5 and 4/5 (full_at 100%): (1 + 1 + 0.8) / 3
    assert row["progress"] == 0.933333333333


def test_the_first_days_of_the_calendar_are_a_cycle_like_any_other(make_repo: MakeRepo) -> None:
    # before: the plan's anchor, the day before 0001-01-01, overflowed: exit 3
    config = MINIMAL_CONFIG.replace(
        "2026-Q4, start: 2026-10-01, end: 2026-12-31", "Q, start: 0001-01-01, end: 0001-03-31"
    )
    goal = (
        "defaults: {cycle: Q, unit: acme}\nobjectives:\n  - id: CO-1\n    title: Grow\n"
        "    key_results:\n      - {id: users, metric: crm:users, baseline: 0, target: 10,"
        " plan: [{date: 0001-02-28, value: 8}]}\n"
    )
    root = make_repo(
        {"goals/a.yaml": goal, "metrics/crm.csv": "date,metric,value\n0001-01-20,users,6\n"},
        config=config,
    )
    result = run_okrctl("status", "--as-of", "0001-02-01", "--format", "json", "-C", str(root))
    assert result.returncode == 0, result.stderr
    row = next(r for r in json.loads(result.stdout)["rows"] if r["id"] == "CO-1/users")
    # p = 6 / 10; the plan from (0001-01-01, 0) to (0001-02-28, 8): on 0001-02-01, 31 of
    # 58 days, 8 x 31 / 58 = 4.27586..., e = 4.27586... / 10
    assert (row["progress"], row["expected"]) == (0.6, 0.427586206897)


def test_a_flat_series_above_2_to_the_53_still_draws(make_repo: MakeRepo) -> None:
    # before: the chart widened a flat line by +-1, which above 2**53 changes nothing, and
    # divided by zero: exit 3 in report --format html (a milestone read from a metric has
    # no target or baseline to widen the chart)
    rows = "".join(
        f"2026-{month}-15,spend,1000000000000000,ch{n}\n" for month in (10, 11) for n in range(10)
    )
    goal = MINIMAL_GOAL.replace(
        "{id: users, target: 10, baseline: 1}", "{id: spend, metric: crm:spend, milestone: true}"
    )
    root = make_repo(
        {"goals/a.yaml": goal, "metrics/crm.csv": "date,metric,value,channel\n" + rows}
    )
    result = run_okrctl(
        "report", "--as-of", "2026-11-30", "-f", "json", "--no-git", "-C", str(root)
    )
    assert result.returncode == 0, result.stderr
    (kr,) = [k for o in json.loads(result.stdout)["objectives"] for k in o["key_results"]]
    assert kr["current"] == 1e16  # ten channels of 1e15 a day, summed per date
    html = run_okrctl("report", "--as-of", "2026-11-30", "-f", "html", "--no-git", "-C", str(root))
    assert html.returncode == 0, html.stderr
    assert html.stdout.count("<svg") >= 1
