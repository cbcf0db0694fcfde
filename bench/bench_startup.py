"""Start-up of the commands a user runs on a small repository, as ratios to Python itself.

    python bench/bench_startup.py [--runs 11]

Runs, interleaved so that machine drift hits all alike: `python -c pass` (the floor),
`okrctl --version`, `okrctl check` and `okrctl status` on examples/education. Prints the
median wall time of each and its ratio to the floor, pair by pair. Targets: `--version`
under 0.2 s; check and status on a small repository under 0.5 s. These were timing
asserts in the test suite once; timing belongs here, where a loaded machine only makes
the figures noisier, not the suite red. Run on demand (`make bench`); CI does not run it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDU = str(ROOT / "examples" / "education")
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "okrctl --version": [sys.executable, "-m", "okrctl", "--version"],
    "okrctl check (small)": [sys.executable, "-m", "okrctl", "check", "-C", EDU],
    "okrctl status (small)": [
        sys.executable, "-m", "okrctl", "status", "-C", EDU, "--as-of", "2026-11-30",
    ],
}  # fmt: skip


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled bytecode
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    for command in COMMANDS.values():  # warm-up: bytecode and the file cache
        timed(command)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            times[name].append(timed(command))
    floor = times["python -c pass"]
    print(f"{'command':<24} {'median s':>9} {'x python':>9}")
    for name, runs in times.items():
        ratio = statistics.median(t / f for t, f in zip(runs, floor, strict=True))
        print(f"{name:<24} {statistics.median(runs):>9.3f} {ratio:>9.2f}")


if __name__ == "__main__":
    main()
