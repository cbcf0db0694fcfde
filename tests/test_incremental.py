"""The incremental check: what an edit costs, and that it never changes what is reported.

The heart is a property test: random sequences of edits to a small organisation (ids,
references, duplicates, loops, owner groups, drafts, scorecards, deleted and added files),
each checked warm (through the recorded state) and cold (``--no-cache``); the output must
be the same byte for byte in every format.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_CONFIG, MakeRepo, run_okrctl
from okrctl.core.signing import machine_key
from okrctl.load.config import load_config
from okrctl.load.filecache import CACHE_DIR
from okrctl.load.repository import discover
from okrctl.rules import incremental, shelf
from okrctl.rules.stored import SHELVES

CONFIG = MINIMAL_CONFIG + "levels: [company, department, team]\n"
IDS = ["CO-1", "CO-2", "S-1", "S-2", "T-1"]
KPI_IDS = ["K-1", "K-2", "K-3"]
REFS = [*IDS, "CO-1/users", "CO-1/cost", "CO-2/users", "S-1/deals", "NOPE", "CO-1/nope"]
FORMATS = ("text", "json", "sarif", "github")
AS_OF = "2026-11-30"
CSV = "date,metric,value\n2026-09-30,users,100\n2026-11-01,users,150\n2026-11-01,cost,40\n"
FILES = ["goals/a.yaml", "goals/b.yaml", "goals/c.yaml", "goals/sub/d.yaml"]
# never edited: reads every metric source the edits may name, so that most edits leave
# the set of sources read alone and take the incremental path (a change to that set
# takes the whole one)
BASE = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: base}
objectives:
  - id: B-1
    title: Base
    key_results:
      - {id: a, baseline: 1, target: 10, metric: crm:users}
      - {id: b, baseline: 1, target: 10, metric: nope:x}
      - {id: c, baseline: 1, target: 10}
"""


@st.composite
def objectives(draw: st.DrawFn) -> str:
    oid = draw(st.sampled_from(IDS))
    lines = [f"  - id: {oid}", f"    title: Goal {oid}"]
    lines.append(f"    unit: {draw(st.sampled_from(['acme', 'sales', 'nowhere']))}")
    lines.append(f"    owner: {draw(st.sampled_from(['li', 'bo', 'ceo']))}")
    if draw(st.booleans()):
        lines.append(f"    aligns_to: {draw(st.sampled_from(REFS))}")
    if draw(st.integers(0, 4)) == 0:
        lines.append("    draft: true")
    if draw(st.integers(0, 3)) == 0:
        lines.append(f"    perspective: {draw(st.sampled_from(['customer', 'custmer', 'ops']))}")
    krs = draw(st.sampled_from([[], ["users"], ["users", "cost"], ["deals", "deals"]]))
    if krs:
        lines.append("    key_results:")
        for kr in krs:
            metric = draw(st.sampled_from(["", ", metric: crm:users", ", metric: nope:x"]))
            lines.append(f"      - {{id: {kr}, baseline: 1, target: 10{metric}}}")
    return "\n".join(lines)


@st.composite
def kpis(draw: st.DrawFn) -> str:
    kid = draw(st.sampled_from(KPI_IDS))
    weight = draw(st.sampled_from(["0.5", "1", "0.3"]))
    lines = [
        f"  - id: {kid}",
        f"    title: {kid}",
        f"    owner: {draw(st.sampled_from(['li', 'bo']))}",
    ]
    lines += ["    target: 40", f"    weight: {weight}", "    metric: crm:users"]
    if draw(st.booleans()):
        lines.append(f"    supports: {draw(st.sampled_from(REFS))}")
    if draw(st.booleans()):
        lines.append(f"    balanced_by: [{draw(st.sampled_from([*KPI_IDS, 'K-9']))}]")
    lines.append(f"    perspective: {draw(st.sampled_from(['customer', 'financial']))}")
    return "\n".join(lines)


@st.composite
def scorecards(draw: st.DrawFn) -> str:
    measures = draw(st.lists(st.sampled_from([*KPI_IDS, "CO-1", "K-9"]), max_size=3))
    return (
        f"  - id: SC-{draw(st.sampled_from(['A', 'B']))}\n    kind: individual\n"
        f"    kpis: [{', '.join(measures)}]"
    )


@st.composite
def goal_files(draw: st.DrawFn) -> str | None:
    if draw(st.integers(0, 5)) == 0:
        return None  # the file is deleted (or stays absent)
    text = "defaults: {cycle: 2026-Q4}\n"
    objs = draw(st.lists(objectives(), max_size=3))
    if objs:
        text += "objectives:\n" + "\n".join(objs) + "\n"
    kp = draw(st.lists(kpis(), max_size=2))
    if kp:
        text += "kpis:\n" + "\n".join(kp) + "\n"
    if draw(st.integers(0, 3)) == 0:
        text += "scorecards:\n" + draw(scorecards()) + "\n"
    return text


def _write(root: Path, name: str, text: str | None, step: int) -> None:
    path = root / name
    if text is not None and text.startswith("@"):
        if not path.exists():
            return
        old = path.read_text(encoding="utf-8")
        if text in IN_PLACE:
            text = old.replace(*IN_PLACE[text], 1)
        else:
            text = old + f"# note {step}\n" if text == "@append" else f"# note {step}\n" + old
    if text is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    # an edit some time ago, as a commit a minute later would be: the stat key moves
    stamp = 1_700_000_000 + step * 60
    os.utime(path, (stamp, stamp))


def _outputs(root: Path, *extra: str) -> list[tuple[int, str, str]]:
    return [
        (r.returncode, r.stdout, r.stderr)
        for r in (
            run_okrctl("check", "-C", str(root), "--as-of", AS_OF, "--format", f, *extra)
            for f in FORMATS
        )
    ]


@st.composite
def edited_files(draw: st.DrawFn) -> str | None:
    """A new text for a file, or (as often) a comment or blank line added at its end
    (the goals read exactly as before) or at its top (every position moves)."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return "@append"
    if kind == 1:
        return "@prepend"
    if kind == 2:  # one goal changed in place, the others as they were
        return draw(st.sampled_from(sorted(IN_PLACE)))
    return draw(goal_files())


# one field of the first goal that has it, changed on its own line: every other goal of
# the file reads exactly as before
IN_PLACE = {
    "@owner": ("owner: li", "owner: bo"),
    "@owner-back": ("owner: bo", "owner: li"),
    "@align": ("aligns_to: CO-1", "aligns_to: S-1"),
    "@align-back": ("aligns_to: S-1", "aligns_to: CO-1"),
    "@target": ("target: 10", "target: 12"),
    "@weight": ("weight: 0.5", "weight: 1"),
    "@draft": ("draft: true", "draft: false"),
    "@id": ("id: CO-2", "id: CO-1"),
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# a group member judged again (W002) needs the scorecard naming its KPI (B006): found
# when the closure was tried from the edited files alone
@example(
    start=[
        None,
        "defaults: {cycle: 2026-Q4}\nscorecards:\n  - id: SC-A\n    kind: individual\n"
        "    kpis: [K-1]\n",
        "defaults: {cycle: 2026-Q4}\nkpis:\n  - id: K-2\n    title: K-2\n    owner: li\n"
        "    target: 40\n    weight: 0.5\n    metric: crm:users\n    supports: CO-1\n"
        "    perspective: customer\n",
        "defaults: {cycle: 2026-Q4}\nkpis:\n  - id: K-1\n    title: K-1\n    owner: li\n"
        "    target: 40\n    weight: 0.5\n    metric: crm:users\n    perspective: customer\n",
    ],
    edits=[(2, None)],
)
@given(
    start=st.lists(goal_files(), min_size=len(FILES), max_size=len(FILES)),
    edits=st.lists(st.tuples(st.integers(0, len(FILES) - 1), edited_files()), max_size=4),
)
def test_warm_equals_cold_after_any_edits(
    make_repo: MakeRepo,
    start: list[str | None],
    edits: list[tuple[int, str | None]],
) -> None:
    root = make_repo({"metrics/crm.csv": CSV}, config=CONFIG)
    shutil.rmtree(root / "goals", ignore_errors=True)
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    for name, text in zip(FILES, start, strict=True):
        _write(root, name, text, 0)
    _write(root, "goals/base.yaml", BASE, 0)
    assert _outputs(root) == _outputs(root, "--no-cache")
    for step, (which, text) in enumerate(edits, start=1):
        _write(root, FILES[which], text, step)
        assert _outputs(root) == _outputs(root, "--no-cache")


TEAM = """\
defaults: {{cycle: 2026-Q4, unit: sales, owner: o{n}}}
objectives:
  - id: T-{n}
    title: Team {n}
    aligns_to: CO-1/users
    key_results:
      - {{id: a, baseline: 0, target: 10}}
"""
COMPANY = """\
defaults: {cycle: 2026-Q4, unit: acme, owner: ceo}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: users, baseline: 1, target: 10}
      - {id: cost, baseline: 50, target: 30}
"""


def _run(root: Path, *, use_cache: bool = True) -> incremental.Outcome:
    config = load_config(root)
    paths, _ = discover(config)
    return incremental.run(
        config, paths, data=False, as_of=dt.date(2026, 11, 30), use_cache=use_cache
    )


def _age(root: Path) -> None:
    for path in (root / "goals").rglob("*.yaml"):
        os.utime(path, (1_700_000_000, 1_700_000_000))


def test_an_edit_parses_one_file_and_judges_its_neighbours(make_repo: MakeRepo) -> None:
    files = {f"goals/t{n}.yaml": TEAM.format(n=n) for n in range(30)}
    root = make_repo({**files, "goals/co.yaml": COMPANY})
    _age(root)
    first = _run(root)
    assert (first.mode, first.parsed) == ("whole", 31)
    same = _run(root)
    assert (same.mode, same.parsed, same.focus) == ("unchanged", 0, 0)
    assert same.diagnostics == first.diagnostics
    edited = root / "goals" / "t7.yaml"
    edited.write_text(TEAM.format(n=7).replace("Team 7", "Team seven"), encoding="utf-8")
    os.utime(edited, (1_700_000_100, 1_700_000_100))
    after = _run(root)
    # the team file itself and the company file it aligns to (A012 coverage), no other
    assert (after.mode, after.parsed, after.focus) == ("incremental", 1, 2)


def test_touch_reads_but_does_not_parse(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/co.yaml": COMPANY})
    _age(root)
    _run(root)
    os.utime(root / "goals" / "co.yaml", (1_700_000_500, 1_700_000_500))
    again = _run(root)
    assert (again.mode, again.parsed, again.focus) == ("incremental", 0, 0)
    assert _run(root).mode == "unchanged"


def test_a_planted_or_foreign_state_is_ignored(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/co.yaml": COMPANY})
    _age(root)
    _run(root)
    blob = root / CACHE_DIR / incremental.BLOB
    data = bytearray(blob.read_bytes())
    data[20] ^= 0xFF  # a byte of the signature: as if written by someone else
    blob.write_bytes(bytes(data))
    assert _run(root).mode == "whole"


@pytest.mark.parametrize("change", ["config", "metrics"])
def test_state_is_dropped_when_config_or_metric_files_change(
    make_repo: MakeRepo, change: str
) -> None:
    root = make_repo({"goals/co.yaml": COMPANY})
    _age(root)
    _run(root)
    if change == "config":
        (root / "okrctl.yaml").write_text(MINIMAL_CONFIG + "org: Acme\n", encoding="utf-8")
    else:
        (root / "metrics" / "crm.csv").write_text("date,metric,value\n2026-10-01,x,1\n")
    assert _run(root).mode == "whole"


def test_deleting_the_cache_changes_no_output(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/co.yaml": COMPANY, "goals/t1.yaml": TEAM.format(n=1)})
    before = _outputs(root)
    shutil.rmtree(root / CACHE_DIR)
    assert _outputs(root) == before
    assert _outputs(root, "--no-cache") == before


def _key(root: Path) -> bytes:
    key = incremental.state_key(load_config(root), data=False, as_of=dt.date(2026, 11, 30))
    assert key is not None
    return key


def _parsed_segment(root: Path, path: str) -> tuple[int, int]:
    """Where the segment holding what parsing ``path`` gave lies in the body: (offset,
    length)."""
    found = shelf.read(root / CACHE_DIR / incremental.BLOB, machine_key() or b"", SHELVES)
    assert found is not None
    files = found[1]["files"]
    offset, length, _ = files._table[files.shard_of(path)]  # type: ignore[index]
    return offset, length


def test_an_edit_rewrites_only_its_segments(make_repo: MakeRepo) -> None:
    """The blob keeps the records and the maps over them in segments by key: after an
    edit of one team file only the segments of the keys it touched are pickled anew, and
    damaging a segment the next edit reads makes that run a whole one."""
    files = {f"goals/t{n}.yaml": TEAM.format(n=n) for n in range(30)}
    root = make_repo({**files, "goals/co.yaml": COMPANY})
    _age(root)
    _run(root)
    edited = root / "goals" / "t7.yaml"
    edited.write_text(TEAM.format(n=7).replace("owner: o7", "owner: o77"), encoding="utf-8")
    os.utime(edited, (1_700_000_100, 1_700_000_100))
    config = load_config(root)
    paths, _ = discover(config)
    outcome = incremental.run(config, paths, data=False, as_of=dt.date(2026, 11, 30), keep=True)
    assert outcome.mode == "incremental" and outcome.state is not None
    shelves = outcome.state.index.shelves
    # what parsing gives changed for the edited file alone; the alignment counts of the
    # file and of the company file it aligns to were judged again and stayed the same
    assert shelves["files"].changed() == {shelves["files"].shard_of("goals/t7.yaml")}
    assert not shelves["stats"].changed()
    # the owner group moved: its two keys' segments, nothing else of the map
    groups = shelves["group"]
    keys = {"o\x00o7\x002026-Q4", "o\x00o77\x002026-Q4"}
    assert groups.changed() == {groups.shard_of(k) for k in keys}
    assert not shelves["defined"].changed() and not shelves["naming"].changed()
    body = shelf.body_path(root / CACHE_DIR / incremental.BLOB)
    offset, length = _parsed_segment(root, "goals/t7.yaml")
    data = bytearray(body.read_bytes())
    data[offset + length - 2] ^= 0xFF  # its hash in the signed header no longer fits
    body.write_bytes(bytes(data))
    edited.write_text(TEAM.format(n=7), encoding="utf-8")
    os.utime(edited, (1_700_000_200, 1_700_000_200))
    assert _run(root).mode == "whole"
    assert _outputs(root) == _outputs(root, "--no-cache")


def test_a_new_id_elsewhere_changes_a_did_you_mean(make_repo: MakeRepo) -> None:
    """t1 names an unknown objective; a new objective in an unrelated file is a closer
    suggestion: the warm run re-judges t1 (its hint changes) as a cold run does."""
    lonely = TEAM.format(n=1).replace("aligns_to: CO-1/users", "aligns_to: SALES-12/a")
    root = make_repo({"goals/co.yaml": COMPANY, "goals/t1.yaml": lonely})
    _age(root)
    before = _outputs(root)
    other = root / "goals" / "other.yaml"
    other.write_text(TEAM.format(n=2).replace("T-2", "SALES-11"), encoding="utf-8")
    os.utime(other, (1_700_000_100, 1_700_000_100))
    after = _outputs(root)
    assert after == _outputs(root, "--no-cache")
    assert "SALES-11" in after[0][1] and "SALES-11" not in before[0][1]


def _age_all(root: Path, stamp: int) -> None:
    """Every goal file and folder, and the root, last modified at ``stamp`` (long ago)."""
    for path in [*(root / "goals").rglob("*"), root / "goals", root]:
        os.utime(path, (stamp, stamp))


def test_the_listing_is_found_again_only_when_a_folder_changed(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While no folder the goals globs look into changed (by its stat), the goal files
    are the recorded ones and the globs are not walked; a file added, removed or moved
    into a new folder changes a folder, and the next run finds the files again, as a
    cold run does."""
    import okrctl.load.repository

    walks: list[int] = []
    real = okrctl.load.repository.discover

    def counting(*args: object, **kwargs: object) -> object:
        walks.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(okrctl.load.repository, "discover", counting)
    files = {f"goals/t{n}.yaml": TEAM.format(n=n) for n in range(3)}
    root = make_repo({**files, "goals/co.yaml": COMPANY})
    _age_all(root, 1_700_000_000)

    def check() -> incremental.Outcome:
        return incremental.run(load_config(root), None, data=False, as_of=dt.date(2026, 11, 30))

    assert check().mode == "whole" and len(walks) == 1
    _age_all(root, 1_700_000_050)  # the first run made .okrctl_cache/ in the root
    assert (check().parsed, len(walks)) == (0, 2)  # the files touched: hashed, not parsed
    again = check()
    assert (again.mode, len(walks)) == ("unchanged", 2)
    assert again.paths == ["goals/co.yaml", "goals/t0.yaml", "goals/t1.yaml", "goals/t2.yaml"]
    # a new file, its folder aged again (to another time): found
    (root / "goals" / "t3.yaml").write_text(TEAM.format(n=3), encoding="utf-8")
    _age_all(root, 1_700_000_100)
    added = check()
    assert len(walks) == 3 and "goals/t3.yaml" in added.paths
    assert (check().mode, len(walks)) == ("unchanged", 3)
    # a file removed, and one in a new folder below
    (root / "goals" / "t1.yaml").unlink()
    (root / "goals" / "sub").mkdir()
    (root / "goals" / "sub" / "t9.yaml").write_text(TEAM.format(n=9), encoding="utf-8")
    _age_all(root, 1_700_000_200)
    moved = check()
    assert "goals/t1.yaml" not in moved.paths and "goals/sub/t9.yaml" in moved.paths
    cold = incremental.run(
        load_config(root), None, data=False, as_of=dt.date(2026, 11, 30), use_cache=False
    )
    assert (moved.paths, moved.diagnostics, moved.totals) == (
        cold.paths,
        cold.diagnostics,
        cold.totals,
    )


def test_the_body_is_written_anew_once_replaced_segments_outweigh_live_ones(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed segments are appended to the body; the replaced ones stay behind until
    they outweigh the live ones, and then the body is written anew, whole. Either way
    the next runs read the right segments (warm == cold)."""
    monkeypatch.setattr(shelf, "_SLACK", 0)
    monkeypatch.setattr(shelf, "_GROWTH", 1.01)  # a few edits' worth of replaced bytes
    files = {f"goals/t{n}.yaml": TEAM.format(n=n) for n in range(12)}
    root = make_repo({**files, "goals/co.yaml": COMPANY})
    _age(root)
    _run(root)
    body = shelf.body_path(root / CACHE_DIR / incremental.BLOB)
    sizes = [body.stat().st_size]
    edited = root / "goals" / "t3.yaml"
    for step in range(1, 16):
        owner = f"owner: o{3 + step % 2}"  # the owner group moves back and forth
        edited.write_text(TEAM.format(n=3).replace("owner: o3", owner), encoding="utf-8")
        os.utime(edited, (1_700_000_000 + step * 60,) * 2)
        assert _run(root).mode == "incremental", step
        sizes.append(body.stat().st_size)
        live = sum(
            length
            for table in _tables(root).values()
            for _, length, _ in table  # type: ignore[attr-defined]
        )
        assert sizes[-1] <= 1.01 * live
        warm, cold = _run(root), _run(root, use_cache=False)
        assert (warm.mode, warm.diagnostics, warm.totals) == (
            "unchanged",
            cold.diagnostics,
            cold.totals,
        )
    grew = [b > a for a, b in itertools.pairwise(sizes)]
    assert any(grew) and not all(grew)  # appended, and written anew at least once


def _tables(root: Path) -> dict[str, object]:
    found = shelf.read(root / CACHE_DIR / incremental.BLOB, machine_key() or b"", SHELVES)
    assert found is not None
    return {name: s._table for name, s in found[1].items()}
