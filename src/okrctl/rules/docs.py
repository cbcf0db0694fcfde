"""Rule documentation as Markdown (docs/rules.md) and as terminal text (`okrctl rules`)."""

from __future__ import annotations

from okrctl.rules.registry import FAMILIES, RuleInfo, all_rules

HEADER = """\
# Rules

Every diagnostic `okrctl check` prints has a stable code. The letter is the family; the
name can be used instead of the code in okrctl.yaml. This page is generated from the rule
docstrings (`make docs`); `okrctl rules CODE` prints the same text.

Turn a rule off or re-grade it in okrctl.yaml:

```yaml
rules:
  A011: off                    # by code
  uncovered-kr: error          # or by name; off | info | warning | error
```

"""


def rules_markdown() -> str:
    rules = all_rules()
    parts = [HEADER, "| Code | Name | Default | Summary |", "|---|---|---|---|"]
    for code in sorted(rules):
        info = rules[code]
        parts.append(
            f"| [{code}](#{code.lower()}) | `{info.name}` | {info.severity.label} | "
            f"{info.summary} |"
        )
    for letter, family in FAMILIES.items():
        members = [rules[c] for c in sorted(rules) if c.startswith(letter)]
        if not members:
            continue
        parts += ["", f"## {letter}: {family}"]
        for info in members:
            parts += [
                "",
                f"### {info.code}",
                "",
                f"`{info.name}`, default **{info.severity.label}**",
                "",
                info.doc,
            ]
    return "\n".join(parts) + "\n"


def rule_text(info: RuleInfo) -> str:
    """A rule's documentation for a terminal: plain text, no Markdown markup."""
    return f"{info.code} {info.name} ({info.severity.label}, {info.family})\n\n{info.plain_doc}\n"
