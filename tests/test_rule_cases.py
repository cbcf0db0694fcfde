"""Every rule code, triggered by a table of small goal repositories (tests/rule_cases/).

One YAML file per rule family (Y.yaml, S.yaml, ...) lists cases. A case names its
``code``, a ``name``, the ``files`` of a goals repository and, in ``expect``, every
diagnostic of that code `okrctl check` must report: ``{file, line, column}`` as users see
them (1-based; 0 means the whole file), optionally with ``message_contains``. A file is
text (written as UTF-8), or a mapping: ``{text, encoding}`` for other encodings or
``{base64}`` for raw bytes, with an optional ``repeat`` (the bytes written that many
times), or ``{symlink: target}``. Cases share files through YAML anchors (``&config``:
MINIMAL_CONFIG of conftest.py). ``options`` may give ``as_of`` (default 2026-11-30) and
``no_data``. A case whose expectation okrctl does not meet yet (a finding) carries
``xfail: reason``; it must fail, or the mark is stale.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from okrctl.rules.registry import FAMILIES, all_rules
from okrctl.rules.runner import check

CASES_DIR = Path(__file__).resolve().parent / "rule_cases"
DEFAULT_AS_OF = dt.date(2026, 11, 30)
CASE_KEYS = {"code", "name", "files", "options", "expect", "xfail"}
EXPECT_KEYS = {"file", "line", "column", "message_contains"}
Case = dict[str, Any]


def load_cases() -> list[tuple[str, Case]]:
    """(family letter of the file, case) for every case of every family file."""
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(cases, list), f"{path.name} must hold a list of cases"
        out.extend((path.stem, case) for case in cases)
    return out


CASES = load_cases()


def case_id(case: Case) -> str:
    return f"{case['code']}-{re.sub(r'[^a-z0-9]+', '-', case['name'].lower()).strip('-')}"


def file_bytes(spec: str | dict[str, Any]) -> bytes:
    if isinstance(spec, str):
        return spec.encode("utf-8")
    if "base64" in spec:
        data = base64.b64decode(spec["base64"])
    else:
        data = spec["text"].encode(spec.get("encoding", "utf-8"))
    return data * spec.get("repeat", 1)


def write_files(base: Path, files: dict[str, str | dict[str, Any]]) -> Path:
    """Write a case's repository under ``base/repo`` (links may point beside it)."""
    root = base / "repo"
    root.mkdir()
    for name, spec in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, dict) and "symlink" in spec:
            path.symlink_to(spec["symlink"])
        else:
            path.write_bytes(file_bytes(spec))
    return root


def params() -> list[Any]:
    out = []
    for _, case in CASES:
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
        out.append(pytest.param(case, id=case_id(case), marks=marks))
    return out


@pytest.mark.parametrize("case", params())
def test_rule_case(case: Case, tmp_path: Path) -> None:
    root = write_files(tmp_path, case["files"])
    options = case.get("options") or {}
    result = check(
        root,
        use_cache=False,
        data=not options.get("no_data", False),
        as_of=dt.date.fromisoformat(str(options.get("as_of", DEFAULT_AS_OF))),
    )
    found = [d for d in result.diagnostics if d.code == case["code"]]
    expected = case["expect"]
    shown = "\n".join(f"{d.file}:{d.line}:{d.column} {d.message}" for d in found)
    assert [(d.file, d.line, d.column) for d in found] == [
        (e["file"], e["line"], e["column"]) for e in expected
    ], f"{case['code']} reported:\n{shown or '(nothing)'}"
    for diagnostic, expectation in zip(found, expected, strict=True):
        assert expectation.get("message_contains", "") in diagnostic.message


def test_cases_are_well_formed() -> None:
    ids = [case_id(case) for _, case in CASES]
    assert len(ids) == len(set(ids)), "two cases share a pytest id"
    for family, case in CASES:
        label = case_id(case)
        assert {"code", "name", "files", "expect"} <= set(case) <= CASE_KEYS, label
        assert case["code"] in all_rules(), f"{label}: unknown rule code"
        assert case["code"][0] == family, f"{label} belongs in {case['code'][0]}.yaml"
        assert all(set(e) <= EXPECT_KEYS for e in case["expect"]), label
        assert case["expect"] or case.get("xfail"), f"{label}: expects nothing"


def test_every_family_has_its_case_file() -> None:
    assert sorted(p.stem for p in CASES_DIR.glob("*.yaml")) == sorted(FAMILIES)


def test_every_rule_has_a_case() -> None:
    covered = {case["code"] for _, case in CASES}
    missing = sorted(set(all_rules()) - covered)
    assert not missing, f"rules without a case in tests/rule_cases/: {', '.join(missing)}"
