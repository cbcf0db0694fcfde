"""Hostile inputs for the large-file engine (metrics/duck*.py): each case a file the
DuckDB engine must read exactly as the exact reader does (docs/metrics.md, "Large
files"): the same numbers, problems and refused input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import okrctl.metrics.duck
import okrctl.metrics.duck_duplicates
import okrctl.metrics.engine
from conftest import MakeRepo, run_okrctl
from okrctl.core.vocabulary import Layout
from okrctl.metrics.duck import DuckSource
from okrctl.metrics.memory import TableSource
from okrctl.metrics.source import Request
from test_duck_duplicates import status_in_both_engines
from test_metrics_data import _assert_engines_agree, _source

D1, D2, D31 = dt.date(2026, 10, 1), dt.date(2026, 10, 2), dt.date(2026, 10, 31)


def _requests(metrics: str = "ab", wheres: tuple = ((),)) -> list[Request]:
    out = []
    for m in metrics:
        for k, where in enumerate(wheres):
            for agg in ("sum", "last", "count", "max", "min", "avg"):
                out.append(Request(f"{m}{k}{agg}", m, where, D1, D31, agg, baseline_on=D1))
    return out


CASES = {
    "first_bad_value": b"date,metric,value\n2026-10-01,a,n/a\n2026-10-01,a,5\n",
    "first_bad_date": b"date,metric,value\n2026-13-01,a,1\n2026-10-01,a,5\n2026-10-01,a,7\n",
    "two_date_texts": b"date,metric,value\n2026-10-05,a,1\n2026-10-05 00:00:00,a,2\n"
    b"2026-10-05T00:00:00,a,4\n",
    "header_only": b"date,metric,value\n",
    "one_row": b"date,metric,value\n2026-10-01,a,1",
    "cr_only": b"date,metric,value\r2026-10-01,a,1\r2026-10-01,a,2\r2026-10-02,a,3\r",
    "cr_mixed": b"date,metric,value\r\n2026-10-01,a,1\r2026-10-01,a,2\r\n2026-10-02,a,3\r\n",
    "unterminated": b'date,metric,value\n2026-10-01,a,1\n2026-10-01,a,2\n2026-10-02,"a,3\n'
    b"2026-10-03,a,4\n",
    "u3000_dup": "date,metric,value\n2026-10-01,a,5\u3000\n2026-10-01,a,7\u3000\n"
    "2026-10-02,a,1_000\n2026-10-02,a,3\n".encode(),
    "u3000_dup_first_bad": "date,metric,value\n2026-10-01,a,x\u3000\n"
    "2026-10-01,a,7\u3000\n".encode(),
    "plus_minus": b"date,metric,value\n2026-10-01,a,+-5\n2026-10-01,b,1_000\n2026-10-01,b,2\n",
    "huge_cancel": b"date,metric,value\n2026-10-01,a,1\n2026-10-01,a,1e17\n",
    "huge_overflow": b"date,metric,value\n2026-10-01,a,1e308\n2026-10-01,a,1e308\n",
    "wide_repeat": b"date,a,b\n2026-10-01,,2\n2026-10-01,5,\n2026-10-01,7,n/a\n2026-10-02,1,1\n",
    "wide_repeat_texts": b"date,a,b\n2026-10-01,1,2\n2026-10-01T00:00:00,5,6\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_long_and_wide(tmp_path: Path, name: str) -> None:
    layout = Layout.WIDE if name.startswith("wide") else Layout.LONG
    spec = _source(tmp_path, CASES[name], layout=layout)
    _assert_engines_agree(spec, tmp_path, _requests())


DIM_CASES = {
    "empty_vs_quoted": b'date,metric,value,ch\n2026-10-01,a,1,\n2026-10-01,a,2,""\n'
    b"2026-10-01,a,4,x\n",
    "space_dim": b"date,metric,value,ch\n2026-10-01,a,1, \n2026-10-01,a,2,\n2026-10-01,a,4, \n",
    "two_dims": b"date,metric,value,ch,re\n2026-10-01,a,1,x,\n2026-10-01,a,2,,x\n"
    b"2026-10-01,a,4,x,\n2026-10-01,a,8,,\n",
    "dup_first_bad": b"date,metric,value,ch\n2026-10-01,a,bad,x\n2026-10-01,a,2,x\n"
    b"2026-10-01,a,3,y\n",
}


@pytest.mark.parametrize("name", sorted(DIM_CASES))
def test_hostile_dimensions(tmp_path: Path, name: str) -> None:
    wheres = ((), (("ch", ("x",)),), (("ch", ("",)),), (("ch", ("x", "")),), (("ch", ("nope",)),))
    spec = _source(tmp_path, DIM_CASES[name])
    _assert_engines_agree(spec, tmp_path, _requests("a", wheres))


def test_many_dimension_values(tmp_path: Path) -> None:
    lines = ["date,metric,value,ch"]
    for i in range(200):
        lines.append(f"2026-10-01,a,{i},c{i}")
    lines.append("2026-10-01,a,1000,c7")
    spec = _source(tmp_path, ("\n".join(lines) + "\n").encode())
    wheres = ((), (("ch", ("c7",)),), (("ch", ("c7", "c8")),))
    _assert_engines_agree(spec, tmp_path, _requests("a", wheres))


def test_gb18030_dims_and_filters(tmp_path: Path) -> None:
    body = (
        "日期,指标,值,渠道\n2026-10-01,收入,1,线上\n2026-10-01,收入,2,线下\n"
        "2026-10-01,收入,4,线上\n2026-10-02,收入,8,\n2026-10-02,收入,16,\n"
    ).encode("gb18030")
    spec = _source(tmp_path, body, columns={"date": "日期", "metric": "指标", "value": "值"})
    reqs = []
    for k, where in enumerate(
        [
            (),
            (("渠道", ("线上",)),),
            (("渠道", ("线下", "线上")),),
            (("渠道", ("没有",)),),
            (("渠道", ("",)),),
        ]
    ):
        reqs.append(Request(f"r{k}", "收入", where, D1, D31, "sum", baseline_on=D1))
    _assert_engines_agree(spec, tmp_path, reqs)


def test_decimal_comma(tmp_path: Path) -> None:
    body = b'date;metric;value\n2026-10-01;a;1,5\n2026-10-01;a;"2,5"\n2026-10-02;a;1.000,25\n'
    spec = _source(tmp_path, body, decimal=",")
    _assert_engines_agree(spec, tmp_path, _requests())


def test_a_filter_on_the_empty_dimension_value(tmp_path: Path) -> None:
    """`where: {ch: ""}` asks for the rows without a channel: the exact reader reads an
    empty cell as '', DuckDB as NULL. Hand-computed: lines 2 and 4 have no channel
    (quoted or not): 1 + 2; line 5 repeats line 2's key and is refused (not 1 + 2 + 8);
    with x: 1 + 2 + 2."""
    body = (
        b"date,metric,value,ch\n2026-10-01,a,1,\n2026-10-01,a,2,x\n"
        b'2026-10-02,a,2,""\n2026-10-01,a,8,\n'
    )
    spec = _source(tmp_path, body)
    empty, both = (("ch", ("",)),), (("ch", ("", "x")),)
    requests = [Request("e", "a", empty, D1, D31, "sum"), Request("b", "a", both, D1, D31, "sum")]
    answer = DuckSource(spec, tmp_path).answer(requests)
    assert (answer["e"].value, answer["b"].value) == (3, 5)
    _assert_engines_agree(spec, tmp_path, requests)


def test_status_with_an_empty_filter_value_is_the_small_files(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        "date,metric,value,channel\n2026-10-01,rev,30,\n2026-10-02,rev,20,web\n"
        '2026-10-01,rev,30,""\n2026-10-02,rev,5,\n'
    )
    # 30 + 5: the repeated 30 is refused
    assert status_in_both_engines(make_repo, monkeypatch, "{channel: ''}", body) == 35


def test_more_duplicated_keys_than_the_cap_are_never_summed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``MAX_DUPLICATE_KEYS`` duplicated keys, the keys DuckDB did not list were
    summed silently. Hand-computed: each of five dates has its first row d and a repeat
    100; the sum over 1..5 is 15, not 315, and every repeat is named (D001)."""
    monkeypatch.setattr(okrctl.metrics.duck_duplicates, "MAX_DUPLICATE_KEYS", 2)
    body = b"date,metric,value\n" + b"".join(
        f"2026-10-0{d},a,{d}\n2026-10-0{d},a,100\n".encode() for d in range(1, 6)
    )
    spec = _source(tmp_path, body)
    duck = DuckSource(spec, tmp_path)
    assert duck.answer([Request("k", "a", (), D1, D31, "sum")])["k"].value == 15
    assert [(p.code, p.line) for p in duck.problems()] == [("D001", 2 * d + 1) for d in range(1, 6)]
    _assert_engines_agree(spec, tmp_path, _requests("a"))


def test_a_huge_refused_duplicate_leaves_the_first_rows_value_exact(tmp_path: Path) -> None:
    """The engine sums every row, then takes the refused duplicates' values out: with a
    repeat of 999999999999999, 0.1 + 999999999999999 rounds to ...999.125 and the
    difference is 0.125. Hand-computed: the first row counts, 0.1; with the channel x,
    0.07 (the repeat of x is refused), and 0.07 + 0.05 over both channels."""
    body = (
        b"date,metric,value,ch\n2026-10-01,a,0.1,\n2026-10-01,a,999999999999999,\n"
        b"2026-10-01,b,0.07,x\n2026-10-01,b,0.05,y\n2026-10-01,b,999999999999999,x\n"
    )
    spec = _source(tmp_path, body)
    requests = [
        Request("a", "a", (), D1, D1, "sum"),
        Request("x", "b", (("ch", ("x",)),), D1, D1, "sum"),
        Request("b", "b", (), D1, D1, "sum"),
    ]
    answer = DuckSource(spec, tmp_path).answer(requests)
    assert answer["a"].value == pytest.approx(0.1, rel=1e-12)
    assert answer["x"].value == pytest.approx(0.07, rel=1e-12)
    assert answer["b"].value == pytest.approx(0.12, rel=1e-12)
    _assert_engines_agree(spec, tmp_path, requests)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_an_empty_metric_name_is_a_metric_and_a_blank_row_is_none(
    tmp_path: Path, encoding: str
) -> None:
    """The exact reader reads an empty metric cell as the metric '' (D013's hint lists
    the file's metrics) and skips a row of blanks (spaces, U+3000 in a UTF-8 file)
    whatever its metric cell holds; DuckDB held the empty cell as NULL and left it out."""
    blank = "\u3000" if encoding == "utf-8" else " "
    body = (
        "date,metric,value,ch\n2026-10-01,,1,\n2026-10-01,,2,x\n2026-10-01,收入,3,\n"
        f" , , ,\n,{blank},,\n"
    ).encode(encoding)
    spec = _source(tmp_path, body)
    assert DuckSource(spec, tmp_path).metrics() == {"", "收入"}
    _assert_engines_agree(spec, tmp_path, _requests("a"))


def test_a_repeated_row_of_the_empty_metric_is_taken_out(tmp_path: Path) -> None:
    """The metric '' (an empty cell): line 3 repeats line 2's key and is refused, line 2
    is no number, so nothing counts and the file has no latest date (stale data is
    judged by it); DuckDB held the metric as NULL, which matched no refused row."""
    body = b"date,metric,value\n2026-10-01,,n/a\n2026-10-01,,5\n2026-09-30,a,1\n"
    spec = _source(tmp_path, body)
    assert DuckSource(spec, tmp_path).latest_date() == dt.date(2026, 9, 30)
    _assert_engines_agree(spec, tmp_path, _requests("a"))


def test_a_row_with_trailing_empty_fields_reads_as_the_header(tmp_path: Path) -> None:
    """Hand-computed: line 3 ends in an extra delimiter, line 4 in two and an empty
    quoted field (DuckDB drops empty fields past the declared columns, so the exact
    reader reads them as empty columns too): both count, 5 + 1 + 2 = 8; a blank extra
    field (line 5) and a value past the header (line 6) are refused (D009)."""
    body = (
        b'date,metric,value\n2026-10-02,a,5\n2026-10-01,a,1,\n2026-10-03,a,2,,""\n'
        b"2026-10-04,a,3, \n2026-10-05,a,4,x\n"
    )
    spec = _source(tmp_path, body)
    duck, table = DuckSource(spec, tmp_path), TableSource(spec, tmp_path)
    for source in (duck, table):
        assert source.answer([Request("k", "a", (), D1, D31, "sum")])["k"].value == 8
        assert [(p.code, p.line) for p in source.problems()] == [("D009", 5), ("D009", 6)]


HOSTILE_GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: O1
    title: 增长
    key_results:
      - {id: KR1, metric: m:收入, where: {渠道: 线上}, aggregate: sum, baseline: 0, target: 100}
      - {id: KR2, metric: m:收入, where: {渠道: ''}, aggregate: sum, baseline: 0, target: 100}
      - {id: KR3, metric: m:收入, where: {渠道: [线下, 没有]}, aggregate: last, baseline: 0,
         target: 100}
      - {id: KR4, metric: m:收入, aggregate: avg, baseline: 0, target: 100}
"""
HOSTILE_BODY = (
    "日期,指标,值,渠道\n2026-10-01,收入,30\u3000,线上\n2026-10-01 00:00:00,收入,99,线上\n"
    '2026-10-01,收入,7,""\n2026-10-02,收入,n/a,线下\n2026-10-02,收入,1_000,线下\n'
    "2026-10-02,收入,5,\n2026-10-02,收入,6,\n2026-10-03,收入,200万,线下\n"
)


@pytest.mark.parametrize("command", ["status", "score", "check", "explain"])
def test_whole_commands_on_a_hostile_gb18030_export_match_the_small_files(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """A GB18030 export with Chinese filter values, an empty and a quoted-empty channel,
    a repeat written as a timestamp, a value with U+3000, a refused first row and a
    repeat after it: every command prints what the small-file reader prints."""
    config = (
        "okrctl: 1\norg: Acme\nunits: [{id: acme, level: company}]\n"
        "cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]\n"
        "metrics: [{name: m, path: metrics/m.csv, layout: long, "
        "columns: {date: 日期, metric: 指标, value: 值}}]\n"
    )
    files = {"goals/a.yaml": HOSTILE_GOALS, "metrics/m.csv": HOSTILE_BODY.encode("gb18030")}
    root = make_repo(files, config=config)
    args = {
        "status": ("status", "-f", "json"),
        "score": ("score", "-f", "json"),
        "check": ("check", "-f", "json"),
        "explain": ("explain", "O1/KR2"),
    }[command] + ("--as-of", "2026-11-30", "-C", str(root))
    if command == "check":
        args = args[:-4] + args[-2:]
    small = run_okrctl(*args)
    monkeypatch.setattr(okrctl.metrics.engine, "LARGE_FILE_BYTES", 0)
    large = run_okrctl(*args)
    assert large.returncode == small.returncode and small.returncode in (0, 1), large.stderr
    assert large.stdout == small.stdout
    if command == "status":
        rows = {r.get("id"): r for r in json.loads(large.stdout)["rows"]}
        # 30 (99 repeats it); 7 + 5 (6 repeats 5); 2,000,000 on 10-03 (n/a, then a repeat)
        assert [rows[f"O1/KR{k}"]["current"] for k in (1, 2, 3)] == [30, 12, 2_000_000]
