"""`okrctl checkin` writes its own row and nothing else: check-ins made at the same time all
land, and the columns, order, line endings, quoting and byte-order mark of the file stay."""

from __future__ import annotations

import codecs
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MakeRepo, _environment, run_okrctl

GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: deals, target: 10, baseline: 0}
      - {id: calls, target: 20, baseline: 0}
"""


OKRCTL = [sys.executable, "-m", "okrctl"]


def _repo(make_repo: MakeRepo, checkins: bytes | None) -> Path:
    files: dict[str, str | bytes] = {"goals/company.yaml": GOALS}
    if checkins is not None:
        files["metrics/checkins.csv"] = checkins
    return make_repo(files)


def _checkin(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_okrctl("checkin", *args, "-C", str(root))
    return result.returncode, result.stdout, result.stderr


def _current(root: Path, kr: str, day: str) -> object:
    out = run_okrctl("status", "-C", str(root), "--as-of", day, "-f", "json").stdout
    return next(r for r in json.loads(out)["rows"] if r["id"] == kr)["current"]


# -- 1. concurrent check-ins -----------------------------------------------------------------
OCTOBER = [f"2026-10-{day:02d}" for day in range(1, 21)]


@pytest.mark.slow
@pytest.mark.parametrize("existing", [False, True], ids=["new-rows", "same-day-rows"])
def test_twenty_check_ins_at_once_all_land(make_repo: MakeRepo, existing: bool) -> None:
    # new-rows: each process adds a row to a fresh file; same-day-rows: each adds a
    # second check-in of its day, which keeps the first
    old_rows = [f"{day},CO-1/deals,0," for day in OCTOBER] if existing else []
    root = _repo(make_repo, "\n".join(["date,metric,value,note", *old_rows, ""]).encode())
    # 20 real processes, started together; the one for day d records the value d
    processes = [
        subprocess.Popen(
            [*OKRCTL, "checkin", "CO-1/deals", str(value), f"--date={day}", "-C", root],
            env=_environment(None),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for value, day in enumerate(OCTOBER, start=1)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0] * 20, results
    lines = (root / "metrics" / "checkins.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "date,metric,value,note"
    want = [f"{day},CO-1/deals,{value}," for value, day in enumerate(OCTOBER, start=1)]
    # in the order the processes took the lock, after the rows that were there
    assert lines[1 : len(old_rows) + 1] == old_rows
    assert sorted(lines[len(old_rows) + 1 :]) == want
    # and no lock file is left behind
    assert sorted(p.name for p in (root / "metrics").iterdir()) == ["checkins.csv", "crm.csv"]


def test_a_writer_that_waits_too_long_names_the_holder_and_writes_nothing(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrctl.core import fileio

    original = b"date,metric,value,note\n2026-10-01,CO-1/deals,1,\n"
    root = _repo(make_repo, original)
    path = root / "metrics" / "checkins.csv"
    # another okrctl holds the file's lock until its stdin closes
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from okrctl.core.fileio import locked\n"
            f"with locked([Path({str(path)!r})]):\n"
            "    print('holding', flush=True); sys.stdin.read()",
        ],
        env=_environment(None),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        monkeypatch.setattr(fileio, "LOCK_TIMEOUT", 0.2)
        code, out, err = _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02")
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
        assert holder.stdout is not None
        holder.stdout.close()
    assert (code, out) == (2, "")
    assert "metrics/checkins.csv is being written by another okrctl" in err
    assert f"(pid {holder.pid} on " in err and "gave up after 0.2 s" in err
    assert path.read_bytes() == original
    # the holder has gone: its lock file with it, and the next check-in goes through
    assert not (root / "metrics" / ".checkins.csv.lock").exists()
    assert _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02")[0] == 0


# -- 2. columns, order, line endings, byte-order mark ----------------------------------------
@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no-bom", "bom"])
@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_unknown_columns_order_endings_and_bom_are_kept(
    make_repo: MakeRepo, bom: bytes, eol: str
) -> None:
    rows = [
        "date,metric,value,note,author",
        "2026-10-20,CO-1/deals,5,,li.na",  # later day first: the file is not sorted
        '2026-10-05,CO-1/deals,2,"first, small",wang.fang',
        "2026-10-06,CO-1/calls,4,,li.na",
    ]
    original = bom + eol.join([*rows, ""]).encode("utf-8")
    root = _repo(make_repo, original)
    path = root / "metrics" / "checkins.csv"
    assert run_okrctl("check", "-C", str(root)).returncode == 0

    # a new day: one row added at the end, an empty cell for the unknown column
    code, out, err = _checkin(root, "CO-1/deals", "7", "--date", "2026-10-25")
    assert (code, err) == (0, "")
    assert out == "recorded CO-1/deals = 7 on 2026-10-25 in metrics/checkins.csv\n"
    appended = original + f"2026-10-25,CO-1/deals,7,,{eol}".encode()
    assert path.read_bytes() == appended

    # the same day again: a second row at the end, the first one kept as it was
    code, out, _ = _checkin(root, "CO-1/deals", "3", "--date", "2026-10-05", "--note", "redo")
    assert code == 0 and "(after 2 earlier that day, which is kept)" in out
    assert path.read_bytes() == appended + f"2026-10-05,CO-1/deals,3,redo,{eol}".encode()
    assert run_okrctl("check", "-C", str(root)).returncode == 0
    # the latest check-in is the one of 2026-10-25: 7
    assert _current(root, "CO-1/deals", "2026-10-31") == 7


def test_a_quoted_file_gets_a_quoted_row_and_a_file_without_a_last_line_break_keeps_that(
    make_repo: MakeRepo,
) -> None:
    original = b'"date","metric","value","note"\r\n"2026-10-01","CO-1/deals","1",""'
    root = _repo(make_repo, original)
    assert _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02")[0] == 0
    assert (root / "metrics" / "checkins.csv").read_bytes() == (
        original + b'\r\n"2026-10-02","CO-1/deals","2",""'
    )


def test_a_file_without_a_note_column(make_repo: MakeRepo) -> None:
    original = b"date,metric,value\n2026-10-01,CO-1/deals,1\n"
    root = _repo(make_repo, original)
    path = root / "metrics" / "checkins.csv"
    code, _, err = _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02", "--note", "hi")
    assert code == 2
    assert "metrics/checkins.csv has no note column (columns: date, metric, value)" in err
    assert path.read_bytes() == original
    assert _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02")[0] == 0
    assert path.read_bytes() == original + b"2026-10-02,CO-1/deals,2\n"


def test_a_new_file_is_created_with_the_header(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, None)
    assert _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02", "--note", "=1+1")[0] == 0
    data = (root / "metrics" / "checkins.csv").read_bytes()
    assert data == b"date,metric,value,confidence,note\n2026-10-02,CO-1/deals,2,,'=1+1\n"
    mask = os.umask(0)
    os.umask(mask)
    assert (root / "metrics" / "checkins.csv").stat().st_mode & 0o777 == 0o666 & ~mask


# -- 3. the file itself: links, read-only ----------------------------------------------------
def test_a_read_only_check_ins_file_is_refused(make_repo: MakeRepo) -> None:
    original = b"date,metric,value,note\n"
    root = _repo(make_repo, original)
    path = root / "metrics" / "checkins.csv"
    path.chmod(0o444)
    code, _, err = _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02")
    assert code == 2 and "okrctl: error: metrics/checkins.csv is read-only\n" in err
    assert path.read_bytes() == original and path.stat().st_mode & 0o777 == 0o444


def test_a_link_is_written_through_inside_and_refused_outside(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = _repo(make_repo, None)
    (root / "data").mkdir()
    real = root / "data" / "manual.csv"
    real.write_bytes(b"date,metric,value,note\n")
    (root / "metrics" / "checkins.csv").symlink_to(Path("..") / "data" / "manual.csv")
    assert _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02")[0] == 0
    assert (root / "metrics" / "checkins.csv").is_symlink()
    assert real.read_bytes() == b"date,metric,value,note\n2026-10-02,CO-1/deals,2,\n"
    # the same link to a file outside the repository: neither read nor written through
    outside = tmp_path / "outside.csv"
    outside.write_bytes(b"date,metric,value,note\n")
    (root / "metrics" / "checkins.csv").unlink()
    (root / "metrics" / "checkins.csv").symlink_to(outside)
    code, _, err = _checkin(root, "CO-1/deals", "2", "--date", "2026-10-02")
    assert code == 2
    assert "metrics/checkins.csv (the default) is a link that points outside the repository" in err
    assert outside.read_bytes() == b"date,metric,value,note\n"


# -- a full disk ------------------------------------------------------------------------------
def _full_disk(monkeypatch: pytest.MonkeyPatch, folder: Path, after: int) -> None:
    """os.write stores ``after`` bytes of data, then the disk is full (the standard
    streams and okrctl's lock files in ``folder`` are written as usual)."""
    real = os.write
    budget = [after]

    def lock_file(fd: int) -> bool:
        inode = os.fstat(fd).st_ino
        return any(p.stat().st_ino == inode for p in folder.glob(".*.lock"))

    def write(fd: int, data: bytes | memoryview) -> int:
        if fd <= 2 or lock_file(fd):
            return real(fd, data)
        if budget[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        part = bytes(data[: budget[0]])
        budget[0] -= len(part)
        return real(fd, part)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize(
    "original",
    [
        b"date,metric,value,note\r\n2026-10-05,CO-1/deals,2,\r\n",  # appended
        b"date,metric,value,note\r\n2026-10-05,CO-1/deals,2,",  # no last line break: a rewrite
    ],
    ids=["append", "rewrite"],
)
@pytest.mark.parametrize("after", [0, 7], ids=["nothing-stored", "part-stored"])
def test_a_full_disk_leaves_the_file_whole_and_exits_2(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, original: bytes, after: int
) -> None:
    args = ["CO-1/deals", "9", "--date", "2026-10-05"]
    root = _repo(make_repo, original)
    _full_disk(monkeypatch, root / "metrics", after)
    code, out, err = _checkin(root, *args)
    assert (code, out) == (2, "")
    assert (
        "okrctl: error: cannot write metrics/checkins.csv: No space left on device\n"
        "  hint: the file is unchanged\n"
    ) in err
    assert (root / "metrics" / "checkins.csv").read_bytes() == original
    assert sorted(p.name for p in (root / "metrics").iterdir()) == ["checkins.csv", "crm.csv"]


def test_same_day_check_ins_keep_both_notes_and_the_later_counts(make_repo: MakeRepo) -> None:
    root = _repo(
        make_repo,
        b"date,metric,value,confidence,note,author\r\n"
        b'2026-10-03,CO-1/deals,7,,"multi, comma",bob\r\n',
    )
    path = root / "metrics" / "checkins.csv"
    code, out, err = _checkin(
        root,
        "CO-1/deals",
        "4",
        "--date",
        "2026-10-03",
        "--note",
        "call went badly",
        "--confidence",
        "3",
    )
    assert (code, err) == (0, "")
    assert out == (
        "recorded CO-1/deals = 4 on 2026-10-03, confidence 3/10 (after 7 earlier that day, "
        "which is kept) in metrics/checkins.csv\n"
    )
    assert path.read_bytes() == (
        b"date,metric,value,confidence,note,author\r\n"
        b'2026-10-03,CO-1/deals,7,,"multi, comma",bob\r\n'
        b"2026-10-03,CO-1/deals,4,3,call went badly,\r\n"
    )
    # both rows are valid (no duplicate error), the later one is the day's value
    assert run_okrctl("check", "-C", str(root)).returncode == 0
    assert _current(root, "CO-1/deals", "2026-10-31") == 4
    listed = run_okrctl("checkins", "CO-1/deals", "-C", str(root))
    assert listed.returncode == 0, listed.stderr
    assert "multi, comma" in listed.stdout and "call went badly" in listed.stdout
    assert "superseded by line 3" in listed.stdout
    # explain cites both rows of the day, the earlier one marked superseded
    explained = run_okrctl("explain", "CO-1/deals", "-C", str(root), "--as-of", "2026-10-31")
    assert "metrics/checkins.csv:2  2026-10-03  7  [note: multi, comma; superseded by line 3: " in (
        explained.stdout
    )
    assert "metrics/checkins.csv:3  2026-10-03  4  [confidence 3/10; note: call went badly]" in (
        explained.stdout
    )


@pytest.mark.parametrize("text", ["0", "11", "7.5", "high", "0.7"])
def test_a_confidence_off_the_scale_is_refused(make_repo: MakeRepo, text: str) -> None:
    original = b"date,metric,value,confidence,note\n"
    root = _repo(make_repo, original)
    code, out, err = _checkin(root, "CO-1/deals", "2", "--confidence", text, "--date", "2026-10-02")
    assert (code, out) == (2, "")
    assert (
        "--confidence" in err and "1 (no chance) to 10 (certain)" in err
    ) or "not a number" in err
    assert (root / "metrics" / "checkins.csv").read_bytes() == original


def test_a_hand_written_confidence_off_the_scale_is_a_finding(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, b"date,metric,value,confidence,note\n2026-10-02,CO-1/deals,2,12,\n")
    result = run_okrctl("check", "-C", str(root), "--as-of", "2026-10-05")
    assert result.returncode == 1
    assert "metrics/checkins.csv:2:25: error D002" in result.stdout
    assert "confidence '12' is outside the scale" in result.stdout
