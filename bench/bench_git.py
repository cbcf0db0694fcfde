"""Benchmark the git-reading commands on a repository with many commits.

    python bench/bench_git.py [--commits 2000] [--files 20] [--runs 5]

Builds a goals repository whose history edits one goal file per commit, then times
`okrctl history O0-0` against its floor, `git log -p` of the goal's file (whole
processes, runs interleaved, medians), and `okrctl diff FIRST HEAD`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )


def build(root: Path, commits: int, files: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "goals").mkdir(parents=True)
    (root / "okrctl.yaml").write_text(
        "okrctl: 1\nunits: [{id: org, level: company}]\n"
        "cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]\n",
        encoding="utf-8",
    )
    git(root, "init", "-q")

    def write(index: int, target: int) -> None:
        body = "defaults: {cycle: 2026-Q4, unit: org}\nobjectives:\n" + "".join(
            f"  - id: O{index}-{k}\n    title: Objective {k}\n    key_results:\n"
            f"      - {{id: kr, baseline: 0, target: {target + k}}}\n"
            for k in range(5)
        )
        (root / "goals" / f"g{index}.yaml").write_text(body, encoding="utf-8")

    for index in range(files):
        write(index, 100)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    for n in range(1, commits):
        write(n % files, 100 + n)
        git(root, "commit", "-qam", f"edit {n}")


def timed(command: list[str], cwd: Path, runs: int = 3) -> float:
    return paired([command], cwd, runs)[0]


def paired(commands: list[list[str]], cwd: Path, runs: int) -> list[float]:
    """The median seconds of each command, the runs interleaved so that a machine busy
    with something else slows them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, check=True, capture_output=True)
            times[index].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main() -> None:
    # an installed okrctl has compiled bytecode; without it every run would compile the
    # modules again and the figures would not be what a user sees
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = HERE / "out" / "git-history"
    build(root, args.commits, args.files)
    okrctl = [sys.executable, "-m", "okrctl"]
    print(f"{args.commits} commits, {args.files} goal files")
    history, floor, startup = paired(
        [
            [*okrctl, "history", "O0-0"],
            ["git", "log", "-p", "--", "goals/g0.yaml"],
            [*okrctl, "history", "--help"],  # what any okrctl command costs to start
        ],
        root,
        args.runs,
    )
    print(f"history O0-0          : {history:.2f} s")
    print(f"git log -p (floor)    : {floor:.3f} s")
    print(f"history / floor       : {history / floor:.1f}x (target <= 5x)")
    print(f"okrctl start-up       : {startup:.2f} s (history --help)")
    print(f"(history - start-up) / floor: {(history - startup) / floor:.1f}x")
    first = subprocess.run(
        ["git", "rev-list", "--max-parents=0", "HEAD"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"diff FIRST HEAD       : {timed([*okrctl, 'diff', first, 'HEAD'], root):.2f} s")


if __name__ == "__main__":
    main()
