"""Benchmark `okrctl status --format json` on an Excel-style export against DuckDB's own
GROUP BY over the export's clean twin, both as whole processes in one run.

    python bench/bench_exports.py [--days 365] [--metrics 400] [--runs 3]

The clean twin is bench/generate_metrics.py's long dump (UTF-8, LF, ISO dates, plain
numbers); the export holds the same values as a finance system writes them: GB18030,
CRLF, Chinese headers mapped with `columns:` (the dimension keeps its name, `channel`,
which the goals filter on), dates `2026/1/5` read with `date_format`,
and values as quoted thousands (`"1,234.50"`) or `12.3456万`. Both repositories must give
the same status JSON; prints medians, the ratio (target <= 2.5) and okrctl's peak memory
(target < 1 GiB). Rows: days x metrics x 14 channels x 0.98 (365 x 400: 2.0M; x 2000:
10M).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_status import REFERENCE, peak_mb, run  # noqa: E402
from generate_metrics import generate  # noqa: E402


def export_twin(clean: Path, out: Path) -> None:
    """Write ``out``, the repository ``clean`` with its dump in the export's forms."""
    import duckdb

    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(clean, out)
    utf8 = out / "metrics" / "export-utf8.csv"
    # values in hundredths are exact in decimal text: 1,234.50 and 0.123450万 mean the same
    duckdb.connect().execute(f"""
        COPY (
          SELECT strftime(date, '%Y/') || month(date) || '/' || day(date) AS "日期",
                 metric AS "指标",
                 CASE WHEN hash(metric, date, channel) % 2 = 0
                      THEN format('{{:,.2f}}', value)
                      ELSE format('{{:.6f}}', value / 10000) || '万' END AS "数值",
                 channel
          FROM read_csv('{clean / "metrics" / "big.csv"}')
        ) TO '{utf8}' (HEADER, DELIMITER ',', QUOTE '"', FORCE_QUOTE ("数值"))
    """)
    target = out / "metrics" / "big.csv"
    with utf8.open(encoding="utf-8", newline="") as source, target.open("wb") as sink:
        while chunk := source.read(1 << 22):
            sink.write(chunk.replace("\n", "\r\n").encode("gb18030"))
    utf8.unlink()
    config = (out / "okrctl.yaml").read_text(encoding="utf-8")
    (out / "okrctl.yaml").write_text(
        config.replace(
            "layout: long}",
            'layout: long, date_format: "%Y/%m/%d", '
            "columns: {date: 日期, metric: 指标, value: 数值}}",
        ),
        encoding="utf-8",
    )


def main() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--metrics", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    clean = args.out / f"clean-{args.metrics}x{args.days}"
    export = args.out / f"export-{args.metrics}x{args.days}"
    if not (clean / "metrics" / "big.csv").exists():
        generate(clean, metrics=args.metrics, days=args.days)
    if not (export / "metrics" / "big.csv").exists():
        start = time.perf_counter()
        export_twin(clean, export)
        print(f"export written in {time.perf_counter() - start:.0f} s")
    size = (export / "metrics" / "big.csv").stat().st_size
    print(f"export: {size / 1e6:.0f} MB (GB18030, CRLF, quoted thousands and 万)")
    okrctl = [sys.executable, "-m", "okrctl", "status", "--format", "json", "--as-of", "2026-11-30"]
    reference = [sys.executable, "-c", REFERENCE]
    import subprocess

    outputs = [
        json.loads(subprocess.run(okrctl, cwd=r, capture_output=True, check=True).stdout)
        for r in (clean, export)
    ]
    same = outputs[0]["rows"] == outputs[1]["rows"]
    print(f"status JSON of export and clean twin identical: {same}")
    ours, theirs = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine state
        ours.append(run(okrctl, export))
        theirs.append(run(reference, clean))
    mine, ref = statistics.median(ours), statistics.median(theirs)
    print(f"okrctl status on the export   : {mine:.2f} s (median of {args.runs})")
    print(f"DuckDB GROUP BY on clean twin : {ref:.2f} s")
    print(f"ratio                         : {mine / ref:.2f} (target <= 2.5)")
    print(f"okrctl peak memory            : {peak_mb(okrctl, export):.0f} MB (target < 1024)")


if __name__ == "__main__":
    main()
