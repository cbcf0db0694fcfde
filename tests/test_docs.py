"""Docs stay true: every rule documented, with an anti-pattern and a fix."""

from __future__ import annotations

from conftest import ROOT, run_okrctl
from okrctl.rules.docs import rules_markdown
from okrctl.rules.registry import all_rules


def test_every_rule_is_in_docs_rules_md() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [code for code in all_rules() if f"### {code}" not in text]
    assert missing == [], "run `make docs`"


def test_docs_rules_md_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date: run `make docs`"
    )


def test_every_rule_shows_an_anti_pattern_and_a_fix() -> None:
    for code, info in all_rules().items():
        assert "Anti-pattern" in info.doc, code
        assert "Fix:" in info.doc, code


def test_codes_are_stable_and_well_formed() -> None:
    import re

    names = set()
    for code, info in all_rules().items():
        assert re.fullmatch(r"[YSCAWMBD][0-9]{3}", code)
        assert re.fullmatch(r"[a-z0-9-]+", info.name)
        assert info.name not in names
        names.add(info.name)


def test_format_doc_mentions_every_schema_field() -> None:
    import json

    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    missing: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if f"`{name}`" not in text and f"{name}:" not in text:
                    missing.add(name)
                walk(sub)
            for key in ("items", "additionalProperties"):
                walk(node.get(key))
            for option in node.get("anyOf", []):
                walk(option)

    for name in ("okrctl.schema.json", "goals.schema.json"):
        walk(json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8")))
    assert missing == set()


def test_output_doc_mentions_every_status_field() -> None:
    import json

    text = (ROOT / "docs" / "output.md").read_text(encoding="utf-8")
    schema = json.loads((ROOT / "schemas" / "status.schema.json").read_text(encoding="utf-8"))
    fields = [*schema["properties"], *schema["properties"]["rows"]["items"]["properties"]]
    assert [f for f in fields if f'"{f}"' not in text] == []


def _readme_block(after: str) -> list[str]:
    """The lines of the first fenced block after the README line starting with ``after``."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(after))
    fence = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    end = next(i for i in range(fence + 1, len(lines)) if lines[i].startswith("```"))
    return [line.rstrip() for line in lines[fence + 1 : end]]


def test_readme_status_sample_is_what_okrctl_prints() -> None:
    block = _readme_block("`okrctl status` reads the metric dumps")
    command = block[0].removeprefix("$ okrctl ").split()
    result = run_okrctl(*command, cwd=ROOT)
    assert [line.rstrip() for line in result.stdout.splitlines()] == block[1:]


def test_readme_check_samples_are_what_okrctl_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    clean = run_okrctl("check", "--no-cache", "-C", str(ROOT / "examples" / "education"))
    assert clean.stdout.splitlines()[0] in readme
    broken = run_okrctl("check", "--no-cache", "-C", str(ROOT / "tests" / "fixtures" / "broken"))
    printed = {line.rstrip() for line in broken.stdout.splitlines()}
    shown = [line for line in _readme_block("A repository with mistakes") if line]
    assert shown and set(shown) <= printed


def test_every_code_is_data_and_every_rule_is_documented() -> None:
    # okrctl.core.codes holds the codes as plain data (name, default severity); every one of
    # them is registered by its rule family with its documentation, and nothing else is
    from okrctl.core.codes import CODES

    rules = all_rules()
    assert set(CODES) == set(rules)
    assert all((info.name, info.severity) == CODES[code] for code, info in rules.items())
