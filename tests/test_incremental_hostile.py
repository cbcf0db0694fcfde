"""The incremental check against what a hostile or unlucky user does between and during
runs: links retargeted behind the recorded listing, a goal file saved while a whole run
reads it, another okrctl rewriting the recorded state under a running one, metric data
that lives in a database. In each case the warm output must be the cold one
(``--no-cache``), byte for byte, and no run may crash."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import MINIMAL_CONFIG, SALES, MakeRepo, git, run_okrctl
from okrctl.load.config import load_config
from okrctl.load.filecache import CACHE_DIR
from okrctl.rules import incremental

COMPANY = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: ceo}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, metric: crm:users, baseline: 100, target: 200}
"""
FORMATS = ("text", "json", "sarif", "github")


def _outputs(root: Path, *extra: str) -> list[tuple[int, str, str]]:
    return [
        (r.returncode, r.stdout, r.stderr)
        for r in (
            run_okrctl("check", "-C", str(root), "--as-of", "2026-11-30", "--format", f, *extra)
            for f in FORMATS
        )
    ]


def _age_all(root: Path, stamp: int) -> None:
    """Every file and folder of the repository last modified at ``stamp`` (long ago), so
    that the recorded listing is trusted (outside the racy window)."""
    for path in [*root.rglob("*"), root]:
        if path.name != CACHE_DIR and CACHE_DIR not in path.parts:
            os.utime(path, (stamp, stamp), follow_symlinks=False)


def test_a_link_retargeted_outside_the_repository_is_refused_warm_as_cold(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    """goals/sales.yaml links to shared/sales.yaml (inside: read). That file is then
    replaced by a link to a file outside the repository: no folder the globs look into
    changes, yet the goal file now resolves outside and must be refused (C002), never
    read, as a cold run does."""
    root = make_repo({"goals/co.yaml": COMPANY, "shared/sales.yaml": SALES})
    (root / "goals" / "sales.yaml").symlink_to("../shared/sales.yaml")
    outside = tmp_path / "outside.yaml"
    outside.write_text(SALES.replace("S-1", "SECRET-1"), encoding="utf-8")
    for stamp in (1_700_000_000, 1_700_000_100):  # the first run makes .okrctl_cache/
        _age_all(root, stamp)
        run_okrctl("check", "-C", str(root))
    (root / "shared" / "sales.yaml").unlink()
    (root / "shared" / "sales.yaml").symlink_to(outside)
    warm = _outputs(root)
    assert warm == _outputs(root, "--no-cache")
    assert "SECRET-1" not in "".join(out for _, out, _ in warm)
    assert "C002" in warm[0][1]
    # and back inside: read again
    (root / "shared" / "sales.yaml").unlink()
    (root / "shared" / "sales.yaml").write_text(SALES, encoding="utf-8")
    assert _outputs(root) == _outputs(root, "--no-cache")


def test_a_goal_file_saved_during_a_whole_run_is_judged_by_the_next(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor saves goals/sales.yaml while a whole run is judging it (after the file
    was parsed). The next run must see the saved version: the state recorded must not
    claim the new bytes were judged."""
    root = make_repo({"goals/co.yaml": COMPANY, "goals/sales.yaml": SALES})
    real = incremental.parse_files
    saved: list[bool] = []

    def parse_then_save(*args: Any, **kwargs: Any) -> Any:
        parsed = real(*args, **kwargs)
        if not saved:
            saved.append(True)
            edited = SALES.replace("CO-1/users", "CO-1/nope")
            (root / "goals" / "sales.yaml").write_text(edited, encoding="utf-8")
        return parsed

    monkeypatch.setattr(incremental, "parse_files", parse_then_save)
    run_okrctl("check", "-C", str(root), "--as-of", "2026-11-30")
    monkeypatch.setattr(incremental, "parse_files", real)
    warm = _outputs(root)
    assert warm == _outputs(root, "--no-cache")
    assert "CO-1/nope" in warm[0][1]


def test_changed_since_survives_another_run_rewriting_the_state(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check --changed-since` reads the recorded index after the header; another okrctl
    (here: a run with other options, which records a new state whole) replaces the body
    in between, having seen an editor's backup file the globs match for a moment. The
    run must not crash: it answers as a cold one does."""
    from okrctl.rules import since

    root = make_repo({"goals/co.yaml": COMPANY, "goals/sales.yaml": SALES})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "goals")
    (root / "goals" / "sales.yaml").write_text(SALES.replace("CO-1/users", "CO-1/usr"))
    git(root, "commit", "-qam", "typo")
    (root / "goals" / "co.yaml").write_text(COMPANY.replace("Grow", "Grow more"))
    args = ("check", "-C", str(root), "--as-of", "2026-11-30", "--changed-since", "HEAD~1")
    cold = run_okrctl(*args, "--no-cache")
    run_okrctl(*args)  # the state the next run reads
    real: Callable[..., incremental.Outcome] = since.run

    def run_then_other_process(config: Any, *a: Any, **kw: Any) -> incremental.Outcome:
        outcome = real(config, *a, **kw)
        other = {**kw, "data": not kw["data"], "keep": False}
        backup = config.root / "goals" / "co~.yaml"
        backup.write_text(COMPANY.replace("CO-1", "CO-9"), encoding="utf-8")
        real(load_config(config.root), None, **other)  # a whole run: the body anew
        backup.unlink()
        return outcome

    monkeypatch.setattr(since, "run", run_then_other_process)
    warm = run_okrctl(*args)
    assert (warm.returncode, warm.stdout, warm.stderr) == (
        cold.returncode,
        cold.stdout,
        cold.stderr,
    )


def test_database_data_is_read_again_on_every_run(make_repo: MakeRepo) -> None:
    """A metric source in a SQLite database (a file the config names by URL): rows
    added to it change what `check` reports (D013 goes away), with no goal file, no
    okrctl.yaml and no metric file path changing. The warm run must not print the
    recorded result."""
    config = MINIMAL_CONFIG.replace(
        "  - {name: crm, path: metrics/crm.csv}",
        "  - {name: crm, url: 'sqlite:///metrics/kpis.db', table: kpis}",
    )
    root = make_repo({"goals/co.yaml": COMPANY}, config=config)
    database = root / "metrics" / "kpis.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE kpis (date TEXT, metric TEXT, value REAL)")
        connection.execute("INSERT INTO kpis VALUES ('2026-10-05', 'other', 1)")
    connection.close()
    first = _outputs(root)
    assert first == _outputs(root, "--no-cache")
    assert "D013" in first[0][1]
    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO kpis VALUES ('2026-10-05', 'users', 150)")
    connection.close()
    warm = _outputs(root)
    assert warm == _outputs(root, "--no-cache")
    assert "D013" not in warm[0][1]


def test_a_metric_file_rewritten_in_the_same_clock_tick_is_read_again(
    make_repo: MakeRepo,
) -> None:
    """A metric file exported twice within one tick of a coarse clock (same size, same
    modification time, same inode), with a check in between: its stat says nothing
    changed, so the recorded result must not be trusted while the file is that fresh
    (the racy window goal files already have)."""
    root = make_repo({"goals/co.yaml": COMPANY})
    csv = root / "metrics" / "crm.csv"
    csv.write_text("date,metric,value\n2026-10-05,other,150\n", encoding="utf-8")
    stamp = csv.stat().st_mtime_ns
    first = _outputs(root)
    assert "D013" in first[0][1]
    csv.write_text("date,metric,value\n2026-10-05,users,150\n", encoding="utf-8")
    os.utime(csv, ns=(stamp, stamp))  # the coarse clock has not moved
    warm = _outputs(root)
    assert warm == _outputs(root, "--no-cache")
    assert "D013" not in warm[0][1]
