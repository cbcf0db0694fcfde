"""A few runs of the installed console script as a real process: what the in-process
tests cannot show (the entry point, exit statuses a shell sees, streams of a pipe)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, FIXTURES

SCRIPT = Path(sys.executable).with_name("okrctl")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_console_script_exit_statuses() -> None:
    clean = _run("check", "--no-cache", "-C", str(EXAMPLES / "education"))
    assert (clean.returncode, clean.stderr) == (0, "")
    assert clean.stdout.startswith("no problems in 7 files")
    findings = _run("check", "--no-cache", "--format", "json", "-C", str(FIXTURES / "broken"))
    assert findings.returncode == 1
    assert json.loads(findings.stdout)["summary"]["errors"] == 15
    usage = _run("status", "--as-of", "30/11/2026", "-C", str(EXAMPLES / "education"))
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr
    unknown = _run("no-such-command")
    assert unknown.returncode == 2


def test_console_script_status_in_a_pipe() -> None:
    result = _run("status", "-C", str(EXAMPLES / "education"), "--as-of", "2026-11-30")
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout  # a pipe gets no color
    assert result.stdout.splitlines()[0].rstrip() == "2026-Q4 on 2026-11-30"
