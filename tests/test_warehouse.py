"""Database metric sources (url + table/query) against real databases: a throwaway
PostgreSQL 15 server (the ``postgres`` fixture), SQLite and DuckDB files. The examples'
metrics loaded into tables give the numbers of their CSV files; values from goal files
reach the database bound, never as SQL; the transaction is read-only and timed; a server
that cannot be reached stops the numbers with exit 2 and never shows the password."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

import pgserver
from conftest import run_okrctl
from typed_tables import Table, copy_example, repoint, tables

AS_OF = "2026-11-30"
ENV = {"OKR_PG_PASSWORD": pgserver.PASSWORD}
EVIL = "x'; DROP TABLE sales; --"


def _types(table: Table) -> list[str]:
    out = []
    for i in range(len(table.columns)):
        kinds = {type(row[i]) for row in table.rows if row[i] not in (None, "")}
        out.append(
            "DATE" if i == table.date else "DOUBLE PRECISION" if kinds <= {float} else "TEXT"
        )
    return out


def _rows(table: Table, types: list[str]) -> list[list[object]]:
    return [
        [None if v == "" and types[i] != "TEXT" else v for i, v in enumerate(row)]
        for row in table.rows
    ]


def load(backend: str, root: Path, table: Table, server: Any = None) -> dict[str, str]:
    """``table`` as a database table named after its source; the source's settings."""
    types = _types(table)
    columns = ", ".join(f'"{c}" {t}' for c, t in zip(table.columns, types, strict=True))
    create = f'CREATE TABLE "{table.source}" ({columns})'
    marks = ", ".join(["%s" if backend == "postgresql" else "?"] * len(types))
    insert = f'INSERT INTO "{table.source}" VALUES ({marks})'
    rows = _rows(table, types)
    if backend == "postgresql":
        with psycopg.connect(server.dsn()) as conn:
            conn.execute(f'DROP TABLE IF EXISTS "{table.source}"')
            conn.execute(create)
            conn.cursor().executemany(insert, rows)
        return {"url": server.url(), "table": table.source}
    if backend == "sqlite":
        con = sqlite3.connect(root / "metrics" / "data.db")
        con.execute(create)
        con.executemany(
            insert, [[str(v) if hasattr(v, "isoformat") else v for v in r] for r in rows]
        )
        con.commit()
        con.close()
        return {"url": "sqlite:///metrics/data.db", "table": table.source}
    con = duckdb.connect(str(root / "metrics" / "data.duckdb"))
    con.execute(create.replace("DOUBLE PRECISION", "DOUBLE"))
    con.executemany(insert, rows)
    con.close()
    return {"url": "duckdb:///metrics/data.duckdb", "table": table.source}


def status(root: Path) -> Any:
    return run_okrctl("status", "--as-of", AS_OF, "--format", "json", cwd=root, env=ENV)


@pytest.fixture(params=["postgresql", "sqlite", "duckdb"])
def backend(request: pytest.FixtureRequest) -> tuple[str, Any]:
    server = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    return request.param, server


@pytest.mark.parametrize("example", ["education", "manufacturing"])
def test_examples_give_the_numbers_of_their_csv_files(
    tmp_path: Path, example: str, backend: tuple[str, Any]
) -> None:
    kind, server = backend
    root = copy_example(example, tmp_path / example)
    expected = status(root)
    assert expected.returncode == 0, expected.stderr
    typed = tables(root)
    assert {t.layout for t in typed} == ({"long", "wide"})
    for table in typed:
        repoint(root, table, load(kind, root, table, server))
        (root / table.path).unlink()
    actual = status(root)
    assert actual.returncode == 0, actual.stderr
    assert actual.stdout == expected.stdout
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root, env=ENV)
    assert checked.returncode == 0, checked.stdout


CONFIG = """\
okrctl: 1
units:
  - {id: acme, level: company}
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
metrics:
  - name: sales
    url: URL
    SOURCE
"""
GOAL = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Sell
    key_results:
      - {id: revenue, metric: sales:revenue, aggregate: sum, target: 1000, baseline: 0}
      - id: evil
        metric: "sales:x'; DROP TABLE sales; --"
        where: {channel: "x'; DROP TABLE sales; --"}
        target: 10
        baseline: 0
"""


def sales_repo(root: Path, url: str, source: str = "table: sales", extra: str = "") -> Path:
    (root / "goals").mkdir(parents=True, exist_ok=True)
    (root / "metrics").mkdir(exist_ok=True)
    config = CONFIG.replace("URL", f'"{url}"').replace("SOURCE", source) + extra
    (root / "okrctl.yaml").write_text(config, encoding="utf-8")
    (root / "goals" / "a.yaml").write_text(GOAL, encoding="utf-8")
    return root


def fill_postgres(server: Any) -> None:
    with psycopg.connect(server.dsn()) as conn:
        conn.execute("DROP TABLE IF EXISTS sales")
        conn.execute(
            "CREATE TABLE sales (date DATE, metric TEXT, value DOUBLE PRECISION, channel TEXT)"
        )
        conn.execute(
            "INSERT INTO sales VALUES ('2026-10-05', 'revenue', 100, 'web'), "
            "('2026-10-05', 'revenue', 20.5, 'shop'), ('2026-10-06', 'revenue', 300, 'web'), "
            "('2026-10-07', 'revenue', NULL, 'web'), (NULL, 'revenue', 5, 'web'), "
            "('2026-10-08', %s, 7, %s)",
            [EVIL, EVIL],
        )


def sales_count(server: Any) -> int:
    with psycopg.connect(server.dsn()) as conn:
        row = conn.execute("SELECT count(*) FROM sales").fetchone()
        assert row is not None
        return int(row[0])


def test_values_from_goal_files_are_bound_never_sql(tmp_path: Path, postgres: Any) -> None:
    fill_postgres(postgres)
    root = sales_repo(tmp_path / "repo", postgres.url())
    out = status(root)
    assert out.returncode == 0, out.stderr
    # 100 + 20.5 on the 5th, 300 on the 6th; the NULL value and the NULL date left out
    assert '"current": 420.5' in out.stdout
    # the metric and the filter value that look like SQL are the row's own values
    assert '"current": 7.0' in out.stdout
    assert sales_count(postgres) == 6
    explained = run_okrctl("explain", "--as-of", AS_OF, "CO-1/evil", cwd=root, env=ENV)
    assert explained.returncode == 0, explained.stderr
    assert "sales.metric IN ('revenue', 'x''; DROP TABLE sales; --')" in explained.stdout
    assert "sales.channel IN ('x''; DROP TABLE sales; --')" in explained.stdout
    assert "table sales  2026-10-08  7" in explained.stdout
    # an identifier that looks like SQL is quoted: the table is looked up, not run
    sales_repo(root, postgres.url(), f'table: "{EVIL}"')
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root, env=ENV)
    assert "okrctl.yaml:7:5: error D010" in checked.stdout, checked.stdout
    assert "does not exist" in checked.stdout
    assert sales_count(postgres) == 6


def test_rows_without_a_value_or_a_date_are_reported(tmp_path: Path, postgres: Any) -> None:
    fill_postgres(postgres)
    root = sales_repo(tmp_path / "repo", postgres.url())
    explained = run_okrctl("explain", "--as-of", AS_OF, "CO-1/revenue", cwd=root, env=ENV)
    assert "metric 'revenue' on 2026-10-07 has 1 rows without a value [D008]" in explained.stdout
    assert "1 rows of metric 'revenue' have no date [D003]" in explained.stdout


def test_a_query_that_writes_is_refused_by_the_database(tmp_path: Path, postgres: Any) -> None:
    fill_postgres(postgres)
    query = "query: UPDATE sales SET value = 0 RETURNING date, metric, value, channel"
    root = sales_repo(tmp_path / "repo", postgres.url(), query)
    out = status(root)
    assert out.returncode == 2
    assert "in a read-only transaction" in out.stderr
    with psycopg.connect(postgres.dsn()) as conn:  # unchanged: 100 + 20.5 + 300 + 5 + 7
        assert conn.execute("SELECT sum(value) FROM sales").fetchone() == (432.5,)


def test_sqlite_and_duckdb_files_are_opened_read_only(tmp_path: Path) -> None:
    root = sales_repo(tmp_path / "repo", "sqlite:///metrics/s.db", "query: DELETE FROM sales")
    con = sqlite3.connect(root / "metrics" / "s.db")
    con.execute("CREATE TABLE sales (date TEXT, metric TEXT, value REAL, channel TEXT)")
    con.execute("INSERT INTO sales VALUES ('2026-10-05', 'revenue', 1, 'web')")
    con.commit()
    out = run_okrctl("status", "--as-of", AS_OF, cwd=root)
    assert out.returncode == 2, out.stderr
    assert con.execute("SELECT count(*) FROM sales").fetchone() == (1,)
    con.close()
    duck = duckdb.connect(str(root / "metrics" / "d.duckdb"))
    duck.execute("CREATE TABLE sales (date DATE, metric TEXT, value DOUBLE, channel TEXT)")
    duck.execute("INSERT INTO sales VALUES ('2026-10-05', 'revenue', 1, 'web')")
    duck.close()
    sales_repo(root, "duckdb:///metrics/d.duckdb", "query: DELETE FROM sales RETURNING *")
    out = run_okrctl("status", "--as-of", AS_OF, cwd=root)
    assert out.returncode == 2, out.stderr
    sales_repo(root, "duckdb:///metrics/d.duckdb", "query: SELECT * FROM sales")
    out = run_okrctl("status", "--as-of", AS_OF, "--format", "json", cwd=root)
    assert out.returncode == 0 and '"current": 1' in out.stdout, out.stderr


def test_a_slow_query_is_stopped_by_its_timeout(tmp_path: Path, postgres: Any) -> None:
    fill_postgres(postgres)
    query = "query: SELECT * FROM sales WHERE pg_sleep(5) IS NOT NULL"
    root = sales_repo(tmp_path / "repo", postgres.url(), f"{query}\n    timeout: 300ms")
    out = status(root)
    assert out.returncode == 2
    assert "okrctl.yaml:7:5" in out.stderr
    assert "statement timeout" in out.stderr


def test_a_server_that_cannot_be_reached_is_exit_2_naming_host_and_table(
    tmp_path: Path,
) -> None:
    port = pgserver.free_port()
    url = f"postgresql://okr:${{OKR_PG_PASSWORD}}@127.0.0.1:{port}/bi"
    root = sales_repo(tmp_path / "repo", url)
    out = status(root)
    assert out.returncode == 2
    assert f"okrctl.yaml:7:5: metric source 'sales' (127.0.0.1:{port}/bi, table sales)" in (
        out.stderr
    )
    assert "refused" in out.stderr.lower()
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root, env=ENV)
    assert checked.returncode == 1
    assert "okrctl.yaml:7:5: error D014" in checked.stdout
    unset = run_okrctl("status", "--as-of", AS_OF, cwd=root)
    assert "the environment variable OKR_PG_PASSWORD, which is not set" in unset.stderr


def test_a_wrong_password_is_never_printed(tmp_path: Path, postgres: Any) -> None:
    secret = "Wr0ng-s3cret-pa55"
    root = sales_repo(tmp_path / "repo", postgres.url())
    env = {"OKR_PG_PASSWORD": secret}
    seen = []
    for args in (
        ("status", "--as-of", AS_OF),
        ("status", "--as-of", AS_OF, "--debug"),
        ("check", "--as-of", AS_OF),
        ("check", "--as-of", AS_OF, "--format", "json"),
        ("explain", "--as-of", AS_OF, "CO-1/revenue", "--debug"),
    ):
        out = run_okrctl(*args, cwd=root, env=env)
        seen.append(out.stdout + out.stderr)
        assert out.returncode in (1, 2), out
    assert "password authentication failed" in seen[0]
    assert all(secret not in text for text in seen)
    # nor a password written into the url itself
    sales_repo(root, postgres.url(secret))
    out = run_okrctl("status", "--as-of", AS_OF, "--debug", cwd=root)
    assert out.returncode == 2 and secret not in out.stdout + out.stderr


def test_missing_table_and_column_are_located_at_the_source(tmp_path: Path) -> None:
    root = sales_repo(tmp_path / "repo", "sqlite:///metrics/s.db")
    con = sqlite3.connect(root / "metrics" / "s.db")
    con.execute("CREATE TABLE other (day TEXT)")
    con.execute("CREATE TABLE amounts (date TEXT, metric TEXT, amount REAL)")
    con.commit()
    con.close()
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root)
    assert "okrctl.yaml:7:5: error D010 metric source 'sales' (metrics/s.db, table sales): " in (
        checked.stdout
    )
    assert "no such table: sales" in checked.stdout
    sales_repo(root, "sqlite:///metrics/s.db", "table: amounts")
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=root)
    assert "okrctl.yaml:7:5: error D004" in checked.stdout
    assert "the table has no value column 'value'" in checked.stdout
    outside = sales_repo(tmp_path / "repo", "sqlite:////etc/passwd.db")
    checked = run_okrctl("check", "--as-of", AS_OF, cwd=outside)
    assert "okrctl.yaml:8:10: error C002" in checked.stdout


def test_duckdb_queries_reach_no_file_but_the_database(tmp_path: Path) -> None:
    query = "query: SELECT DATE '2026-10-05' AS date, 'revenue' AS metric, 1.0 AS value, "
    root = sales_repo(
        tmp_path / "repo",
        "duckdb:///:memory:",
        query + "column0 AS channel FROM read_csv('/etc/hostname', header = false)",
    )
    out = run_okrctl("check", "--as-of", AS_OF, cwd=root)
    assert "okrctl.yaml:7:5: error D010" in out.stdout
    assert "file system operations are disabled" in out.stdout


def test_a_slow_duckdb_query_is_interrupted_by_its_timeout(tmp_path: Path) -> None:
    query = (
        "query: SELECT DATE '2026-10-05' AS date, 'revenue' AS metric, "
        "CAST(count(*) AS DOUBLE) AS value, 'web' AS channel FROM range(100000000000)"
    )
    root = sales_repo(tmp_path / "repo", "duckdb:///:memory:", f"{query}\n    timeout: 500ms")
    out = run_okrctl("status", "--as-of", AS_OF, cwd=root)
    assert out.returncode == 2
    assert "okrctl.yaml:7:5" in out.stderr and "D014" not in out.stderr
    assert "interrupt" in out.stderr.lower()


def test_without_the_warehouse_extra_the_message_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "sqlalchemy" or m.startswith("sqlalchemy.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    monkeypatch.setitem(sys.modules, "sqlalchemy.exc", None)
    root = sales_repo(tmp_path / "repo", "sqlite:///metrics/s.db")
    out = run_okrctl("status", "--as-of", AS_OF, cwd=root)
    assert out.returncode == 2
    assert "okrctl.yaml:7:5" in out.stderr
    assert "pip install 'okrctl[warehouse]'" in out.stderr
