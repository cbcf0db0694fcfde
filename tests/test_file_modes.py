"""Files okrctl writes get the permissions any other program would give them: a new file
0666 less the umask, a rewritten file the mode it had (not mkstemp's private 0600)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_okrctl
from okrctl.core.fileio import write_atomic


@pytest.fixture(params=[0o022, 0o027], ids=["umask022", "umask027"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    mask: int = request.param
    saved = os.umask(mask)
    try:
        yield mask
    finally:
        os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _new_files(root: Path, before: set[Path]) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): _mode(p)
        for p in root.rglob("*")
        if p.is_file() and p not in before
    }


def test_every_command_that_writes_honours_the_umask(tmp_path: Path, umask: int) -> None:
    # 0666 & ~0022 = 0644 (rw-r--r--); 0666 & ~0027 = 0640 (rw-r-----)
    expected = {0o022: 0o644, 0o027: 0o640}[umask]
    root = tmp_path / "goals-repo"
    assert run_okrctl("init", str(root), "--template", "startup").returncode == 0
    created = _new_files(root, set())
    assert "okrctl.yaml" in created and "goals/company.yaml" in created
    config = root / "okrctl.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}",
            "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
            "  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}",
        )
        + "checkins: metrics/checkins.csv\n",
        encoding="utf-8",
    )
    fmt_target = root / "goals" / "departments" / "sales.yaml"
    fmt_target.write_text(
        fmt_target.read_text(encoding="utf-8")
        .replace("    type: committed\n", "")
        .replace("    title:", "    type: committed\n    title:"),
        encoding="utf-8",
    )
    fmt_target.chmod(0o604)  # a mode of its own, that a rewrite must keep
    before = set(root.rglob("*"))
    steps = [
        [
            *("new", "objective", "--id", "X-1", "--title", "T", "--owner", "a"),
            *("--unit", "sales", "--level", "department", "--cycle", "2026-Q4"),
            *("--aligns-to", "CO-1", "--file", "goals/x.yaml"),
        ],
        ["new", "kr", "X-1", "--id", "calls", "--baseline", "0", "--target", "3"],
        ["checkin", "X-1/calls", "1", "--date", "2026-11-01"],
        ["fmt", "goals/departments/sales.yaml"],
        ["report", "--as-of", "2026-11-30", "-o", str(root / "review.html")],
        ["report", "--as-of", "2026-11-30", "-f", "md", "-o", str(root / "review.md")],
        ["roll", "2026-Q4", "2027-Q1"],
        ["check"],  # writes the parse cache
    ]
    for args in steps:
        result = run_okrctl(*args, "-C", str(root))
        assert result.returncode == 0, (args, result.stderr)
        if args[0] == "fmt":
            assert result.stdout.startswith("reformatted goals/departments/sales.yaml\n")
    exported = run_okrctl("schema", "-o", str(root / "exported"))
    assert exported.returncode == 0, exported.stderr
    assert _mode(fmt_target) == 0o604
    written = _new_files(root, before)
    for name in (
        "goals/x.yaml",
        "metrics/checkins.csv",
        "review.html",
        "review.md",
        "exported/goals.schema.json",
        "goals/2027-Q1/company.yaml",
    ):
        assert name in written, (name, sorted(written))
    assert any(name.startswith(".okrctl_cache/goals/") for name in written)
    assert {name: oct(mode) for name, mode in created.items() if mode != expected} == {}
    assert {name: oct(mode) for name, mode in written.items() if mode != expected} == {}


def test_a_rewritten_file_keeps_its_mode_and_a_new_one_gets_the_umask(
    tmp_path: Path, umask: int
) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("old\n")
    kept.chmod(0o600)
    write_atomic(kept, "new\n")
    assert kept.read_text() == "new\n" and _mode(kept) == 0o600
    fresh = tmp_path / "fresh.txt"
    write_atomic(fresh, b"bytes\r\n")
    assert fresh.read_bytes() == b"bytes\r\n"
    assert _mode(fresh) == 0o666 & ~umask
    assert os.umask(umask) == umask  # the helper left the process umask as it found it
