"""The CI integrations shipped in the repository are well-formed and safe."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from conftest import ROOT


def _load(path: Path) -> object:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_pre_commit_hook() -> None:
    (hook,) = _load(ROOT / ".pre-commit-hooks.yaml")  # type: ignore[misc]
    assert hook["id"] == "okrctl-check"
    assert hook["entry"] == "okrctl check --no-freshness" and hook["language"] == "python"
    assert hook["pass_filenames"] is False  # cross-file: never per-file batches
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    assert files.search("goals/marketing.yaml") and files.search("okrctl.yaml")
    assert files.search("metrics/crm.csv") and not files.search("README.md")


def test_action_passes_inputs_through_env_only() -> None:
    action = _load(ROOT / "action.yml")
    steps = action["runs"]["steps"]  # type: ignore[index]
    scripts = [step["run"] for step in steps if "run" in step]
    assert scripts
    for script in scripts:
        assert "${{" not in script, script  # no expression interpolated into a script
    check = next(s for s in steps if s.get("name") == "Check goals")
    assert "--format github" in check["run"]
    assert set(action["inputs"]) >= {
        "path",
        "strict",
        "changed-since",
        "diff-comment",  # type: ignore[index]
        "fail-on-goalpost",
        "github-token",
    }


def test_ci_examples_are_valid_yaml_and_documented() -> None:
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for name in ("gitlab-ci.yml", "github-workflow.yml", "pre-commit-config.yaml"):
        assert _load(ROOT / "examples" / "ci" / name)
    assert "okrctl-check" in doc and "fetch-depth: 0" in doc and "GIT_DEPTH" in doc
