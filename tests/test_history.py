"""`okrctl history`: the timeline of one goal from git, with its values at the time."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import git, run_okrctl


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
