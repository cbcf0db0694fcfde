"""The published JSON Schemas and okrctl's loader accept and reject the same files.

The schemas are checked with an independent YAML 1.2 parser (ruamel.yaml) and the
reference validator (jsonschema), as an editor would; okrctl's verdict is whether it
reports a YAML (Y) or schema (S001/S002) error in the file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from conftest import EXAMPLES, FIXTURES, ROOT
from okrctl.load.goalfile import parse_goal_file

SCHEMAS = ROOT / "schemas"
GOAL_FILES = sorted(
    [
        *EXAMPLES.glob("*/goals/**/*.yaml"),
        *FIXTURES.glob("**/goals/**/*.yaml"),
        *FIXTURES.glob("schema/*/*.yaml"),
    ]
)
CONFIG_FILES = sorted([*EXAMPLES.glob("*/okrctl.yaml"), *FIXTURES.glob("**/okrctl.yaml")])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def independent_verdict(path: Path, schema_name: str) -> bool:
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    data = _plain(yaml.load(path.read_text(encoding="utf-8")))
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    return not list(Draft7Validator(schema).iter_errors(data))


def _rejects(codes: list[str]) -> bool:
    return any(c.startswith("Y") or c in ("S001", "S002") for c in codes)


@pytest.mark.parametrize("path", GOAL_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_goal_file_verdicts_agree(path: Path) -> None:
    goal = parse_goal_file("x.yaml", path.read_bytes())
    okrctl_accepts = not _rejects([d.code for d in goal.diagnostics])
    assert okrctl_accepts == independent_verdict(path, "goals.schema.json")
    if "schema" in path.parts:
        assert okrctl_accepts == (path.parent.name == "valid")


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_config_verdicts_agree(path: Path) -> None:
    from okrctl.load.config import load_config

    config = load_config(path.parent)
    okrctl_accepts = not _rejects([d.code for d in config.diagnostics if d.code != "C001"])
    assert okrctl_accepts == independent_verdict(path, "okrctl.schema.json")


def test_every_field_has_a_description() -> None:
    missing: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{where}.{name}")
                walk(sub, f"{where}.{name}")
            for key in ("items", "additionalProperties"):
                if isinstance(node.get(key), dict):
                    walk(node[key], f"{where}[]")
            for option in node.get("anyOf", []):
                walk(option, where)

    for path in SCHEMAS.glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")), path.name)
    assert missing == []


def test_schemas_are_valid_draft7() -> None:
    for path in SCHEMAS.glob("*.json"):
        Draft7Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_names_written_as_numbers_are_text_not_errors() -> None:
    """The one deliberate difference: fields holding names and ids read plain scalars as
    written (docs/format.md), where a generic YAML reader sees numbers."""
    goal = parse_goal_file(
        "x.yaml", b"objectives:\n  - id: 2026\n    title: 1.10\n    tags: [2026]\n"
    )
    assert [d.code for d in goal.diagnostics] == []
    (objective,) = goal.objectives
    assert (objective.id, objective.title, objective.tags) == ("2026", "1.10", ("2026",))
