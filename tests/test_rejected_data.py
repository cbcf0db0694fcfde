"""Numbers that rest on rejected input say so, in every command that prints numbers and
in every format, on both metric engines.

The fixture (tests/fixtures/rejected-finance) is a wide GB18030 finance export with
Chinese headers (`columns: {date: 日期}`), as Excel writes it: two empty columns after the
data and two blank trailer rows. November's row holds #N/A (营业收入), #DIV/0! (毛利率)
and #VALUE! (培训完成率) on line 4; 获客成本 is fine:

    line 2  2026-09-30  100万   35%      52  80%
    line 3  2026-10-31  120万   36.8%    48  85%
    line 4  2026-11-30  #N/A    #DIV/0!  45  #VALUE!

As of 2026-12-05 in 2026-Q4 (2026-10-01..2026-12-31, 92 days; 66 elapsed, e = 66/92):

* FIN-1/revenue (last of 营业收入): November is refused, so current = October's 1.2M;
  p = (1.2M - 1.0M) / (1.6M - 1.0M) = 1/3 -> 33%; red (1/3 < 0.7 x 66/92 = 0.502).
* FIN-1/cac (last of 获客成本, lower is better): 45 on 2026-11-30;
  p = (45 - 52) / (40 - 52) = 7/12 -> 58%; yellow (0.502 <= 0.583 < 0.9 x 66/92 = 0.646).
* FIN-1 = mean(1/3, 7/12) = 11/24 -> 46%, red; it rests on the refused 营业收入 cell.
* KPI-GM (monthly avg of 毛利率, target 40%): October 36.8% -> a = 0.92, score 0.92;
  November (closed) has no usable value (#DIV/0!), December is open and not counted:
  score = 0.92 over 1 of 2 periods -> green 92%, which must not pass silently.
* KPI-TRAINING (培训完成率, target 90%): October 85% -> 0.85 / 0.9 = 17/18 -> 94%;
  November #VALUE!.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, MakeRepo, run_okrctl
from okrctl.metrics.rejected import DataWarning
from okrctl.metrics.source import DataProblem, Rejected

AS_OF = ("--as-of", "2026-12-05")
FOOTNOTE = (
    "! 3 cells rejected in metrics/fin.csv (营业收入, 毛利率, 培训完成率), line 4: see okrctl check"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "finance"
    shutil.copytree(FIXTURES / "rejected-finance", root)
    return root


def okrctl(repo: Path, *args: str) -> str:
    result = run_okrctl(*args, *AS_OF, "-C", str(repo))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _valid(document: object, schema_name: str) -> None:
    from jsonschema import Draft7Validator

    schema = json.loads((FIXTURES.parents[1] / "schemas" / schema_name).read_text(encoding="utf-8"))
    assert list(Draft7Validator(schema).iter_errors(document)) == []


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if start in line)


def test_check_reports_the_cells(repo: Path) -> None:
    result = run_okrctl("check", "-f", "json", *AS_OF, "-C", str(repo))
    found = [
        (d["code"], d["line"], d["column"])
        for d in json.loads(result.stdout)["diagnostics"]
        if d["file"] == "metrics/fin.csv"
    ]
    # the blank trailer rows (6, 7) and the two unnamed columns are no problem; line 4 is
    # 2026-11-30,#N/A,#DIV/0!,45,#VALUE!,, : its cells start at characters 12, 17 and 28
    assert found == [("D002", 4, 12), ("D002", 4, 17), ("D002", 4, 28)]


def test_status_text_marks_the_rows_and_adds_a_footnote(repo: Path) -> None:
    out = okrctl(repo, "status")
    revenue = _line(out, "KR revenue")
    assert "(1 cell rejected: metrics/fin.csv line 4)" in revenue
    assert "1.2M / 1.6M" in revenue and "33%" in revenue and "off track" in revenue
    assert "(1 cell rejected: metrics/fin.csv line 4)" in _line(out, "FIN-1")
    assert "46%" in _line(out, "FIN-1")
    gm = _line(out, "KPI-GM")
    assert "(score of 1 of 2 periods: 2026-11 has no usable data)" in gm
    assert "(1 cell rejected: metrics/fin.csv line 4)" in gm and "92%" in gm
    cac = _line(out, "KR cac")
    assert "rejected" not in cac and "58%" in cac
    assert out.splitlines()[-1] == FOOTNOTE


def test_status_json_carries_the_warnings(repo: Path) -> None:
    document = json.loads(okrctl(repo, "status", "-f", "json"))
    assert document["warnings"] == [
        {
            "kind": "rejected-data",
            "file": "metrics/fin.csv",
            "metric": metric,
            "count": 1,
            "lines": [4],
            "codes": ["D002"],
            "message": f"1 cell rejected in metrics/fin.csv ({metric}), line 4: see okrctl check",
            "goals": goals,
        }
        for metric, goals in (
            ("培训完成率", ["KPI-TRAINING"]),
            ("毛利率", ["KPI-GM"]),
            ("营业收入", ["FIN-1", "FIN-1/revenue"]),
        )
    ]
    rows = {row["id"]: row for row in document["rows"]}
    assert rows["FIN-1/revenue"]["current"] == 1_200_000
    assert rows["FIN-1/revenue"]["progress"] == pytest.approx(1 / 3)
    assert [r["lines"] for r in rows["FIN-1/revenue"]["rejected"]] == [[4]]
    assert rows["FIN-1/cac"]["rejected"] == []
    assert rows["FIN-1/cac"]["progress"] == pytest.approx(7 / 12)
    assert rows["KPI-GM"]["progress"] == pytest.approx(0.92)
    assert rows["KPI-GM"]["note"] == "score of 1 of 2 periods: 2026-11 has no usable data"
    assert rows["KPI-GM"]["rejected"][0]["metric"] == "毛利率"
    _valid(document, "status.schema.json")


def test_score_in_every_format(repo: Path) -> None:
    text = okrctl(repo, "score")
    # zhou.min: KPI score = 0.5 x 0.92 + 0.5 x 17/18 = 0.93222 -> 93%
    assert "2 cells rejected: metrics/fin.csv line 4" in _line(text, "zhou.min")
    assert "1 cell rejected: metrics/fin.csv line 4" in _line(text, "wang.fang")
    assert "KPI-GM 92% *" in text
    assert text.splitlines()[-1] == FOOTNOTE
    document = json.loads(okrctl(repo, "score", "-f", "json"))
    cards = {c["owner"]: c for c in document["scorecards"]}
    assert cards["zhou.min"]["kpi_score"] == pytest.approx(0.5 * 0.92 + 0.5 * 17 / 18, abs=1e-6)
    assert sorted(r["metric"] for r in cards["zhou.min"]["rejected"]) == ["培训完成率", "毛利率"]
    assert {w["metric"] for w in document["warnings"]} == {"营业收入", "毛利率", "培训完成率"}
    measures = document["balanced"][0]["perspectives"][0]["measures"]
    assert measures[0]["rejected"][0]["lines"] == [4]
    rows = list(csv.DictReader(io.StringIO(okrctl(repo, "score", "-f", "csv").lstrip("\ufeff"))))
    by_id = {row["scorecard"]: row for row in rows}
    assert by_id["default:zhou.min"]["rejected_cells"] == "2"
    assert by_id["default:zhou.min"]["rejected_input"] == "2 cells rejected: metrics/fin.csv line 4"
    assert by_id["SC-FIN"]["rejected_cells"] == "2"
    # FIN-1's synergy rests on its revenue KR and on KPI-GM
    synergy = okrctl(repo, "score", "--synergy")
    assert _line(synergy, "FIN-1 *").split()[2:4] == ["46%", "92%"]
    md = okrctl(repo, "score", "-f", "md")
    assert "| Note |" in md and "KPI-GM 92% \\*" in md
    assert md.splitlines()[-1].startswith("> ⚠️ 3 cells rejected in metrics/fin.csv")


def test_why_and_map_name_the_rejected_input(repo: Path) -> None:
    why = okrctl(repo, "why", "KPI-GM")
    assert "its number rests on rejected input: 1 cell rejected: metrics/fin.csv line 4" in why
    assert "KPI-TRAINING (learning_growth) 94% on track, drives KPI-GM  (1 cell" in why
    assert why.splitlines()[-1] == (
        "! 2 cells rejected in metrics/fin.csv (毛利率, 培训完成率), line 4: see okrctl check"
    )
    text = okrctl(repo, "map")
    assert "92%  on track  (1 cell rejected: metrics/fin.csv line 4)" in text
    assert text.splitlines()[-1] == why.splitlines()[-1]
    mermaid = okrctl(repo, "map", "-f", "mermaid")
    assert "KPI-GM<br/>✓ 92% *" in mermaid
    assert 'rejected_input["* 2 cells rejected in metrics/fin.csv' in mermaid
    dot = okrctl(repo, "map", "-f", "dot")
    assert "✓ 92% *" in dot and "rejected_input [shape=note" in dot


def test_report_in_every_format(repo: Path) -> None:
    term = okrctl(repo, "report", "--no-git", "--lang", "en")
    lines = term.splitlines()
    assert lines[1] == FOOTNOTE  # right under the title
    assert lines[2] == "* marks the numbers below that rest on this input"
    # the source is fresh (its newest usable row, 2026-11-30, is 5 days old; stale
    # after 45), but not silently: 3 of its cells were refused
    assert "Data freshness: fin 2026-11-30 (fresh; 3 cells rejected)" in term
    assert "(1 cell rejected: metrics/fin.csv line 4)" in _line(term, "revenue  Revenue")
    assert "score of 1 of 2 periods: 2026-11 has no usable data" in _line(term, "KPI-GM")
    assert "financial 92%: ✓ KPI-GM 92% *" in term
    assert "✗ FIN-1/revenue Revenue 1.0M to 1.6M a month 33% *" in term

    md = okrctl(repo, "report", "-f", "md", "--no-git", "--lang", "zh")
    assert (
        "> ⚠️ metrics/fin.csv（营业收入, 毛利率, 培训完成率）中有 3 个单元格被拒绝（第 4 行），"
        "见 okrctl check"
    ) in md
    assert "| fin | 2026-11-30 | 5 | 正常; 3 个单元格被拒绝 |" in md
    assert "⚠️ 1 个单元格被拒绝：metrics/fin.csv 第 4 行" in _line(md, "↳ revenue")
    assert _line(md, "| FIN-1 \\* |").startswith("| FIN-1 \\* | 46% | 92% |")  # synergy

    html = okrctl(repo, "report", "-f", "html", "--no-git", "--lang", "en")
    assert (
        '<p class="warn">⚠ 3 cells rejected in metrics/fin.csv (营业收入, 毛利率, 培训完成率), '
        "line 4: see okrctl check</p>"
    ) in html
    assert '<span class="rejected">⚠ 1 cell rejected: metrics/fin.csv line 4</span>' in html

    document = json.loads(okrctl(repo, "report", "-f", "json", "--no-git"))
    assert document["version"] == 2
    assert [(w["metric"], w["lines"], w["goals"]) for w in document["warnings"]] == [
        ("培训完成率", [4], ["KPI-TRAINING"]),
        ("毛利率", [4], ["KPI-GM"]),
        ("营业收入", [4], ["FIN-1/revenue"]),
    ]
    (fresh,) = document["summary"]["freshness"]
    assert (fresh["latest"], fresh["stale"], fresh["rejected"]) == ("2026-11-30", False, 3)
    revenue = document["objectives"][0]["key_results"][0]
    assert revenue["current"] == 1_200_000 and revenue["rejected"][0]["lines"] == [4]
    kpis = {k["id"]: k for k in document["kpis"]}
    assert kpis["KPI-GM"]["score"] == pytest.approx(0.92)
    assert kpis["KPI-GM"]["note"] == "score of 1 of 2 periods: 2026-11 has no usable data"
    _valid(document, "report.schema.json")


COMMANDS = [
    ("status",),
    ("status", "-f", "json"),
    ("score",),
    ("score", "-f", "json"),
    ("score", "-f", "csv"),
    ("score", "-f", "md"),
    ("why", "KPI-GM"),
    ("map",),
    ("map", "-f", "mermaid"),
    ("map", "-f", "dot"),
    ("report", "--no-git"),
    ("report", "--no-git", "-f", "md", "--lang", "zh"),
    ("report", "--no-git", "-f", "html"),
    ("report", "--no-git", "-f", "json"),
    ("explain", "KPI-GM"),
    ("explain", "FIN-1/revenue"),
]


# the same export with numbers DuckDB reads itself (it hands 100万 and 36.8% to the
# exact reader), so the comparison below exercises DuckDB's own scan
PLAIN = (
    "日期,营业收入,毛利率,获客成本,培训完成率,,\r\n"
    "2026-09-30,1000000,0.35,52,0.8,,\r\n"
    "2026-10-31,1200000,0.368,48,0.85,,\r\n"
    "2026-11-30,#N/A,#DIV/0!,45,#VALUE!,,\r\n"
    ",,,,,,\r\n"
    ",,,,,,\r\n"
)


def test_duckdb_reads_the_plain_export_itself(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from okrctl.evaluate.evaluator import evaluate
    from okrctl.evaluate.workspace import open_workspace
    from okrctl.metrics import engine
    from okrctl.metrics.duck import DuckSource

    (repo / "metrics" / "fin.csv").write_bytes(PLAIN.encode("gb18030"))
    monkeypatch.setattr(engine, "LARGE_FILE_BYTES", 0)
    workspace = open_workspace(repo, use_cache=False)
    evaluate(
        workspace.ctx, workspace.data, workspace.config.cycles["2026-Q4"], dt.date(2026, 12, 5)
    )
    source = workspace.data.source("fin")
    assert isinstance(source, DuckSource)
    assert source._fallback is None  # DuckDB's sums stand; the exact reader only locates
    assert [(r.problem.line, r.metric) for r in source.rejected()] == [
        (4, "营业收入"),
        (4, "毛利率"),
        (4, "培训完成率"),
    ]


@pytest.mark.parametrize("plain", [False, True], ids=["as-exported", "plain-numbers"])
@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_both_engines_print_the_same(
    repo: Path, command: tuple[str, ...], plain: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file goes to DuckDB when the threshold is 0: the output must not change."""
    from okrctl.metrics import engine

    if plain:
        (repo / "metrics" / "fin.csv").write_bytes(PLAIN.encode("gb18030"))
    small = okrctl(repo, *command)
    assert "rejected" in small
    monkeypatch.setattr(engine, "LARGE_FILE_BYTES", 0)
    assert okrctl(repo, *command) == small


def test_explain_lists_the_rows_it_skipped(repo: Path) -> None:
    kpi = okrctl(repo, "explain", "KPI-GM")
    # November is a closed month with no usable value: marked, and named in the score
    assert "score —  (1 cell rejected: metrics/fin.csv line 4)" in _line(kpi, "2026-11-01..")
    assert (
        "score = mean over closed periods = 0.920 "
        "(score of 1 of 2 periods: 2026-11 has no usable data)"
    ) in kpi
    assert kpi.endswith(
        "rows left out (see okrctl check):\n"
        "  metrics/fin.csv:4  2026-11-30  '#DIV/0!'  column '毛利率': '#DIV/0!' is not a "
        "number [D002]\n"
    )
    kr = okrctl(repo, "explain", "FIN-1/revenue")
    # October's value: November is refused, and the line says so
    assert "= 1.2M (last data 2026-10-31, 1 date)  (1 cell rejected: metrics/fin.csv line 4)" in kr
    assert kr.endswith(
        "rows left out (see okrctl check):\n"
        "  metrics/fin.csv:4  2026-11-30  '#N/A'  column '营业收入': '#N/A' is not a "
        "number [D002]\n"
    )
    objective = okrctl(repo, "explain", "FIN-1")
    assert "(1 cell rejected: metrics/fin.csv line 4)" in _line(objective, "  revenue ")
    assert "rejected" not in _line(objective, "  cac ")


LONG_CONFIG = """\
okrctl: 1
units: [{id: acme, level: company}]
cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]
metrics: [{name: crm, path: metrics/crm.csv%s}]
"""
LONG_GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: li}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, metric: crm:users, aggregate: sum, baseline: 0, target: 100}
      - {id: calls, metric: crm:calls, baseline: 0, target: 10}
"""


def _long_repo(make_repo: MakeRepo, body: str, extra: str = "") -> Path:
    root = make_repo({"goals/a.yaml": LONG_GOALS}, config=LONG_CONFIG % extra)
    (root / "metrics" / "crm.csv").write_text(body, encoding="utf-8")
    return root


def test_a_number_with_no_usable_data_says_why(make_repo: MakeRepo) -> None:
    """calls' only row is n/a: not "no data in the cycle yet" but what was refused.
    users sums 10 + 20 = 30 over two dates; its empty value on 10-03 is missing data,
    marked as such (30 rests on two of three rows)."""
    root = _long_repo(
        make_repo,
        "date,metric,value\n2026-10-01,users,10\n2026-10-02,users,20\n"
        "2026-10-03,users,\n2026-10-05,calls,n/a\n",
    )
    out = run_okrctl("status", "--as-of", "2026-11-30", "-C", str(root)).stdout
    calls = _line(out, "KR calls")
    assert "(no usable data: 1 cell rejected: metrics/crm.csv line 5)" in calls
    assert calls.rstrip().endswith("no data    li")  # grey: unknown, never 0
    users = _line(out, "KR users")
    # p = (30 - 0) / (100 - 0) = 30%
    assert "30 / 100" in users and "30%" in users
    assert "(1 empty value: metrics/crm.csv line 4)" in users
    assert out.splitlines()[-1] == (
        "! 1 cell rejected and 1 empty value in metrics/crm.csv (users, calls), lines 4, 5: "
        "see okrctl check"
    )


def test_an_unreadable_source_is_named_where_its_numbers_are_missing(
    make_repo: MakeRepo,
) -> None:
    """A Chinese export read without `columns:`: every number from it is unknown, and
    status says the file could not be read, and why, instead of "no data"."""
    root = _long_repo(make_repo, "日期,指标,数值\n2026-10-01,users,10\n")
    document = json.loads(
        run_okrctl("status", "-f", "json", "--as-of", "2026-11-30", "-C", str(root)).stdout
    )
    (warning,) = document["warnings"]
    assert warning["kind"] == "unread-data"
    assert warning["message"] == (
        "metrics/crm.csv could not be read (header has no date column 'date' (columns: 日期, "
        "指标, 数值)): see okrctl check"
    )
    assert warning["goals"] == ["CO-1", "CO-1/users", "CO-1/calls"]
    rows = {row["id"]: row for row in document["rows"]}
    assert rows["CO-1/users"]["note"] == "no usable data: metrics/crm.csv not read"
    assert rows["CO-1/users"]["status"] == "grey"


def _fact(line: int, code: str = "D002", metric: str | None = "m") -> Rejected:
    return Rejected("metrics/x.csv", DataProblem(code, line, f"problem on {line}"), metric, None)


def test_warning_sentences() -> None:
    one = DataWarning("metrics/x.csv", "m", (_fact(3),))
    assert one.text() == "1 cell rejected in metrics/x.csv (m), line 3: see okrctl check"
    assert one.short() == "1 cell rejected: metrics/x.csv line 3"
    assert one.text("zh") == "metrics/x.csv（m）中有 1 个单元格被拒绝（第 3 行），见 okrctl check"
    many = DataWarning("metrics/x.csv", "m", tuple(_fact(n) for n in range(2, 14)))
    assert many.text() == (
        "12 cells rejected in metrics/x.csv (m), lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ... "
        "(12 in all): see okrctl check"
    )
    mixed = DataWarning("metrics/x.csv", None, (_fact(2, "D008"), _fact(3, "D009", None), _fact(4)))
    assert mixed.what() == "1 cell rejected, 1 row rejected and 1 empty value"
    unread = DataWarning("metrics/x.csv", None, (_fact(1, "D004", None),))
    assert unread.text() == "metrics/x.csv could not be read (problem on 1): see okrctl check"
    assert unread.as_dict()["kind"] == "unread-data"
