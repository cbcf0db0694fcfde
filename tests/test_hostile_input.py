"""Bad input never crashes or hangs: it yields diagnostics with a place, or a clean pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import MINIMAL_GOAL, SHARED, MakeRepo, run_okrctl
from okrctl.core.diagnostics import Severity
from okrctl.load import yamlread
from okrctl.rules.runner import check

CORPUS = SHARED / "corpora" / "yaml-test-suite"
CASES = sorted(p.parent.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("in.yaml"))


@pytest.fixture(scope="module")
def corpus_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("suite")
    (root / "okrctl.yaml").write_text(
        "okrctl: 1\ncycles: [{id: Q, start: 2026-10-01, end: 2026-12-31}]\n"
        "units: [{id: acme, level: company}]\n",
        encoding="utf-8",
    )
    (root / "goals").mkdir()
    return root


@pytest.mark.skipif(
    not CASES, reason=f"{CORPUS} is absent (the shared corpora sit beside the project in CI only)"
)
@pytest.mark.parametrize("case", CASES or ["none"])
def test_yaml_test_suite_case(corpus_repo: Path, case: str) -> None:
    goal = corpus_repo / "goals" / "case.yaml"
    goal.write_bytes((CORPUS / case / "in.yaml").read_bytes())
    result = check(corpus_repo, use_cache=False)
    for diagnostic in result.diagnostics:
        assert diagnostic.file in ("goals/case.yaml", "okrctl.yaml")
        assert diagnostic.line >= 0 and diagnostic.column >= 0
        assert diagnostic.message
    error_expected = (CORPUS / case / "error").exists()
    if error_expected:
        # the suite says this is not YAML: okrctl must not pass it silently. (libyaml
        # accepts a few such documents; their content then fails the goal-file schema, or
        # reads as an empty file.)
        assert any(d.severity >= Severity.WARNING for d in result.diagnostics), case


def test_corpus_has_all_cases() -> None:
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is absent (the shared corpora sit beside the project in CI only)")
    assert len(CASES) == 402


def _codes(root: Path) -> list[tuple[str, str, int]]:
    result = run_okrctl("check", "--format", "json", "--no-cache", "-C", str(root))
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return [(d["code"], d["file"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", ("Y011", 1)),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("Y005", 3)),
        (b"objectives:\n\t- id: x\n", ("Y001", 2)),
        (b"objectives: 5\n", ("S001", 1)),
        (b"- just\n- a list\n", ("S001", 1)),
        (b"objectives:\n  - id: A\n    title: t\n    id: B\n", ("Y002", 4)),
        (b"objectives:\n  - id: A\n    title: [1, 2]\n", ("S001", 3)),
        (b"objectives:\n  - id: A\n    title: t\n    key_results: {id: x}\n", ("S001", 4)),
        (b"objektives: []\n", ("S002", 1)),
        ("\ufeffobjectives: []\n".encode("utf-16-le"), ("Y010", 1)),
        (b"\xef\xbb\xbfobjectives: []\n", None),
        (b"objectives:\n  - id: 'bad id'\n    title: t\n", ("S001", 2)),
        (
            b"objectives:\n  - id: A\n    title: t\n"
            b"    key_results:\n      - {id: k, target: 1e999}\n",
            ("S001", 5),
        ),
    ],
    ids=[
        "empty",
        "binary",
        "tabs",
        "wrong-type",
        "not-a-mapping",
        "duplicate-key",
        "title-list",
        "krs-mapping",
        "unknown-top-key",
        "utf16",
        "bom",
        "bad-id",
        "infinite-number",
    ],
)
def test_bad_goal_files(make_repo: MakeRepo, body: bytes, expected: tuple[str, int] | None) -> None:
    root = make_repo({"goals/bad.yaml": body, "goals/good.yaml": MINIMAL_GOAL})
    found = [(code, line) for code, file, line in _codes(root) if file == "goals/bad.yaml"]
    if expected is None:
        assert found == []
    else:
        assert expected in found


_BOMB = (
    b"a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
)


@pytest.mark.parametrize(
    ("body", "expected", "max_nodes"),
    [
        # libyaml >= 0.2.6 refuses this by itself; the code and place stay okrctl's own
        (b"[" * 5000 + b"]" * 5000, ("Y006", 1, 65), 70),
        (b"{a: " * 3000 + b"1" + b"}" * 3000, ("Y006", 1, 254), 200),
        (_BOMB, ("Y007", 3, 4), 100),  # at the anchor whose copies overflow
        (b"title: " + b"x" * (50 * 1024 * 1024) + b"\n", ("Y004", 0, 0), 0),
    ],
    ids=["deep-flow-sequence", "deep-flow-mapping", "alias-bomb", "50MB"],
)
def test_hostile_files_are_refused_before_expensive_work(
    make_repo: MakeRepo,
    monkeypatch: pytest.MonkeyPatch,
    body: bytes,
    expected: tuple[str, int, int],
    max_nodes: int,
) -> None:
    # the work is bounded, not timed: count the nodes okrctl builds values for, and the
    # longest text handed to the YAML parser
    built, longest = 0, 0
    value, compose = yamlread._Builder._value, yamlread._compose

    def counting_value(self: yamlread._Builder, node: Any, depth: int, text: bool) -> Any:
        nonlocal built
        built += 1
        return value(self, node, depth, text)

    def measuring_compose(text: str) -> Any:
        nonlocal longest
        longest = max(longest, len(text))
        return compose(text)

    root = make_repo({"goals/bad.yaml": b""})
    monkeypatch.setattr(yamlread._Builder, "_value", counting_value)
    monkeypatch.setattr(yamlread, "_compose", measuring_compose)
    check(root, use_cache=False)
    config_nodes, built = built, 0
    (root / "goals" / "bad.yaml").write_bytes(body)
    result = check(root, use_cache=False)
    found = [(d.code, d.line, d.column) for d in result.diagnostics if d.file == "goals/bad.yaml"]
    assert found == [expected]
    assert built - config_nodes <= max_nodes
    assert longest <= len(body) < 1024 * 1024 or longest < 1024  # big files: never parsed


def test_paths_outside_the_repository_are_refused(make_repo: MakeRepo, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "leak.yaml").write_text("objectives: [{id: LEAK, title: t}]\n", encoding="utf-8")
    (secret / "data.csv").write_text("date,metric,value\n", encoding="utf-8")
    config = """\
    okrctl: 1
    units: [{id: acme, level: company}]
    cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]
    goals: ["goals/*.yaml", "../secret/*.yaml", "/etc/*.yaml"]
    metrics:
      - {name: crm, path: ../secret/data.csv}
      - {name: abs, path: /etc/passwd}
    """
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL}, config=config)
    (root / "goals" / "link.yaml").symlink_to(secret / "leak.yaml")
    result = run_okrctl("check", "--format", "json", "-C", str(root))
    assert result.returncode == 2  # a configuration error
    report = json.loads(result.stdout)
    refused = [(d["code"], d["file"], d["line"]) for d in report["diagnostics"]]
    assert ("C002", "okrctl.yaml", 4) in refused
    assert sum(1 for code, file, _ in refused if code == "C002" and file == "okrctl.yaml") == 4
    assert "LEAK" not in result.stdout


def test_symlink_out_of_the_repository_is_not_read(make_repo: MakeRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("objectives: [{id: LEAK, title: t}]\n", encoding="utf-8")
    root = make_repo({"goals/a.yaml": MINIMAL_GOAL})
    (root / "goals" / "link.yaml").symlink_to(outside)
    result = check(root, use_cache=False)
    assert [(d.code, d.file) for d in result.diagnostics if d.code == "C002"] == [
        ("C002", "goals/link.yaml")
    ]
    assert result.summary.objectives == 1
