"""`okrctl new`: entries land in the right file, comments kept, validated before writing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_okrctl
from okrctl.goalfile import parse_goal_file


@pytest.fixture
def edu(tmp_path: Path) -> Path:
    target = tmp_path / "education"
    shutil.copytree(EXAMPLES / "education", target, ignore=shutil.ignore_patterns(".okrctl_cache"))
    return target


def test_new_kr_goes_into_its_objective_and_keeps_comments(edu: Path) -> None:
    path = edu / "goals" / "departments" / "service.yaml"
    before = path.read_text(encoding="utf-8")
    result = run_okrctl(
        "new",
        "kr",
        "SVC-1",
        "--id",
        "first-reply",
        "--title",
        "首次回复 within 30 s",
        "--metric",
        "crm:response_seconds",  # a metric the export has: an unknown one is an error (D011)
        "--at-most",
        "30",
        "-C",
        str(edu),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "added kr SVC-1/first-reply to goals/departments/service.yaml\n"
    after = path.read_text(encoding="utf-8")
    # every line that was there is still there, in order (comments included)
    assert [
        line for line in after.splitlines() if line in before.splitlines()
    ] == before.splitlines()
    assert "  # A speed KPI alone made agents end chats early" in after
    goal = parse_goal_file("x.yaml", after.encode())
    (svc,) = goal.objectives
    assert [k.id for k in svc.key_results] == ["satisfaction", "complaints", "first-reply"]
    assert svc.key_results[-1].at_most == 30
    assert run_okrctl("check", "-C", str(edu), "--as-of", "2026-11-30").returncode == 0


def test_new_objective_and_kpi_files(edu: Path) -> None:
    result = run_okrctl(
        "new",
        "objective",
        "--id",
        "SOC-2",
        "--title",
        "Video channel",
        "--unit",
        "social",
        "--aligns-to",
        "MKT-1/users",
        "-C",
        str(edu),
    )
    assert result.stdout == "added objective SOC-2 to goals/teams/social.yaml\n"
    result = run_okrctl(
        "new",
        "kpi",
        "--id",
        "KPI-HR-1",
        "--title",
        "Hiring",
        "--target",
        "5",
        "--owner",
        "hr.lead",
        "--unit",
        "youxue",
        "--weight",
        "1",
        "--cycle",
        "2026-Q4",
        "--file",
        "goals/hr/hiring.yaml",
        "-C",
        str(edu),
    )
    assert result.returncode == 0, result.stderr
    assert "(new file)" in result.stdout
    text = (edu / "goals" / "hr" / "hiring.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/goals.schema.json\n")
    assert "kpis:\n  - id: KPI-HR-1\n    title: Hiring\n    owner: hr.lead" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kr", "MKT-1", "--id", "leads", "--target", "5"], "2 of 3 have a weight"),
        (
            ["objective", "--id", "MKT-1", "--title", "again", "--unit", "marketing"],
            "is already used",
        ),
        (
            [
                "objective",
                "--id",
                "X-1",
                "--title",
                "t",
                "--unit",
                "marketing",
                "--aligns-to",
                "CO-1/userz",
            ],
            "did you mean 'users'",
        ),
        (["kr", "NOPE", "--id", "k", "--target", "1"], "no objective 'NOPE'"),
        (["objective", "--id", "bad id", "--title", "t"], "is not valid"),
        (["objective", "--title", "t"], "--id is required"),
        (
            ["kpi", "--id", "K", "--title", "t", "--target", "1", "--file", "../x.yaml"],
            "outside the goals repository",
        ),
    ],
)
def test_invalid_entries_write_nothing(edu: Path, args: list[str], message: str) -> None:
    snapshot = {p: p.read_bytes() for p in edu.rglob("*.yaml")}
    result = run_okrctl("new", *args, "-C", str(edu))
    assert result.returncode in (1, 2)
    assert message in result.stderr
    assert {p: p.read_bytes() for p in edu.rglob("*.yaml")} == snapshot


def test_prompts_on_a_terminal(edu: Path) -> None:
    """Missing values are asked for when a person is at the terminal."""
    import os
    import pty
    import subprocess
    import sys
    import time

    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "okrctl",
            "new",
            "objective",
            "--unit",
            "marketing",
            "--aligns-to",
            "CO-1/users",
            "-C",
            str(edu),
        ],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
    )
    os.close(secondary)
    output = b""
    answers = iter([b"MKT-9\n", b"Grow the brand\n"])
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        try:
            chunk = os.read(main, 1024)
        except OSError:
            break
        output += chunk
        if chunk.rstrip().endswith(b":"):
            os.write(main, next(answers, b"\n"))
    process.wait(timeout=30)
    os.close(main)
    assert process.returncode == 0, output
    assert b"Id (e.g. MKT-2):" in output and b"Title:" in output
    text = (edu / "goals" / "departments" / "marketing.yaml").read_text(encoding="utf-8")
    assert "  - id: MKT-9\n    title: Grow the brand\n    unit: marketing\n" in text


def test_a_broken_target_file_is_left_alone(edu: Path) -> None:
    path = edu / "goals" / "departments" / "marketing.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "oops: [" * 200 + "\n", encoding="utf-8")
    before = path.read_bytes()
    result = run_okrctl(
        "new",
        "objective",
        "--id",
        "MKT-5",
        "--title",
        "t",
        "--file",
        "goals/departments/marketing.yaml",
        "-C",
        str(edu),
    )
    assert result.returncode == 2 and "fix the file first" in result.stderr
    assert path.read_bytes() == before
