"""Generate a 10-million-row metric dump and a repository whose goals read all of it.

    python bench/generate_metrics.py bench/out/metrics-org [--metrics 2000] [--days 365]

The CSV (long layout: date, metric, value, channel) has one row per metric, day and
channel, about 14 channels a day; the repository has one objective per 4 metrics (each
KR reads one metric, a quarter of them filtered by channel) and KPIs on the rest.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path


def generate(
    out: Path, metrics: int = 2000, days: int = 365, channels: int = 14
) -> dict[str, float]:
    import duckdb

    if out.exists():
        shutil.rmtree(out)
    (out / "goals").mkdir(parents=True)
    (out / "metrics").mkdir()
    csv_path = out / "metrics" / "big.csv"
    start = time.perf_counter()
    duckdb.connect().execute(f"""
        COPY (
          SELECT (DATE '2026-01-01' + CAST(d AS INTEGER)) AS date,
                 'metric_' || lpad(CAST(m AS VARCHAR), 4, '0') AS metric,
                 round(1000 + m * 10 + d * 1.5 + c * 0.25, 2) AS value,
                 'ch' || CAST(c AS VARCHAR) AS channel
          FROM range({days}) t1(d), range({metrics}) t2(m), range({channels}) t3(c)
          WHERE (d * 2000 + m + c) % 100 < 98
        ) TO '{csv_path}' (HEADER, DELIMITER ',')
    """)
    seconds = time.perf_counter() - start
    (out / "okrctl.yaml").write_text(
        "okrctl: 1\norg: Metrics bench\n"
        "units: [{id: org, level: company}]\n"
        "cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]\n"
        "metrics: [{name: dw, path: metrics/big.csv, layout: long}]\n",
        encoding="utf-8",
    )
    lines = ["defaults: {cycle: 2026-Q4, unit: org, level: company}", "objectives:"]
    kpis = ["kpis:"]
    for group in range(0, metrics, 5):
        lines += [f"  - id: O{group}", f"    title: Objective {group}", "    key_results:"]
        for m in range(group, min(group + 4, metrics)):
            where = "\n        where: {channel: [ch1, ch2]}" if m % 4 == 0 else ""
            aggregate = ["last", "sum", "avg", "max"][m % 4]
            lines += [
                f"      - id: k{m}",
                f"        metric: dw:metric_{m:04d}{where}",
                f"        aggregate: {aggregate}",
                f"        target: {10**9}",
            ]
        if group + 4 < metrics:
            m = group + 4
            kpis += [
                f"  - id: KPI-{m}",
                f"    title: KPI {m}",
                f"    metric: dw:metric_{m:04d}",
                "    aggregate: avg",
                "    period: monthly",
                f"    target: {20000 + m}",
                f"    supports: O{group}/k{group}",
            ]
    (out / "goals" / "all.yaml").write_text("\n".join(lines + kpis) + "\n", encoding="utf-8")
    return {"seconds": seconds, "bytes": csv_path.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--metrics", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    info = generate(args.out, args.metrics, args.days)
    print(f"wrote {info['bytes'] / 1e6:.0f} MB in {info['seconds']:.1f} s to {args.out}")


if __name__ == "__main__":
    main()
