"""`okrctl history`: the timeline of one goal from git, with its values at the time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import MakeRepo, git, golden, run_okrctl, write


def timeline(root: Path, ident: str) -> dict[str, object]:
    result = run_okrctl("history", ident, "-f", "json", "--as-of", "2026-11-30", "-C", str(root))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_key_result_timeline(history: Path) -> None:
    report = timeline(history, "CO-1/users")
    kinds = [(e["kind"], e["subject"]) for e in report["events"]]
    assert kinds == [
        ("created", "Plan Q4"),
        ("changed", "Adjust plan"),
        ("changed", "Be realistic"),
    ]
    last = report["events"][-1]
    assert last["author"] == "Wang Fang" and last["date"].startswith("2026-11-10")
    assert {
        "field": "target",
        "old": 190.0,
        "new": 150.0,
        "old_written": "190",
        "new_written": "150",
    } in last["fields"]
    # the metric's value on the commit's date, from today's data: 100 until 11-20
    assert last["value"] == 100.0
    assert report["value_now"] == 110.0
    assert report["events"][0]["value"] is None  # planned before the cycle started


def test_moves_and_text(history: Path) -> None:
    report = timeline(history, "S-1")
    last = report["events"][-1]
    moved = {"old": "goals/sales.yaml", "new": "goals/sales-team.yaml"}
    assert {"field": "file", **moved, "old_written": None, "new_written": None} in last["fields"]
    text = run_okrctl("history", "S-1", "-C", str(history)).stdout
    assert "aligns_to: CO-1/users -> CO-1/cost" in text


def test_removed_and_unknown(history: Path) -> None:
    (history / "goals" / "new.yaml").unlink()
    git(history, "commit", "-qam", "Drop S-2", date="2026-11-20T09:00:00+08:00")
    result = run_okrctl("history", "S-2", "-C", str(history))
    assert result.returncode == 2 and "no goal 'S-2'" in result.stderr  # gone today
    assert run_okrctl("history", "CO-9", "-C", str(history)).returncode == 2


def test_history_names_the_rejected_input_of_its_values(history: Path) -> None:
    """A refused cell after the last value: the value on the as-of date is still the
    11-20 one (110), and it says that a later cell was refused."""
    with (history / "metrics" / "crm.csv").open("a", encoding="utf-8") as handle:
        handle.write("2026-11-25,users,n/a\n")  # line 6
    text = run_okrctl("history", "CO-1/users", "--as-of", "2026-11-30", "-C", str(history))
    assert "value on 2026-11-30: 110  (1 cell rejected: metrics/crm.csv line 6)" in text.stdout
    assert text.stdout.splitlines()[-1] == (
        "! 1 cell rejected in metrics/crm.csv (users), line 6: see okrctl check"
    )
    report = json.loads(
        run_okrctl(
            "history", "CO-1/users", "--as-of", "2026-11-30", "-f", "json", "-C", str(history)
        ).stdout
    )
    assert report["value_now"] == 110.0
    assert [(w["lines"], w["goals"]) for w in report["warnings"]] == [([6], ["CO-1/users"])]


GROW = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: ceo}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, metric: crm:users, baseline: 100万, target: 200万}
"""

OTHER = """\
defaults: {cycle: 2026-Q4, unit: sales, owner: li}
objectives:
  - id: S-1
    title: Sell
    key_results:
      - {id: deals, baseline: 0, target: 10}
"""


def _day(n: int) -> str:
    return f"2026-10-{n:02d}T09:00:00+08:00"


def test_objective_history_shows_its_key_results_edits(make_repo: MakeRepo) -> None:
    """An objective whose key result was edited many times: each edit is an event of the
    objective naming the key result and the change, as written (200万, not 2,000,000);
    commits that touch only other goals are not events."""
    root = make_repo({"goals/company.yaml": GROW, "goals/sales.yaml": OTHER})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Plan", date=_day(1))
    targets = [f"{200 - 5 * n}万" for n in range(13)]  # 200万, 195万, ... 140万
    for n in range(1, 13):
        write(root, "goals/company.yaml", GROW.replace("200万", targets[n]))
        git(root, "commit", "-qam", f"Target {n}", date=_day(n + 1))
        write(root, "goals/sales.yaml", OTHER.replace("10}", f"{10 + n}}}"))
        git(root, "commit", "-qam", f"Deals {n}", date=_day(n + 1))
    more = GROW.replace("200万", targets[12]) + "      - {id: churn, baseline: 5, target: 3}\n"
    write(root, "goals/company.yaml", more)
    git(root, "commit", "-qam", "Add churn", date=_day(20))
    report = timeline(root, "CO-1")
    events = report["events"]
    assert isinstance(events, list)
    assert [e["subject"] for e in events] == [
        "Plan",
        *(f"Target {n}" for n in range(1, 13)),
        "Add churn",
    ]
    assert events[5]["fields"] == []
    assert events[5]["key_results"] == [
        {
            "id": "users",
            "kind": "changed",
            "fields": [
                {
                    "field": "target",
                    "old": 1_800_000.0,
                    "new": 1_750_000.0,
                    "old_written": "180万",
                    "new_written": "175万",
                }
            ],
        }
    ]
    assert events[-1]["key_results"] == [{"id": "churn", "kind": "added", "fields": []}]
    text = run_okrctl("history", "CO-1", "-C", str(root)).stdout
    assert "  changed\n    KR users: target 180万 -> 175万\n" in text
    assert "  changed\n    KR churn: added\n" in text
    # the key result's own history is the same edits
    kr = timeline(root, "CO-1/users")["events"]
    assert isinstance(kr, list) and len(kr) == 13


def test_goal_moved_between_files_keeps_its_history(make_repo: MakeRepo) -> None:
    """A goal moved into another goal file (which already held other goals), edited
    there, dropped, and written again in a third file: one unbroken timeline."""
    root = make_repo({"goals/company.yaml": GROW, "goals/sales.yaml": OTHER})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Plan", date=_day(1))
    moved = OTHER + "".join(GROW.splitlines(keepends=True)[2:])
    write(root, "goals/sales.yaml", moved)
    (root / "goals" / "company.yaml").unlink()
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Move", date=_day(2))
    write(root, "goals/sales.yaml", moved.replace("200万", "190万"))
    git(root, "commit", "-qam", "Lower", date=_day(3))
    write(root, "goals/sales.yaml", OTHER)
    git(root, "commit", "-qam", "Drop", date=_day(4))
    write(root, "goals/later/company.yaml", GROW.replace("Grow", "Grow again"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Bring back", date=_day(5))
    events = timeline(root, "CO-1")["events"]
    assert isinstance(events, list)
    assert [(e["subject"], e["kind"], e["file"]) for e in events] == [
        ("Plan", "created", "goals/company.yaml"),
        ("Move", "changed", "goals/sales.yaml"),
        ("Lower", "changed", "goals/sales.yaml"),
        ("Drop", "removed", None),
        ("Bring back", "restored", "goals/later/company.yaml"),
    ]
    assert events[1]["fields"][0]["field"] == "file"
    assert events[2]["key_results"][0]["fields"][0]["new_written"] == "190万"


def test_a_side_branch_edit_shows_at_its_merge(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/company.yaml": GROW, "goals/sales.yaml": OTHER})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Plan", date=_day(1))
    git(root, "checkout", "-qb", "side")
    write(root, "goals/company.yaml", GROW.replace("200万", "190万"))
    git(root, "commit", "-qam", "Side edit", date=_day(2))
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge side", "side", date=_day(3))
    events = timeline(root, "CO-1")["events"]
    assert isinstance(events, list)
    assert [(e["subject"], e["kind"]) for e in events] == [
        ("Plan", "created"),
        ("Merge side", "changed"),
    ]


def test_history_goldens(history: Path) -> None:
    """An objective's timeline with its key results' changes, in both formats."""
    for fmt, suffix in (("text", "txt"), ("json", "json")):
        result = run_okrctl(
            "history", "CO-1", "-f", fmt, "--as-of", "2026-11-30", "-C", str(history)
        )
        assert result.returncode == 0, result.stderr
        golden(f"history-CO-1.{suffix}", result.stdout)


def _targets_edited(make_repo: MakeRepo, edits: int) -> Path:
    """A repository whose company target was edited in ``edits`` commits after the plan."""
    root = make_repo({"goals/company.yaml": GROW, "goals/sales.yaml": OTHER})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Plan", date=_day(1))
    for n in range(1, edits + 1):
        write(root, "goals/company.yaml", GROW.replace("200万", f"{200 - n}万"))
        git(root, "commit", "-qam", f"Target {n}", date=_day(n + 1))
    return root


def test_a_second_history_parses_no_version(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each version of a goal file is parsed once, through the parse cache `check` uses:
    the second `history` of the same goal reads every version from the cache and shows
    the same timeline."""
    root = _targets_edited(make_repo, 5)
    import okrctl.load.goalfile

    parsed: list[str] = []
    real = okrctl.load.goalfile.parse_goal_file

    def counting(path: str, data: bytes) -> object:
        parsed.append(path)
        return real(path, data)

    monkeypatch.setattr(okrctl.load.goalfile, "parse_goal_file", counting)
    first = timeline(root, "CO-1")
    assert parsed.count("goals/company.yaml") >= 6  # every version, the first time
    parsed.clear()
    assert timeline(root, "CO-1") == first
    assert parsed == []


def _cold_timeline(root: Path, ident: str) -> dict[str, object]:
    """The timeline with nothing recorded from an earlier history."""
    for name in ("history", "goals"):
        path = root / ".okrctl_cache" / name
        if path.is_dir():
            shutil.rmtree(path)
        path.unlink(missing_ok=True)
    return timeline(root, ident)


def test_history_reads_only_the_commits_since_the_last_one(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second history reads git only for the commits since the first (what it read is
    kept, signed); after an amend or a reset to another line of history, or with the
    record damaged, it reads the whole history again. The timeline is always the one
    read from scratch."""
    from okrctl.git.revisions import GitRepo

    root = _targets_edited(make_repo, 3)
    ranges: list[str] = []
    real = GitRepo.log_changes

    def logged(self: GitRepo, revision: str, under: list[str] | None = None) -> object:
        ranges.append(revision)
        return real(self, revision, under)

    monkeypatch.setattr(GitRepo, "log_changes", logged)
    first = timeline(root, "CO-1")
    assert ranges == ["HEAD"] or ".." not in ranges[-1]
    head = git(root, "rev-parse", "HEAD").strip()
    write(root, "goals/company.yaml", GROW.replace("200万", "150万"))
    git(root, "commit", "-qam", "Target 4", date=_day(8))
    second = timeline(root, "CO-1")
    assert ranges[-1].startswith(f"{head}..")
    assert len(second["events"]) == len(first["events"]) + 1  # type: ignore[arg-type]
    assert second == _cold_timeline(root, "CO-1")
    # the last commit amended: the recorded one is on no line of HEAD any more
    timeline(root, "CO-1")
    write(root, "goals/company.yaml", GROW.replace("200万", "149万"))
    git(root, "commit", "-q", "--amend", "-am", "Target 4 again", date=_day(9))
    amended = timeline(root, "CO-1")
    assert ".." not in ranges[-1]
    assert "149万" in json.dumps(amended, ensure_ascii=False)
    assert amended == _cold_timeline(root, "CO-1")
    # a damaged record is not read
    timeline(root, "CO-1")
    record = root / ".okrctl_cache" / "history"
    data = bytearray(record.read_bytes())
    data[5] ^= 0xFF
    record.write_bytes(bytes(data))
    assert timeline(root, "CO-1") == amended
    assert ".." not in ranges[-1]
