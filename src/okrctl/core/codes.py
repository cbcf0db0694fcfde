"""Every diagnostic code okrctl can emit, as plain data: the code, its name and its
default severity. The bottom of the house: loaders and rules make diagnostics with
``diagnostics.make`` from this table alone; what each code checks, and its documentation,
live with the rule family that emits it (``okrctl.rules``); the checker grades each
diagnostic by okrctl.yaml's ``rules:`` (``okrctl.rules.runner.apply_settings``).
"""

from __future__ import annotations

from typing import NamedTuple

from okrctl.core.diagnostics import Diagnostic, Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# code -> (name, default severity); docs/rules.md lists them with their documentation
CODES: dict[str, tuple[str, Severity]] = {
    "A001": ("duplicate-id", ERROR),
    "A002": ("duplicate-kr-id", ERROR),
    "A003": ("unresolved-reference", ERROR),
    "A004": ("missing-alignment", ERROR),
    "A005": ("parent-level", ERROR),
    "A006": ("parent-cycle", ERROR),
    "A007": ("alignment-loop", ERROR),
    "A008": ("unknown-unit", ERROR),
    "A009": ("unknown-cycle", ERROR),
    "A010": ("unknown-level", ERROR),
    "A011": ("cross-unit-alignment", WARNING),
    "A012": ("uncovered-kr", WARNING),
    "A013": ("kr-count", WARNING),
    "A014": ("owner-overload", WARNING),
    "A015": ("aligned-to-draft", WARNING),
    "B001": ("unknown-measure", ERROR),
    "B002": ("link-direction", ERROR),
    "B003": ("map-loop", ERROR),
    "B004": ("empty-perspective", WARNING),
    "B005": ("unbalanced-scorecard", WARNING),
    "B006": ("unbalanced-kpi", WARNING),
    "B007": ("unknown-perspective", ERROR),
    "C001": ("format-version", ERROR),
    "C002": ("path-outside-repo", ERROR),
    "C003": ("unit-level-unknown", ERROR),
    "C004": ("unit-parent", ERROR),
    "C005": ("cycle-dates", ERROR),
    "C006": ("duplicate-config-id", ERROR),
    "C007": ("unknown-rule", WARNING),
    "C008": ("glob-matches-nothing", WARNING),
    "C009": ("unused-suppression", WARNING),
    "D001": ("duplicate-row", ERROR),
    "D002": ("bad-number", ERROR),
    "D003": ("bad-date", ERROR),
    "D004": ("unknown-column", ERROR),
    "D005": ("no-rows-in-cycle", WARNING),
    "D006": ("stale-data", WARNING),
    "D007": ("data-encoding", ERROR),
    "D008": ("empty-value", WARNING),
    "D009": ("ragged-row", ERROR),
    "D010": ("unreadable-data", ERROR),
    "D011": ("baseline-never-available", WARNING),
    "D012": ("data-baseline-equals-target", WARNING),
    "D013": ("unknown-metric", ERROR),
    "D014": ("database-unreachable", ERROR),
    "M001": ("unknown-metric-source", ERROR),
    "M002": ("metric-file-missing", WARNING),
    "M003": ("filter-on-wide-source", ERROR),
    "S001": ("schema", ERROR),
    "S002": ("unknown-key", ERROR),
    "S003": ("kr-kind-conflict", ERROR),
    "S004": ("invalid-date", ERROR),
    "W001": ("kr-weights", ERROR),
    "W002": ("kpi-weights", ERROR),
    "W003": ("scorecard-weights", ERROR),
    "W004": ("baseline-equals-target", ERROR),
    "W005": ("kpi-scoring", ERROR),
    "W006": ("okr-kpi-weights", ERROR),
    "W007": ("plan-checkpoints", ERROR),
    "W008": ("status-thresholds", ERROR),
    "W009": ("rating-bands", ERROR),
    "W010": ("aspirational-full-at", ERROR),
    "Y001": ("yaml-syntax", ERROR),
    "Y002": ("duplicate-key", ERROR),
    "Y003": ("not-utf8", ERROR),
    "Y004": ("file-too-large", ERROR),
    "Y005": ("binary-file", ERROR),
    "Y006": ("nesting-too-deep", ERROR),
    "Y007": ("alias-expansion", ERROR),
    "Y008": ("unsupported-tag", ERROR),
    "Y009": ("non-text-key", ERROR),
    "Y010": ("utf16-file", WARNING),
    "Y011": ("empty-file", WARNING),
}


class RuleOption(NamedTuple):
    """A rule's setting in okrctl.yaml beside its severity: ``rules: {A013: {max: 7}}``.
    Every option is a whole number of at least ``minimum``."""

    default: int
    minimum: int
    description: str


# code -> option name -> option; the JSON Schema of okrctl.yaml and docs/rules.md are
# generated from this table, and the rules read their values through Context.option
OPTIONS: dict[str, dict[str, RuleOption]] = {
    "A013": {"max": RuleOption(5, 1, "the most key results an objective may have")},
    "A014": {"max": RuleOption(5, 1, "the most objectives one owner may hold in a cycle")},
}


def code_of(word: str) -> str | None:
    """The code a rules: key names, by code (any case) or by name; None for neither."""
    if word.upper() in CODES:
        return word.upper()
    for code, (name, _) in CODES.items():
        if name == word:
            return code
    return None


def make(
    code: str,
    file: str,
    line: int,
    column: int,
    message: str,
    hint: str | None = None,
) -> Diagnostic:
    """A diagnostic of ``code`` at ``file:line:column`` (1-based; 0: the whole file), with
    the code's default severity; ``KeyError`` for a code not in ``CODES``."""
    return Diagnostic(code, CODES[code][1], file, line, column, message, hint)
