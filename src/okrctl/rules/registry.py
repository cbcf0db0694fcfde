"""The rule registry: every diagnostic code okrctl can emit, with its documentation.

A rule has a stable code (``A003``), a name (``unresolved-reference``), a family, a
default severity and a docstring that shows an anti-pattern and its fix. Rules that look
at the whole goal graph have a ``check`` function; codes that loading emits (YAML, schema,
configuration) are registered here too, so they can be documented, turned off and
re-graded like any other.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from okrctl.core.codes import CODES, code_of
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
        """The first sentence of the documentation, as written (Markdown: ``code`` spans
        kept). A full stop after an abbreviation (``e.g.``, ``i.e.``) ends no sentence."""
        paragraph = " ".join(self.doc.strip().split("\n\n")[0].split())
        end = _SENTENCE_END.search(paragraph)
        return (paragraph[: end.start() + 1] if end else paragraph) or self.name

    @property
    def plain_summary(self) -> str:
        """``summary`` as plain text, for a terminal or a SARIF ``text``."""
        return plain(self.summary)

    @property
    def plain_doc(self) -> str:
        """The documentation as plain text: code spans without their backticks."""
        return plain(self.doc)


# a full stop, then a space, not closing one of the abbreviations the docstrings use
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bcf)(?<!\bvs)\.(?= )")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def plain(text: str) -> str:
    """Docstring Markdown as plain text: ````aligns_to```` and ```aligns_to``` become
    ``aligns_to`` (the span's inner spaces of a padded span dropped)."""
    return _CODE_SPAN.sub(lambda m: m.group(2).strip() if m.group(2).strip() else m.group(2), text)


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
    code = code_of(word)
    return all_rules().get(code) if code is not None else None
