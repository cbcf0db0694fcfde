"""Fuzz: mutated copies of the example repositories never crash okrctl.

Each case copies one of examples/*, applies one to three mutations (keys deleted,
entries duplicated, values retyped or replaced by hostile strings, numbers and lists,
files truncated, flipped, emptied, deleted, duplicated or swapped for a folder, metric
cells and rows spoiled; in some cases every rule that stops the numbers graded down, so
the arithmetic meets the input) and runs check, status, score, report and explain with
JSON output, and one human format, in this process. Every exit status is 0, 1 or 2, never
3 (an internal error), and every JSON output parses with NaN and Infinity refused.

The cases are drawn from a seeded generator: the same inputs on every run, so CI is
stable. ``OKRCTL_FUZZ_CASES`` and ``OKRCTL_FUZZ_SEED`` run more, or others, locally.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, run_okrctl

CASES = int(os.environ.get("OKRCTL_FUZZ_CASES", "60"))
SEED = int(os.environ.get("OKRCTL_FUZZ_SEED", "20261130"))
DAY = ("--as-of", "2026-11-30")
# an id each example's explain asks about (a mutation may remove it: then exit 2)
EXPLAIN = {"education": "CO-1/users", "manufacturing": "KPI-SALES", "startup": "FUND"}
COMMANDS = [
    ("check", "--format", "json", "--no-cache"),
    ("status", *DAY, "--format", "json"),
    ("score", *DAY, "--format", "json", "--synergy"),
    ("report", *DAY, "--format", "json", "--no-git", "--include-scorecards"),
    ("explain", "{explain}", *DAY),
]
# and one of the human formats, drawn per case
HUMAN = [
    ("status", *DAY),
    ("report", *DAY, "--format", "html", "--no-git"),
    ("report", *DAY, "--format", "md", "--no-git"),
    ("report", *DAY, "--format", "term", "--no-git"),
    ("score", *DAY, "--format", "csv"),
    ("score", *DAY, "--format", "md", "--synergy"),
    ("map", *DAY, "--format", "mermaid"),
    ("why", "{explain}", *DAY),
]

HOSTILE: list[Any] = [
    "",
    " ",
    "\x00",
    "\x1b[31mred\x1b[0m",
    "\u202etxt.exe",
    "a" * 300,
    "1e309",
    "-1e309",
    "5e-324",
    "1e305亿",
    "+99999999999999%",
    "-100%",
    "NaN",
    "inf",
    "yes",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "../../etc/passwd",
    "/etc/passwd",
    "*",
    "goals/**",
    "%",
    "1,2,3",
    "crm:",
    ":",
    "CO-1",
    "CO-1/users",
    10**400,
    -(10**400),
    1e300,
    -1.0,
    0,
    0.0,
    1e16,
    1e-10,
    float("nan"),
    float("inf"),
    True,
    None,
    [],
    {},
    [1, 2, 3],
    [5, 3],
    [None],
    {"a": 1},
    {"full_at": 0},
    {"zero_below": 2, "full_at": 1},
    [[0.8], [1, 2, 3]],
]
# values that fit a field's notation but not its meaning, by the field they go into
FOR_FIELD: dict[str, list[Any]] = {
    "aggregate": ["bogus", "SUM", "median"],
    "period": ["weekly", "bogus"],
    "direction": ["sideways", "Lower"],
    "type": ["bogus"],
    "kind": ["bogus", "team"],
    "layout": ["tall"],
    "full_at": [0, -1, "0%"],
    "zero_below": [2, "120%", -1],
    "cap": [0, -1],
    "weight": [0, -0.5, 2, "abc"],
    "okr_weight": [0, 1.5],
    "kpi_weight": [0, -1],
    "kr_cap": [0, -1, 1e15],
    "on_track": [0, 2],
    "at_risk": [0, 2],
    "aspirational_full_at": [0, 2],
    "target": [0, "+30%", [3, 5], [5, 3], "1e-9"],
    "baseline": [0, "200万"],
    "at_most": [0, -1],
    "at_least": [0, -1],
    "stale_after": ["9" * 400 + "d", "0d", "99999999999w"],
    "start": ["9999-10-01", "0001-01-01", "2026-13-01"],
    "end": ["9999-12-31", "0001-01-02", "2026-02-30"],
    "date": ["9999-12-31", "0001-01-01", "2026-02-30"],
    "goals": [[""], ["goals/\x00"], ["."], ["**"], ["goals"], "goals/**"],
    "path": ["", "metrics", ".", "metrics/\x00.csv", "a" * 300],
    "checkins": ["", "metrics", "goals/company.yaml"],
    "metric": ["crm:", "nosuch:x", "crm:users_total:x"],
    "measures": [[], {"KPI-X": 0}, {"KPI-SALES": "9" * 400}],
    "bands": [[[0.8, 0.5], [0.5, 1]], [[0, 0]], [[1e-10, 1]]],
    "rules": [{"S001": "off", "W005": "off", "W001": "off"}, {"Y001": "warning"}],
}
# every error that stops the numbers, graded down: the arithmetic then meets the input
GRADED_DOWN = (
    "rules: {"
    + ", ".join(
        f"{code}: off"
        for code in [
            *(f"S00{i}" for i in range(1, 5)),
            *(f"W0{i:02d}" for i in range(1, 11)),
            *("A001", "A002", "A009", "B001", "M001", "Y002"),
        ]
    )
    + "}\n"
)
CSV_HOSTILE = ["", "n/a", "inf", "NaN", "1e309", "9" * 400, "2026-02-30", '"', "\x00", "1,2"]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key or index path in a loaded YAML document."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        out.append((*prefix, key))
        if isinstance(value, dict | list):
            out.extend(_paths(value, (*prefix, key)))
    return out


def _mutate_document(rng: random.Random, document: Any) -> None:
    paths = _paths(document) if isinstance(document, dict | list) else []
    if not paths:
        return
    if isinstance(document, dict) and rng.random() < 0.1:  # a rule graded down or off
        document["rules"] = rng.choice(FOR_FIELD["rules"])
        return
    # mostly a value with a name: that is where meaning, and arithmetic, starts
    named = [p for p in paths if isinstance(p[-1], str) and p[-1] in FOR_FIELD]
    path = rng.choice(named if named and rng.random() < 0.8 else paths)
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    operation = rng.choice(
        ["delete", "duplicate", "hostile", "hostile", "hostile", "retype", "rename"]
    )
    if operation == "delete":
        del parent[key]
    elif operation == "duplicate" and isinstance(parent, list):
        parent.insert(key, parent[key])
    elif operation == "rename" and isinstance(parent, dict):
        parent[key + rng.choice(["x", "_", "s"])] = parent.pop(key)
    elif operation == "retype":
        value = parent[key]
        parent[key] = [value] if not isinstance(value, list) else {"x": value}
    elif isinstance(key, str) and key in FOR_FIELD and rng.random() < 0.7:
        parent[key] = rng.choice(FOR_FIELD[key])
    else:
        parent[key] = rng.choice(HOSTILE)


def _mutate_yaml(rng: random.Random, path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for _ in range(rng.randint(1, 3)):
        _mutate_document(rng, document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")


def _mutate_bytes(rng: random.Random, path: Path) -> None:
    data = bytearray(path.read_bytes())
    how = rng.choice(["truncate", "insert", "flip"])
    at = rng.randrange(len(data) + 1)
    if how == "truncate":
        del data[at:]
    elif how == "insert":
        data[at:at] = rng.choice([b"\x00", b"\xff\xfe", b"\t", b"{", b"&a *a", b"\r", b"- ["])
    elif data:
        data[min(at, len(data) - 1)] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def _mutate_csv(rng: random.Random, path: Path) -> None:
    lines = path.read_text(encoding="utf-8-sig" if path.name != "finance.csv" else "gb18030")
    rows = lines.splitlines()
    if len(rows) < 2:
        return
    index = rng.randrange(1, len(rows))
    how = rng.choice(["cell", "duplicate", "drop-header", "ragged"])
    if how == "cell":
        cells = rows[index].split(",")
        cells[rng.randrange(len(cells))] = rng.choice(CSV_HOSTILE)
        rows[index] = ",".join(cells)
    elif how == "duplicate":
        rows.insert(index, rows[index])
    elif how == "drop-header":
        rows = rows[1:]
    else:
        rows[index] += ",extra"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _mutate_file(rng: random.Random, root: Path, path: Path) -> None:
    how = rng.choice(["delete", "folder", "empty", "copy"])
    if how == "copy" and path.suffix == ".yaml" and path.name != "okrctl.yaml":
        shutil.copy(path, path.with_name("copy-" + path.name))
        return
    path.unlink()
    if how == "folder":
        path.mkdir()
    elif how == "empty":
        path.write_bytes(b"")


Mutation = Callable[[random.Random, Path], None]


def mutate(rng: random.Random, root: Path) -> list[str]:
    """Apply one to three mutations to the repository at ``root``; what was done."""
    done = []
    for _ in range(rng.randint(1, 3)):
        files = sorted(p for p in root.rglob("*") if p.is_file())
        config = root / "okrctl.yaml"
        # okrctl.yaml is one file among many, but every number depends on it
        path = config if config in files and rng.random() < 0.25 else rng.choice(files)
        if rng.random() < 0.1:
            _mutate_file(rng, root, path)
            done.append(f"file {path.relative_to(root)}")
            continue
        if path.suffix == ".csv":
            mutation: Mutation = _mutate_csv
        elif rng.random() < 0.25:
            mutation = _mutate_bytes
        else:
            mutation = _mutate_yaml
        try:
            mutation(rng, path)
        except (yaml.YAMLError, UnicodeDecodeError):
            _mutate_bytes(rng, path)  # an earlier mutation left it unreadable as YAML
        done.append(f"{mutation.__name__} {path.relative_to(root)}")
    return done


def no_constants(name: str) -> None:
    raise AssertionError(f"JSON holds {name}")


def run_case(case: int, tmp: Path) -> list[str]:
    """Mutate a copy of an example and run every command; the failures found."""
    rng = random.Random(f"{SEED}-{case}")
    example = rng.choice(sorted(EXPLAIN))
    root = tmp / f"case{case}"
    shutil.copytree(EXAMPLES / example, root)
    done = mutate(rng, root)
    config = root / "okrctl.yaml"
    if rng.random() < 0.4 and config.is_file():
        with config.open("a", encoding="utf-8") as handle:
            handle.write("\n" + GRADED_DOWN)
        done.append("rules graded down")
    failures = []
    for command in [*COMMANDS, rng.choice(HUMAN)]:
        args = [a.replace("{explain}", EXPLAIN[example]) for a in command]
        result = run_okrctl(*args, "-C", str(root))
        problem = None
        if result.returncode not in (0, 1, 2):
            problem = f"exit {result.returncode}: {result.stderr.strip()[:300]}"
        elif "json" in args and result.returncode in (0, 1):
            try:
                json.loads(result.stdout, parse_constant=no_constants)
            except (ValueError, AssertionError) as error:
                problem = f"output is not JSON: {error}"
        if problem:
            failures.append(f"case {case} ({example}: {'; '.join(done)}): {args[0]}: {problem}")
    shutil.rmtree(root, ignore_errors=True)
    return failures


@pytest.mark.slow
def test_mutated_examples_never_crash(tmp_path: Path) -> None:
    failures = [failure for case in range(CASES) for failure in run_case(case, tmp_path)]
    assert failures == [], "\n".join(failures)
