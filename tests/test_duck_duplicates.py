"""Duplicate rows in large files (metrics/duck_duplicates.py): the DuckDB engine answers
as the exact reader does, which counts the first row of a key and refuses the others
(D001, located), never a sum of both; and a file without duplicates costs no second scan."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

import okrctl.metrics.bounded
import okrctl.metrics.duck
import okrctl.metrics.duck_duplicates
from conftest import MakeRepo, run_okrctl
from okrctl.core.vocabulary import Layout
from okrctl.metrics.duck import DuckSource
from okrctl.metrics.memory import TableSource
from okrctl.metrics.source import Request
from test_metrics_data import _assert_engines_agree, _random_requests, _source

CHANNELS = ["x", "y", "z", "", "渠道一", "渠道二"]


def _dumps(rng: random.Random, rows: int, channels: list[str], duplicates: int) -> str:
    """A long dump with a channel column; ``duplicates`` rows repeat an earlier key: the
    same row again, another value, the same date written as a timestamp, or a bad value
    on either side."""
    lines, keys = [], []
    for _ in range(rows):
        day = dt.date(2026, 9, 25) + dt.timedelta(days=rng.randrange(60))
        key = (day, rng.choice("abc"), rng.choice(channels))
        if key in keys:
            continue
        keys.append(key)
        lines.append(f"{key[0]},{key[1]},{rng.randrange(-40, 400) / 4},{key[2]}")
    for _ in range(duplicates):
        at = rng.randrange(len(lines))
        day, metric, channel = keys[at]
        form = rng.randrange(4)
        date = f"{day}T00:00:00" if form == 2 else str(day)
        value = ["n/a", str(rng.randrange(100))][form % 2] if form else lines[at].split(",")[2]
        lines.insert(rng.randrange(at + 1, len(lines) + 1), f"{date},{metric},{value},{channel}")
        keys.insert(lines.index(f"{date},{metric},{value},{channel}"), keys[at])
    return "date,metric,value,channel\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("bits", [64, 2])  # 2: the mask collides all the time
@pytest.mark.parametrize("seed", range(6))
def test_duplicate_rows_count_once_in_both_engines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, bits: int
) -> None:
    monkeypatch.setattr(okrctl.metrics.duck_duplicates, "MASK_BITS", bits)
    rng = random.Random(seed)
    channels = CHANNELS[: 2 + seed % 5]
    text = _dumps(rng, 300, channels, duplicates=seed % 3 * 4)
    encoding = "gb18030" if seed % 2 else "utf-8"
    spec = _source(tmp_path, text.encode(encoding), encoding=encoding if seed % 2 else None)
    table = TableSource(spec, tmp_path)
    assert bool(seed % 3) == any(p.code == "D001" for p in table.problems())
    _assert_engines_agree(spec, tmp_path, _random_requests(rng, 40))


def test_a_repeated_row_is_counted_once_not_summed(tmp_path: Path) -> None:
    """Hand-computed: x on 10-01 is 5 (the first row); the repeat is refused, located."""
    body = (
        b"date,metric,value,channel\n2026-10-01,x,5,web\n2026-10-01,x,2,shop\n"
        b"2026-10-01T00:00:00,x,5,web\n2026-10-02,x,1,web\n"
    )
    spec = _source(tmp_path, body)
    web = (("channel", ("web",)),)
    day, next_day = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
    request = Request("k", "x", web, day, next_day, "sum", series=True)
    duck = DuckSource(spec, tmp_path)
    answer = duck.answer([Request("all", "x", (), day, day, "sum"), request])
    assert answer["all"].value == 7  # 5 + 2, not 12
    assert answer["k"].value == 6 and answer["k"].series == ((day, 5.0), (next_day, 1.0))
    assert [(r.problem.code, r.problem.line) for r in answer["k"].rejected] == [("D001", 4)]
    assert [(p.code, p.line) for p in duck.problems()] == [("D001", 4)]


def test_wide_files_with_a_date_twice(tmp_path: Path) -> None:
    body = b"date,a,b\n2026-10-01,1,2\n2026-10-02,3,4\n2026-10-01,10,20\n"
    spec = _source(tmp_path, body, layout=Layout.WIDE)
    first, last = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
    requests = [Request(m, m, (), first, last, "sum") for m in "ab"]
    duck = DuckSource(spec, tmp_path)
    assert [duck.answer(requests)[m].value for m in "ab"] == [4, 6]
    _assert_engines_agree(spec, tmp_path, requests)


def test_a_file_without_duplicates_is_scanned_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question of which keys repeat costs a second scan: asked only when the first
    scan's groups say a key may repeat, in status and in check alike."""
    asked: list[str] = []
    real = okrctl.metrics.duck.duplicate_keys
    monkeypatch.setattr(
        okrctl.metrics.duck, "duplicate_keys", lambda *a: asked.append("scan") or real(*a)
    )
    rng = random.Random(7)
    request = Request("k", "a", (), dt.date(2026, 10, 1), dt.date(2026, 10, 31), "sum")
    clean = _source(tmp_path, _dumps(rng, 300, CHANNELS, duplicates=0).encode())
    source = DuckSource(clean, tmp_path)
    source.answer([request])
    assert source.problems() == [] and asked == []
    dirty = _source(tmp_path, _dumps(rng, 300, CHANNELS, duplicates=1).encode())
    source = DuckSource(dirty, tmp_path)
    source.answer([request])
    assert [p.code for p in source.problems()] == ["D001"] and asked == ["scan"]


ONE_SOURCE = (
    "okrctl: 1\norg: Acme\nunits: [{id: acme, level: company}]\n"
    "cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]\n"
    "metrics: [{name: m, path: metrics/m.csv, layout: long}]\n"
)


def status_in_both_engines(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, where: str, body: str
) -> object:
    """The current value of O1/KR1 (``rev`` summed under ``where``) in status JSON,
    asserted equal whole between the small-file reader and DuckDB."""
    import okrctl.metrics.engine

    goals = (
        "defaults: {cycle: 2026-Q4, unit: acme}\nobjectives:\n  - id: O1\n    title: Grow\n"
        f"    key_results:\n      - {{id: KR1, metric: m:rev, where: {where}, "
        "aggregate: sum, baseline: 0, target: 100}\n"
    )
    root = make_repo({"goals/a.yaml": goals, "metrics/m.csv": body}, config=ONE_SOURCE)
    args = ("status", "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    small = run_okrctl(*args)
    monkeypatch.setattr(okrctl.metrics.engine, "LARGE_FILE_BYTES", 0)
    large = run_okrctl(*args)
    assert large.returncode == small.returncode == 0, large.stderr
    assert json.loads(large.stdout) == json.loads(small.stdout)
    (row,) = [r for r in json.loads(large.stdout)["rows"] if r.get("id") == "O1/KR1"]
    return row["current"]


def test_status_of_a_large_file_with_a_duplicate_row_is_the_small_files(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole command: status JSON of a file read by DuckDB equals the exact reader's
    when a row repeats (the repeat refused and named, not summed)."""
    body = (
        "date,metric,value,channel\n2026-10-01,rev,30,web\n2026-10-02,rev,20,web\n"
        "2026-10-01,rev,30,web\n2026-10-02,rev,5,shop\n"
    )
    # 30 + 20: the repeated 30 is not counted
    assert status_in_both_engines(make_repo, monkeypatch, "{channel: web}", body) == 50


def test_an_export_sorted_by_channel_is_scanned_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export sorted by channel shows one channel in its first kilobytes: the
    dimension values are sampled over the whole file, so the mask still proves it has no
    duplicate without a second scan."""
    asked: list[str] = []
    real = okrctl.metrics.duck.duplicate_keys
    monkeypatch.setattr(
        okrctl.metrics.duck, "duplicate_keys", lambda *a: asked.append("scan") or real(*a)
    )
    lines = ["date,metric,value,channel"]
    for channel in range(12):
        for day in range(90):
            date = dt.date(2026, 9, 1) + dt.timedelta(days=day)
            lines += [f"{date},m{m},{day + m},store-{channel:03d}" for m in range(40)]
    spec = _source(tmp_path, ("\n".join(lines) + "\n").encode())
    assert (tmp_path / "m.csv").stat().st_size > 12 * 65536  # the head holds one store
    source = DuckSource(spec, tmp_path)
    answer = source.answer([Request("k", "m3", (), dt.date(2026, 10, 1), dt.date(2026, 10, 1))])
    assert answer["k"].value == 12 * (30 + 3)  # 12 stores, day 30
    assert source.problems() == [] and asked == []


def test_more_duplicated_keys_than_tracked_are_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the keys the engine tracks, the file is read by the exact reader without
    rows, which says that further duplicates are summed (D001 at line 0), never silent."""
    monkeypatch.setattr(okrctl.metrics.duck_duplicates, "MAX_DUPLICATE_KEYS", 2)
    monkeypatch.setattr(okrctl.metrics.bounded, "MAX_LOCATED", 2)
    rows = [f"2026-10-0{d},x,{d},web" for d in range(1, 6)]
    body = "date,metric,value,channel\n" + "\n".join(rows + rows[:3]) + "\n"
    source = DuckSource(_source(tmp_path, body.encode()), tmp_path)
    source.answer([Request("k", "x", (), dt.date(2026, 10, 1), dt.date(2026, 10, 5), "sum")])
    assert any(p.code == "D001" and p.line == 0 for p in source.problems())
    assert any(r.problem.line == 0 for r in source.rejected())
