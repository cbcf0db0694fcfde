"""`check --changed-since`: what a change breaks is reported wherever it lands, old
problems the change has nothing to do with are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, MakeRepo, git, run_okrctl, write

COMPANY = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: x, baseline: 1, target: 10}
"""
OPS = """\
defaults: {cycle: 2026-Q4, unit: sales}
objectives:
  - id: OPS-1
    title: Run
    aligns_to: CO-1/x
    key_results:
      - {id: k, baseline: 0, target: 1}
"""
# an old problem in a file no change below touches, about nothing they alter
OLD = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-7
    title: Hold
    key_results:
      - {id: flat, baseline: 5, target: 5}
"""
OLD_PROBLEMS = [
    "goals/old.yaml:6:14: warning A012 top-level key result 'CO-7/flat' has no supporting "
    "goal or KPI [uncovered-kr]",
    "goals/old.yaml:6:41: error W004 key result 'CO-7/flat' has the same baseline and target "
    "(5): progress is undefined [baseline-equals-target]",
]


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


@pytest.fixture
def aligned(make_repo: MakeRepo) -> Path:
    root = make_repo({"goals/company.yaml": COMPANY, "goals/ops.yaml": OPS, "goals/old.yaml": OLD})
    git(root, "init", "-q")
    commit(root, "plan")
    return root


def check(root: Path, *args: str) -> tuple[int, list[str]]:
    result = run_okrctl("check", "-q", *args, "-C", str(root))
    assert result.stderr == ""
    return result.returncode, result.stdout.splitlines()


def test_old_problems_are_there_in_a_full_check(aligned: Path) -> None:
    assert check(aligned) == (1, OLD_PROBLEMS)
    assert check(aligned, "--changed-since", "HEAD") == (0, [])


def test_deleting_the_file_that_defines_an_id(aligned: Path) -> None:
    """The pull request deletes goals/company.yaml; goals/ops.yaml still aligns to CO-1/x."""
    (aligned / "goals" / "company.yaml").unlink()
    commit(aligned, "drop the company goals")
    a003 = (
        "goals/ops.yaml:5:16: error A003 aligns_to 'CO-1/x' resolves to nothing: there is no "
        "objective 'CO-1'; did you mean 'CO-7'? [unresolved-reference]"
    )
    assert check(aligned) == (1, [*OLD_PROBLEMS, a003])
    assert check(aligned, "--changed-since", "HEAD~1") == (1, [a003])


@pytest.mark.parametrize(
    ("old", "new", "renamed", "message"),
    [
        # an objective renamed: nothing called CO-1 is left
        ("id: CO-1", "id: CO-10", "CO-10/x", "there is no objective 'CO-1'; did you mean 'CO-10'?"),
        # a key result renamed
        ("{id: x,", "{id: y,", "CO-1/y", "objective 'CO-1' has no key result 'x'"),
    ],
)
def test_renaming_an_id(aligned: Path, old: str, new: str, renamed: str, message: str) -> None:
    write(aligned, "goals/company.yaml", COMPANY.replace(old, new))
    commit(aligned, "rename")
    # the renamed key result in the changed file is uncovered now; the file the rename broke
    # is reported too; goals/old.yaml is not
    assert check(aligned, "--changed-since", "HEAD~1") == (
        1,
        [
            f"goals/company.yaml:6:14: warning A012 top-level key result '{renamed}' has no "
            "supporting goal or KPI [uncovered-kr]",
            f"goals/ops.yaml:5:16: error A003 aligns_to 'CO-1/x' resolves to nothing: {message} "
            "[unresolved-reference]",
        ],
    )


def test_removing_the_only_support_uncovers_a_key_result(aligned: Path) -> None:
    (aligned / "goals" / "ops.yaml").unlink()
    commit(aligned, "drop ops")
    # coverage falls from 1/2 to 0/2 (CO-1/x and CO-7/flat are top-level)
    assert check(aligned, "--changed-since", "HEAD~1") == (
        0,
        [
            "goals/company.yaml:6:14: warning A012 top-level key result 'CO-1/x' has no "
            "supporting goal or KPI [uncovered-kr]"
        ],
    )


KPIS_A = """\
defaults: {cycle: 2026-Q4, unit: sales, owner: li}
kpis:
  - {id: K-1, title: Calls, target: 40, weight: 0.5}
"""
KPIS_B = KPIS_A.replace("K-1, title: Calls", "K-2, title: Visits")


def test_a_weight_sum_broken_across_files(aligned: Path) -> None:
    """li's KPIs sit in two files; the change raises K-2's weight in b.yaml, and the W002
    it causes is located at K-1, the first weighted KPI of li, in a.yaml."""
    write(aligned, "goals/a.yaml", KPIS_A)
    write(aligned, "goals/b.yaml", KPIS_B)
    commit(aligned, "KPIs")  # 0.5 + 0.5 = 100%: fine
    write(aligned, "goals/b.yaml", KPIS_B.replace("weight: 0.5", "weight: 0.6"))
    commit(aligned, "more visits")
    # 0.5 + 0.6 = 110%
    assert check(aligned, "--changed-since", "HEAD~1") == (
        1,
        [
            "goals/a.yaml:3:49: error W002 KPIs of owner 'li' in cycle 2026-Q4 (K-1, K-2): "
            "weights sum to 110%, not 100% [kpi-weights]"
        ],
    )


def test_an_old_problem_about_an_id_the_change_alters(aligned: Path) -> None:
    """OPS-2 has aligned to a key result CO-1 never had since before the change; a change
    to CO-1 (its title) makes that old problem part of what the change answers for. The old
    problem of OPS-2's key result is about OPS-2/k alone: not reported."""
    ops2 = OPS.replace("OPS-1", "OPS-2").replace("CO-1/x", "CO-1/z")
    write(
        aligned, "goals/ops2.yaml", ops2.replace("baseline: 0, target: 1", "baseline: 1, target: 1")
    )
    commit(aligned, "ops 2")
    a003 = (
        "goals/ops2.yaml:5:16: error A003 aligns_to 'CO-1/z' resolves to nothing: objective "
        "'CO-1' has no key result 'z' [unresolved-reference]"
    )
    assert check(aligned, "--changed-since", "HEAD") == (0, [])  # nothing changed yet
    write(aligned, "goals/company.yaml", COMPANY.replace("title: Grow", "title: Grow more"))
    commit(aligned, "retitle")
    assert check(aligned, "--changed-since", "HEAD~1") == (1, [a003])


DATA_CONFIG = MINIMAL_CONFIG + "  - {name: erp, path: metrics/erp.csv}\n"
MEASURED = """\
defaults: {cycle: 2026-Q4, unit: sales}
objectives:
  - id: OPS-3
    title: Measured
    aligns_to: CO-1/x
    key_results:
      - {id: calls, metric: crm:calls, baseline: 0, target: 100, weight: 0.5}
      - {id: orders, metric: erp:orders, baseline: 0, target: 100, weight: 0.5}
"""


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_data_problems_follow_the_metric_file_that_changed(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    """The export drops the calls rows from crm.csv: the D005 of OPS-3/calls (in an
    unchanged goal file) is the change's; erp.csv never had orders rows, and did not
    change: that D005 is not."""
    if engine == "duckdb":  # every file, however small, read by DuckDB
        import okrctl.metrics.engine

        monkeypatch.setattr(okrctl.metrics.engine, "LARGE_FILE_BYTES", 0)
    root = make_repo(
        {"goals/company.yaml": COMPANY, "goals/ops.yaml": MEASURED}, config=DATA_CONFIG
    )
    write(root, "metrics/crm.csv", "date,metric,value\n2026-10-05,calls,10\n")
    # orders occur in erp.csv, but not in the cycle (a metric that never occurs is D013)
    write(root, "metrics/erp.csv", "date,metric,value\n2026-09-05,orders,3\n")
    git(root, "init", "-q")
    commit(root, "plan")
    old_d005 = (
        "goals/ops.yaml:8:30: warning D005 key result 'OPS-3/orders': erp:orders has no rows "
        "from 2026-10-01 to 2026-11-30 [no-rows-in-cycle]"
    )
    args = ("--as-of", "2026-11-30")
    assert check(root, *args) == (0, [old_d005])
    write(root, "metrics/crm.csv", "date,metric,value\n2026-09-05,calls,10\n")
    commit(root, "new export")
    assert check(root, *args, "--changed-since", "HEAD~1") == (
        0,
        [
            "goals/ops.yaml:7:29: warning D005 key result 'OPS-3/calls': crm:calls has no "
            "rows from 2026-10-01 to 2026-11-30 [no-rows-in-cycle]"
        ],
    )
