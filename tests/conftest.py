"""Shared helpers: goal repositories in temporary folders, CLI runs, corpora paths."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

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


def run_okrctl(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as a user or CI would."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "GITHUB_STEP_SUMMARY")
    }
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "okrctl", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(autouse=True)
def _isolated_cache_key(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the cache-signing key of test runs out of the user's home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
