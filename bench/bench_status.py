"""Benchmark `okrctl status --format json` on a 10-million-row metric dump against DuckDB
running the equivalent GROUP BY over the same file, both as whole processes in one run.

    python bench/bench_status.py [--runs 5]

The reference computes what status needs from the data, in one query a DuckDB user would
write: per-date totals per metric (all rows, and the rows of the channels a quarter of the
key results filter on), then each metric's last value, sum and count in the cycle window
and its baseline. Prints medians, the ratio and okrctl's peak memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_metrics import generate  # noqa: E402

REFERENCE = """
import duckdb
rows = duckdb.sql('''
    WITH daily AS (
        SELECT metric, date, sum(value) AS v,
               sum(value) FILTER (WHERE channel IN ('ch1', 'ch2')) AS f
        FROM read_csv('metrics/big.csv') GROUP BY ALL
    )
    SELECT metric,
           arg_max(v, date) FILTER (WHERE date BETWEEN DATE '2026-10-01' AND DATE '2026-11-30'),
           sum(v) FILTER (WHERE date BETWEEN DATE '2026-10-01' AND DATE '2026-11-30'),
           count(*) FILTER (WHERE date BETWEEN DATE '2026-10-01' AND DATE '2026-11-30'),
           arg_max(v, date) FILTER (WHERE date <= DATE '2026-10-01'),
           arg_max(f, date) FILTER (WHERE date BETWEEN DATE '2026-10-01' AND DATE '2026-11-30')
    FROM daily GROUP BY metric
''').fetchall()
assert len(rows) > 0
"""


def run(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def peak_mb(command: list[str], cwd: Path) -> float:
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout
    return int(out.strip()) / 1024


def main() -> None:
    # an installed okrctl has compiled bytecode; without it every run would compile the
    # modules again and the figures would not be what a user sees
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "metrics-org")
    args = parser.parse_args()
    if not (args.out / "metrics" / "big.csv").exists():
        info = generate(args.out)
        print(f"generated {info['bytes'] / 1e6:.0f} MB")
    okrctl = [sys.executable, "-m", "okrctl", "status", "--format", "json", "--as-of", "2026-11-30"]
    reference = [sys.executable, "-c", REFERENCE]
    run(okrctl, args.out)  # warm the page cache
    ours, theirs = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine state
        ours.append(run(okrctl, args.out))
        theirs.append(run(reference, args.out))
    mine, ref = statistics.median(ours), statistics.median(theirs)
    print(f"okrctl status --format json : {mine:.2f} s (median of {args.runs})")
    print(f"DuckDB GROUP BY, same file  : {ref:.2f} s")
    print(f"ratio                       : {mine / ref:.2f} (target <= 1.5)")
    print(f"okrctl peak memory          : {peak_mb(okrctl, args.out):.0f} MB (target < 1024)")
    print(f"DuckDB peak memory          : {peak_mb(reference, args.out):.0f} MB")


if __name__ == "__main__":
    main()
