"""GB18030 exports read by DuckDB in their Latin-1 view (metrics/duck_view.py): the same
numbers, problems and lines as the exact reader, whatever bytes the file holds."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

import pytest

import okrctl.metrics.duck
from conftest import MakeRepo, run_okrctl
from okrctl.metrics.duck import DuckSource
from okrctl.metrics.duck_view import VALID_CELL, View, view_for
from okrctl.metrics.memory import TableSource
from okrctl.metrics.source import Request
from test_duck_robust import CONFIG, GOALS
from test_metrics_data import (
    _assert_engines_agree,
    _random_requests,
    _source,
    test_engines_agree_on_real_exports,
)

HEADER = "日期,指标,数值,渠道"
COLUMNS = {"date": "日期", "metric": "指标", "value": "数值"}


def _decodes(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _sequences() -> list[bytes]:
    """Every one- and two-byte sequence, and four-byte ones at every edge of the ranges
    Python's codec accepts (lead and third bytes around 0x80, 0x84, 0x90, 0xA4, 0xE3,
    0xFE; second and fourth bytes around the digits)."""
    out = [bytes([a]) for a in range(256)]
    out += [bytes([a, b]) for a in range(0x80, 0x100) for b in range(256)]
    leads = [0x80, 0x81, 0x83, 0x84, 0x85, 0x8F, 0x90, 0xE2, 0xE3, 0xE4, 0xFE, 0xFF]
    digits = [0x2F, 0x30, 0x31, 0x32, 0x33, 0x39, 0x3A]
    thirds = [0x80, 0x81, 0x99, 0x9A, 0x9B, 0xA4, 0xA5, 0xFE, 0xFF]
    out += [bytes([a, b, c, d]) for a in leads for b in digits for c in thirds for d in digits]
    return out


def test_the_validity_expression_is_pythons_codec() -> None:
    """DuckDB's regular expression over a cell's view accepts exactly the byte sequences
    Python's gb18030 codec decodes, so a cell DuckDB passes never fails the exact reader."""
    import duckdb

    sequences = _sequences()
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INT, v VARCHAR)")
    con.execute(
        "INSERT INTO t SELECT unnest(?::INT[]), unnest(?::VARCHAR[])",
        [list(range(len(sequences))), [s.decode("latin-1") for s in sequences]],
    )
    rows = con.execute(
        f"SELECT i, regexp_full_match(v, '{VALID_CELL}') FROM t ORDER BY i"
    ).fetchall()
    disagree = [sequences[i].hex() for i, valid in rows if valid != _decodes(sequences[i])]
    assert disagree == []
    assert 20_000 < sum(valid for _, valid in rows) < len(rows) - 10_000  # both kinds


def test_views_only_where_no_character_holds_a_delimiter() -> None:
    assert view_for("gb18030", ",") == View("gb18030")
    assert view_for("GB18030", "\t") == View("gb18030")
    assert view_for("gb18030", "|") is None  # 0x7C can be a second byte
    assert view_for("gbk", ",") is None  # GBK's valid sequences differ: transcoded
    assert view_for("utf-16", ",") is None
    assert View("gb18030").of("万") == "Íò"
    assert View("gb18030").text("Íò") == "万"


def _export(rows: int, seed: int, names: tuple[str, ...] = ("收入", "利润")) -> list[str]:
    rng = random.Random(seed)
    lines = [HEADER]
    for offset in range(rows):
        day = dt.date(2026, 9, 20) + dt.timedelta(days=offset)
        for metric in names:
            for channel in ("线上", "门店"):
                cents = rng.randrange(-5000, 500000)
                value = rng.choice(
                    [f'"{cents // 100:,}.{cents % 100:02d}"', f"{cents / 1e6:.6f}万", str(cents)]
                )
                lines.append(f"{day.year}/{day.month}/{day.day},{metric},{value},{channel}")
    return lines


def _spec(tmp_path: Path, lines: list[str], *, delimiter: str = ",") -> object:
    body = ("\r\n".join(lines) + "\r\n").encode("gb18030", errors="surrogateescape")
    return _source(
        tmp_path,
        body.replace(b",", delimiter.encode()),
        columns=COLUMNS,
        date_format="%Y/%m/%d",
        delimiter=delimiter,
    )


def _requests(seed: int) -> list[Request]:
    rng = random.Random(seed)
    return [
        Request(
            r.key,
            rng.choice(["收入", "利润", "喆"]),
            rng.choice([(), (("渠道", ("线上",)),), (("渠道", ("线上", "门店")),)]),
            r.start,
            r.end,
            r.aggregate,
            r.baseline_on,
            r.series,
        )
        for r in _random_requests(rng, 30)
    ]


def test_a_file_duckdbs_latin1_reader_refuses_is_scanned_from_a_copy(tmp_path: Path) -> None:
    """喆 (0x86 0xB4) holds a byte DuckDB's latin-1 reader refuses: the scan switches to
    a UTF-8 copy of the view and reads the same numbers, still in SQL."""
    spec = _spec(tmp_path, _export(60, 1, ("收入", "喆")))
    _assert_engines_agree(spec, tmp_path, _requests(1))  # type: ignore[arg-type]
    duck = DuckSource(spec, tmp_path)  # type: ignore[arg-type]
    duck.answer(_requests(1))
    assert duck._fallback is None
    assert duck._scan_of is not None and not duck._scan_of.latin1


@pytest.mark.parametrize("column", ["date", "metric", "value", "dimension", "unnamed"])
@pytest.mark.parametrize("where", [0.2, 0.97])
@pytest.mark.parametrize("byte", ["\udca1", "\udc81"])  # 0x81 is refused by latin-1 too
def test_bytes_that_are_no_gb18030_read_as_the_exact_reader_reads_them(
    tmp_path: Path, column: str, where: float, byte: str
) -> None:
    """A lone lead byte in any cell: both engines count the rows the exact reader reads
    before it and report the same D007 on the same line. Beyond the first megabyte (the
    sniffed head) DuckDB reads the file in its view and scans the lines before the
    bytes: it never hands the file over."""
    lines = _export(9000, 2)  # 36,000 records, 1.3 MB
    if column == "unnamed":
        lines = [line + "," for line in lines]
    at = int(len(lines) * where)
    cells = next(csv.reader([lines[at]]))
    index = {"date": 0, "metric": 1, "value": 2, "dimension": 3, "unnamed": 4}[column]
    cells[index] += byte
    lines[at] = ",".join(f'"{cell}"' if "," in cell else cell for cell in cells)
    spec = _spec(tmp_path, lines)
    table = TableSource(spec, tmp_path)  # type: ignore[arg-type]
    assert "D007" in {p.code for p in table.problems()}
    _assert_engines_agree(spec, tmp_path, _requests(2))  # type: ignore[arg-type]
    duck = DuckSource(spec, tmp_path)  # type: ignore[arg-type]
    duck.answer(_requests(2))
    if where > 0.9:
        assert duck._view is not None and duck._fallback is None
        assert duck._scan_of is not None and duck._scan_of.path != tmp_path / "m.csv"


def test_a_delimiter_a_character_may_hold_is_transcoded(tmp_path: Path) -> None:
    """A `|`-separated GB18030 export is transcoded (0x7C can be a character's second
    byte), and reads the same."""
    spec = _spec(tmp_path, _export(40, 3), delimiter="|")
    _assert_engines_agree(spec, tmp_path, _requests(3))  # type: ignore[arg-type]
    duck = DuckSource(spec, tmp_path)  # type: ignore[arg-type]
    assert duck._view is None


@pytest.mark.parametrize("quick_first", [True, False])
@pytest.mark.parametrize("seed", range(8))
def test_both_orders_of_the_number_chain_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, quick_first: bool
) -> None:
    """The order of the number chain follows a sample of the file; forced either way,
    every export form reads as the exact reader reads it."""
    monkeypatch.setattr(okrctl.metrics.duck, "sampled_export", lambda *_: quick_first)
    test_engines_agree_on_real_exports(tmp_path, seed)


def test_status_of_a_gb18030_export_and_its_utf8_twin_is_one_json(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole command, through DuckDB: the same status JSON from the GB18030 export
    (read in its view) and from the same text in UTF-8, with values that count."""
    import okrctl.metrics.engine

    monkeypatch.setattr(okrctl.metrics.engine, "LARGE_FILE_BYTES", 0)
    text = "\r\n".join(_export(90, 4)) + "\r\n"
    outputs = []
    for encoding in ("gb18030", "utf-8"):
        files = {"goals/a.yaml": GOALS, "metrics/fin.csv": text.encode(encoding)}
        root = make_repo(files, config=CONFIG)
        result = run_okrctl("status", "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout)["rows"])
    assert outputs[0] == outputs[1]
    assert [row.get("current") for row in outputs[0] if row.get("current") is not None]
