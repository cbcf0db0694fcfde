"""The rule registry: every diagnostic code okrctl can emit, with its documentation.

A rule has a stable code (``A003``), a name (``unresolved-reference``), a family, a
default severity and a docstring that shows an anti-pattern and its fix. Rules that look
at the whole goal graph have a ``check`` function; codes that loading emits (YAML, schema,
configuration) are registered here too, so they can be documented, turned off and
re-graded like any other.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from okrctl.core.codes import CODES
from okrctl.core.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from okrctl.rules.context import Context

Check = Callable[["Context"], Iterable[Diagnostic]]

FAMILIES = {
    "Y": "YAML and files",
    "S": "schema",
    "C": "configuration",
    "A": "references and alignment",
    "W": "weights and arithmetic sanity",
    "M": "metric configuration",
    "B": "balanced scorecard",
    "D": "metric data",
}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    code: str
    name: str
    severity: Severity
    doc: str
    check: Check | None = None

    @property
    def family(self) -> str:
        return FAMILIES[self.code[0]]

    @property
    def summary(self) -> str:
        """The first sentence of the documentation."""
        paragraph = " ".join(self.doc.strip().split("\n\n")[0].split())
        sentence, dot, _ = paragraph.partition(". ")
        return (sentence + "." if dot else sentence) or self.name


RULES: dict[str, RuleInfo] = {}


def register(info: RuleInfo) -> RuleInfo:
    if info.code in RULES:
        raise RuntimeError(f"rule code {info.code} registered twice")
    if info.code[0] not in FAMILIES:
        raise RuntimeError(f"rule code {info.code} has no family")
    RULES[info.code] = info
    return info


def documented(code: str, doc: str) -> None:
    """Register the documentation of a code that loading emits (no check function of its
    own); its name and default severity are data in ``okrctl.core.codes``."""
    name, severity = CODES[code]
    register(RuleInfo(code, name, severity, inspect.cleandoc(doc)))


def rule(code: str) -> Callable[[Check], Check]:
    """Decorator: register a whole-graph rule for ``code``; its docstring is its
    documentation, its name and default severity are data in ``okrctl.core.codes``."""
    name, severity = CODES[code]

    def wrap(func: Check) -> Check:
        register(RuleInfo(code, name, severity, inspect.cleandoc(func.__doc__ or ""), func))
        return func

    return wrap


def all_rules() -> dict[str, RuleInfo]:
    """Every registered rule, importing the rule modules on first use."""
    from okrctl.rules import load_all

    load_all()
    return RULES


def lookup(word: str) -> RuleInfo | None:
    """A rule by code (case-insensitive) or name."""
    rules = all_rules()
    if word.upper() in rules:
        return rules[word.upper()]
    for info in rules.values():
        if info.name == word:
            return info
    return None
