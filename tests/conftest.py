"""Shared helpers: goal repositories in temporary folders, CLI runs, corpora paths."""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"

MINIMAL_CONFIG = """\
okrctl: 1
units:
  - {id: acme, level: company}
  - {id: sales, level: department, parent: acme}
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
metrics:
  - {name: crm, path: metrics/crm.csv}
"""

# one valid objective under MINIMAL_CONFIG
MINIMAL_GOAL = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, target: 10, baseline: 1}
"""


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared corpora sit beside the project in CI only)")
    return path


MakeRepo = Callable[..., Path]


@pytest.fixture
def make_repo(tmp_path: Path) -> MakeRepo:
    """Write a goals repository: ``make_repo({"goals/a.yaml": "..."}, config=...)``."""

    def make(
        files: dict[str, str | bytes] | None = None, config: str | None = MINIMAL_CONFIG
    ) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        if config is not None:
            (root / "okrctl.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
        (root / "metrics").mkdir(exist_ok=True)
        (root / "metrics" / "crm.csv").write_text("date,metric,value\n", encoding="utf-8")
        for name, body in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(textwrap.dedent(body), encoding="utf-8")
        return root

    return make


@dataclass(frozen=True)
class Run:
    """What a user sees of one okrctl run: the exit status and both streams."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


# Variables a CI runner or a user's shell sets that change okrctl's output
# what the machine running the suite may set that changes what okrctl prints (COLUMNS: the
# width output for people is fitted to); tests that need one set it themselves
_HOST_VARIABLES = (
    "GITHUB_ACTIONS",
    "NO_COLOR",
    "FORCE_COLOR",
    "GITHUB_STEP_SUMMARY",
    "COLUMNS",
    "LINES",
)


def _environment(env: dict[str, str] | None) -> dict[str, str]:
    full = {k: v for k, v in os.environ.items() if k not in _HOST_VARIABLES}
    full.update(env or {})
    return full


def _text(data: bytes) -> str:
    # as subprocess.run(text=True) reads a pipe: UTF-8 with universal newlines
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def run_okrctl(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str = ""
) -> Run:
    """Run the command line in this process, as ``okrctl ARGS`` would run from ``cwd``.

    The console-script entry point runs with its own argv, working directory, environment
    and streams (pipes, not terminals); everything is restored afterwards, including the
    garbage collector that some commands switch off. ``run_okrctl_process`` is the
    end-to-end variant for the few tests that need a real process.
    """
    from okrctl.cli.app import main

    saved_env, saved_cwd, gc_enabled = dict(os.environ), os.getcwd(), gc.isenabled()
    saved_streams = sys.argv, sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    os.environ.clear()
    os.environ.update(_environment(env))
    sys.argv = ["okrctl", *args]
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    try:
        if cwd is not None:
            os.chdir(cwd)
        try:
            main()
            code: int | str | None = 0
        except SystemExit as exit_:
            code = exit_.code
        sys.stdout.flush()
        sys.stderr.flush()
        if isinstance(code, str):  # sys.exit("message") prints it and exits 1
            err.write(code.encode() + b"\n")
            code = 1
        return Run(tuple(args), int(code or 0), _text(out.getvalue()), _text(err.getvalue()))
    finally:
        sys.argv, sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        if gc_enabled:
            gc.enable()


def run_okrctl_process(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess (end-to-end tests only: it is slow)."""
    return subprocess.run(
        [sys.executable, "-m", "okrctl", *args],
        cwd=cwd,
        env=_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


UPDATE_GOLDEN = os.environ.get("OKRCTL_UPDATE_GOLDEN") == "1"


def golden(name: str, actual: str) -> None:
    """Compare ``actual`` with tests/golden/NAME; ``OKRCTL_UPDATE_GOLDEN=1`` rewrites the
    file instead (and says so on stderr), a missing file is written and fails the test."""
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if old != actual:
            sys.stderr.write(f"golden file rewritten: {path.relative_to(ROOT)}\n")
        if not UPDATE_GOLDEN:
            pytest.fail(f"golden file {name} was missing and has been written; rerun")
    assert actual == path.read_text(encoding="utf-8")


def git(
    root: Path, *args: str, date: str = "2026-09-20T09:00:00+08:00", author: str = "Li Na"
) -> str:
    """Run git in ``root`` with a pinned author and date and no user or system config."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "x@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "x@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root.parent),
    }
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def write(root: Path, name: str, text: str) -> None:
    """Write ``root/name`` (dedented), creating folders."""
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated_cache_key(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the cache-signing key of test runs out of the user's home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


COMPANY = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: ceo}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, metric: crm:users, baseline: 100, target: 200, weight: 0.5}
      - {id: cost, metric: crm:cost, baseline: 50, target: 30, weight: 0.5}
kpis:
  - {id: K-CALLS, title: Calls, owner: bo, target: 40, weight: 1}
"""

SALES = """\
defaults: {cycle: 2026-Q4, unit: sales, owner: li}
objectives:
  - id: S-1
    title: Sell
    aligns_to: CO-1/users
    key_results:
      - {id: deals, baseline: 0, target: 10}
"""


@pytest.fixture
def history(make_repo: MakeRepo) -> Path:
    """September planning, then mid-quarter edits by two people."""
    root = make_repo({"goals/company.yaml": COMPANY, "goals/sales.yaml": SALES})
    write(
        root,
        "metrics/crm.csv",
        "date,metric,value\n2026-10-01,users,100\n2026-11-20,users,110\n"
        "2026-10-01,cost,50\n2026-11-20,cost,45\n",
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Plan Q4")
    # before the cycle started: lowering is planning, not moving goal posts
    write(root, "goals/company.yaml", COMPANY.replace("target: 200", "target: 190"))
    git(root, "commit", "-qam", "Adjust plan", date="2026-09-28T10:00:00+08:00")
    git(root, "tag", "planned")
    # mid-quarter: users target lowered, cost target raised (lower is better), weight
    # shifted away from the lagging users KR, the KPI target lowered
    changed = (
        COMPANY.replace("target: 200", "target: 150")
        .replace("target: 30", "target: 40")
        .replace("target: 40, weight: 1", "target: 25, weight: 1")
    )
    changed = changed.replace("target: 150, weight: 0.5", "target: 150, weight: 0.3")
    changed = changed.replace("target: 40, weight: 0.5", "target: 40, weight: 0.7")
    write(root, "goals/company.yaml", changed)
    git(
        root, "commit", "-qam", "Be realistic", date="2026-11-10T15:00:00+08:00", author="Wang Fang"
    )
    # re-parenting, a rename of file, a new objective
    write(
        root,
        "goals/sales-team.yaml",
        SALES.replace("aligns_to: CO-1/users", "aligns_to: CO-1/cost"),
    )
    (root / "goals" / "sales.yaml").unlink()
    write(root, "goals/new.yaml", SALES.replace("S-1", "S-2").replace("Sell", "Sell more"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Reorganise", date="2026-11-12T09:00:00+08:00")
    return root


@pytest.fixture(params=["memory", "duck"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both metric engines: the Python reader, and DuckDB (every file counted as large)."""
    if request.param == "duck":
        import okrctl.metrics.engine

        monkeypatch.setattr(okrctl.metrics.engine, "LARGE_FILE_BYTES", 0)
    return str(request.param)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A throwaway PostgreSQL 15 server for the session (tests/pgserver.py); skipped,
    saying why, only where PostgreSQL 15 is not installed."""
    import pgserver

    reason = pgserver.available()
    if reason:
        pytest.skip(reason)
    server = pgserver.start()
    try:
        yield server
    finally:
        server.stop()
