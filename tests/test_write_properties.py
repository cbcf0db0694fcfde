"""Property: a file okrctl writes differs from the original only in the intended lines.

For generated goal files (comments anywhere, LF or CRLF, a byte-order mark or not, block
and flow entries, two sequence indentations) `okrctl new` inserts one block of lines and
keeps every original line, in order, byte for byte. For generated check-ins files (extra
columns in any order, notes with commas, quotes and line breaks, quoted or plain, LF or
CRLF, a mark or not, with or without a last line break) `okrctl checkin` adds one row at
the end or replaces the one row of that day, and keeps every other line byte for byte.
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
import textwrap
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_CONFIG, run_okrctl
from okrctl.load.goalfile import parse_goal_file

BOM = codecs.BOM_UTF8
_words = st.text(alphabet="abc xyz 中文", min_size=1, max_size=10).map(str.strip).filter(bool)
_comment = st.builds(lambda indent, words: " " * indent + "# " + words, st.integers(0, 10), _words)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _with_comments(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """``lines`` with comment lines, blank lines and end-of-line comments sprinkled in."""
    out = []
    for line in lines:
        for _ in range(draw(st.integers(0, 2))):
            out.append(draw(st.one_of(_comment, st.just(""))))
        if draw(st.booleans()) and not line.rstrip().endswith(":"):
            line += "   # " + draw(_words)
        out.append(line)
    out.extend(draw(st.lists(_comment, max_size=2)))
    return out


@st.composite
def goal_files(draw: st.DrawFn) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """Lines of a goal file, its objectives' key-result ids, and its KPI ids."""
    top = draw(st.sampled_from([0, 2]))  # "- id" under objectives:, or "  - id"
    inner = draw(st.sampled_from([0, 2]))  # the same for key_results:
    lines = ["defaults: {cycle: 2026-Q4, unit: acme}", "objectives:"]
    krs: dict[str, list[str]] = {}
    for o in range(draw(st.integers(1, 3))):
        ident = f"CO-{o}"
        key = top + 2
        lines.append(" " * top + f"- id: {ident}")
        lines.append(" " * key + f"title: '{draw(_words)}'")
        krs[ident] = []
        count = draw(st.integers(0, 3))
        if count:
            lines.append(" " * key + "key_results:")
        for k in range(count):
            kr = f"k{k}"
            krs[ident].append(kr)
            dash = key + inner
            if draw(st.booleans()):
                lines.append(" " * dash + f"- {{id: {kr}, baseline: 0, target: {k + 5}}}")
            else:
                lines.append(" " * dash + f"- id: {kr}")
                lines.append(" " * (dash + 2) + "baseline: 0")
                lines.append(" " * (dash + 2) + f"target: {k + 5}")
    kpis = []
    if draw(st.booleans()):
        lines.append("kpis:")
        kpis.append("K-0")
        lines.append("  - {id: K-0, title: Calls, target: 40, weight: 1}")
    return _with_comments(draw, lines), krs, kpis


def _repo(base: Path, files: dict[str, bytes]) -> Path:
    root = base / "repo"
    (root / "goals").mkdir(parents=True)
    (root / "metrics").mkdir()
    (root / "okrctl.yaml").write_text(textwrap.dedent(MINIMAL_CONFIG), encoding="utf-8")
    (root / "metrics" / "crm.csv").write_text("date,metric,value\n", encoding="utf-8")
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def _one_block_inserted(before: list[bytes], after: list[bytes]) -> list[bytes]:
    """The lines ``after`` has that ``before`` has not, asserting they are one block and
    every line of ``before`` is still there, in order, byte for byte."""
    start = 0
    while start < len(before) and after[start] == before[start]:
        start += 1
    end = len(after) - (len(before) - start)
    assert after[:start] == before[:start]
    assert after[end:] == before[start:]
    return after[start:end]


@settings(max_examples=60, deadline=None)
@given(
    goal_files(),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.sampled_from(["kr", "objective", "kpi"]),
    st.data(),
)
def test_new_changes_only_the_lines_it_adds(
    generated: tuple[list[str], dict[str, list[str]], list[str]],
    eol: str,
    bom: bool,
    kind: str,
    data: st.DataObject,
) -> None:
    lines, krs, kpis = generated
    original = (BOM if bom else b"") + "".join(line + eol for line in lines).encode()
    with tempfile.TemporaryDirectory() as base:
        root = _repo(Path(base), {"goals/company.yaml": original})
        path = root / "goals" / "company.yaml"
        if kind == "kr":
            objective = data.draw(st.sampled_from(sorted(krs)))
            args = ["kr", objective, "--id", "new", "--target", "9", "--baseline", "1"]
        elif kind == "objective":
            args = ["objective", "--id", "CO-9", "--title", "t", "--file", "goals/company.yaml"]
        else:
            args = ["kpi", "--id", "K-9", "--title", "t", "--target", "1", "--weight", "1"]
            args += ["--file", "goals/company.yaml"]
        result = run_okrctl("new", *args, "-C", str(root))
        assert result.returncode == 0, result.stderr
        after = path.read_bytes()
    assert after.startswith(BOM) == bom
    added = _one_block_inserted(_lines(original), _lines(after))
    assert added and all(line.endswith(eol.encode()) for line in added)
    assert all(b"\r" not in line[:-2] for line in added)  # no other line ending in them
    goal = parse_goal_file("x.yaml", after)
    assert not [d for d in goal.diagnostics if d.code.startswith("Y")]
    if kind == "kr":
        (target,) = [o for o in goal.objectives if o.id == objective]
        assert [k.id for k in target.key_results] == [*krs[objective], "new"]
    elif kind == "objective":
        assert [o.id for o in goal.objectives] == [*krs, "CO-9"]
    else:
        assert [k.id for k in goal.kpis] == [*kpis, "K-9"]


# -- check-ins ---------------------------------------------------------------------------------
CHECKIN_GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: Grow
    key_results:
      - {id: deals, target: 10, baseline: 0}
      - {id: calls, target: 20, baseline: 0}
"""
KRS = ["CO-1/deals", "CO-1/calls"]
_cell = st.text(alphabet='ab ,"\n中', max_size=6).filter(lambda t: t.strip() == t)


@st.composite
def checkin_files(draw: st.DrawFn) -> tuple[bytes, list[str], list[tuple[str, str]]]:
    """A check-ins file, its header and its (date, key result) rows."""
    extra = draw(st.lists(st.sampled_from(["author", "team", "source"]), unique=True))
    note = ["note"] if draw(st.booleans()) else []
    header = draw(st.permutations(["date", "metric", "value", *note, *extra]))
    keys = draw(
        st.lists(
            st.tuples(st.integers(1, 9).map(lambda d: f"2026-10-0{d}"), st.sampled_from(KRS)),
            unique=True,
            max_size=6,
        )
    )
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=eol, quoting=quoting)
    writer.writerow(header)
    for day, kr in keys:
        cells = {"date": day, "metric": kr, "value": str(draw(st.integers(0, 99)))}
        writer.writerow([cells.get(name, draw(_cell)) for name in header])
    text = buffer.getvalue()
    if draw(st.booleans()):
        text = text[: -len(eol)]  # no line break after the last row
    data = (BOM if draw(st.booleans()) else b"") + text.encode("utf-8")
    return data, header, keys


def _records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@settings(max_examples=80, deadline=None)
@example(  # a line break inside a quoted note is not the file's line ending
    (
        b'date,metric,note,value\r\n2026-10-01,CO-1/calls,"a\na",0',
        ["date", "metric", "note", "value"],
        [("2026-10-01", "CO-1/calls")],
    ),
    "2026-10-01",
    "CO-1/deals",
    0,
)
@given(
    checkin_files(),
    st.integers(1, 9).map(lambda d: f"2026-10-0{d}"),
    st.sampled_from(KRS),
    st.integers(0, 99),
)
def test_checkin_changes_only_its_own_row(
    generated: tuple[bytes, list[str], list[tuple[str, str]]], day: str, kr: str, value: int
) -> None:
    original, header, _keys = generated  # same-day keys: their rows stay as they were
    files = {"goals/company.yaml": CHECKIN_GOALS.encode(), "metrics/checkins.csv": original}
    with tempfile.TemporaryDirectory() as base:
        root = _repo(Path(base), files)
        result = run_okrctl("checkin", kr, str(value), "--date", day, "-C", str(root))
        assert result.returncode == 0, result.stderr
        after = (root / "metrics" / "checkins.csv").read_bytes()
    assert after.startswith(BOM) == original.startswith(BOM)
    want = [{"date": day, "metric": kr, "value": str(value)}.get(h, "") for h in header]
    before_records, after_records = _records(original), _records(after)
    assert after_records[0] == header
    # always a new row at the end: a same-day row of the key result stays as it was
    # (the later check-in counts), so the file before it is unchanged
    assert after_records == [*before_records, want]
    if original.endswith((b"\n", b"\r")):
        assert after.startswith(original)  # an append: not one old byte changed
    else:
        eol = b"\r\n" if b"\r\n" in original else b"\n"
        assert after.startswith(original + eol)
