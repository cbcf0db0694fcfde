"""Benchmark `okrctl check` on a generated large organisation.

    python bench/bench_check.py [--runs 5] [--files 2000] [--check-jsonschema PATH]

Measures, as whole processes (median of --runs): cold check with no cache, cold check
that also fills the cache, a re-run with one file changed (a comment added at its end,
which leaves every goal as it was; and one key result's target changed in place), an
unchanged re-run,
`check --changed-since HEAD` on a fresh clone (no cache) and warm with one file changed,
and `okrctl --version`; then the floor an incremental check is held to (a process that only
reads and parses the changed file), the ratio of the one-changed run to it, and the peak
RSS of a one-changed run (targets: <= 0.3 s and <= 10x the floor at 8,000 files, unchanged
<= 0.2 s, peak RSS <= 300 MiB). With --check-jsonschema (a check-jsonschema executable) it also
times that tool validating the same goal files against schemas/goals.schema.json.
Run on demand (`make bench`); CI does not run it.
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
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate_org import generate  # noqa: E402


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr.decode()}")
    return elapsed, result.returncode


def peak_rss_mib(command: list[str], cwd: Path) -> float:
    """Peak resident memory of one run of ``command``, in MiB."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024


def median_of(runs: int, setup: object, command: list[str], cwd: Path) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        if callable(setup):
            setup()
        timings.append(timed(command, cwd)[0])
    return statistics.median(timings), min(timings)


def main() -> None:
    # an installed okrctl has compiled bytecode; without it every run would compile the
    # modules again and the figures would not be what a user sees
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "org")
    parser.add_argument("--check-jsonschema", type=Path, default=None)
    args = parser.parse_args()

    counts = generate(args.out, args.files)
    org = args.out
    okrctl = [sys.executable, "-m", "okrctl"]
    cache = org / ".okrctl_cache"
    print(
        f"corpus: {counts['files']} files, {counts['objectives']} objectives, "
        f"{counts['key_results']} KRs, {counts['bytes'] / 1e6:.1f} MB"
    )

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    edits = iter(range(10**6))
    victim = org / "goals" / "teams" / "team3-4.yaml"

    def edit_one() -> None:
        with victim.open("a", encoding="utf-8") as handle:
            handle.write(f"# edit {next(edits)}\n")

    targets = iter(range(1, 10**6))

    def edit_target() -> None:
        # one key result's target changed in place: that goal differs, the rest of the
        # file reads as before (a comment at the end leaves every goal as it was)
        text = victim.read_text(encoding="utf-8")
        head, sep, rest = text.partition("target: ")
        _, newline, tail = rest.partition("\n")
        victim.write_text(f"{head}{sep}{next(targets)}{newline}{tail}", encoding="utf-8")

    git_dir = org / ".git"
    if not git_dir.exists():  # --changed-since compares with a commit of the corpus
        for args_git in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "corpus"]):
            subprocess.run(
                ["git", "-c", "user.name=b", "-c", "user.email=b@example.com", *args_git],
                cwd=org,
                check=True,
                capture_output=True,
            )
    since = [*okrctl, "check", "--changed-since", "HEAD"]
    rows = [
        ("check --no-cache (cold, no cache)", None, [*okrctl, "check", "--no-cache"]),
        ("check, cache empty (cold, fills it)", drop_cache, [*okrctl, "check"]),
        ("check, one file changed (a comment)", edit_one, [*okrctl, "check"]),
        ("check, one file changed (a target)", edit_target, [*okrctl, "check"]),
        ("check, nothing changed", None, [*okrctl, "check"]),
        ("check --changed-since HEAD, fresh (no cache)", drop_cache, since),
        ("check --changed-since HEAD, one file changed", edit_one, since),
        ("okrctl --version", None, [*okrctl, "--version"]),
    ]
    floor = [
        sys.executable,
        "-c",
        "import sys; from okrctl.load.goalfile import parse_goal_file; "
        "p = sys.argv[1]; parse_goal_file(p, open(p, 'rb').read())",
        str(victim.relative_to(org)),
    ]
    rows.append(("floor: read and parse the changed file alone", None, floor))
    timed([*okrctl, "check"], org)  # warm the page cache and the okrctl cache
    print(f"{'what':44} {'median':>8} {'best':>8}   ({args.runs} runs)")
    medians = {}
    for label, setup, command in rows:
        median, best = median_of(args.runs, setup, command, org)
        medians[label] = median
        print(f"{label:44} {median:7.2f}s {best:7.2f}s")
    for kind in ("a comment", "a target"):
        ratio = medians[f"check, one file changed ({kind})"] / medians[rows[-1][0]]
        print(f"{f'one file changed ({kind}) / floor':44} {ratio:7.1f}x")
    edit_target()
    rss = peak_rss_mib([*okrctl, "check"], org)
    print(f"{'peak RSS, one file changed':44} {rss:6.0f} MiB")
    if args.check_jsonschema:
        files = sorted(str(p.relative_to(org)) for p in org.glob("goals/**/*.yaml"))
        command = [
            str(args.check_jsonschema),
            "--schemafile",
            str(ROOT / "schemas" / "goals.schema.json"),
            *files,
        ]
        median, best = median_of(max(1, args.runs // 2), None, command, org)
        print(f"{'check-jsonschema, same files and schema':44} {median:7.2f}s {best:7.2f}s")


if __name__ == "__main__":
    main()
