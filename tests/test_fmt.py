"""`okrctl fmt`: canonical order, comments kept, idempotent, the model unchanged."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, MakeRepo, run_okrctl
from okrctl.edit.fmt import KEY_RESULT, OBJECTIVE, format_text
from okrctl.load.goalfile import parse_goal_file

MESSY = """\
# yaml-language-server: $schema=../schemas/goals.schema.json
objectives:
  # the company objective
  - title: Grow   # inline comment kept
    key_results:
        - target: 200
          id: users   # the users KR
          baseline: 100
    id: CO-1
    owner: ceo
defaults: {unit: acme, cycle: 2026-Q4}
"""


def _model(data: bytes) -> Any:
    """The goal file's records without positions, for comparing meaning."""
    goal = parse_goal_file("x.yaml", data)

    def strip(record: Any) -> Any:
        fields = record._asdict()
        fields.update(line=0, column=0, lc={})
        if "key_results" in fields:
            fields["key_results"] = tuple(strip(k) for k in record.key_results)
        return type(record)(**fields)

    return (
        [strip(o) for o in goal.objectives],
        [strip(k) for k in goal.kpis],
        [strip(s) for s in goal.scorecards],
        [d.code for d in goal.diagnostics],
    )


def test_canonical_order_keeps_comments() -> None:
    out = format_text(MESSY.encode(), is_config=False)
    assert out == textwrap.dedent("""\
        # yaml-language-server: $schema=../schemas/goals.schema.json
        defaults: {cycle: 2026-Q4, unit: acme}
        objectives:
          # the company objective
          - id: CO-1
            title: Grow   # inline comment kept
            owner: ceo
            key_results:
              - id: users     # the users KR
                baseline: 100
                target: 200
        """)
    assert _model(out.encode()) == _model(MESSY.encode())
    assert format_text(out.encode(), is_config=False) == out


def test_examples_are_canonical() -> None:
    for example in ("education", "manufacturing", "startup"):
        result = run_okrctl("fmt", "--check", "-C", str(EXAMPLES / example))
        assert result.returncode == 0, result.stdout


def test_check_lists_and_fmt_writes(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/a.yaml": MESSY})
    before = (root / "goals" / "a.yaml").read_bytes()
    check = run_okrctl("fmt", "--check", "-C", str(root))
    assert check.returncode == 1
    assert "would reformat goals/a.yaml" in check.stdout
    assert (root / "goals" / "a.yaml").read_bytes() == before
    done = run_okrctl("fmt", "-C", str(root))
    assert done.returncode == 0 and "reformatted goals/a.yaml" in done.stdout
    assert run_okrctl("fmt", "--check", "-C", str(root)).returncode == 0
    assert run_okrctl("fmt", "--check", "goals/a.yaml", "-C", str(root)).returncode == 0


def test_broken_files_are_left_alone(make_repo: MakeRepo) -> None:
    broken = "objectives:\n  - id: A\n\ttitle: tab\n"
    root = make_repo({"goals/a.yaml": broken, "goals/b.yaml": MESSY})
    result = run_okrctl("fmt", "-C", str(root))
    assert result.returncode == 2
    assert "skipped goals/a.yaml: 3:1:" in result.stderr
    assert (root / "goals" / "a.yaml").read_text() == broken
    assert "reformatted goals/b.yaml" in result.stdout  # the others are still formatted


def test_paths_outside_the_repository_are_refused(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo({"goals/a.yaml": MESSY})
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(MESSY)
    result = run_okrctl("fmt", str(outside), "-C", str(root))
    assert result.returncode == 2 and outside.read_text() == MESSY


_ids = st.from_regex(r"[A-Z][A-Z0-9-]{0,6}", fullmatch=True)
_text = st.text(alphabet="abc 中文xyz", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def goal_files(draw: st.DrawFn) -> str:
    lines = ["objectives:"]
    for index in range(draw(st.integers(1, 3))):
        fields = {
            "id": f"O{index}",
            "title": draw(_text),
            "owner": draw(_ids).lower(),
            "type": draw(st.sampled_from(["committed", "aspirational"])),
        }
        keys = draw(st.permutations(list(fields)))
        krs = []
        for k in range(draw(st.integers(0, 3))):
            kr = {
                "id": f"k{k}",
                "baseline": str(draw(st.integers(0, 50))),
                "target": str(draw(st.integers(51, 99))),
                "title": draw(_text),
            }
            order = draw(st.permutations(list(kr)))
            krs.append(order and [(key, kr[key]) for key in order])
        first = True
        for key in keys:
            prefix = "  - " if first else "    "
            first = False
            comment = "  # note" if draw(st.booleans()) else ""
            lines.append(f"{prefix}{key}: '{fields[key]}'{comment}")
        if krs:
            lines.append("    key_results:")
            for kr_items in krs:
                for position, (key, value) in enumerate(kr_items):
                    lines.append(
                        ("      - " if position == 0 else "        ")
                        + f"{key}: {value if key != 'title' else repr(value)}"
                    )
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(goal_files())
def test_fmt_is_idempotent_and_keeps_the_model(text: str) -> None:
    once = format_text(text.encode(), is_config=False)
    assert format_text(once.encode(), is_config=False) == once
    assert _model(once.encode()) == _model(text.encode())
    # known keys come first, in canonical order
    for line in once.splitlines():
        assert not line.startswith("\t")
    assert OBJECTIVE.index("id") < OBJECTIVE.index("title") < KEY_RESULT.index("target") + 99


def _endings(data: bytes) -> tuple[int, int]:
    """(CRLF count, lone LF count)."""
    return data.count(b"\r\n"), data.count(b"\n") - data.count(b"\r\n")


def test_crlf_files_stay_crlf_and_keep_their_bom(make_repo: MakeRepo) -> None:
    # MESSY has 11 lines; canonical, it has 11 too (the same keys, reordered)
    crlf = b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode()
    root = make_repo({"goals/a.yaml": crlf})
    done = run_okrctl("fmt", "-C", str(root))
    assert done.returncode == 0 and done.stdout.startswith("reformatted goals/a.yaml\n")
    after = (root / "goals" / "a.yaml").read_bytes()
    assert after.startswith(b"\xef\xbb\xbf# yaml-language-server")
    assert _endings(after) == (11, 0)  # the rewritten lines too
    canonical = format_text(MESSY.encode(), is_config=False)
    assert after == b"\xef\xbb\xbf" + canonical.replace("\n", "\r\n").encode()
    assert _model(after) == _model(crlf)
    assert run_okrctl("fmt", "--check", "-C", str(root)).returncode == 0


def test_a_mixed_file_keeps_its_majority_ending_and_says_so(make_repo: MakeRepo) -> None:
    canonical = format_text(MESSY.encode(), is_config=False)
    lines = canonical.splitlines(keepends=True)
    # 3 of the 11 lines end in LF, 8 in CRLF: CRLF wins
    mixed = "".join(x if i in (2, 5, 7) else x.replace("\n", "\r\n") for i, x in enumerate(lines))
    root = make_repo({"goals/a.yaml": mixed.encode()})
    check = run_okrctl("fmt", "--check", "-C", str(root))
    assert check.returncode == 1
    assert check.stdout.splitlines()[0] == (
        "would reformat goals/a.yaml: mixed line endings (8 CRLF, 3 LF), all CRLF after"
    )
    done = run_okrctl("fmt", "-C", str(root))
    assert done.stdout.startswith(
        "reformatted goals/a.yaml (mixed line endings (8 CRLF, 3 LF): now all CRLF)\n"
    )
    assert (root / "goals" / "a.yaml").read_bytes() == canonical.replace("\n", "\r\n").encode()
    # a tie goes to the ending of the first line: LF here (2 LF, 2 CRLF)
    tie = "objectives:\n  - id: A\r\n    title: a\n    owner: b\r\n"
    (root / "goals" / "a.yaml").write_bytes(tie.encode())
    run_okrctl("fmt", "-C", str(root))
    assert (root / "goals" / "a.yaml").read_bytes() == tie.replace("\r\n", "\n").encode()


def test_check_says_why_a_file_would_change(make_repo: MakeRepo) -> None:
    indented = "objectives:\n    - id: A\n      title: a\n"
    reordered = "objectives:\n  - title: 'b'\n    id: B\n"
    root = make_repo({"goals/a.yaml": indented, "goals/b.yaml": reordered, "goals/c.yaml": MESSY})
    check = run_okrctl("fmt", "--check", "-C", str(root))
    assert check.returncode == 1
    out = check.stdout
    assert (
        "would reformat goals/a.yaml: indentation; first change at line 2\n"
        "--- goals/a.yaml\n"
        "+++ goals/a.yaml (formatted)\n"
        "@@ -1,3 +1,3 @@\n"
        " objectives:\n"
        "-    - id: A\n"
        "-      title: a\n"
        "+  - id: A\n"
        "+    title: a\n"
    ) in out
    assert "would reformat goals/b.yaml: key order; first change at line 2\n" in out
    # MESSY moves `defaults` up, reorders and re-indents: its diff is cut at 20 lines
    first = next(x for x in out.splitlines() if x.startswith("would reformat goals/c.yaml"))
    assert first == (
        "would reformat goals/c.yaml: key order, indentation, layout; first change at line 2"
    )
    assert "more diff lines: okrctl fmt --diff goals/c.yaml\n" in out
    full = run_okrctl("fmt", "--diff", "goals/c.yaml", "-C", str(root))
    assert full.returncode == 1 and "more diff lines" not in full.stdout
    assert "+defaults: {cycle: 2026-Q4, unit: acme}\n" in full.stdout
    assert (root / "goals" / "c.yaml").read_text(encoding="utf-8") == MESSY  # nothing written
