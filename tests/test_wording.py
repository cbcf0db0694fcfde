"""What people read: counts that agree with their number, rule summaries as plain text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from conftest import MINIMAL_GOAL, MakeRepo, run_okrctl
from okrctl.core.plural import counted


@given(st.integers(min_value=0, max_value=10**7))
def test_a_count_agrees_with_its_noun(n: int) -> None:
    shown = counted(n, "row")
    assert shown == (f"{n:,} row" if n == 1 else f"{n:,} rows")
    assert counted(n, "entry", "entries").endswith("entry" if n == 1 else "entries")


def test_one_of_a_thing_is_singular_in_check_and_status(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    check = run_okrctl("check", "-C", str(root), "--no-data")
    assert "in 1 file: 1 objective, 1 KR, 0 KPIs, 0 scorecards" in check.stdout
    lone = "defaults: {cycle: 2026-Q4, unit: acme}\nobjectives:\n  - {id: CO-1, title: Grow}\n"
    (root / "goals" / "a.yaml").write_text(lone, encoding="utf-8")
    status = run_okrctl("status", "-C", str(root), "--as-of", "2026-11-30", "--no-color")
    assert re.search(r"^1 row: ", status.stdout, re.M), status.stdout
    assert not re.search(r"\b1 (rows|dates|files|KRs|objectives)\b", check.stdout + status.stdout)


def test_rule_list_is_plain_text_with_whole_sentences() -> None:
    """`okrctl rules` prints no Markdown markup (``OBJ/KR``) and does not end a summary at
    the full stop of "e.g."."""
    out = run_okrctl("rules").stdout
    assert "`" not in out
    a002 = next(line for line in out.splitlines() if line.startswith("A002"))
    assert a002.endswith("Two key results of one objective share an id, so OBJ/KR is ambiguous.")
    a006 = next(line for line in out.splitlines() if line.startswith("A006"))
    assert a006.endswith(
        "e.g. a Q1 goal serving a Q4 goal, or an annual goal serving a quarterly one."
    )
    one = run_okrctl("rules", "A003").stdout
    assert "`" not in one and "aligns_to or supports names" in one


def test_sarif_rule_texts_are_plain_and_markdown_keeps_the_markup(make_repo: MakeRepo) -> None:
    import json

    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    sarif = json.loads(run_okrctl("check", "-C", str(root), "-f", "sarif", "--no-data").stdout)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["A002"]["shortDescription"]["text"].endswith("so OBJ/KR is ambiguous.")
    assert "``OBJ/KR``" in rules["A002"]["help"]["markdown"]
    assert "`" not in rules["A002"]["help"]["text"]
