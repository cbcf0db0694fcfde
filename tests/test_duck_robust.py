"""The DuckDB engine on broken real exports: no input ever yields exit 3 (issue 13).

A GB18030/CRLF export with quoted thousands once crashed `check` and `status` with a
traceback ("new-line character seen in unquoted field"). These files break the export in
the ways real tools do (CR or CRLF inside quoted cells, a lone CR, a quoted newline, no
final newline, a BOM with CRLF, an unterminated quote): both engines must read the same
numbers and locate the same problems, and the command line exits 0 or 1, never 3. A
DuckDB failure in any step (injected) hands the file to the exact reader.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import MakeRepo, run_okrctl
from okrctl.load.config import MetricSource
from okrctl.metrics.duck import DuckSource
from okrctl.metrics.memory import TableSource
from okrctl.metrics.source import Request

HEADER = "日期,指标,数值,渠道"
COLUMNS = {"date": "日期", "metric": "指标", "value": "数值"}


def _rows() -> list[str]:
    rows = []
    for day in range(1, 31):
        for metric in ("收入", "利润"):
            for channel in ("线上", "门店"):
                cents = day * 1234 + len(metric) * 7 + len(channel)
                value = f'"{cents // 100:,}.{cents % 100:02d}"' if day % 2 else f"{cents}万"
                rows.append(f"2026/10/{day},{metric},{value},{channel}")
    return rows


# each variant: the body's text (before encoding) from the clean rows joined by CRLF
VARIANTS: dict[str, Callable[[list[str]], str]] = {
    "crlf": lambda rows: "\r\n".join([HEADER, *rows]) + "\r\n",
    "crlf inside a quoted cell": lambda rows: (
        "\r\n".join([HEADER, *rows[:20], '2026/10/31,收入,"1,\r\n234",线上', *rows[20:]]) + "\r\n"
    ),
    "a lone CR ends a line": lambda rows: (
        "\r\n".join([HEADER, *rows[:20]]) + "\r" + "\r\n".join(rows[20:]) + "\r\n"
    ),
    "a lone CR inside a field": lambda rows: (
        "\r\n".join([HEADER, *rows[:20], "2026/10/31,收入,12\r3,线上", *rows[20:]]) + "\r\n"
    ),
    "a quoted newline in a name": lambda rows: (
        "\r\n".join([HEADER, *rows[:20], '2026/10/31,"收\n入","1,234",线上', *rows[20:]]) + "\r\n"
    ),
    "no final newline": lambda rows: "\r\n".join([HEADER, *rows]),
    "an unterminated quote": lambda rows: (
        "\r\n".join([HEADER, *rows[:20], '2026/10/31,收入,"1,234,线上', *rows[20:]]) + "\r\n"
    ),
}
ENCODINGS = {"gb18030": "gb18030", "utf-8 with a BOM": "utf-8-sig"}


def _spec(root: Path, body: bytes) -> MetricSource:
    (root / "m.csv").write_bytes(body)
    return MetricSource(
        name="s",
        path="m.csv",
        layout="long",
        columns=COLUMNS,
        encoding=None,
        delimiter=None,
        decimal=".",
        date_format="%Y/%m/%d",
        stale_after=None,
        line=1,
        column=1,
    )


REQUESTS = [
    Request(f"{metric}{where}{aggregate}{start}", metric, where, start, end, aggregate, base)
    for metric in ("收入", "利润")
    for where in ((), (("渠道", ("线上",)),))
    for aggregate in ("sum", "last", "count")
    for start, end, base in [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31), None),
        (dt.date(2026, 10, 10), dt.date(2026, 10, 20), dt.date(2026, 10, 9)),
    ]
]
assert len({r.key for r in REQUESTS}) == len(REQUESTS)


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_engines_agree_on_broken_exports(tmp_path: Path, variant: str, encoding: str) -> None:
    body = VARIANTS[variant](_rows()).encode(ENCODINGS[encoding])
    _assert_agree(_spec(tmp_path, body), tmp_path)


# records as broken exports write them, each on its own date (no duplicates)
BREAKS = [
    '2026/11/{d},收入,"1,\r\n234",线上',  # CR LF inside a quoted cell
    "2026/11/{d},收入,12\r3,线上",  # a lone CR inside a field
    '2026/11/{d},"收\n入","1,234",线上',  # a quoted newline in a name
    '2026/11/{d},利润,"2,345.5\r",门店',  # a CR at the end of a quoted cell
    "2026/11/{d},利润,n/a,门店",  # no number
]


@pytest.mark.parametrize("seed", range(8))
def test_engines_agree_on_randomly_broken_exports(tmp_path: Path, seed: int) -> None:
    """Random mixes of the breaks above, line ends (CR LF, LF, a few lone CRs),
    encodings, a missing final newline and an unterminated quote: both engines read the
    same numbers and locate the same problems, and DuckDB reads every such file itself."""
    rng = random.Random(seed)
    rows = _rows()
    for day in range(1, rng.randrange(2, 6)):
        rows.insert(rng.randrange(len(rows)), rng.choice(BREAKS).format(d=day))
    if rng.random() < 0.25:
        rows.insert(rng.randrange(len(rows)), '2026/11/20,收入,"1,234,线上')
    newline = rng.choice(["\r\n", "\n"])
    text = (
        HEADER
        + "".join(("\r" if rng.random() < 0.03 else newline) + row for row in rows)
        + rng.choice([newline, ""])
    )
    body = text.encode(rng.choice(["gb18030", "utf-8", "utf-8-sig"]))
    _assert_agree(_spec(tmp_path, body), tmp_path)


def _assert_agree(spec: MetricSource, tmp_path: Path) -> None:
    table, duck = TableSource(spec, tmp_path), DuckSource(spec, tmp_path)
    python, duckdb = table.answer(REQUESTS), duck.answer(REQUESTS)
    for request in REQUESTS:
        a, b = python[request.key], duckdb[request.key]
        assert (a.value is None) == (b.value is None), request
        if a.value is not None:
            assert a.value == pytest.approx(b.value), request
        assert (a.last_date, a.dates, a.baseline) == (b.last_date, b.dates, b.baseline)
        assert a.rejected == b.rejected, request
    assert duck.problems() == table.problems()
    assert duck.latest_date() == table.latest_date()
    assert duck.metrics() == table.metrics()
    # read by DuckDB: the exact reader keeps every row in memory, so it never takes
    # over a broken file (it only locates the refused cells)
    assert duck._fallback is None


CONFIG = """\
okrctl: 1
units: [{id: acme, level: company}]
cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]
metrics:
  - {name: fin, path: metrics/fin.csv, date_format: "%Y/%m/%d", stale_after: 7d,
     columns: {date: 日期, metric: 指标, value: 数值}}
"""
GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: rev, metric: fin:收入, aggregate: sum, baseline: 0, target: 10000000}
      - {id: web, metric: fin:收入, where: {渠道: 线上}, baseline: 0, target: 100000}
"""


def _numbers(root: Path) -> tuple[int, list[Any]]:
    result = run_okrctl("status", "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    assert "Traceback" not in result.stderr
    rows = json.loads(result.stdout)["rows"] if result.returncode in (0, 1) else []
    return result.returncode, [(r.get("id"), r.get("current"), r.get("progress")) for r in rows]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_broken_gb18030_exports_never_crash_the_commands(
    make_repo: MakeRepo, engine: str, variant: str
) -> None:
    """The regression of issue 13: `check` and `status` on a GB18030/CRLF export with
    quoted thousands exit 0 or 1 with the broken rows located, on both engines."""
    body = VARIANTS[variant](_rows()).encode("gb18030")
    root = make_repo({"goals/a.yaml": GOALS, "metrics/fin.csv": body}, config=CONFIG)
    result = run_okrctl("check", "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    assert result.returncode in (0, 1), result.stderr
    found = [
        (d["code"], d["line"])
        for d in json.loads(result.stdout)["diagnostics"]
        if d["file"] == "metrics/fin.csv"
    ]
    expected = {
        "crlf": [],
        "crlf inside a quoted cell": [("D002", 22)],  # "1,\r\n234" is no number
        "a lone CR ends a line": [],
        "a lone CR inside a field": [("D009", 22), ("D009", 23)],  # 12 | 3,线上
        "a quoted newline in a name": [],  # the metric 收\n入 is read by no goal
        "no final newline": [],
        "an unterminated quote": [("D010", 22)],  # the quote runs to the end
    }[variant]
    assert sorted(found) == sorted(expected), found
    code, numbers = _numbers(root)
    assert code in (0, 1)
    assert numbers


@pytest.fixture
def failing_duckdb(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[str]]:
    """Make DuckDB fail the first statement containing a given text; the list it returns
    fills with the statements that failed."""
    import duckdb

    import okrctl.metrics.duck as duck_module
    from okrctl.metrics import duck_scan

    failed: list[str] = []

    def arm(marker: str) -> list[str]:
        real_connect = duck_scan.connect

        class Failing:
            def __init__(self, con: Any) -> None:
                self._con = con

            def execute(self, sql: str, *args: Any) -> Any:
                if marker in sql and not failed:
                    failed.append(sql)
                    raise duckdb.IOException(f"injected failure at {marker!r}")
                return self._con.execute(sql, *args)

        def connect(decimal: str, *view: Any) -> Any:
            if marker == "connect":
                failed.append("connect")
                raise duckdb.IOException("injected failure at connect")
            return Failing(real_connect(decimal, *view))

        monkeypatch.setattr(duck_module, "connect", connect)
        return failed

    return arm


STEPS = [
    "connect",  # DuckDB does not start
    "CREATE OR REPLACE TEMP TABLE raw",  # the scan
    "SELECT DISTINCT ds FROM raw",  # the dates
    "CREATE OR REPLACE TEMP TABLE daily",  # the per-date totals
    "INSERT INTO requests",  # the answers
    "bool_or(q_rows >",  # whether a key may have two rows
    "HAVING count(*) > 1",  # the duplicated keys (the file below then has one)
    "max(d) FROM daily",  # the newest date
    "SELECT DISTINCT c",  # check's metric names
]


@pytest.mark.parametrize("step", STEPS)
def test_a_duckdb_error_in_any_step_is_never_a_crash(
    make_repo: MakeRepo,
    monkeypatch: pytest.MonkeyPatch,
    failing_duckdb: Callable[[str], list[str]],
    step: str,
) -> None:
    """Whatever step DuckDB fails in, the exact reader answers: `check` and `status`
    print what the Python engine prints (the same numbers, the same located problems)."""
    import okrctl.metrics.engine

    rows = _rows()
    twice = [rows[5]] if step == "HAVING count(*) > 1" else []  # a duplicate row, D001
    text = "\r\n".join([HEADER, *rows[:20], "2026/10/31,收入,n/a,线上", *rows[20:], *twice])
    body = (text + "\r\n").encode("gb18030")
    root = make_repo({"goals/a.yaml": GOALS, "metrics/fin.csv": body}, config=CONFIG)
    # --no-cache: an unchanged repository's recorded check result would read no data
    args = ("-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    commands = (("check", "--no-cache"), ("status",))
    expected = [run_okrctl(*command, *args) for command in commands]
    monkeypatch.setattr(okrctl.metrics.engine, "LARGE_FILE_BYTES", 0)
    failed = failing_duckdb(step)
    actual = [run_okrctl(*command, *args) for command in commands]
    assert failed, f"no statement contained {step!r}"
    assert [r.returncode for r in actual] == [r.returncode for r in expected] == [1, 0]
    for want, got in zip(expected, actual, strict=True):
        assert json.loads(got.stdout) == json.loads(want.stdout), got.stderr
    problems = [d for d in json.loads(actual[0].stdout)["diagnostics"] if d["code"] == "D002"]
    assert [(d["file"], d["line"], d["column"]) for d in problems] == [("metrics/fin.csv", 22, 15)]
