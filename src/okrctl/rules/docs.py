"""Rule documentation as Markdown (docs/rules.md) and as terminal text (`okrctl rules`)."""

from __future__ import annotations

from okrctl.core.codes import OPTIONS
from okrctl.rules.registry import FAMILIES, RuleInfo, all_rules

HEADER = """\
# Rules

Every diagnostic `okrctl check` prints has a stable code. The letter is the family; the
name can be used instead of the code in okrctl.yaml. This page is generated from the rule
docstrings (`make docs`); `okrctl rules CODE` prints the same text.

Turn a rule off, re-grade it or set its options in okrctl.yaml:

```yaml
rules:
  A011: off                    # by code
  uncovered-kr: error          # or by name; off | info | warning | error
  A013: {severity: error, max: 7}   # a severity and the rule's options
  kr-count: {max: 7}                # options only: the default severity stays
```

An option the rule does not have, or a value that is not a whole number at or above its
minimum, is an error at its place in okrctl.yaml (S001, S002), like any other.

Silence one finding where it is, with a comment in the goal file (or okrctl.yaml):

```yaml
objectives:
  - id: MKT-9           # okrctl: disable=A004
    # okrctl: disable=A013,owner-overload
    title: Everything we do
```

`# okrctl: disable=CODE[,CODE...]` (codes or names) at the end of a line silences those
rules on that line; on a line of its own, on the next line that is not a comment.
`# okrctl: disable-file=CODE[,CODE...]` anywhere in a file silences them in the whole
file. A suppression that silences nothing is itself reported (C009), so none outlives
the finding it was written for. Metric data files (CSV, Excel, Parquet) have no comments:
use `rules:` for their D codes.

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
                *_options(info.code, markdown=True),
            ]
    return "\n".join(parts) + "\n"


def _options(code: str, *, markdown: bool) -> list[str]:
    """The rule's options (core/codes.py ``OPTIONS``) as lines, after a blank one."""
    options = OPTIONS.get(code, {})
    if not options:
        return []
    quote = "`" if markdown else ""
    lines = ["", f"Options (okrctl.yaml {quote}rules: {{{code}: {{...}}}}{quote}):", ""]
    for name, option in options.items():
        lines.append(
            f"- {quote}{name}{quote}: {option.description}; a whole number from "
            f"{option.minimum}, default {option.default}."
        )
    return lines


def rule_text(info: RuleInfo) -> str:
    """A rule's documentation for a terminal: plain text, no Markdown markup."""
    head = f"{info.code} {info.name} ({info.severity.label}, {info.family})"
    return "\n".join([head, "", info.plain_doc, *_options(info.code, markdown=False)]) + "\n"
