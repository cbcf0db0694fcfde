"""Metric dumps: exact CSV reading, encodings, numbers, and data-contract diagnostics."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

from conftest import MINIMAL_GOAL, SHARED, MakeRepo, run_okrctl
from okrctl.core.vocabulary import Layout
from okrctl.load.config import MetricSource
from okrctl.metrics.cells import CellError, parse_cell, parse_date
from okrctl.metrics.csvread import CsvError, open_dialect, read_records
from okrctl.metrics.duck import DuckSource
from okrctl.metrics.memory import TableSource
from okrctl.metrics.source import Request
from okrctl.rules.runner import check

SPECTRUM = SHARED / "corpora" / "csv-spectrum"
SPECTRUM_FILES = (
    sorted(p.stem for p in (SPECTRUM / "csvs").glob("*.csv")) if SPECTRUM.exists() else []
)


def _rows(path: Path, encoding: str | None = None) -> list[dict[str, str]]:
    dialect = open_dialect(path, encoding, None)
    header, records = read_records(path, dialect)
    return [dict(zip(header, r.cells, strict=True)) for r in records]


@pytest.mark.skipif(
    not SPECTRUM_FILES,
    reason=f"{SPECTRUM} is absent (the shared corpora sit beside the project in CI only)",
)
@pytest.mark.parametrize("name", SPECTRUM_FILES or ["none"])
def test_csv_spectrum(name: str) -> None:
    path = SPECTRUM / "csvs" / f"{name}.csv"
    expected = json.loads((SPECTRUM / "json" / f"{name}.json").read_text(encoding="utf-8"))
    if name == "location_coordinates":
        # a Latin-1 export already mangled into U+FFFD: reported unless declared
        dialect = open_dialect(path, None, None)
        assert [n.message.split(":")[0] for n in dialect.notices] == [
            "file holds U+FFFD replacement characters"
        ]
        rows = _rows(path, "utf-8")
        assert rows[0]["Location Coordinates"] == expected["Location Coordinates"]
        assert open_dialect(path, "utf-8", None).notices == []
        return
    assert _rows(path) == expected


@pytest.mark.parametrize(
    ("text", "decimal", "value"),
    [
        ("1200", ".", 1200),
        ("1,200", ".", 1200),
        ("45%", ".", 0.45),
        ("200万", ".", 2e6),
        ("1.2M", ".", 1.2e6),
        ("1.234,5", ",", 1234.5),
        ("12,5%", ",", 0.125),
        (" 7 ", ".", 7),
        ("", ".", None),
        ("  ", ",", None),
        ("5.", ".", 5),  # a bare decimal point, as some exports write whole numbers
        ("5.e3", ".", 5000),
        ("5,", ",", 5),
    ],
)
def test_cells(text: str, decimal: str, value: float | None) -> None:
    assert parse_cell(text, decimal) == value


@pytest.mark.parametrize(
    "text", ["n/a", "inf", "NaN", "12 apples", "1,2,3", "#N/A", "#DIV/0!", ".", "1_000", "+-5"]
)
def test_bad_cells(text: str) -> None:
    with pytest.raises(CellError):
        parse_cell(text)


def test_dates_are_iso_unless_a_format_is_declared() -> None:
    assert parse_date("2026-10-05") == dt.date(2026, 10, 5)
    assert parse_date("2026-10-05T08:00:00") == dt.date(2026, 10, 5)
    assert parse_date("2026-10-05 08:00") == dt.date(2026, 10, 5)
    for text in ("05/10/2026", "2026/10/05", "2026-02-30", "Oct 5"):
        with pytest.raises(CellError):
            parse_date(text)
    assert parse_date("05/10/2026", "%d/%m/%Y") == dt.date(2026, 10, 5)


def _source(root: Path, body: bytes, **kw: object) -> MetricSource:
    (root / "m.csv").write_bytes(body)
    spec = dict(
        name="s",
        path="m.csv",
        layout=Layout.LONG,
        columns={},
        encoding=None,
        delimiter=None,
        decimal=".",
        date_format=None,
        stale_after=None,
        line=1,
        column=1,
    )
    spec.update(kw)
    return MetricSource(**spec)  # type: ignore[arg-type]


def test_gb18030_is_detected(tmp_path: Path) -> None:
    body = '日期,收入\n2026-10-01,"1,200"\n'.encode("gb18030")
    spec = _source(tmp_path, body, layout=Layout.WIDE, columns={"date": "日期"})
    source = TableSource(spec, tmp_path)
    assert source.problems() == []
    answer = source.answer([Request("k", "收入", (), dt.date(2026, 10, 1), dt.date(2026, 10, 1))])
    assert answer["k"].value == 1200


def test_semicolons_and_decimal_comma(tmp_path: Path) -> None:
    body = b"date;metric;value\n2026-10-01;a;1.234,5\n2026-10-02;a;12,5%\n"
    source = TableSource(_source(tmp_path, body, decimal=","), tmp_path)
    assert source.problems() == []
    answers = source.answer(
        [Request("k", "a", (), dt.date(2026, 10, 1), dt.date(2026, 10, 2), "sum")]
    )
    assert answers["k"].value == pytest.approx(1234.5 + 0.125)


@pytest.mark.parametrize(
    ("body", "code", "line"),
    [
        (b"", "D010", 1),
        (b"date,metric,value\n", None, 0),
        (b"date,metric,value\n2026-10-01,a,1\n2026-10-01,a,2\n", "D001", 3),
        (b"date,metric,value\n2026-10-01,a,n/a\n", "D002", 2),
        (b"date,metric,value\n2026-10-01,a,inf\n", "D002", 2),
        (b"date,metric,value\n01/10/2026,a,1\n", "D003", 2),
        (b"date,metric,value\n2026-10-01,a,1,extra\n", "D009", 2),
        (b"date,metric,value\n2026-10-01,a,\n", "D008", 2),
        (b"date,metric\n2026-10-01,a\n", "D004", 1),
        (b"date,metric,value\n2026-10-01,a,1\x00\n", "D010", 2),
        (b'date,metric,value\n2026-10-01,a,"1\n', "D010", 2),
        (b"date,metric,value\n2026-10-01,a,1\n2026-10-0", "D009", 3),
        (b"date,metric,value,,\n2026-10-01,a,1,,\n,,,,\n,,\n\n", None, 0),
        (b"date,metric,value,\n2026-10-01,a,1,x\n", "D009", 2),
    ],
    ids=[
        "zero-bytes",
        "header-only",
        "duplicate",
        "non-numeric",
        "non-finite",
        "bad-date",
        "ragged",
        "empty-value",
        "missing-column",
        "nul-byte",
        "unclosed-quote",
        "truncated",
        "excel-trailer",
        "value-in-unnamed-column",
    ],
)
def test_bad_files_give_located_problems(
    tmp_path: Path, body: bytes, code: str | None, line: int
) -> None:
    source = TableSource(_source(tmp_path, body), tmp_path)
    problems = [(p.code, p.line) for p in source.problems()]
    assert problems == ([] if code is None else [(code, line)])


def test_duplicates_name_both_lines(tmp_path: Path) -> None:
    body = b"date,metric,value,channel\n2026-10-01,a,1,x\n2026-10-01,a,1,y\n2026-10-01,a,2,x\n"
    (problem,) = TableSource(_source(tmp_path, body), tmp_path).problems()
    assert (problem.code, problem.line) == ("D001", 4)
    assert "already appears on line 2" in problem.message


# cells a finance or CRM export really holds, that neither engine may count
BAD_VALUES = ["NaN", "nan", "inf", "-inf", "Infinity", "n/a", "#N/A", "#DIV/0!", "#VALUE!"]
BAD_DATES = ["2026-10-5", "2026/10/05", "20261005", "xx", "2026-02-30"]


def _random_long(rng: random.Random, rows: int, dirt: float = 0.0, trailer: int = 0) -> bytes:
    """A long-layout dump; with ``dirt``, that share of rows has a bad value, an empty
    value, a bad or empty date, or a wrong number of fields; ``trailer`` empty columns
    after the data and as many blank rows at the end, as Excel exports them."""
    tail = "," * trailer
    lines = ["date,metric,value,channel" + tail]
    seen = set()
    for _ in range(rows):
        day = dt.date(2026, 9, 20) + dt.timedelta(days=rng.randrange(110))
        key = (day, rng.choice("abc"), rng.choice(["x", "y", "z"]))
        if key in seen:
            continue
        seen.add(key)
        date, value = str(key[0]), str(rng.randrange(-50, 500) / 4)
        roll = rng.random()
        if roll < dirt / 4:
            value = rng.choice(BAD_VALUES)
        elif roll < dirt / 2:
            value = rng.choice(["", "  "])
        elif roll < 3 * dirt / 4:
            date = rng.choice([*BAD_DATES, ""])
        elif roll < dirt:
            tail_cells = rng.choice([",extra", ""]) if not trailer else ","
            lines.append(f"{date},{key[1]},{value}" + tail_cells)
            continue
        lines.append(f"{date},{key[1]},{value},{key[2]}" + tail)
    lines += ["," * (3 + trailer)] * trailer
    return ("\n".join(lines) + "\n").encode()


def _random_requests(rng: random.Random, count: int) -> list[Request]:
    requests = []
    for i in range(count):
        start = dt.date(2026, 10, 1) + dt.timedelta(days=rng.randrange(30))
        where = rng.choice([(), (("channel", ("x",)),), (("channel", ("x", "z")),)])
        requests.append(
            Request(
                f"r{i}",
                rng.choice("abcd"),
                where,
                start,
                start + dt.timedelta(days=rng.randrange(60)),
                rng.choice(["last", "sum", "avg", "min", "max", "count"]),
                baseline_on=rng.choice([start, start - dt.timedelta(days=9), None]),
                series=rng.random() < 0.3,
            )
        )
    return requests


def _assert_engines_agree(spec: MetricSource, root: Path, requests: list[Request]) -> None:
    """Same numbers, same problems (code, line, column, message), same input left out,
    and every answer names the same rejected lines."""
    table, duck = TableSource(spec, root), DuckSource(spec, root)
    python, duckdb = table.answer(requests), duck.answer(requests)
    for request in requests:
        a, b = python[request.key], duckdb[request.key]
        assert (a.value is None) == (b.value is None), request
        if a.value is not None:
            assert a.value == pytest.approx(b.value), request
        assert (a.last_date, a.dates, a.baseline_date) == (b.last_date, b.dates, b.baseline_date)
        assert (a.baseline is None) == (b.baseline is None), request
        if a.baseline is not None:
            assert a.baseline == pytest.approx(b.baseline), request
        assert [d for d, _ in a.series] == [d for d, _ in b.series]
        assert a.rejected == b.rejected, request
        assert a.baseline_rejected == b.baseline_rejected, request
    assert duck.problems() == table.problems()
    assert duck.rejected() == table.rejected()
    assert duck.latest_date() == table.latest_date()
    assert duck.metrics() == table.metrics()


@pytest.mark.parametrize("seed", range(5))
def test_duckdb_and_python_sources_agree(tmp_path: Path, seed: int) -> None:
    """Both engines answer every aggregate the same, to the last digit that matters."""
    rng = random.Random(seed)
    spec = _source(tmp_path, _random_long(rng, 400))
    _assert_engines_agree(spec, tmp_path, _random_requests(rng, 40))


@pytest.mark.parametrize("seed", range(6))
def test_engines_refuse_the_same_cells(tmp_path: Path, seed: int) -> None:
    """NaN, inf, n/a, Excel's #N/A / #DIV/0! / #VALUE!, empty values, dates that are not
    dates, ragged rows: both engines leave out exactly the same cells, report them with
    the same code, line and message, and name them in the answers they touch; Excel's
    blank trailer rows and empty trailing columns are no problem to either."""
    rng = random.Random(seed)
    spec = _source(tmp_path, _random_long(rng, 400, dirt=0.2, trailer=seed % 3))
    table = TableSource(spec, tmp_path)
    codes = {p.code for p in table.problems()}
    assert {"D002", "D003", "D008"} <= codes  # the generator made each kind
    _assert_engines_agree(spec, tmp_path, _random_requests(rng, 40))


def _random_wide(rng: random.Random, days: int) -> bytes:
    """A wide dump: one row per date, metrics a, b, c; some cells refused, some empty,
    some dates unreadable, two empty columns after the data and blank rows at the end."""
    lines = ["date,a,b,c,,"]
    for offset in rng.sample(range(120), days):
        day = str(dt.date(2026, 9, 20) + dt.timedelta(days=offset))
        if rng.random() < 0.1:
            day = rng.choice([*BAD_DATES, ""])
        cells = []
        for _ in "abc":
            roll = rng.random()
            if roll < 0.1:
                cells.append(rng.choice(BAD_VALUES))
            elif roll < 0.2:
                cells.append("")
            else:
                cells.append(str(rng.randrange(-50, 500) / 4))
        lines.append(",".join([day, *cells, "", ""]))
    lines += [",,,,,"] * 2
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("seed", range(4))
def test_engines_agree_on_random_wide_dumps(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    spec = _source(tmp_path, _random_wide(rng, 60), layout=Layout.WIDE)
    requests = [
        Request(r.key, rng.choice("abc"), (), r.start, r.end, r.aggregate, r.baseline_on)
        for r in _random_requests(rng, 30)
    ]
    _assert_engines_agree(spec, tmp_path, requests)


def test_engines_agree_on_a_wide_gb18030_export(tmp_path: Path) -> None:
    """A finance export: Chinese headers, Excel error cells in some columns, blank
    trailer rows and empty trailing columns. A refused cell costs its row nothing else:
    the other columns of that date still count, in both engines."""
    body = (
        "日期,营业收入,毛利率,,\n"
        "2026-09-30,100,40%,,\n"
        "2026-10-31,120,#DIV/0!,,\n"
        "2026-11-30,#N/A,42%,,\n"
        "2026-12-31,#VALUE!,NaN,,\n"
        ",,,,\n"
        ",,,,\n"
    ).encode("gb18030")
    spec = _source(tmp_path, body, layout=Layout.WIDE, columns={"date": "日期"})
    requests = [
        Request("rev", "营业收入", (), dt.date(2026, 10, 1), dt.date(2026, 12, 31), "sum"),
        Request("gm", "毛利率", (), dt.date(2026, 10, 1), dt.date(2026, 12, 31), "avg"),
        Request("gm-nov", "毛利率", (), dt.date(2026, 11, 1), dt.date(2026, 11, 30), "last"),
    ]
    _assert_engines_agree(spec, tmp_path, requests)
    answers = DuckSource(spec, tmp_path).answer(requests)
    # revenue: only October counts (120); November #N/A and December #VALUE! are refused
    assert answers["rev"].value == 120
    assert [r.problem.line for r in answers["rev"].rejected] == [4, 5]
    # margin: only November counts (0.42): October #DIV/0!, December NaN refused
    assert answers["gm-nov"].value == pytest.approx(0.42)
    assert [(r.problem.line, r.problem.cell) for r in answers["gm"].rejected] == [
        (3, "#DIV/0!"),
        (5, "NaN"),
    ]
    assert {(p.code, p.line, p.column) for p in TableSource(spec, tmp_path).problems()} == {
        ("D002", 3, 3),
        ("D002", 4, 2),
        ("D002", 5, 2),
        ("D002", 5, 3),
    }


def test_the_last_row_of_a_large_file_is_checked(tmp_path: Path) -> None:
    """A dump whose last row reads NaN: the DuckDB engine reports it (D002, its line)
    like the small-file reader; it used to drop it without a word."""
    body = b"date,metric,value\n" + b"2026-10-01,x,1\n" * 1 + b"2026-11-05,x,NaN\n"
    spec = _source(tmp_path, body)
    source = DuckSource(spec, tmp_path)
    assert [(p.code, p.line, p.cell) for p in source.problems()] == [("D002", 3, "NaN")]
    answer = source.answer([Request("k", "x", (), dt.date(2026, 10, 1), dt.date(2026, 11, 30))])
    assert answer["k"].value == 1
    assert [r.problem.line for r in answer["k"].rejected] == [3]
    assert source.latest_date() == dt.date(2026, 10, 1)  # the newest value that counts


@pytest.mark.parametrize(
    ("decimal", "cells"),
    [
        (".", ["1_000", "+-5", "5.", "7"]),  # DuckDB reads the first two, okrctl does not
        (",", ["1.234,5", "72,5", "1.5", "3"]),  # okrctl drops the dots, DuckDB would not
        (".", ["45%", "1,200", "200万", "3"]),  # okrctl reads these, DuckDB does not
    ],
)
def test_engines_agree_where_their_number_readers_differ(
    tmp_path: Path, decimal: str, cells: list[str]
) -> None:
    sep = ";" if decimal == "," else ","
    body = f"date{sep}metric{sep}value\n" + "".join(
        f'2026-10-{i + 1:02d}{sep}a{sep}"{cell}"\n' for i, cell in enumerate(cells)
    )
    spec = _source(tmp_path, body.encode(), decimal=decimal, delimiter=sep)
    requests = [Request("k", "a", (), dt.date(2026, 10, 1), dt.date(2026, 10, 31), "sum")]
    _assert_engines_agree(spec, tmp_path, requests)


def test_duckdb_source_reports_problems_with_lines(tmp_path: Path) -> None:
    body = (
        b"date,metric,value\n2026-10-01,a,1\n2026-10-02,a,n/a\n2026-13-01,a,2\n"
        b"2026-10-03,a,3,extra\n2026-10-01,a,5\n"
    )
    source = DuckSource(_source(tmp_path, body), tmp_path)
    source.answer([Request("k", "a", (), dt.date(2026, 10, 1), dt.date(2026, 10, 31), "sum")])
    assert sorted((p.code, p.line) for p in source.problems()) == [
        ("D001", 6),
        ("D002", 3),
        ("D003", 4),
        ("D009", 5),
    ]


def test_duckdb_source_falls_back_for_numbers_it_cannot_read(tmp_path: Path) -> None:
    body = b"date,metric,value\n2026-10-01,a,45%\n2026-10-02,a,200\xe4\xb8\x87\n"
    source = DuckSource(_source(tmp_path, body), tmp_path)
    answer = source.answer(
        [Request("k", "a", (), dt.date(2026, 10, 1), dt.date(2026, 10, 2), "sum")]
    )
    assert answer["k"].value == pytest.approx(0.45 + 2_000_000)
    assert source.problems() == []


def test_csv_errors_are_not_tracebacks(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_bytes(b"\xff\xfeu\x00")
    with pytest.raises(CsvError):
        open_dialect(tmp_path / "x.csv", None, None)


GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, metric: crm:users, baseline: 1, target: 10}
      - {id: ghost, metric: crm:userz, baseline: 1, target: 10}
      - {id: chan, metric: crm:users, where: {chanel: x}, baseline: 1, target: 10}
"""


def test_data_contracts_in_check(make_repo: MakeRepo) -> None:
    config = """\
    okrctl: 1
    units: [{id: acme, level: company}]
    cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]
    metrics: [{name: crm, path: metrics/crm.csv, stale_after: 7d}]
    """
    root = make_repo({"goals/a.yaml": GOALS}, config=config)
    (root / "metrics" / "crm.csv").write_text(
        "date,metric,value,channel\n2026-10-01,users,5,x\n2026-10-01,users,6,x\n"
        "2026-10-02,users,oops,x\n",
        encoding="utf-8",
    )
    result = run_okrctl("check", "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    found = {(d["code"], d["file"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert {
        ("D001", "metrics/crm.csv", 3),
        ("D002", "metrics/crm.csv", 4),
        ("D013", "goals/a.yaml", 7),
        ("D004", "goals/a.yaml", 8),
        ("D006", "okrctl.yaml", 4),
    } <= found
    typo = next(d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "D013")
    assert typo["severity"] == "error"
    assert typo["message"] == (
        "key result 'CO-1/ghost' reads metric 'userz', which does not occur in "
        "metrics/crm.csv; did you mean 'users'?"
    )
    assert typo["hint"] == "metrics in metrics/crm.csv: users"
    assert result.returncode == 1
    skipped = run_okrctl("check", "-f", "json", "--no-data", "-C", str(root))
    assert not any(d["code"].startswith("D") for d in json.loads(skipped.stdout)["diagnostics"])


def _check_data(make_repo: MakeRepo, csv_text: str, **source: str) -> list[dict[str, object]]:
    """`okrctl check -f json` over one long-layout source read by one key result."""
    extra = "".join(f", {k}: '{v}'" for k, v in source.items())
    config = f"""\
    okrctl: 1
    units: [{{id: acme, level: company}}]
    cycles: [{{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}}]
    metrics: [{{name: crm, path: metrics/crm.csv{extra}}}]
    """
    goals = """\
    defaults: {cycle: 2026-Q4, unit: acme}
    objectives:
      - id: CO-1
        title: Grow
        key_results:
          - {id: users, metric: crm:users, baseline: 1, target: 10}
    """
    root = make_repo({"goals/a.yaml": goals}, config=config)
    (root / "metrics" / "crm.csv").write_text(csv_text, encoding="utf-8")
    result = run_okrctl("check", "-f", "json", "--as-of", "2026-12-31", "-C", str(root))
    return [d for d in json.loads(result.stdout)["diagnostics"] if d["file"] == "metrics/crm.csv"]


def test_repeated_date_errors_are_one_diagnostic_with_the_fix(make_repo: MakeRepo) -> None:
    """295 dates written 2026/10/01 are one error: the count, the first lines and the
    date_format that reads them, not 295 lines."""
    start = dt.date(2026, 1, 1)
    rows = [f"{(start + dt.timedelta(days=i)).strftime('%Y/%m/%d')},users,{i}" for i in range(295)]
    found = _check_data(make_repo, "date,metric,value\n" + "\n".join(rows) + "\n")
    assert len(found) == 1
    (d003,) = found
    assert (d003["code"], d003["line"], d003["column"]) == ("D003", 2, 1)
    assert d003["message"] == (
        "295 dates are not ISO dates (YYYY-MM-DD): '2026/01/01', '2026/01/02', "
        "'2026/01/03', ..., on lines 2, 3, 4, 5, 6 and 290 more"
    )
    assert d003["hint"] == 'set `date_format: "%Y/%m/%d"` on the source: all of them read that way'


@pytest.mark.parametrize(
    ("dates", "hint"),
    [
        # day 13 and above: the values tell day/month/year apart
        (["13/10/2026", "05/11/2026"], 'set `date_format: "%d/%m/%Y"`'),
        (["10/13/2026", "11/05/2026"], 'set `date_format: "%m/%d/%Y"`'),
        (["05/10/2026", "06/10/2026"], "okrctl does not guess"),  # could be either
        (["2026年10月05日"], 'set `date_format: "%Y年%m月%d日"`'),
        (["2026.10.05"], 'set `date_format: "%Y.%m.%d"`'),
        (["2026-10-05 8:00:00"], 'set `date_format: "%Y-%m-%d %H:%M:%S"`'),
    ],
)
def test_date_errors_name_the_format_that_reads_them(
    make_repo: MakeRepo, dates: list[str], hint: str
) -> None:
    body = "date,metric,value\n" + "".join(f"{d},users,{i}\n" for i, d in enumerate(dates))
    found = _check_data(make_repo, body)
    assert [d["code"] for d in found] == ["D003"] * len(dates)
    assert all(hint in (d["hint"] or "") for d in found)


def test_repeated_excel_errors_are_one_diagnostic(make_repo: MakeRepo) -> None:
    body = "date,metric,value\n2026-10-01,users,1\n" + "".join(
        f"2026-10-{i:02d},users,{'#N/A' if i % 3 else '#DIV/0!'}\n" for i in range(2, 12)
    )
    (found,) = _check_data(make_repo, body)
    # days 2..11: #DIV/0! on 3, 6, 9 (3 cells), #N/A on the other 7
    assert found["message"] == (
        "10 values are not finite numbers: '#N/A' (7), '#DIV/0!' (3), "
        "on lines 3, 4, 5, 6, 7 and 5 more"
    )
    assert "Excel error value" in found["hint"]


def test_three_problems_of_a_kind_stay_apart(make_repo: MakeRepo) -> None:
    body = "date,metric,value\n2026-10-01,users,n/a\n2026-10-02,users,x\n2026-10-03,users,y\n"
    found = _check_data(make_repo, body)
    assert [(d["code"], d["line"]) for d in found] == [("D002", 2), ("D002", 3), ("D002", 4)]


FIN_CONFIG = """\
okrctl: 1
units: [{id: acme, level: company}]
cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]
metrics: [{name: fin, path: metrics/fin.csv, layout: wide%s}]
"""
FIN_GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: revenue, metric: fin:营业收入, baseline: 100, target: 200}
"""


def _fin_check(make_repo: MakeRepo, body: str, columns: str = "") -> list[dict[str, object]]:
    root = make_repo({"goals/a.yaml": FIN_GOALS}, config=FIN_CONFIG % columns)
    (root / "metrics" / "fin.csv").write_bytes(body.encode("gb18030"))
    result = run_okrctl("check", "-f", "json", "--as-of", "2026-12-31", "-C", str(root))
    return [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] != "A012"]


def test_a_metric_whose_rows_were_all_rejected_is_not_unknown(make_repo: MakeRepo) -> None:
    """营业收入 occurs, but its only rows in the cycle are #N/A and #DIV/0!: the goal is told
    so, with the count and the lines, never that the metric does not occur."""
    body = "日期,营业收入\n2026-10-31,#N/A\n2026-11-30,#DIV/0!\n"
    found = _fin_check(make_repo, body, ", columns: {date: 日期}")
    d005 = next(d for d in found if d["code"] == "D005")
    assert d005["message"] == (
        "key result 'CO-1/revenue': fin:营业收入 has no usable rows from 2026-10-01 to "
        "2026-12-31: 2 rejected (D002), on lines 2, 3 of metrics/fin.csv"
    )
    assert not any(d["code"] == "D013" for d in found)


def test_a_missing_columns_mapping_names_the_headers(make_repo: MakeRepo) -> None:
    """A Chinese export read without `columns: {date: 日期}`: the goal hears which header
    was expected and which exist, and the hint names the mapping; not "does not occur"."""
    body = "日期,营业收入\n2026-10-31,120\n"
    found = _fin_check(make_repo, body)
    assert {(d["code"], d["file"]) for d in found} == {
        ("D004", "metrics/fin.csv"),
        ("D005", "goals/a.yaml"),
    }
    d005 = next(d for d in found if d["code"] == "D005")
    assert d005["message"] == (
        "key result 'CO-1/revenue': fin:营业收入 has no rows: metrics/fin.csv could not be "
        "read: header has no date column 'date' (columns: 日期, 营业收入)"
    )
    assert d005["hint"] == "map it with `columns: {date: 日期}` on the source"


def test_duplicates_in_a_large_file_are_located_with_bounded_memory(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the size limit DuckDB finds the duplicated keys (a GROUP BY that spills to
    disk); the exact reader then tracks only rows with those keys, not every row."""
    import okrctl.metrics.engine
    from okrctl.metrics import rows

    monkeypatch.setattr(okrctl.metrics.engine, "LARGE_FILE_BYTES", 0)
    lines = ["date,metric,value,channel"]
    for day in range(1, 31):
        for channel in range(50):  # 1,500 distinct keys
            lines.append(f"2026-10-{day:02d},users,{channel},c{channel}")
    lines.append("2026-10-07,users,9,c3")  # line 1,502: repeats line 2 + 6 x 50 + 3 = 305
    lines.append("2026-10-20,users,9,c0")  # line 1,503: repeats line 2 + 19 x 50 = 952
    root = make_repo(
        {
            "goals/a.yaml": MINIMAL_GOAL.replace("{id: users,", "{id: users, metric: crm:users,"),
            "metrics/crm.csv": "\n".join(lines) + "\n",
        }
    )
    most = 0
    original = rows.RowReader._read_long

    def tracking(self: rows.RowReader, line: int, cells: list[str]) -> None:
        nonlocal most
        original(self, line, cells)
        most = max(most, len(self._seen))

    monkeypatch.setattr(rows.RowReader, "_read_long", tracking)
    result = check(root, use_cache=False, as_of=dt.date(2026, 11, 30))
    found = [(d.code, d.line) for d in result.diagnostics if d.code == "D001"]
    assert found == [("D001", 1502), ("D001", 1503)]
    assert 0 < most <= 2  # the two duplicated keys, never the 1,500 others


@pytest.mark.parametrize(
    ("declared", "written", "looks"),
    [("utf-8", "gb18030", "GB18030"), ("gb18030", "utf-8", "UTF-8")],
)
def test_a_wrong_encoding_declaration_names_the_encoding_the_file_looks_like(
    make_repo: MakeRepo, engine: str, declared: str, written: str, looks: str
) -> None:
    """`encoding: utf-8` on a GB18030 export (or the reverse, which would read as mojibake
    without any error): D007 at the file, saying what the bytes look like, with the fix;
    never a raw codec error or a crash, with either engine."""
    config = FIN_CONFIG % f", columns: {{date: 日期}}, encoding: {declared}"
    root = make_repo({"goals/a.yaml": FIN_GOALS}, config=config)
    body = "日期,营业收入\n2026-10-31,120\n2026-11-30,150\n"
    (root / "metrics" / "fin.csv").write_bytes(body.encode(written))
    result = run_okrctl("check", "-f", "json", "--as-of", "2026-12-31", "-C", str(root))
    assert result.returncode == 1, result.stderr
    (d007,) = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "D007"]
    assert d007["file"] == "metrics/fin.csv" and d007["line"] == 1
    assert d007["message"].startswith(f"the file is not {declared} as its source declares")
    assert d007["message"].endswith(f"this looks like {looks}")
    assert d007["hint"].startswith(f"declare `encoding: {written}` on the source")
    assert "codec" not in d007["message"]


def test_a_gb18030_goal_file_is_named_as_such(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL.replace("Grow", "增长").encode("gb18030")})
    result = run_okrctl("check", "-C", str(root), "--no-data")
    assert (
        "error Y003 file is not UTF-8: byte 0xd4 cannot be decoded; this looks like "
        "GB18030" in result.stdout
    )
    assert "`iconv -f gb18030 -t utf-8`" in result.stdout


# how finance, CRM and ERP exports write a number (docs/metrics.md, "Cells")
def _export_cell(rng: random.Random, number: int, decimal: str) -> str:
    """``number`` (hundredths) as an export writes it; every form means the same value
    to both engines, so the property below compares what each reads."""
    whole, cents = divmod(abs(number), 100)
    sign = "-" if number < 0 else ""
    point = "," if decimal == "," else "."
    forms = [
        f"{sign}{whole}{point}{cents:02d}",
        f'"{sign}{whole:,}.{cents:02d}"',  # quoted thousands: 1,234.50
        f"{sign}{whole}{point}{cents:02d}%",
        f"{sign}{whole}{point}{cents:02d}万",
        f"{sign}{whole}{point}{cents:02d}亿",
        f"{sign}{whole}{point}{cents:02d}K",
        f"{sign}{whole}{point}{cents:02d}M",
        f"{sign}¥{whole}{point}{cents:02d}",
        f"￥{sign}{whole}{point}{cents:02d}",
        f" {sign}{whole}{point}{cents:02d} 万",
        f"{sign}{whole}.",
    ]
    if decimal == ",":  # 1.234,50
        forms[1] = '"' + f"{sign}{whole:,}".replace(",", ".") + f',{cents:02d}"'
        forms[-1] = f"{sign}{whole}"
    return rng.choice(forms)


EXPORT_DATES = {
    "%Y/%m/%d": lambda d: f"{d.year}/{d.month}/{d.day}",
    "%Y年%m月%d日": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "%Y-%m-%d %H:%M:%S": lambda d: f"{d.isoformat()} 00:00:00",
}


@pytest.mark.parametrize("seed", range(8))
def test_engines_agree_on_real_exports(tmp_path: Path, seed: int) -> None:
    """GB18030 or UTF-8 (with or without BOM), CRLF, CR or LF line ends, Chinese headers,
    quoted thousands, 万/亿/K/M, percentages, yuan signs, decimal commas and the date
    forms of ``date_format``: both engines read the same numbers, and refuse the same
    cells on the same lines. DuckDB reads all of them itself, in SQL: it never hands
    such a file to the Python reader."""
    rng = random.Random(seed)
    decimal = "," if seed % 4 == 3 else "."
    sep = ";" if decimal == "," else ","
    date_format = list(EXPORT_DATES)[seed % 3]
    lines = [sep.join(["日期", "指标", "数值", "渠道"])]
    for offset in range(70):
        day = dt.date(2026, 9, 20) + dt.timedelta(days=offset)
        for metric in ("收入", "利润"):
            for channel in ("线上", "门店"):
                cell = _export_cell(rng, rng.randrange(-5000, 500000), decimal)
                if rng.random() < 0.02:
                    cell = rng.choice(["#N/A", "n/a", "--"])
                lines.append(sep.join([EXPORT_DATES[date_format](day), metric, cell, channel]))
    newline = ["\r\n", "\n", "\r"][seed % 3]
    encoding = ["gb18030", "utf-8", "utf-8-sig"][seed % 3 if seed % 3 else 0]
    body = (newline.join(lines) + newline).encode(encoding)
    spec = _source(
        tmp_path,
        body,
        columns={"date": "日期", "metric": "指标", "value": "数值"},
        date_format=date_format,
        decimal=decimal,
        delimiter=sep,
    )
    rng2 = random.Random(seed)
    requests = [
        Request(
            r.key,
            rng2.choice(["收入", "利润"]),
            rng2.choice([(), (("渠道", ("线上",)),), (("渠道", ("线上", "门店")),)]),
            r.start,
            r.end,
            r.aggregate,
            r.baseline_on,
            r.series,
        )
        for r in _random_requests(rng2, 30)
    ]
    _assert_engines_agree(spec, tmp_path, requests)
    duck = DuckSource(spec, tmp_path)
    duck.answer(requests)
    assert duck._fallback is None  # read in SQL, not by the Python reader
