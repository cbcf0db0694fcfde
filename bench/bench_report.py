"""Benchmark how `okrctl report` and `okrctl score` grow with the organisation.

Generates valid organisations of 500, 2,000 and 8,000 goal files (bench/generate_org.py,
5 objectives and 20 key results a file), times each command as a whole process (the median
of ``--runs``), and prints the growth exponent log(t2/t1) / log(n2/n1) of each pair of
sizes: 1.0 is linear, 2.0 quadratic; the target is at most 1.1. Then the size of the HTML
review of the 2,000-file organisation, whose budget is 5 MB (docs/report.md).

    python bench/bench_report.py [--sizes 500 2000 8000] [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_org import generate  # noqa: E402

AS_OF = "2026-11-30"  # in the generated cycle, 2026-Q4
COMMANDS = {
    "report --format md --no-git": ["report", "--format", "md", "--no-git"],
    "score --format json": ["score", "--format", "json"],
}


def run(args: list[str], cwd: Path) -> tuple[float, int]:
    """Seconds and bytes of output of one whole `okrctl ARGS` process."""
    command = [sys.executable, "-m", "okrctl", *args, "--as-of", AS_OF]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start, len(done.stdout)


def main() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed okrctl runs
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "report-orgs")
    args = parser.parse_args()
    times: dict[str, dict[int, float]] = {name: {} for name in COMMANDS}
    for files in args.sizes:
        org = args.out / f"org{files}"
        if not (org / "okrctl.yaml").exists():
            info = generate(org, files=files, mistakes=False)  # report and score refuse errors
            print(
                f"generated {files} files: {info['objectives']} objectives, "
                f"{info['key_results']} key results"
            )
        for name, command in COMMANDS.items():
            run(command, org)  # warm the page cache and the parse cache
            times[name][files] = statistics.median(run(command, org)[0] for _ in range(args.runs))
            print(f"{files:>6} files  {name:<28} {times[name][files]:7.2f} s", flush=True)
    print()
    for name, by_size in times.items():
        sizes = sorted(by_size)
        for n1, n2 in itertools.pairwise(sizes):
            exponent = math.log(by_size[n2] / by_size[n1]) / math.log(n2 / n1)
            print(f"{name:<28} {n1:>5} -> {n2:<5} exponent {exponent:.2f} (target <= 1.1)")
    if 2000 in args.sizes:
        _, size = run(["report", "--format", "html", "--no-git"], args.out / "org2000")
        print(f"\nHTML review of 2,000 files: {size / 1e6:.2f} MB (budget 5 MB)")


if __name__ == "__main__":
    main()
