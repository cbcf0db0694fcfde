"""`okrctl new`: entries land in the right file, comments kept, validated before writing;
only the entry's lines change (line endings, byte-order mark and every other line kept)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, MINIMAL_GOAL, MakeRepo, run_okrctl
from okrctl.load.goalfile import parse_goal_file


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
        "crm:response_seconds",  # a metric the export has: an unknown one is an error (D013)
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


def test_new_keeps_the_line_endings_and_bom_of_the_file_it_edits(edu: Path) -> None:
    path = edu / "goals" / "departments" / "service.yaml"
    lines = path.read_text(encoding="utf-8").count("\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = run_okrctl(
        *("new", "kr", "SVC-1", "--id", "first-reply", "--metric", "crm:response_seconds"),
        *("--at-most", "2", "-C", str(edu)),
    )
    assert result.returncode == 0, result.stderr
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    # the new key result is three lines (id, metric, at_most): every line ends in CRLF
    assert after.count(b"\r\n") == lines + 3
    assert after.count(b"\n") == after.count(b"\r\n")
    assert run_okrctl("check", "-C", str(edu)).returncode == 0  # and still reads right


# -- only the entry's lines change ----------------------------------------------------------
COMPANY = (
    "# yaml-language-server: $schema=../schemas/goals.schema.json\n"
    "defaults: {cycle: 2026-Q4, unit: acme}\n"
    "objectives:\n"
    "  # the company objective\n"
    "  - id: CO-1\n"
    "    title: Grow   # why we exist\n"
    "    key_results:\n"
    "      - id: users   # from the CRM\n"
    "        baseline: 1\n"
    "        target: 10\n"
    "        # revisit in November\n"
    "\n"
    "  # the second objective\n"
    "  - id: CO-2\n"
    "    title: Keep\n"
    "    key_results:\n"
    "      - {id: churn, baseline: 5, target: 2}\n"
)
BOM = b"\xef\xbb\xbf"


def _new(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_okrctl("new", *args, "-C", str(root))
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("bom", [b"", BOM], ids=["no-bom", "bom"])
def test_new_inserts_its_lines_and_changes_no_other_byte(
    make_repo: MakeRepo, eol: str, bom: bytes
) -> None:
    root = make_repo({"goals/company.yaml": bom + COMPANY.replace("\n", eol).encode()})
    path = root / "goals" / "company.yaml"
    assert _new(root, "kr", "CO-1", "--id", "deals", "--target", "5", "--baseline", "0")[0] == 0
    # a block-style key result after the last one of CO-1, below the comment that belongs
    # to it and above the blank line and the comment that introduce CO-2
    assert _new(root, "kr", "CO-2", "--id", "nps", "--target", "50", "--baseline", "30")[0] == 0
    # a flow-style one after CO-2's flow-style key result
    code, out, err = _new(
        root, "objective", "--id", "CO-3", "--title", "Ship it: v2 #launch",
        "--file", "goals/company.yaml",
    )  # fmt: skip
    assert (code, out, err) == (0, "added objective CO-3 to goals/company.yaml\n", "")
    code, out, _ = _new(
        root, "kpi", "--id", "K-1", "--title", "Calls", "--target", "40", "--weight", "1",
        "--owner", "bo", "--file", "goals/company.yaml",
    )  # fmt: skip
    assert code == 0
    expected = COMPANY.replace(
        "        # revisit in November\n",
        "        # revisit in November\n"
        "      - id: deals\n"
        "        baseline: 0\n"
        "        target: 5\n",
    ) + (
        "      - {id: nps, baseline: 30, target: 50}\n"
        "  - id: CO-3\n"
        "    title: 'Ship it: v2 #launch'\n"
        "kpis:\n"
        "  - id: K-1\n"
        "    title: Calls\n"
        "    owner: bo\n"
        "    target: 40\n"
        "    weight: 1\n"
    )
    assert path.read_bytes() == bom + expected.replace("\n", eol).encode()
    check = run_okrctl("check", "-C", str(root))
    assert check.returncode == 0 and "3 objectives, 4 KRs, 1 KPI" in check.stdout


def test_new_objective_goes_before_a_later_section_and_its_comment(make_repo: MakeRepo) -> None:
    text = (
        "defaults: {cycle: 2026-Q4, unit: acme}\n"
        "# the KPIs the board reads\n"
        "kpis:\n"
        "  - {id: K-1, title: Calls, target: 40, weight: 1}\n"
    )
    root = make_repo({"goals/company.yaml": text})
    code, _, err = _new(
        root, "objective", "--id", "CO-1", "--title", "Grow", "--file", "goals/company.yaml"
    )
    assert code == 0, err
    assert (root / "goals" / "company.yaml").read_text(encoding="utf-8") == (
        "defaults: {cycle: 2026-Q4, unit: acme}\n"
        "objectives:\n"
        "  - id: CO-1\n"
        "    title: Grow\n"
        "# the KPIs the board reads\n"
        "kpis:\n"
        "  - {id: K-1, title: Calls, target: 40, weight: 1}\n"
    )


def test_new_key_results_key_for_an_objective_without_one(make_repo: MakeRepo) -> None:
    text = (
        "defaults: {cycle: 2026-Q4, unit: acme}\n"
        "objectives:\n"
        "- id: CO-1\n"
        "  title: Grow  # no key results yet\n"
        "# end of file\n"
    )
    root = make_repo({"goals/company.yaml": text})
    assert _new(root, "kr", "CO-1", "--id", "users", "--target", "10")[0] == 0
    assert (root / "goals" / "company.yaml").read_text(encoding="utf-8") == (
        "defaults: {cycle: 2026-Q4, unit: acme}\n"
        "objectives:\n"
        "- id: CO-1\n"
        "  title: Grow  # no key results yet\n"
        "  key_results:\n"
        "    - id: users\n"
        "      target: 10\n"
        "# end of file\n"
    )


def test_new_in_a_flow_style_section_keeps_line_endings_and_bom(make_repo: MakeRepo) -> None:
    # `key_results: []` cannot take an item by inserting lines: the document is written
    # whole by ruamel.yaml (which turns the empty list into a block), still in the file's
    # line endings and with its mark
    text = "defaults: {cycle: 2026-Q4, unit: acme}\r\nobjectives:\r\n  - id: CO-1\r\n"
    text += "    title: Grow\r\n    key_results: []\r\n"
    root = make_repo({"goals/company.yaml": BOM + text.encode()})
    assert _new(root, "kr", "CO-1", "--id", "users", "--target", "10")[0] == 0
    assert (root / "goals" / "company.yaml").read_bytes() == BOM + (
        b"defaults: {cycle: 2026-Q4, unit: acme}\r\nobjectives:\r\n  - id: CO-1\r\n"
        b"    title: Grow\r\n    key_results:\r\n      - id: users\r\n        target: 10\r\n"
    )


def test_new_milestone_key_result(make_repo: MakeRepo) -> None:
    # a milestone is written with `done: false` (a boolean) and passes check
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    result = run_okrctl(
        "new", "kr", "CO-1", "--id", "launch", "--title", "Launch", "--milestone", "-C", str(root)
    )
    assert (result.returncode, result.stderr) == (0, "")
    text = (root / "goals" / "a.yaml").read_text(encoding="utf-8")
    assert "{id: launch, title: Launch, milestone: true, done: false}" in text
    assert run_okrctl("check", "-C", str(root)).returncode == 0
