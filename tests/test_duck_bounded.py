"""Large metric files read with memory bounded on every path (docs/metrics.md, "Large
files"): value texts only Python reads are read without handing the file over, and
where DuckDB cannot read a file the exact reader answers without keeping its rows."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from okrctl.core.vocabulary import Layout
from okrctl.metrics.duck import DuckSource
from okrctl.metrics.source import Rejected
from test_metrics_data import (
    _assert_engines_agree,
    _random_long,
    _random_requests,
    _random_wide,
    _source,
)

# whitespace the SQL does not trim, as Chinese exports write it after a number
ODD_SPACES = ["\u3000", "\u00a0", "\u202f", "\u2002"]


def _spaced(body: bytes, rng: random.Random, share: float) -> str:
    """``body`` with that share of its number cells followed by odd whitespace."""
    lines = body.decode().split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        for i, cell in enumerate(cells):
            if i and cell.strip() and cell[-1].isdigit() and rng.random() < share:
                cells[i] = cell + rng.choice(ODD_SPACES)
        out.append(",".join(cells))
    return "\n".join(out)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("seed", range(3))
def test_values_with_odd_whitespace_are_read_in_duckdb(
    tmp_path: Path, seed: int, encoding: str
) -> None:
    """Values followed by an ideographic or no-break space, among refused cells: the
    numbers Python reads in them join DuckDB's sums; the file is never handed over."""
    rng = random.Random(seed)
    text = _spaced(_random_long(rng, 400, dirt=0.2), rng, share=0.7 if seed else 1.0)
    spec = _source(tmp_path, text.encode(encoding))
    _assert_engines_agree(spec, tmp_path, _random_requests(rng, 40))
    assert DuckSource(spec, tmp_path)._fallback is None


@pytest.mark.parametrize("seed", range(2))
def test_wide_values_with_odd_whitespace_are_read_in_duckdb(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    text = _spaced(_random_wide(rng, 60), rng, share=0.5)
    spec = _source(tmp_path, text.encode(), layout=Layout.WIDE)
    requests = [
        r.__class__(r.key, rng.choice("abc"), (), r.start, r.end, r.aggregate, r.baseline_on)
        for r in _random_requests(rng, 30)
    ]
    _assert_engines_agree(spec, tmp_path, requests)
    assert DuckSource(spec, tmp_path)._fallback is None


def test_flagged_texts_are_read_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More distinct flagged texts than a batch: every batch reaches the table of fixes."""
    import okrctl.metrics.duck_recheck

    monkeypatch.setattr(okrctl.metrics.duck_recheck, "BATCH", 7)
    rng = random.Random(7)
    spec = _source(tmp_path, _spaced(_random_long(rng, 300), rng, share=1.0).encode())
    _assert_engines_agree(spec, tmp_path, _random_requests(rng, 30))


def _duplicated(rng: random.Random, rows: int) -> bytes:
    """A dirty long dump with some rows repeated (the same key again, another value)."""
    lines = _random_long(rng, rows, dirt=0.2).decode().splitlines()
    for _ in range(12):
        date, metric, _, *rest = [*lines[rng.randrange(1, len(lines))].split(","), "", ""]
        lines.insert(rng.randrange(1, len(lines)), ",".join([date, metric, "7", *rest[:1]]))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("seed", range(4))
def test_the_bounded_reader_answers_as_the_exact_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Where DuckDB cannot read a file, the exact reader without rows gives the same
    numbers, baselines, series, duplicates (found by key hashes, over several parts),
    problems, refused cells and explain rows as the small-file reader."""
    import okrctl.metrics.bounded as bounded
    from okrctl.metrics.bounded import BoundedSource
    from okrctl.metrics.memory import TableSource

    monkeypatch.setattr(bounded, "PART_KEYS", 16)  # parts of ~1 KB: several of them
    rng = random.Random(seed)
    spec = _source(tmp_path, _duplicated(rng, 400))
    requests = _random_requests(rng, 40)
    table, bound = TableSource(spec, tmp_path), BoundedSource(spec, tmp_path)
    assert any(p.code == "D001" for p in table.problems())
    assert bound.answer(requests) == table.answer(requests)
    assert bound.problems() == table.problems()
    assert bound.rejected() == table.rejected()
    assert (bound.latest_date(), bound.metrics()) == (table.latest_date(), table.metrics())
    for request in requests[:10]:
        assert bound.rows(request) == table.rows(request)


def test_a_duckdb_failure_hands_over_to_the_bounded_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DuckDB error in the scan: the answers come from the exact reader without rows."""
    import duckdb

    from okrctl.metrics import duck
    from okrctl.metrics.bounded import BoundedSource

    rng = random.Random(3)
    spec = _source(tmp_path, _duplicated(rng, 300))

    def fail(*args: object) -> None:
        raise duckdb.IOException("injected")

    monkeypatch.setattr(duck.DuckSource, "_build_once", lambda self, filters: fail())
    _assert_engines_agree(spec, tmp_path, _random_requests(rng, 30))
    source = DuckSource(spec, tmp_path)
    source.answer(_random_requests(rng, 3))
    assert isinstance(source._fallback, BoundedSource)


def test_refused_cells_past_the_cap_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the cap, refused cells are counted, not located: the counts of problems and
    of refused cells still add up to what the exact reader finds, per code and metric."""
    from collections import Counter

    from okrctl.metrics import duck
    from okrctl.metrics.memory import TableSource

    monkeypatch.setattr(duck, "MAX_LOCATED", 10)
    rng = random.Random(5)
    spec = _source(tmp_path, _random_long(rng, 600, dirt=0.4))
    requests = _random_requests(rng, 30)
    table, source = TableSource(spec, tmp_path), DuckSource(spec, tmp_path)
    source.answer(requests)
    exact = table.rejected()
    capped = source.rejected()
    assert len(exact) > 10 and len([r for r in capped if r.count == 1]) == 10
    assert capped[:10] == exact[:10]

    def per_kind(items: list[Rejected]) -> Counter[tuple[str, str | None]]:
        counts: Counter[tuple[str, str | None]] = Counter()
        for item in items:
            counts[(item.problem.code, item.metric)] += item.count
        return counts

    assert per_kind(capped) == per_kind(exact)
    located = [p for p in source.problems() if p.line]
    summaries = [p for p in source.problems() if not p.line]
    assert located == table.problems()[:10]
    more = sum(int(p.message.split(" ")[0].replace(",", "")) for p in summaries)
    assert more == len(table.problems()) - 10
    assert all("not listed one by one" in p.message for p in summaries)
