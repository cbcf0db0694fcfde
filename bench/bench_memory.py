"""Peak memory of `okrctl check` and `okrctl status` on a large metric dump with
duplicate rows: every command must stay under 1 GiB on any input.

    python bench/bench_memory.py [--days 365] [--metrics 2000] [--duplicates 1000]

Generates the bench dump (bench/generate_metrics.py, 10 million rows at the defaults),
appends ``--duplicates`` rows that repeat earlier ones, and runs each command once as a
whole process, reading its peak resident memory from the operating system (the
children's ru_maxrss). Duplicates are found by a DuckDB GROUP BY that spills to disk; the
exact reader then tracks only the duplicated keys. Run on demand; CI does not run it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_metrics import generate  # noqa: E402

LIMIT_MIB = 1024


# a fresh process per measurement: RUSAGE_CHILDREN of one process keeps the largest child
_PROBE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], capture_output=True).returncode\n"
    "seconds = time.perf_counter() - start\n"
    "print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)"
)


def peak_of(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit code) of ``command`` run as a whole process."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *command], cwd=cwd, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--metrics", type=int, default=2000)
    parser.add_argument("--duplicates", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "memory-org")
    args = parser.parse_args()
    generate(args.out, metrics=args.metrics, days=args.days)
    big = args.out / "metrics" / "big.csv"
    with big.open("rb") as handle:
        head = [next(handle) for _ in range(args.duplicates + 1)][1:]
    with big.open("ab") as handle:
        handle.writelines(head)  # the first rows again: each a duplicate
    size = big.stat().st_size / 2**20
    okrctl = [sys.executable, "-m", "okrctl"]
    print(f"{big.name}: {size:,.0f} MiB with {args.duplicates:,} duplicated rows")
    print(f"{'command':<24} {'seconds':>8} {'peak MiB':>9} {'exit':>5}")
    worst = 0.0
    for name, extra in (
        ("check --no-cache", ["check", "--no-cache", "--as-of", "2026-11-30"]),
        ("status --format json", ["status", "--format", "json", "--as-of", "2026-11-30"]),
    ):
        seconds, peak, code = peak_of([*okrctl, *extra, "-C", str(args.out)], HERE.parent)
        worst = max(worst, peak)
        print(f"{name:<24} {seconds:>8.1f} {peak:>9.0f} {code:>5}")
    print(f"largest peak {worst:.0f} MiB of the {LIMIT_MIB} MiB bound")
    if worst > LIMIT_MIB:
        sys.exit(1)


if __name__ == "__main__":
    main()
