"""Benchmark `okrctl status --format json` over a 10-million-row PostgreSQL table against
running the same GROUP BY with psql, both as whole processes in one run.

    python bench/bench_warehouse.py [--metrics 2000] [--days 365] [--runs 3]

Starts its own throwaway PostgreSQL 15 server (tests/pgserver.py, as the tests do),
loads bench/generate_metrics.py's dump (date, metric, value, channel: 10M rows for 2,000
metrics x 365 days x 14 channels) into a table, and points the generated goals at it
(`url:` + `table:`). The reference is psql running the statement okrctl's plan amounts
to: per metric and date, the sum, row and value counts, unfiltered and for the goals'
channel filter. Prints medians, the ratio (target <= 1.3 plus start-up), okrctl's peak
memory, and the bytes okrctl fetched from the server (counted by a TCP relay between
them) against the table's size.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import pgserver  # noqa: E402
from bench_status import peak_mb, run  # noqa: E402
from generate_metrics import generate  # noqa: E402

REFERENCE = """
SELECT metric, CAST(date AS DATE) AS day,
       sum(value), count(*), count(value),
       sum(CASE WHEN channel IN ('ch1', 'ch2') THEN value END),
       count(CASE WHEN channel IN ('ch1', 'ch2') THEN 1 END),
       count(CASE WHEN channel IN ('ch1', 'ch2') THEN value END)
FROM big WHERE CAST(date AS DATE) <= DATE '2026-12-31' OR date IS NULL
GROUP BY metric, CAST(date AS DATE)
"""


def load(server: pgserver.Server, csv_path: Path) -> int:
    """The dump as table ``big``; its size in bytes."""
    import psycopg

    with psycopg.connect(server.dsn()) as conn:
        conn.execute("DROP TABLE IF EXISTS big")
        conn.execute(
            "CREATE TABLE big (date DATE, metric TEXT, value DOUBLE PRECISION, channel TEXT)"
        )
        with (
            conn.cursor().copy("COPY big FROM STDIN WITH (FORMAT csv, HEADER)") as copy,
            csv_path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE big")
        row = conn.execute("SELECT pg_total_relation_size('big')").fetchone()
        assert row is not None
        return int(row[0])


class Relay:
    """A TCP relay on 127.0.0.1 to the server that counts the bytes each way."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.sent = self.received = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            upstream = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, up: bool) -> None:
        try:
            while data := source.recv(1 << 16):
                if up:
                    self.sent += len(data)
                else:
                    self.received += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()


def point_at(root: Path, port: int) -> None:
    url = f"postgresql://{pgserver.USER}:${{OKR_PG_PASSWORD}}@127.0.0.1:{port}/{pgserver.DATABASE}"
    config = (root / "okrctl.yaml").read_text(encoding="utf-8")
    start = config.index("metrics:")
    end = config.index("\n", start)
    (root / "okrctl.yaml").write_text(
        config[:start]
        + f'metrics: [{{name: dw, url: "{url}", table: big, layout: long, timeout: 10m}}]'
        + config[end:],
        encoding="utf-8",
    )


def main() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--metrics", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "warehouse-org")
    args = parser.parse_args()
    reason = pgserver.available()
    if reason:
        sys.exit(f"cannot start PostgreSQL: {reason}")
    made = generate(args.out, metrics=args.metrics, days=args.days)
    print(f"dump: {made['bytes'] / 1e6:.0f} MB in {made['seconds']:.1f} s")
    server = pgserver.start()
    try:
        started = time.perf_counter()
        size = load(server, args.out / "metrics" / "big.csv")
        print(
            f"loaded into PostgreSQL in {time.perf_counter() - started:.1f} s ({size / 1e6:.0f} MB)"
        )
        (args.out / "metrics" / "big.csv").unlink()
        os.environ["OKR_PG_PASSWORD"] = pgserver.PASSWORD
        os.environ["PGPASSWORD"] = pgserver.PASSWORD
        okrctl = str(Path(sys.executable).with_name("okrctl"))
        status = [okrctl, "status", "--format", "json", "--as-of", "2026-11-30"]
        psql = [
            str(pgserver.BIN / "psql"),
            "-h", "127.0.0.1", "-p", str(server.port), "-U", pgserver.USER,
            "-d", pgserver.DATABASE, "-A", "-t", "-q", "-o", os.devnull, "-c", REFERENCE,
        ]  # fmt: skip
        relay = Relay(server.port)
        point_at(args.out, relay.port)
        out = subprocess.run(status, cwd=args.out, capture_output=True, text=True, check=False)
        if out.returncode:
            sys.exit(f"okrctl status failed: {out.stderr}")
        fetched = relay.received
        point_at(args.out, server.port)
        run(status, args.out)  # warm the server's cache and okrctl's bytecode
        run(psql, args.out)
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(run(status, args.out))
            theirs.append(run(psql, args.out))
        mine, ref = statistics.median(ours), statistics.median(theirs)
        peak = peak_mb(status, args.out)
        print(f"okrctl status: {mine:.2f} s (median of {args.runs}), peak {peak:.0f} MB")
        print(f"psql GROUP BY: {ref:.2f} s")
        print(f"ratio: {mine / ref:.2f} (target <= 1.3 plus start-up)")
        print(
            f"bytes fetched by okrctl: {fetched / 1e6:.1f} MB for a {size / 1e6:.0f} MB table "
            f"({fetched / size:.1%})"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
