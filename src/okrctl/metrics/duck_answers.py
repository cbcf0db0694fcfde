"""Answers from DuckDB's per-date totals: every request joined to the table ``daily``
(m, d, t<filter>, n<filter>) in a few statements, whatever the number of requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from okrctl.metrics.source import Answer, Request, aggregate


def _load_requests(con: Any, requests: Sequence[Request], fids: dict[object, int]) -> None:
    rows = [
        (r.key, r.metric, fids.get(r.where, -1), r.start, r.end, r.baseline_on) for r in requests
    ]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE requests (key VARCHAR, metric VARCHAR, "
        "fid INT, start DATE, stop DATE, base DATE)"
    )
    # one statement with column lists: executemany costs 0.3 ms a row
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 6
    con.execute(
        "INSERT INTO requests SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
        "unnest(?::INT[]), unnest(?::DATE[]), unnest(?::DATE[]), unnest(?::DATE[])",
        columns,
    )


def _baselines(con: Any, pick_total: str, pick_count: str) -> dict[str, tuple[float, dt.date]]:
    """The last total on or before each request's baseline date: one grouped join for
    every filter (measured 14x faster than an ASOF JOIN per filter: 0.02 s against 0.27 s)."""
    return {
        row[0]: (row[1], row[2])
        for row in con.execute(f"""
            SELECT key, arg_max(v, d), max(d) FROM (
                SELECT r.key, l.d, CASE r.fid {pick_total} END AS v,
                       CASE r.fid {pick_count} END AS n
                FROM requests r JOIN daily l ON l.m = r.metric AND l.d <= r.base
                WHERE r.base IS NOT NULL AND r.fid >= 0
            ) WHERE n > 0 GROUP BY key
        """).fetchall()
    }


def _series(con: Any, wanted: list[str]) -> dict[str, list[tuple[dt.date, float]]]:
    series: dict[str, list[tuple[dt.date, float]]] = {}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE wanted AS SELECT unnest(?::VARCHAR[]) AS key", [wanted]
    )
    for key, day, value in con.execute(
        "SELECT key, d, v FROM joined WHERE key IN (SELECT key FROM wanted) ORDER BY key, d"
    ).fetchall():
        series.setdefault(key, []).append((day, value))
    return series


def answers_from_daily(
    con: Any, requests: Sequence[Request], fids: dict[object, int], filter_count: int
) -> dict[str, Answer]:
    """The answer to each request from the table ``daily``; ``fids`` maps a request's
    ``where`` to its filter's columns (missing: a filter on a column the file lacks)."""
    _load_requests(con, requests, fids)
    pick_total = " ".join(f"WHEN {i} THEN l.t{i}" for i in range(filter_count))
    pick_count = " ".join(f"WHEN {i} THEN l.n{i}" for i in range(filter_count))
    wanted = [r.key for r in requests if r.series]
    joined = f"""
        SELECT key, d, v FROM (
            SELECT r.key, l.d, CASE r.fid {pick_total} END AS v,
                   CASE r.fid {pick_count} END AS n
            FROM requests r JOIN daily l
            ON l.m = r.metric AND l.d BETWEEN r.start AND r.stop
        ) WHERE n > 0"""
    if wanted:
        con.execute(f"CREATE OR REPLACE TEMP TABLE joined AS {joined}")
        joined = "SELECT * FROM joined"
    windows = {
        row[0]: row[1:]
        for row in con.execute(f"""
            SELECT key, arg_max(v, d), max(d), count(v), sum(v), min(v), max(v)
            FROM ({joined}) GROUP BY key
        """).fetchall()
    }
    baselines = (
        _baselines(con, pick_total, pick_count)
        if any(r.baseline_on is not None for r in requests)
        else {}
    )
    series = _series(con, wanted) if wanted else {}
    out = {}
    for request in requests:
        base = baselines.get(request.key)
        window = windows.get(request.key)
        value = None
        last_date = None
        count = 0
        if window is not None:
            last, last_date, count, total, low, high = window
            value = {
                "last": last,
                "sum": total,
                "min": low,
                "max": high,
                "count": float(count),
                "avg": total / count,
            }[request.aggregate]
            if request.key in series:
                value = aggregate(series[request.key], request.aggregate)
        out[request.key] = Answer(
            value=value,
            last_date=last_date,
            dates=int(count),
            baseline=base[0] if base else None,
            baseline_date=base[1] if base else None,
            series=tuple(series.get(request.key, ())) if request.series else (),
        )
    return out
