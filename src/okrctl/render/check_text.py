"""`okrctl check` as text: one line per diagnostic (file:line:col), hints, a summary.

In ``--lang zh`` the message, the hint and the summary are Chinese; the place, the
severity word, the code and the rule name stay as they are, so editors' and CI's problem
matchers read every line alike (docs/i18n.md)."""

from __future__ import annotations

from typing import IO

from okrctl.core.codes import CODES
from okrctl.core.diagnostics import Diagnostic, Severity
from okrctl.core.i18n import localize, tr, trn
from okrctl.render.escape import one_line
from okrctl.rules.runner import CheckResult, Summary

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _place(d: Diagnostic) -> str:
    if d.line <= 0:
        return one_line(d.file)
    return f"{one_line(d.file)}:{d.line}:{d.column}"


def _pct(part: int, whole: int, rate: float | None, lang: str) -> str:
    return tr("n/a", lang) if rate is None else f"{rate * 100:.1f}% ({part}/{whole})"


def summary_line(result: CheckResult, lang: str = "en") -> str:
    """``2 errors, 1 warning in 9 files: ...; alignment 90.0% (9/10), coverage ...``."""
    s: Summary = result.summary
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    infos = result.count(Severity.INFO)
    findings = [
        trn("{n} error", "{n} errors", errors, lang),
        trn("{n} warning", "{n} warnings", warnings, lang),
    ]
    if infos:
        findings.append(trn("{n} note", "{n} notes", infos, lang))
    head = tr(", ", lang).join(findings) if errors or warnings or infos else tr("no problems", lang)
    scope = tr(" (in changed files and what they affect)", lang) if result.changed_only else ""
    if result.paths:
        scope += tr(" (in {paths})", lang, paths=", ".join(one_line(p) for p in result.paths))
    return tr(
        "{findings}{scope} in {files}: {objectives}, {krs}, {kpis}, {scorecards}; "
        "alignment {alignment}, coverage {coverage}",
        lang,
        findings=head,
        scope=scope,
        files=trn("{n} file", "{n} files", s.files, lang),
        objectives=trn("{n} objective", "{n} objectives", s.objectives, lang),
        krs=trn("{n} KR", "{n} KRs", s.key_results, lang),
        kpis=trn("{n} KPI", "{n} KPIs", s.kpis, lang),
        scorecards=trn("{n} scorecard", "{n} scorecards", s.scorecards, lang),
        alignment=_pct(s.aligned, s.below_top, s.alignment_rate, lang),
        coverage=_pct(s.covered_krs, s.top_krs, s.coverage, lang),
    )


def _rule_name(code: str) -> str:
    return CODES[code][0] if code in CODES else code


def diagnostic_line(d: Diagnostic, lang: str = "en") -> str:
    """``file:line:col: severity CODE message [rule-name]``, on one line."""
    message = one_line(localize(d.message, lang))
    return f"{_place(d)}: {d.severity.label} {d.code} {message} [{_rule_name(d.code)}]"


def hint_line(d: Diagnostic, lang: str = "en") -> str:
    """``    hint: ...`` under a diagnostic (its hint must be set)."""
    return "    " + tr("hint: {hint}", lang, hint=one_line(localize(d.hint, lang)))


def render_plain(
    result: CheckResult, out: IO[str], *, quiet: bool = False, lang: str = "en"
) -> None:
    for d in result.diagnostics:
        out.write(diagnostic_line(d, lang) + "\n")
        if d.hint and not quiet:
            out.write(hint_line(d, lang) + "\n")
    if not quiet:
        out.write(summary_line(result, lang) + "\n")


def render_rich(
    result: CheckResult, out: IO[str], *, quiet: bool = False, color: bool, lang: str = "en"
) -> None:
    from rich.text import Text

    from okrctl.render.console import make_console

    console = make_console(out, color=color, soft_wrap=True)
    for d in result.diagnostics:
        line = Text()
        line.append(_place(d), style="bold")
        line.append(": ")
        line.append(d.severity.label, style=_STYLES[d.severity])
        line.append(f" {d.code} ", style="dim")
        line.append(one_line(localize(d.message, lang)))
        line.append(f" [{_rule_name(d.code)}]", style="dim")
        console.print(line)
        if d.hint and not quiet:
            console.print(Text(hint_line(d, lang), style="dim"))
    if not quiet:
        errors = result.count(Severity.ERROR)
        warnings = result.count(Severity.WARNING)
        mark, style = (
            ("✗", "bold red") if errors else (("!", "yellow") if warnings else ("✓", "green"))
        )
        text = Text()
        text.append(mark + " ", style=style)
        text.append(summary_line(result, lang))
        console.print(text)
