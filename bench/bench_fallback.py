"""Peak memory and time of `okrctl status --format json` and `okrctl check` on 10-million-
row metric files that DuckDB alone cannot read: every command must stay under 1 GiB.

    python bench/bench_fallback.py [--days 365] [--metrics 2000] [--only NAME]

From bench/generate_metrics.py's clean dump (10 million rows at the defaults) it writes
four variants, each a repository of its own:

* ``ideographic``: every value followed by an ideographic space U+3000, as Chinese
  exports write it (the SQL leaves such cells to Python: metrics/duck_recheck.py);
* ``long-line``: one line of 3 MB in the middle, longer than DuckDB's maximum line;
* ``na-third``: a third of the values ``#N/A`` (millions of refused cells: located up
  to a cap, counted beyond, metrics/located.py);
* ``gb18030``: ``na-third`` with the other values followed by U+3000, in GB18030.

Each command runs once as a whole process; its peak resident memory is the children's
ru_maxrss (bench/bench_memory.py). Run on demand; CI does not run it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_memory import LIMIT_MIB, peak_of  # noqa: E402
from generate_metrics import generate  # noqa: E402


def _copy(clean: Path, out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(clean, out, ignore=shutil.ignore_patterns("big.csv", ".okrctl_cache"))
    return out / "metrics" / "big.csv"


def _rewrite(clean: Path, target: Path, value: str) -> None:
    """``target``: the clean dump with each value written as the SQL ``value`` (over v)."""
    import duckdb

    duckdb.connect().execute(f"""
        COPY (SELECT date, metric, {value} AS value, channel
              FROM read_csv('{clean / "metrics" / "big.csv"}', all_varchar = true)
              t(date, metric, v, channel))
        TO '{target}' (HEADER, DELIMITER ',', QUOTE '"')
    """)


NA_THIRD = "CASE WHEN hash(metric, date, channel) % 3 = 0 THEN '#N/A' ELSE v END"


def ideographic(clean: Path, out: Path) -> None:
    _rewrite(clean, _copy(clean, out), "v || '\u3000'")


def long_line(clean: Path, out: Path) -> None:
    target = _copy(clean, out)
    with (clean / "metrics" / "big.csv").open("rb") as source, target.open("wb") as sink:
        lines = 0
        while chunk := source.readlines(1 << 22):
            sink.writelines(chunk)
            lines += len(chunk)
            if lines >= 5_000_000 and lines - len(chunk) < 5_000_000:
                sink.write(b"2026-06-01,metric_0000,1," + b"x" * (3 << 20) + b"\n")


def na_third(clean: Path, out: Path) -> None:
    _rewrite(clean, _copy(clean, out), NA_THIRD)


def gb18030(clean: Path, out: Path) -> None:
    target = _copy(clean, out)
    utf8 = target.with_name("utf8.csv")
    _rewrite(clean, utf8, NA_THIRD.replace("ELSE v END", "ELSE v || '\u3000' END"))
    with utf8.open(encoding="utf-8", newline="") as source, target.open("wb") as sink:
        while chunk := source.read(1 << 22):
            sink.write(chunk.encode("gb18030"))
    utf8.unlink()


VARIANTS = {
    "ideographic": ideographic,
    "long-line": long_line,
    "na-third": na_third,
    "gb18030": gb18030,
}
COMMANDS = (
    ("status --format json", ["status", "--format", "json", "--as-of", "2026-11-30"]),
    ("check --no-cache", ["check", "--no-cache", "--as-of", "2026-11-30"]),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--metrics", type=int, default=2000)
    parser.add_argument("--only", choices=sorted(VARIANTS), action="append")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "fallback")
    args = parser.parse_args()
    clean = args.out / "clean"
    if not (clean / "metrics" / "big.csv").exists():
        generate(clean, metrics=args.metrics, days=args.days)
    okrctl = [sys.executable, "-m", "okrctl"]
    print(f"{'input':<12} {'command':<22} {'seconds':>8} {'peak MiB':>9} {'exit':>5}")
    worst = 0.0
    for name in args.only or VARIANTS:
        repo = args.out / name
        if not (repo / "metrics" / "big.csv").exists():
            VARIANTS[name](clean, repo)
        for label, extra in COMMANDS:
            seconds, peak, code = peak_of([*okrctl, *extra, "-C", str(repo)], HERE.parent)
            worst = max(worst, peak)
            print(f"{name:<12} {label:<22} {seconds:>8.1f} {peak:>9.0f} {code:>5}", flush=True)
    print(f"largest peak {worst:.0f} MiB of the {LIMIT_MIB} MiB bound")
    if worst > LIMIT_MIB:
        sys.exit(1)


if __name__ == "__main__":
    main()
