"""Commands that write files (`new`, `fmt`, `roll`, `init`, `report -o`, `schema -o`) go
through one writer: a symbolic link is written through (inside the repository) or refused; a
read-only file and a full disk are exit 2 with the file named, and the file is left as it
was; a new file gets the usual permissions."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from conftest import MakeRepo, run_okrctl, write


def _new(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_okrctl("new", *args, "-C", str(root))
    return result.returncode, result.stdout, result.stderr


# -- links and read-only files -----------------------------------------------------------------
MESSY = "objectives:\n  - title: Grow\n    id: CO-1\n    key_results:\n"
MESSY += "      - {id: users, target: 10, baseline: 1}\ndefaults: {cycle: 2026-Q4, unit: acme}\n"
TIDY = "defaults: {cycle: 2026-Q4, unit: acme}\nobjectives:\n  - id: CO-1\n    title: Grow\n"
TIDY += "    key_results:\n      - {id: users, baseline: 1, target: 10}\n"


def test_fmt_writes_through_a_link_to_its_target(make_repo: MakeRepo) -> None:
    root = make_repo({"shared/company.yaml": MESSY})
    (root / "goals").mkdir()
    (root / "goals" / "company.yaml").symlink_to(Path("..") / "shared" / "company.yaml")
    result = run_okrctl("fmt", "-C", str(root))
    assert result.returncode == 0, result.stderr
    assert "reformatted goals/company.yaml\n" in result.stdout
    assert (root / "goals" / "company.yaml").is_symlink()
    assert (root / "shared" / "company.yaml").read_text(encoding="utf-8") == TIDY


def test_roll_refuses_to_write_through_a_link_out_of_the_repository(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = make_repo({"goals/company.yaml": TIDY}, config=TWO_QUARTERS)
    (root / "goals" / "2027-Q1").symlink_to(elsewhere, target_is_directory=True)
    result = run_okrctl("roll", "2026-Q4", "2027-Q1", "--as-of", "2027-01-05", "-C", str(root))
    assert result.returncode == 2
    assert (
        f"okrctl: error: goals/2027-Q1/company.yaml leads through a link to "
        f"{elsewhere / 'company.yaml'}, outside the repository\n"
    ) in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_fmt_new_and_roll_refuse_a_read_only_file(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/company.yaml": MESSY}, config=TWO_QUARTERS)
    path = root / "goals" / "company.yaml"
    path.chmod(0o444)
    result = run_okrctl("fmt", "-C", str(root))
    assert result.returncode == 2
    assert "okrctl: skipped goals/company.yaml: goals/company.yaml is read-only\n" in result.stderr
    code, _, err = _new(root, "kr", "CO-1", "--id", "deals", "--target", "5")
    assert code == 2 and "okrctl: error: goals/company.yaml is read-only\n" in err
    assert path.read_text(encoding="utf-8") == MESSY and path.stat().st_mode & 0o777 == 0o444
    # roll --force over a read-only file writes none of its files
    write(root, "goals/2027-Q1/company.yaml", "# kept\n")
    (root / "goals" / "2027-Q1" / "company.yaml").chmod(0o444)
    result = run_okrctl(
        "roll", "2026-Q4", "2027-Q1", "--as-of", "2027-01-05", "--force", "-C", str(root)
    )
    assert result.returncode == 2
    assert "okrctl: error: goals/2027-Q1/company.yaml is read-only\n" in result.stderr
    assert (root / "goals" / "2027-Q1" / "company.yaml").read_text() == "# kept\n"


def test_init_force_refuses_a_read_only_file_and_new_files_get_the_umask(
    tmp_path: Path,
) -> None:
    target = tmp_path / "goals-repo"
    assert run_okrctl("init", str(target)).returncode == 0
    mask = os.umask(0)
    os.umask(mask)
    config = target / "okrctl.yaml"
    # a new file is readable as any other file the user makes: 0666 less the umask
    assert config.stat().st_mode & 0o777 == 0o666 & ~mask
    config.write_text("# mine\n", encoding="utf-8")
    config.chmod(0o444)
    result = run_okrctl("init", str(target), "--force")
    assert result.returncode == 2
    assert "okrctl: error: okrctl.yaml is read-only\n" in result.stderr
    assert config.read_text(encoding="utf-8") == "# mine\n"


# -- a full disk ------------------------------------------------------------------------------
TWO_QUARTERS = """\
okrctl: 1
units:
  - {id: acme, level: company}
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}
metrics:
  - {name: crm, path: metrics/crm.csv}
"""


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    def write(fd: int, data: bytes | memoryview) -> int:
        if fd <= 2:
            return _real_write(fd, data)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)


_real_write = os.write


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["new", "kr", "CO-1", "--id", "deals", "--target", "5"], "goals/company.yaml"),
        (["fmt"], "goals/company.yaml"),
        (["roll", "2026-Q4", "2027-Q1", "--as-of", "2027-01-05"], "goals/2027-Q1/company.yaml"),
        (["report", "--as-of", "2026-11-30", "-f", "md", "-o", "review.md"], "review.md"),
        (["schema", "-o", "schemas"], "schemas/okrctl.schema.json"),
        (["init", "fresh"], "okrctl.yaml"),
    ],
    ids=["new", "fmt", "roll", "report", "schema", "init"],
)
def test_a_full_disk_is_exit_2_with_the_path_and_changes_nothing(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, args: list[str], written: str
) -> None:
    root = make_repo({"goals/company.yaml": MESSY}, config=TWO_QUARTERS)
    (root / "schemas").mkdir()
    before = _files(root)
    _disk_full(monkeypatch)
    result = run_okrctl(*args, cwd=root)
    assert result.returncode == 2, result.stderr
    assert f"cannot write {written}: No space left on device" in result.stderr
    assert _files(root) == before


def _files(root: Path) -> dict[str, bytes]:
    """Every file but okrctl's parse cache, with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".okrctl_cache" not in p.parts
    }
