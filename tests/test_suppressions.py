"""The conventions of ruff and yamllint: `okrctl check PATH...`, inline suppressions and
rule options in okrctl.yaml."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, MakeRepo, run_okrctl
from okrctl.load.suppressions import find_suppressions

COMPANY = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, target: 10, baseline: 10}
"""
SALES = """\
defaults: {cycle: 2026-Q4, unit: sales}
objectives:
  - id: S-1
    title: Sell
    aligns_to: CO-1/users
    key_results:
      - {id: deals, target: 10, baseline: 1}
  - id: S-2
    title: Stray
    aligns_to: CO-9
    key_results:
      - {id: calls, target: 10, baseline: 1}
"""


def _check(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = run_okrctl("check", "-C", str(root), "--no-data", "-f", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["diagnostics"]


def _codes(found: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return [(d["code"], d["file"], d["line"]) for d in found]


def test_a_suppression_on_the_line_or_the_line_above_silences_that_rule(
    make_repo: MakeRepo,
) -> None:
    root = make_repo({"goals/company.yaml": COMPANY, "goals/sales.yaml": SALES})
    code, found = _check(root)
    assert code == 1
    assert ("W004", "goals/company.yaml", 6) in _codes(found)
    assert ("A003", "goals/sales.yaml", 10) in _codes(found)
    company = COMPANY.replace("baseline: 10}", "baseline: 10}  # okrctl: disable=W004")
    sales = SALES.replace(
        "    aligns_to: CO-9", "    # okrctl: disable=unresolved-reference\n\n    aligns_to: CO-9"
    )
    (root / "goals" / "company.yaml").write_text(company, encoding="utf-8")
    (root / "goals" / "sales.yaml").write_text(sales, encoding="utf-8")
    code, found = _check(root)
    assert code == 0, found
    assert found == []
    # another rule on the same line is not silenced
    (root / "goals" / "company.yaml").write_text(
        COMPANY.replace("baseline: 10}", "baseline: 10}  # okrctl: disable=A004"), encoding="utf-8"
    )
    code, found = _check(root)
    assert code == 1 and ("W004", "goals/company.yaml", 6) in _codes(found)
    assert ("C009", "goals/company.yaml", 6) in _codes(found)


def test_a_file_wide_suppression_and_the_unused_ones(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "goals/company.yaml": "# okrctl: disable-file=W004, A012\n"
            + COMPANY.replace("target: 10, baseline: 10", "target: 10, baseline: 1")
        }
    )
    code, found = _check(root)
    assert code == 0
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("C009", 1, 24)]
    assert "no W004 in this file" in str(found[0]["message"])
    config = MINIMAL_CONFIG + "rules: {unused-suppression: off}\n"
    (root / "okrctl.yaml").write_text(config, encoding="utf-8")
    assert _check(root) == (0, [])


def test_data_rules_not_run_leave_their_suppressions_alone(make_repo: MakeRepo) -> None:
    goal = COMPANY.replace(
        "{id: users, target: 10, baseline: 10}",
        "{id: users, metric: crm:users, target: 10, baseline: 1}  # okrctl: disable=D005",
    )
    root = make_repo({"goals/company.yaml": goal})
    rows = "date,metric,value\n2026-01-05,users,5\n"  # none in the cycle: D005
    (root / "metrics" / "crm.csv").write_text(rows, encoding="utf-8")
    _, found = _check(root)  # --no-data: D005 was not looked for
    assert "C009" not in [d["code"] for d in found]
    result = run_okrctl("check", "-C", str(root), "-f", "json", "--as-of", "2026-11-30")
    codes = [d["code"] for d in json.loads(result.stdout)["diagnostics"]]
    assert "D005" not in codes and "C009" not in codes  # it silenced the D005 there is
    bare = goal.replace("  # okrctl: disable=D005", "")
    (root / "goals" / "company.yaml").write_text(bare, encoding="utf-8")
    result = run_okrctl("check", "-C", str(root), "-f", "json", "--as-of", "2026-11-30")
    assert "D005" in [d["code"] for d in json.loads(result.stdout)["diagnostics"]]


def test_check_paths_reports_only_those_files_with_the_whole_graph_loaded(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"goals/company.yaml": COMPANY, "goals/sales/s.yaml": SALES})
    monkeypatch.chdir(root)
    code, found = _check(root, "goals/sales/s.yaml")
    # S-1 aligns to CO-1/users in another file: resolved, not A003; CO-9 is not
    assert code == 1 and {d["file"] for d in found} == {"goals/sales/s.yaml"}
    assert [(d["code"], d["line"]) for d in found] == [("A003", 10)]
    code, found = _check(root, "goals/company.yaml")
    assert code == 1 and {d["code"] for d in found} == {"W004"}
    assert _check(root, "goals/sales")[1] == _check(root, "goals/sales/s.yaml")[1]
    assert len(_check(root, ".")[1]) == len(_check(root)[1])
    text = run_okrctl("check", "-C", str(root), "--no-data", "goals/sales/s.yaml").stdout
    assert "(in goals/sales/s.yaml)" in text.splitlines()[-1]
    (root / "notes.txt").write_text("x", encoding="utf-8")
    for bad, said in (
        ("goals/nope.yaml", "goals/nope.yaml: no such file or folder"),
        (os.path.dirname(root), "is outside the goals repository"),
        ("notes.txt", "notes.txt is not a file okrctl checks"),
    ):
        result = run_okrctl("check", "-C", str(root), "--no-data", str(bad))
        assert result.returncode == 2 and said in result.stderr, result.stderr


def test_rule_options_are_read_and_bad_ones_are_located(make_repo: MakeRepo) -> None:
    many = COMPANY.replace(
        "      - {id: users, target: 10, baseline: 10}\n",
        "".join(f"      - {{id: k{i}, target: 10, baseline: 1}}\n" for i in range(6)),
    )
    root = make_repo({"goals/company.yaml": many})
    assert ("A013", "goals/company.yaml", 5) in _codes(_check(root)[1])
    (root / "okrctl.yaml").write_text(MINIMAL_CONFIG + "rules:\n  A013: {max: 6}\n")
    assert "A013" not in [d["code"] for d in _check(root)[1]]
    (root / "okrctl.yaml").write_text(
        MINIMAL_CONFIG + "rules:\n  kr-count: {severity: error, max: 5}\n"
    )
    code, found = _check(root)
    assert code == 1 and [d["severity"] for d in found if d["code"] == "A013"] == ["error"]
    for setting, expected in (
        ("A013: {maxx: 6}", ("S002", 10, 10, "unknown key 'maxx'; did you mean 'max'?")),
        ("A013: {max: 0}", ("S001", 10, 15, "0 is less than the minimum of 1")),
        ("A011: {max: 3}", ("S002", 10, 10, "unknown key 'max'")),
    ):
        (root / "okrctl.yaml").write_text(MINIMAL_CONFIG + f"rules:\n  {setting}\n")
        result = run_okrctl("check", "-C", str(root), "--no-data", "-f", "json")
        assert result.returncode == 2, setting
        (d,) = json.loads(result.stdout)["diagnostics"]
        assert (d["code"], d["line"], d["column"]) == expected[:3]
        assert expected[3] in str(d["message"])


def test_suppression_comments_are_found_only_in_comments() -> None:
    text = (
        'title: "quoted # okrctl: disable=A001"\n'
        "id: x  # okrctl: disable=A001,kr-count\n"
        "# okrctl: disable=W004\n"
        "\n"
        "# another comment\n"
        "key: value\n"
        "  # okrctl: disable-file=A012\n"
    )
    found = find_suppressions(text.encode())
    assert [(s.line, s.target, s.words) for s in found] == [
        (2, 2, (("A001", 26), ("kr-count", 31))),
        (3, 6, (("W004", 19),)),
        (7, 0, (("A012", 26),)),
    ]
    assert find_suppressions(b"a: 1  # disable=A001\n") == ()
