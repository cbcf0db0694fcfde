"""Shell completion: commands, cycle ids, unit ids and goal ids, from the repository the
user stands in; a broken or missing repository offers nothing and never fails."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLES, run_okrctl_process


def _complete(cwd: Path, line: str) -> list[str]:
    """What zsh would offer after ``line`` (typer's zsh protocol: one "value":"help" per
    line inside _arguments)."""
    result = run_okrctl_process(
        cwd=cwd, env={"_OKRCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    values = []
    for part in result.stdout.split("\n"):
        part = part.split('(("', 1)[-1] if '(("' in part else part.lstrip('"')
        if part and not part.startswith(("_arguments", "_files")):  # _files: nothing to offer
            values.append(part.split('":"', 1)[0].split('"', 1)[0])
    return values


def test_completion_offers_commands_cycles_units_and_goal_ids(tmp_path: Path) -> None:
    root = tmp_path / "education"
    shutil.copytree(EXAMPLES / "education", root, ignore=shutil.ignore_patterns(".okrctl_cache"))
    assert _complete(root, "okrctl sta") == ["status"]
    assert _complete(root, "okrctl status --cycle ") == ["2026-Q4", "FY2026"]
    assert "marketing" in _complete(root, "okrctl status --unit ")
    assert _complete(root, "okrctl explain CO-1/") == [
        "CO-1/paid",
        "CO-1/satisfaction",
        "CO-1/users",
    ]
    assert "MKT-1" in _complete(root, "okrctl history ")
    assert _complete(root, "okrctl roll 2026") == ["2026-Q4"]
    # -C names the repository from elsewhere
    assert _complete(tmp_path, f"okrctl status -C {root} --cycle 2026") == ["2026-Q4"]


def test_completion_in_a_broken_or_missing_repository_offers_nothing(tmp_path: Path) -> None:
    assert _complete(tmp_path, "okrctl status --cycle ") == []
    assert _complete(tmp_path, "okrctl explain ") == []
    (tmp_path / "okrctl.yaml").write_text("okrctl: 1\ncycles: [{id: Q4\n", encoding="utf-8")
    assert _complete(tmp_path, "okrctl status --cycle ") == []
    assert _complete(tmp_path, "okrctl explain ") == []


def test_install_completion_is_offered() -> None:
    result = run_okrctl_process("--help")
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
