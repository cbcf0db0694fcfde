"""`okrctl status`, `explain` and `checkin` as a team lead runs them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, GOLDEN, MINIMAL_GOAL, MakeRepo, golden, run_okrctl

EDU = EXAMPLES / "education"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def status(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = run_okrctl("status", *args, env=env)
    return result.returncode, result.stdout, result.stderr


EXAMPLE_DAYS = [
    ("education", "2026-11-30"),
    ("education", "2026-12-31"),
    ("manufacturing", "2026-11-30"),
    ("startup", "2026-11-30"),
]


@pytest.mark.parametrize(("example", "day"), EXAMPLE_DAYS)
def test_status_golden_text_and_json(example: str, day: str) -> None:
    code, text, err = status("-C", str(EXAMPLES / example), "--as-of", day)
    assert (code, err) == (0, "")
    golden(f"status-{example}-{day}.txt", text)
    code, out, _ = status("-C", str(EXAMPLES / example), "--as-of", day, "--format", "json")
    golden(f"status-{example}-{day}.json", out)


def test_status_json_matches_its_schema() -> None:
    from jsonschema import Draft7Validator

    schema = json.loads(
        (Path(__file__).parents[1] / "schemas" / "status.schema.json").read_text(encoding="utf-8")
    )
    for example in ("education", "manufacturing", "startup"):
        _, out, _ = status("-C", str(EXAMPLES / example), "--as-of", "2026-11-30", "-f", "json")
        assert list(Draft7Validator(schema).iter_errors(json.loads(out))) == []


def _row(report: dict[str, object], ident: str) -> dict[str, object]:
    return next(r for r in report["rows"] if r["id"] == ident)  # type: ignore[union-attr,index]


def test_education_numbers_from_the_domain() -> None:
    _, out, _ = status("-C", str(EDU), "--as-of", "2026-12-31", "-f", "json")
    report = json.loads(out)
    assert report["final"] is True
    users, paid, satisfaction = (
        _row(report, f"CO-1/{k}") for k in ("users", "paid", "satisfaction")
    )
    assert users["progress"] == pytest.approx(0.8) and users["current"] == 1_800_000
    assert paid["progress"] == pytest.approx(250 / 300) and paid["current"] == 450_000
    assert satisfaction["progress"] == pytest.approx(0.6)
    assert satisfaction["current"] == pytest.approx(0.88)
    co1 = _row(report, "CO-1")
    assert round(co1["progress"] * 100, 1) == 74.4  # type: ignore[operator]
    assert co1["status"] == "green"  # aspirational: 74.4% >= 70% at the end


def test_education_pace_on_november_30() -> None:
    _, out, _ = status("-C", str(EDU), "--as-of", "2026-11-30", "-f", "json")
    report = json.loads(out)
    users = _row(report, "CO-1/users")
    assert users["expected"] == pytest.approx(61 / 92)
    # data on 11-30: 1.0M + 0.8M x 61/92 users
    current = round(1_000_000 + 800_000 * 61 / 92)
    assert users["current"] == pytest.approx(current, abs=2)
    p = (current - 1_000_000) / 1_000_000
    assert users["progress"] == pytest.approx(p, abs=1e-5)
    assert users["status"] == "yellow"  # 0.7 e <= p < 0.9 e


def test_tree_follows_alignment() -> None:
    _, out, _ = status("-C", str(EDU), "--as-of", "2026-11-30", "-f", "json")
    rows = json.loads(out)["rows"]
    order = [(r["depth"], r["id"]) for r in rows]
    assert order[:4] == [(0, "CO-1"), (1, "CO-1/users"), (2, "MKT-1"), (3, "MKT-1/users")]
    # a KPI sits under the key result it supports
    index = order.index((4, "KPI-MKT-CAMPAIGNS"))
    assert order[index - 1] == (3, "MKT-1/users")


def test_filters() -> None:
    _, out, _ = status("-C", str(EDU), "--as-of", "2026-11-30", "-f", "json", "--owner", "liu.yang")
    rows = json.loads(out)["rows"]
    assert {r["owner"] for r in rows if not r["context"]} == {"liu.yang"}
    assert all(r["context"] for r in rows if r["owner"] != "liu.yang")
    _, out, _ = status("-C", str(EDU), "--as-of", "2026-11-30", "-f", "json", "--unit", "service")
    selected = [r["id"] for r in json.loads(out)["rows"] if not r["context"]]
    assert "SVC-1" in selected and "MKT-1" not in selected
    _, out, _ = status("-C", str(EDU), "--as-of", "2026-11-30", "-f", "json", "--depth", "1")
    assert {r["depth"] for r in json.loads(out)["rows"]} <= {0, 1, 2}
    assert not any(r["kind"] == "objective" and r["depth"] > 0 for r in json.loads(out)["rows"])
    _, out, _ = status(
        "-C", str(EDU), "--as-of", "2026-11-30", "-f", "json", "--status", "red", "--level", "team"
    )
    rows = [r for r in json.loads(out)["rows"] if not r["context"]]
    assert rows and all(r["status"] == "red" and r["level"] == "team" for r in rows)


def test_behind_exits_1_when_anything_is_red() -> None:
    code, out, _ = status("-C", str(EDU), "--as-of", "2026-11-30", "--behind", "-f", "json")
    assert code == 1
    rows = [r for r in json.loads(out)["rows"] if not r["context"]]
    assert rows and all(r["status"] in ("yellow", "red") for r in rows)
    code, _, _ = status("-C", str(EDU), "--cycle", "2026-Q4", "--as-of", "2026-09-30", "--behind")
    assert code == 0


def test_plain_without_a_terminal_and_color_when_forced() -> None:
    _, plain, _ = status("-C", str(EDU), "--as-of", "2026-11-30")
    assert not ANSI.search(plain)
    _, colored, _ = status("-C", str(EDU), "--as-of", "2026-11-30", env={"FORCE_COLOR": "1"})
    assert ANSI.search(colored)
    _, none, _ = status(
        "-C", str(EDU), "--as-of", "2026-11-30", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert not ANSI.search(none)


def test_chinese_titles_keep_the_columns_aligned() -> None:
    from rich.cells import cell_len

    _, out, _ = status("-C", str(EDU), "--as-of", "2026-11-30")
    starts = set()
    for line in out.splitlines()[2:-1]:
        match = re.search(r"[█░·┃]", line)
        assert match, line
        starts.add(cell_len(line[: match.start()]))
    assert len(starts) == 1  # every bar starts in the same screen column


def test_user_text_prints_literally_in_status(make_repo: MakeRepo) -> None:
    goals = """\
    defaults: {cycle: 2026-Q4, unit: acme}
    objectives:
      - id: CO-1
        title: "[bold red]Grow[/] \\e[31mnow\\e[0m ::error::x"
        owner: "[link=http://x]me[/link]"
        key_results:
          - {id: k, title: "<script>alert(1)</script>", baseline: 0, target: 10}
    """
    root = make_repo({"goals/a.yaml": goals})
    for env in ({}, {"FORCE_COLOR": "1"}):
        _, out, _ = status("-C", str(root), "--as-of", "2026-11-30", env=env)
        text = ANSI.sub("", out)
        assert "[bold red]Grow[/] \\x1b[31mnow\\x1b[0m ::error::x" in text
        assert "[link=http://x]me[/link]" in text
        assert "<script>alert(1)</script>" in text
    explained = run_okrctl("explain", "CO-1", "-C", str(root), "--as-of", "2026-11-30").stdout
    assert "\x1b" not in explained
    assert "objective CO-1: [bold red]Grow[/] \\x1b[31mnow\\x1b[0m ::error::x" in explained


def test_no_data_is_unknown_not_zero(make_repo: MakeRepo) -> None:
    goals = """\
    defaults: {cycle: 2026-Q4, unit: acme}
    objectives:
      - id: CO-1
        title: Grow
        key_results:
          - {id: k, metric: crm:users, baseline: 0, target: 10}
    """
    root = make_repo({"goals/a.yaml": goals})
    _, out, _ = status("-C", str(root), "--as-of", "2026-11-30", "-f", "json")
    row = _row(json.loads(out), "CO-1/k")
    assert (row["status"], row["progress"]) == ("grey", None)


def test_status_usage_errors() -> None:
    assert run_okrctl("status", "-C", str(EDU), "--as-of", "30/11/2026").returncode == 2
    result = run_okrctl("status", "-C", str(EDU), "--cycle", "2026-Q5")
    assert result.returncode == 2 and "did you mean '2026-Q4'" in result.stderr
    assert run_okrctl("status", "-C", str(EDU), "--status", "purple").returncode == 2
    result = run_okrctl("status", "-C", str(EDU), "--unit", "marketting")
    assert result.returncode == 2 and "did you mean 'marketing'" in result.stderr


def test_small_repository_needs_no_duckdb() -> None:
    # small metric files are read by Python's csv module: no DuckDB import, whose start-up
    # would dominate (the time itself is measured in bench/bench_startup.py)
    probe = (
        "import sys; sys.argv = ['okrctl', 'status', '-C', sys.argv[1], '--as-of', '2026-11-30']\n"
        "from okrctl.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('duckdb' in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(EDU)], capture_output=True, text=True, check=True
    )
    assert "CO-1" in result.stdout
    assert result.stderr == "False"


def test_explain_key_result() -> None:
    result = run_okrctl("explain", "CO-1/users", "-C", str(EDU), "--as-of", "2026-11-30")
    assert result.returncode == 0
    out = result.stdout
    assert "baseline = 1M (given)" in out
    assert "p = (current - baseline) / (target - baseline) = (1.53M - 1M) / (2M - 1M)" in out
    assert "expected e = (as_of - start + 1) / (end - start + 1) = 61/92 = 66%" in out
    assert "-> at risk" in out
    assert re.search(r"metrics/crm\.csv:\d+  2026-11-30  .*\(channel=social\)", out)


def test_explain_objective_kpi_and_errors() -> None:
    out = run_okrctl("explain", "CO-1", "-C", str(EDU), "--as-of", "2026-12-31").stdout
    assert "progress = 74%" in out and "an aspirational goal" in out
    out = run_okrctl("explain", "KPI-MKT-CAMPAIGNS", "-C", str(EDU), "--as-of", "2026-11-30").stdout
    assert (
        "2026-11-01..2026-11-30  closed" in out
        and "score = mean over closed periods = 0.500" in out
    )
    result = run_okrctl("explain", "CO-1/user", "-C", str(EDU))
    assert result.returncode == 2 and "did you mean 'users'" in result.stderr


@pytest.fixture
def startup(tmp_path: Path) -> Path:
    target = tmp_path / "startup"
    shutil.copytree(EXAMPLES / "startup", target, ignore=shutil.ignore_patterns(".okrctl_cache"))
    return target


def test_checkin_records_and_keeps_a_same_day_check_in(startup: Path) -> None:
    result = run_okrctl(
        "checkin",
        "FUND/vc-meetings",
        "7",
        "--date",
        "2026-11-21",
        "--note",
        '=HYPERLINK("http://x")',
        "-C",
        str(startup),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "recorded FUND/vc-meetings = 7 on 2026-11-21 in metrics/checkins.csv\n"
    )
    text = (startup / "metrics" / "checkins.csv").read_text(encoding="utf-8")
    assert '2026-11-21,FUND/vc-meetings,7,"\'=HYPERLINK(""http://x"")"\n' in text
    again = run_okrctl(
        "checkin", "FUND/vc-meetings", "8", "--date", "2026-11-21", "-C", str(startup)
    )
    assert "(after 7 earlier that day, which is kept)" in again.stdout
    # both rows stay; the later one is the day's value
    assert (startup / "metrics" / "checkins.csv").read_text().count("2026-11-21,FUND/vc") == 2
    out = run_okrctl("status", "-C", str(startup), "--as-of", "2026-11-21", "-f", "json").stdout
    assert _row(json.loads(out), "FUND/vc-meetings")["current"] == 8
    assert run_okrctl("check", "-C", str(startup), "--strict").returncode == 0


def test_checkin_keeps_the_line_endings_and_bom_of_a_spreadsheet_saved_file(
    startup: Path,
) -> None:
    # Excel's "CSV UTF-8" writes a byte-order mark and CRLF line ends
    path = startup / "metrics" / "checkins.csv"
    rows = path.read_text(encoding="utf-8").count("\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = run_okrctl(
        "checkin", "FUND/vc-meetings", "7", "--date", "2026-11-21", "-C", str(startup)
    )
    assert result.returncode == 0, result.stderr
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbfdate,metric,value,note\r\n")
    assert after.count(b"\r\n") == after.count(b"\n") == rows + 1  # one row added
    assert b"2026-11-21,FUND/vc-meetings,7,\r\n" in after


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["FUND/vc-meetings", "lots"], "is not a number"),
        (["FUND/vc-meeting", "3"], "did you mean 'vc-meetings'"),
        (["FUND", "3"], "is an objective"),
        (["FUND/vc-meetings", "3", "--date", "2030-01-01"], "in the future"),
        (["FUND/vc-meetings", "3", "--date", "2026-09-01"], "outside FUND's cycle"),
        (["FUND/vc-meetings", "3", "--date", "yesterday"], "is not a date"),
    ],
)
def test_checkin_refuses_bad_input_and_writes_nothing(
    startup: Path, args: list[str], message: str
) -> None:
    before = (startup / "metrics" / "checkins.csv").read_bytes()
    result = run_okrctl("checkin", *args, "-C", str(startup))
    assert result.returncode == 2
    assert message in result.stderr
    assert (startup / "metrics" / "checkins.csv").read_bytes() == before


def test_checkin_milestone_and_broken_file(startup: Path) -> None:
    result = run_okrctl(
        "checkin", "PR-1/demo-day", "done", "--date", "2026-11-20", "-C", str(startup)
    )
    assert result.returncode == 0
    out = run_okrctl("status", "-C", str(startup), "--as-of", "2026-11-21", "-f", "json").stdout
    assert _row(json.loads(out), "PR-1/demo-day")["progress"] == 1.0
    path = startup / "metrics" / "checkins.csv"
    path.write_text(path.read_text() + "2026-11-22,FUND/vc-meetings,oops,\n")
    before = path.read_bytes()
    result = run_okrctl(
        "checkin", "FUND/vc-meetings", "3", "--date", "2026-11-20", "-C", str(startup)
    )
    assert result.returncode == 2 and "nothing was written" in result.stderr
    assert path.read_bytes() == before


def test_text_and_json_goldens_show_the_same_rows() -> None:
    # the two formats of one status must not drift: every row of the JSON golden appears
    # in the text golden, with the same percentage, and no more rows
    pairs = sorted(GOLDEN.glob("status-*.json"))
    assert len(pairs) == len(EXAMPLE_DAYS)
    for path in pairs:
        rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
        lines = path.with_suffix(".txt").read_text(encoding="utf-8").splitlines()[2:-1]
        assert len(lines) == len(rows), path.name
        for row, line in zip(rows, lines, strict=True):
            assert row["id"].rsplit("/", 1)[-1] in line, (path.name, row["id"])
            if row["progress"] is not None:
                assert f"{round(row['progress'] * 100)}%" in line, (path.name, row["id"])


def test_tree_guides_end_at_the_last_visible_child() -> None:
    _, out, _ = status(
        "-C", str(EDU), "--as-of", "2026-11-30", "--depth", "2", "--unit", "marketing"
    )
    line = next(x for x in out.splitlines() if "KPI-MKT-CAMPAIGNS" in x)
    assert "└─ ✗ KPI KPI-MKT-CAMPAIGNS" in line  # SOC-1 below it is cut by --depth


@pytest.mark.parametrize("command", ["status", "score", "report"])
def test_unknown_unit_is_a_usage_error(command: str) -> None:
    """A mistyped --unit must not print an empty view that looks like a clean one."""
    education = str(EXAMPLES / "education")
    result = run_okrctl(command, "-C", education, "--as-of", "2026-11-30", "--unit", "markting")
    assert result.returncode == 2
    assert "no unit 'markting'" in result.stderr and "marketing" in result.stderr
    assert result.stdout == ""


def test_a_key_result_with_data_is_never_called_no_data(make_repo: MakeRepo) -> None:
    # no baseline given: the baseline is the total on the latest date on or before the
    # cycle start, 100, which equals the target: progress (v - 100) / 0 is undefined
    root = make_repo(
        {
            "goals/a.yaml": """\
            defaults: {cycle: 2026-Q4, unit: acme}
            objectives:
              - id: CO-1
                title: Keep
                key_results:
                  - {id: users, metric: crm:users, target: 100}
            """,
            "metrics/crm.csv": "date,metric,value\n2026-09-30,users,100\n2026-11-01,users,120\n",
        }
    )
    code, text, _ = status("-C", str(root), "--as-of", "2026-11-30")
    assert code == 0
    (kr_line,) = [line for line in text.splitlines() if "KR users" in line]
    assert "undefined" in kr_line and "no data" not in kr_line
    assert "target equals baseline (from data on or before the cycle start)" in kr_line
    _, out, _ = status("-C", str(root), "--as-of", "2026-11-30", "-f", "json")
    kr = json.loads(out)["rows"][1]
    assert (kr["status"], kr["current"], kr["baseline"], kr["progress"]) == ("grey", 120, 100, None)


CYCLE_KPIS = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: bo}
kpis:
  - {id: K-CALLS, title: 40 calls a quarter, metric: crm:calls, aggregate: sum, target: 40}
  - {id: K-CSAT, title: Satisfaction 90%, metric: crm:csat, aggregate: last, target: 90%}
"""
CYCLE_ROWS = """\
date,metric,value
2026-10-15,calls,8
2026-11-10,calls,12
2026-12-20,calls,15
2026-11-10,csat,0.88
"""


def test_a_cycle_kpi_pro_rates_its_open_cycle(make_repo: MakeRepo, engine: str) -> None:
    """`period: cycle` (the default) is one period, the whole cycle, open until its last
    day: a cumulative KPI (sum, count) is scored against its target pro-rated by the
    elapsed fraction of the cycle; last/avg/min/max against the target as written."""
    root = make_repo({"goals/k.yaml": CYCLE_KPIS, "metrics/crm.csv": CYCLE_ROWS})

    def rows(day: str) -> dict[str, dict[str, object]]:
        out = run_okrctl("status", "-C", str(root), "--as-of", day, "-f", "json").stdout
        return {r["id"]: r for r in json.loads(out)["rows"]}

    open_ = rows("2026-11-30")
    # 2026-10-01..2026-11-30 is 61 of the cycle's 92 days: target 40 x 61/92 = 26.5217;
    # actual 8 + 12 = 20 (the 12-20 row is after the as-of date); a = 20 / 26.5217
    # = 20 x 92 / (40 x 61) = 1840 / 2440 = 0.7541 -> score 0.754, yellow (>= 0.7)
    calls = open_["K-CALLS"]
    assert calls["current"] == 20
    assert calls["target"] == pytest.approx(40 * 61 / 92)
    assert calls["progress"] == pytest.approx(1840 / 2440)
    assert calls["status"] == "yellow"
    # last value 88% against 90% as written, not 90% x 61/92: 0.88 / 0.90 = 0.9778, green
    csat = open_["K-CSAT"]
    assert (csat["current"], csat["target"]) == (0.88, 0.9)
    assert csat["progress"] == pytest.approx(0.88 / 0.9)
    assert csat["status"] == "green"
    explained = run_okrctl("explain", "K-CALLS", "-C", str(root), "--as-of", "2026-11-30")
    assert (
        "2026-10-01..2026-12-31  open (target pro-rated)  actual         20  target      26.52"
        in explained.stdout
    )
    # on the last day the cycle is closed: 8 + 12 + 15 = 35 of 40 = 0.875, yellow
    closed = rows("2026-12-31")["K-CALLS"]
    assert (closed["current"], closed["target"]) == (35, 40)
    assert closed["progress"] == pytest.approx(35 / 40)


def test_two_check_ins_on_one_day_are_never_summed(make_repo: MakeRepo, engine: str) -> None:
    # both engine settings: the check-ins file is read exactly whatever its size
    # two check-ins of CO-1/deals on 11-20 with different notes: both are kept (no D001),
    # and the later one is the day's value: 4 (of a target of 10: 40%), never 3 + 4 = 7
    root = make_repo(
        {
            "goals/a.yaml": """\
            defaults: {cycle: 2026-Q4, unit: acme}
            objectives:
              - id: CO-1
                title: Sell
                key_results:
                  - {id: deals, baseline: 0, target: 10}
            """,
            "metrics/checkins.csv": "date,metric,value,note\n"
            "2026-11-20,CO-1/deals,3,call\n2026-11-20,CO-1/deals,4,meeting\n",
        }
    )
    check = run_okrctl("check", "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    found = [(d["code"], d["file"], d["line"]) for d in json.loads(check.stdout)["diagnostics"]]
    assert not [f for f in found if f[1] == "metrics/checkins.csv"]
    _, out, _ = status("-C", str(root), "--as-of", "2026-11-30", "-f", "json")
    kr = json.loads(out)["rows"][1]
    assert (kr["current"], kr["progress"]) == (4, 0.4)


def test_a_default_check_ins_link_out_of_the_repository_is_not_read(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("date,metric,value,note\n2026-11-20,CO-1/users,9,\n", encoding="utf-8")
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    (root / "metrics" / "checkins.csv").symlink_to(outside)
    check = run_okrctl("check", "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    codes = [(d["code"], d["file"]) for d in json.loads(check.stdout)["diagnostics"]]
    assert ("C002", "okrctl.yaml") in codes
    # the configuration has an error: status refuses to compute, naming it, and never
    # shows the 9 read from outside
    result = run_okrctl("status", "-C", str(root), "--as-of", "2026-11-30", "-f", "json")
    assert result.returncode == 2
    assert "outside the repository" in result.stderr and "9" not in result.stdout
