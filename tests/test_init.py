"""`okrctl init`: every stage and industry gives a repository that passes --strict."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import run_okrctl
from okrctl.edit.init import INDUSTRIES, STAGES, plan


@pytest.mark.parametrize("industry", INDUSTRIES)
@pytest.mark.parametrize("stage", STAGES)
def test_every_combination_passes_strict(tmp_path: Path, stage: str, industry: str) -> None:
    target = tmp_path / f"{stage}-{industry}"
    created = run_okrctl("init", str(target), "--template", stage, "--industry", industry)
    assert created.returncode == 0, created.stderr
    check = run_okrctl("check", "--strict", "-C", str(target))
    assert check.returncode == 0, check.stdout
    assert run_okrctl("fmt", "--check", "-C", str(target)).returncode == 0
    status = json.loads(run_okrctl("status", "-f", "json", "-C", str(target)).stdout)
    assert status["rows"]  # the sample data feeds every goal
    assert not [r for r in status["rows"] if r["status"] == "grey" and r["kind"] != "objective"]


def test_stage_decides_the_mix() -> None:
    today = dt.date(2026, 11, 23)
    startup = plan("startup", "saas", today).files
    growth = plan("growth", "saas", today).files
    mature = plan("mature", "saas", today).files
    assert "goals/company.yaml" in startup and "goals/kpis.yaml" not in startup
    assert "goals/company.yaml" in growth and "goals/kpis.yaml" in growth
    assert "goals/company.yaml" not in mature and "goals/scorecard.yaml" in mature
    for files in (startup, growth, mature):
        assert {
            ".github/workflows/goals.yml",
            ".pre-commit-config.yaml",
            "schemas/goals.schema.json",
            "metrics/data.csv",
        } <= set(files)
    assert "2026-Q4, start: 2026-10-01, end: 2026-12-31" in startup["okrctl.yaml"]
    assert startup["goals/company.yaml"].startswith(
        "# yaml-language-server: $schema=../schemas/goals.schema.json"
    )


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "okrctl.yaml").write_text("# mine\n", encoding="utf-8")
    result = run_okrctl("init", str(tmp_path))
    assert result.returncode == 2 and "--force" in result.stderr
    assert (tmp_path / "okrctl.yaml").read_text() == "# mine\n"
    assert not (tmp_path / "goals").exists()  # nothing written at all
    forced = run_okrctl("init", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert (tmp_path / "okrctl.yaml").read_text().startswith("# yaml-language-server")


def test_unknown_template_or_industry(tmp_path: Path) -> None:
    assert run_okrctl("init", str(tmp_path), "--template", "unicorn").returncode == 2
    result = run_okrctl("init", str(tmp_path), "--industry", "mining")
    assert result.returncode == 2 and "saas" in result.stderr
