"""Faults of the file system: unreadable folders and files, FIFOs, huge files, read-only
targets, unusable paths. Each is an exit 2 naming the path and the reason (or, for the
review notes, a warning and the report), never an internal error, a hang or a pass.

Tests run as root in CI, where permissions do not stop reads: an unreadable folder is a
patched ``os.scandir``/``os.stat`` raising what the system raises, or a file where a
folder is expected.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, MINIMAL_GOAL, MakeRepo, Run, run_okrctl

EDU = EXAMPLES / "education"
DAY = ("--as-of", "2026-11-30")
COMPUTING = [("status", *DAY), ("score", *DAY), ("report", *DAY), ("explain", "CO-1/users")]


@pytest.fixture
def edu(tmp_path: Path) -> Path:
    root = tmp_path / "education"
    shutil.copytree(EDU, root)
    return root


def refuse(path_part: str, error: type[OSError], *, call: str) -> Callable[..., object]:
    """A stand-in for ``os.<call>`` that fails like the system for paths containing
    ``path_part``, and behaves normally otherwise."""
    real = getattr(os, call)

    def patched(path: object, *args: object, **kwargs: object) -> object:
        if path_part in os.fsdecode(path):  # type: ignore[arg-type]
            raise error(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))  # type: ignore[arg-type]
        return real(path, *args, **kwargs)

    return patched


# -- folders and files that cannot be read -----------------------------------------------


@pytest.mark.parametrize("folder", ["goals", "goals/people"])
def test_an_unreadable_goals_folder_fails_every_command(
    edu: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    # before: Path.glob swallowed the PermissionError, so `check` passed with only a
    # warning ("matches no file") or silently without goals/people/individuals.yaml
    monkeypatch.setattr(os, "scandir", refuse(str(edu / folder), PermissionError, call="scandir"))
    for args in [("check",), ("check", "--format", "json"), *COMPUTING]:
        result = run_okrctl(*args, "-C", str(edu))
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert f"okrctl: error: {folder}: cannot read the directory: Permission denied" in (
            result.stderr
        )
        assert result.stdout == ""


def test_a_file_where_the_goals_folder_should_be_fails(edu: Path) -> None:
    shutil.rmtree(edu / "goals")
    (edu / "goals").write_text("objectives: []\n", encoding="utf-8")
    for args in [("check",), ("status", *DAY)]:
        result = run_okrctl(*args, "-C", str(edu))
        assert result.returncode == 2
        assert "goals: cannot read the directory: not a directory" in result.stderr


def test_a_missing_goals_folder_is_still_only_a_warning(edu: Path) -> None:
    shutil.rmtree(edu / "goals")
    result = run_okrctl("check", "--format", "json", "-C", str(edu))
    assert result.returncode == 0
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["C008"]


def test_an_unreadable_goal_file_fails_every_command(
    edu: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a link into a loop cannot be opened by anyone, root included (ELOOP)
    (edu / "goals" / "loop.yaml").symlink_to("loop.yaml")
    for args in [("check", "--no-cache"), *COMPUTING]:
        result = run_okrctl(*args, "-C", str(edu))
        assert result.returncode == 2, (args, result.stderr)
        assert "goals/loop.yaml: cannot read the goal file: Too many levels of symbolic links" in (
            result.stderr
        )


def test_an_unreadable_metrics_folder_fails_every_command(
    edu: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # before: the check-ins lookup (Path.exists) and the metric-file rule (Path.is_file)
    # raised PermissionError: an internal error, exit 3
    monkeypatch.setattr(os, "stat", refuse(str(edu / "metrics"), PermissionError, call="stat"))
    for args in [("check",), *COMPUTING]:
        result = run_okrctl(*args, "-C", str(edu))
        assert result.returncode == 2, (args, result.stderr)
        assert "metrics/" in result.stderr and "Permission denied" in result.stderr
        assert "internal error" not in result.stderr


def test_a_metric_path_into_a_link_loop_fails_with_the_reason(edu: Path) -> None:
    # before: Path.resolve() raised RuntimeError("Symlink loop") while checking the path
    (edu / "metrics" / "crm.csv").unlink()
    (edu / "metrics" / "crm.csv").symlink_to("crm.csv")
    for args in [("check",), ("status", *DAY)]:
        result = run_okrctl(*args, "-C", str(edu))
        assert result.returncode == 2
        assert "metrics/crm.csv: cannot read the metric file: Too many levels of symbolic" in (
            result.stderr
        )


@pytest.mark.parametrize("kind", ["directory", "unreadable"])
def test_review_notes_that_cannot_be_read_are_a_warning_and_the_report_goes_on(
    edu: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    notes = edu / "reviews" / "2026-Q4.yaml"
    if kind == "directory":
        notes.mkdir(parents=True)
        reason = "not a regular file (a directory)"
    else:
        notes.parent.mkdir()
        notes.write_text("MKT-1: {went_right: x}\n", encoding="utf-8")
        monkeypatch.setattr(os, "open", refuse(str(notes), PermissionError, call="open"))
        reason = "Permission denied"
    result = run_okrctl("report", *DAY, "--format", "json", "--no-git", "-C", str(edu))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["warnings"] == [
        {"kind": "report", "message": f"reviews/2026-Q4.yaml: not read ({reason})"}
    ]
    result = run_okrctl("report", *DAY, "--format", "md", "--no-git", "-C", str(edu))
    assert result.returncode == 0, result.stderr
    assert "> ⚠️ reviews/2026-Q4.yaml: not read" in result.stdout


# -- writing ------------------------------------------------------------------------------


def test_writing_into_a_read_only_folder_names_the_file(
    edu: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = edu / "out" / "review.md"
    target.parent.mkdir()

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", str(target.parent))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = run_okrctl("report", *DAY, "--format", "md", "-o", str(target), "-C", str(edu))
    assert result.returncode == 2
    assert result.stderr.startswith(f"okrctl: error: cannot write {target}: Permission denied\n")


@pytest.mark.parametrize(
    ("name", "reason"),
    [("okrctl.yaml/review.md", "Not a directory"), ("goals", "is not a regular file")],
)
def test_writing_where_no_file_can_be_names_the_file_not_a_temporary(
    edu: Path, name: str, reason: str
) -> None:
    result = run_okrctl("report", *DAY, "--format", "md", "-o", str(edu / name), "-C", str(edu))
    assert result.returncode == 2
    assert result.stderr.startswith("okrctl: error: ")
    assert str(edu / name) in result.stderr and reason in result.stderr
    assert not list(edu.glob(".*.tmp")) and not list((edu / "goals").glob(".*.tmp"))


def test_a_full_disk_keeps_the_old_file(edu: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = edu / "review.md"
    target.write_text("the old review\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = run_okrctl("report", *DAY, "--format", "md", "-o", str(target), "-C", str(edu))
    assert result.returncode == 2
    assert (
        result.stderr == f"okrctl: error: cannot write {target}: No space left on device\n"
        "  hint: the file is unchanged\n"
    )
    assert target.read_text(encoding="utf-8") == "the old review\n"
    assert [p.name for p in edu.iterdir() if p.name.endswith(".tmp")] == []


# -- paths okrctl.yaml cannot mean ---------------------------------------------------------

BAD_PATHS = [
    ('goals: [""]', 4, 9, "goals glob is empty"),
    ('goals: ["goals/\\0*.yaml"]', 4, 9, "goals glob 'goals/\\x00*.yaml' holds the control"),
    ('metrics: [{name: crm, path: "metrics/\\0.csv"}]', 4, 29, "path 'metrics/\\x00.csv' holds"),
    ('metrics: [{name: crm, path: ""}]', 4, 29, "metric source 'crm' path is empty"),
    ('checkins: "a\\tb.csv"', 4, 11, "checkins path 'a\\tb.csv' holds the control character"),
]


@pytest.mark.parametrize(("line", "row", "column", "message"), BAD_PATHS)
def test_unusable_paths_are_schema_errors_at_their_place(
    make_repo: MakeRepo, line: str, row: int, column: int, message: str
) -> None:
    # before: '' reached Path.glob ("Unacceptable pattern"), a NUL os.stat ("embedded null
    # byte"): internal errors in every command
    config = "okrctl: 1\nunits: [{id: acme, level: company}]\n"
    config += "cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]\n" + line + "\n"
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL}, config=config)
    result = run_okrctl("check", "--format", "json", "-C", str(root))
    assert result.returncode == 2  # okrctl.yaml itself is broken
    found = [
        (d["code"], d["line"], d["column"])
        for d in json.loads(result.stdout)["diagnostics"]
        if message in d["message"]
    ]
    assert found == [("S001", row, column)]
    for args in [("status",), ("report",), ("diff", "HEAD"), ("history", "CO-1")]:
        other = run_okrctl(*args, "-C", str(root))
        assert other.returncode == 2, (args, other.stderr)
        assert "internal error" not in other.stderr


# -- -C/--repo ------------------------------------------------------------------------------

EVERY_REPO_COMMAND = [
    ("check",),
    ("status",),
    ("explain", "CO-1"),
    ("checkin", "CO-1/users", "5"),
    ("score",),
    ("why", "KPI-X"),
    ("map",),
    ("report",),
    ("diff", "HEAD"),
    ("history", "CO-1"),
    ("fmt",),
    ("new", "objective", "--id", "X-1", "--title", "t"),
    ("roll", "2026-Q4", "2027-Q1"),
]


@pytest.mark.parametrize("args", EVERY_REPO_COMMAND, ids=lambda a: a[0])
def test_repo_option_naming_a_file_is_refused_by_every_command(
    edu: Path, args: tuple[str, ...]
) -> None:
    # before: `check` said "no such directory"; every other command silently used the
    # file's folder (and `fmt`/`new`/`checkin` would then have written there)
    before = sorted(p.relative_to(edu) for p in edu.rglob("*"))
    result = run_okrctl(*args, "-C", str(edu / "okrctl.yaml"))
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"okrctl: error: -C/--repo {edu / 'okrctl.yaml'}: not a directory\n"
    )
    assert result.stdout == ""
    assert sorted(p.relative_to(edu) for p in edu.rglob("*")) == before


def test_repo_option_naming_nothing_is_refused(tmp_path: Path) -> None:
    result = run_okrctl("status", "-C", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "-C/--repo" in result.stderr and "no such directory" in result.stderr


# -- FIFOs and other files that are not regular ----------------------------------------------


def run_beside_fifo(fifo: Path, *args: str) -> Run:
    """Run okrctl in this process, in a thread; should it block on ``fifo``, open the FIFO
    for writing (which releases a reader waiting for a writer) until it ends, then fail."""
    outcome: list[Run] = []
    worker = threading.Thread(target=lambda: outcome.append(run_okrctl(*args)), daemon=True)
    worker.start()
    worker.join(30)
    hung = worker.is_alive()
    while worker.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(0.1)
    assert not hung, f"okrctl {' '.join(args)} waited for a writer on {fifo}"
    return outcome[0]


METRIC_FIFOS = [
    ("metrics/crm.csv", ("check",), "metrics/crm.csv: cannot read the metric file"),
    ("metrics/crm.csv", ("status", *DAY), "metrics/crm.csv: cannot read the metric file"),
    ("metrics/crm.csv", ("report", *DAY), "metrics/crm.csv: cannot read the metric file"),
]
GOAL_FIFOS = [
    ("goals/extra.yaml", ("check", "--no-cache"), "goals/extra.yaml: cannot read the goal file"),
    ("goals/extra.yaml", ("status", *DAY), "goals/extra.yaml: cannot read the goal file"),
]
CONFIG_FIFOS = [
    ("okrctl.yaml", ("check",), "cannot read"),
    ("okrctl.yaml", ("status",), "cannot read"),
]


@pytest.mark.parametrize(("place", "args", "expected"), METRIC_FIFOS + GOAL_FIFOS + CONFIG_FIFOS)
def test_a_fifo_is_refused_not_waited_on(
    edu: Path, place: str, args: tuple[str, ...], expected: str
) -> None:
    fifo = edu / place
    if fifo.exists():
        fifo.unlink()
    os.mkfifo(fifo)
    result = run_beside_fifo(fifo, *args, "-C", str(edu))
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "not a regular file (a FIFO)" in result.stderr


def test_a_fifo_of_review_notes_is_a_warning(edu: Path) -> None:
    (edu / "reviews").mkdir()
    os.mkfifo(edu / "reviews" / "2026-Q4.yaml")
    result = run_beside_fifo(
        edu / "reviews" / "2026-Q4.yaml", "report", *DAY, "-f", "json", "--no-git", "-C", str(edu)
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["warnings"] == [
        {
            "kind": "report",
            "message": "reviews/2026-Q4.yaml: not read (not a regular file (a FIFO))",
        }
    ]


@pytest.mark.parametrize(
    "args",
    [("status", *DAY), ("check",), ("checkin", "FUND/vc-meetings", "3", "--date", "2026-11-02")],
    ids=lambda a: a[0],
)
def test_a_fifo_of_check_ins_is_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    root = tmp_path / "startup"  # its key results read check-ins
    shutil.copytree(EXAMPLES / "startup", root)
    fifo = root / "metrics" / "checkins.csv"
    fifo.unlink()
    os.mkfifo(fifo)
    result = run_beside_fifo(fifo, *args, "-C", str(root))
    assert result.returncode == 2
    assert "metrics/checkins.csv" in result.stderr
    assert "not a regular file (a FIFO)" in result.stderr


# -- files over the size limit are never read whole ---------------------------------------

TWO_GB = 2 * 1024**3


def bytes_read() -> int:
    """What this process has read through read(2) so far, as the kernel counts it."""
    try:
        with open("/proc/self/io", encoding="ascii") as handle:
            fields = dict(line.split(": ") for line in handle.read().splitlines())
    except OSError:
        pytest.skip("/proc/self/io is absent: the kernel does not count bytes read here")
    return int(fields["rchar"])


def sparse(path: Path, size: int = TWO_GB) -> None:
    """A file of ``size`` bytes of zeros that takes no disk space."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)


def test_a_2gb_goal_file_is_refused_by_its_size(make_repo: MakeRepo) -> None:
    # before: the whole file was read (2.1 GB RSS) and then refused
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    sparse(root / "goals" / "big.yaml")
    before = bytes_read()
    result = run_okrctl("check", "--format", "json", "--no-cache", "-C", str(root))
    read = bytes_read() - before
    assert result.returncode == 1
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["file"] == "goals/big.yaml"]
    assert [(d["code"], d["line"]) for d in found] == [("Y004", 0)]
    assert "file is 2,147,483,648 bytes" in found[0]["message"]
    assert read < 64 * 1024**2, f"{read:,} bytes read"


def test_a_2gb_config_file_is_refused_by_its_size(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL}, config=None)
    sparse(root / "okrctl.yaml")
    before = bytes_read()
    result = run_okrctl("check", "--format", "json", "-C", str(root))
    read = bytes_read() - before
    assert result.returncode == 2
    (found,) = json.loads(result.stdout)["diagnostics"]
    assert (found["code"], found["file"]) == ("Y004", "okrctl.yaml")
    assert read < 64 * 1024**2, f"{read:,} bytes read"


def test_a_2gb_review_file_is_a_warning_without_reading_it(edu: Path) -> None:
    sparse(edu / "reviews" / "2026-Q4.yaml")
    before = bytes_read()
    result = run_okrctl("report", *DAY, "-f", "json", "--no-git", "-C", str(edu))
    read = bytes_read() - before
    assert result.returncode == 0
    assert json.loads(result.stdout)["warnings"] == [
        {
            "kind": "report",
            "message": "reviews/2026-Q4.yaml: not read (file is 2,147,483,648 bytes; at most "
            "5,242,880 are read)",
        }
    ]
    assert read < 64 * 1024**2, f"{read:,} bytes read"


def test_a_file_that_grows_past_the_limit_is_read_only_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrctl.core import fileio

    path = tmp_path / "growing.yaml"
    sparse(path, 100)
    real_fstat = os.fstat

    def stale_size(fd: int) -> os.stat_result:  # the size seen before the file grew
        info = real_fstat(fd)
        return os.stat_result((*info[:6], 100, *info[7:]))

    with open(path, "r+b") as handle:
        handle.truncate(10_000)
    monkeypatch.setattr(os, "fstat", stale_size)
    with pytest.raises(fileio.FileTooLarge) as raised:
        fileio.read_limited(path, 1000)
    assert raised.value.size == 1001  # limit + 1 bytes read, not 10,000


def test_fmt_never_reads_a_huge_goal_file_whole(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    sparse(root / "goals" / "big.yaml")
    before = bytes_read()
    result = run_okrctl("fmt", "--check", "-C", str(root))
    read = bytes_read() - before
    assert result.returncode == 2
    assert (
        "okrctl: skipped goals/big.yaml: cannot read: file is 2,147,483,648 bytes; at most "
        "5,242,880 are read"
    ) in result.stderr
    assert read < 64 * 1024**2, f"{read:,} bytes read"


def test_any_other_refusal_of_the_system_is_exit_2_with_the_path(tmp_path: Path) -> None:
    # before: `init` into a folder under a file was NotADirectoryError, exit 3
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run_okrctl("init", str(tmp_path / "file" / "goals"))
    assert result.returncode == 2
    assert result.stderr.startswith("okrctl: error: ") and "Not a directory" in result.stderr
