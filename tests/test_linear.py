"""Every computing command grows linearly with the organisation (issue 12, item 7).

Work is counted, not timed: the lines of the computing modules a command runs, the same
on every machine. An organisation four times larger may cost about four times the lines;
a goal that scans every other goal makes it up to sixteen.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import okrctl.evaluate.evaluator
import okrctl.evaluate.scoring
import okrctl.review.report
import okrctl.rules.context
from conftest import run_okrctl

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from generate_org import generate

DAY = "2026-11-30"  # in the generated cycle, 2026-Q4

# where the numbers are computed from the loaded goals
COMPUTING = {
    module.__file__
    for module in (
        okrctl.evaluate.evaluator,
        okrctl.review.report,
        okrctl.evaluate.scoring,
        okrctl.rules.context,
    )
}


def _steps(root: Path, *args: str) -> int:
    """The lines of okrctl's computing modules Python runs for ``okrctl ARGS`` in ``root``:
    every call and every turn of every loop (a loop turn is a line event, even on one
    line), whatever the machine. Loading and rendering are left out: they are linear
    anyway and would dilute a scan's cost at the small sizes a test can afford."""
    count = 0

    def probe(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename in COMPUTING:
            count += 1
        return probe

    sys.settrace(probe)
    try:
        result = run_okrctl(*args, cwd=root)
    finally:
        sys.settrace(None)
    assert result.returncode == 0, result.stderr
    return count


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("report", "--format", "md", "--no-git", "--as-of", DAY),
        ("report", "--format", "html", "--no-git", "--as-of", DAY),
        ("score", "--format", "json", "--as-of", DAY),
        ("score", "--as-of", DAY),
    ],
)
def test_work_grows_linearly(tmp_path: Path, args: tuple[str, ...]) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    generate(small, files=40, mistakes=False)  # 200 objectives, 800 key results
    generate(large, files=160, mistakes=False)  # 800 objectives, 3,200 key results
    run_okrctl(*args, cwd=small)  # imports and caches first, so both runs count the same
    run_okrctl(*args, cwd=large)
    ratio = _steps(large, *args) / _steps(small, *args)
    # 3.97 and 3.98 here; the scans of a KR's children over all objectives, of an
    # objective's risks over all risks and of an owner's goals over all goals made it
    # 5.1x to 12.7x
    assert ratio < 4.5, ratio


@pytest.mark.slow
def test_a_report_of_kpis_behind_grows_linearly(tmp_path: Path) -> None:
    """Every KPI off track: the report walks each one's strategy maps (none here) for
    drivers behind, which graded every objective again for each KPI."""
    small, large = tmp_path / "small", tmp_path / "large"
    for root, files in ((small, 40), (large, 160)):
        generate(root, files=files, mistakes=False)
        for path in (root / "goals").rglob("*.yaml"):
            body = path.read_text(encoding="utf-8")
            # a KPI's target (4 spaces in, before its weight) out of reach: off track
            body = re.sub(
                r"\n    target: \d+\n    weight:", "\n    target: 99999999\n    weight:", body
            )
            path.write_text(body, encoding="utf-8")
    args = ("report", "--format", "md", "--no-git", "--as-of", DAY)
    shown = json.loads(
        run_okrctl("report", "-f", "json", "--no-git", "--as-of", DAY, cwd=large).stdout
    )
    assert sum(r["kind"] == "KPI" for r in shown["risks"]) == 160  # one KPI a file, all behind
    run_okrctl(*args, cwd=small)
    ratio = _steps(large, *args) / _steps(small, *args)
    # linear: at most 4x the lines for 4x the goals; grading every objective for each KPI
    # made it 6.5x (3.98 with the grades reused)
    assert ratio < 4.5, ratio
