"""`okrctl check` as text: one line per diagnostic (file:line:col), hints, a summary."""

from __future__ import annotations

from typing import IO

from okrctl.core.codes import CODES
from okrctl.core.diagnostics import Diagnostic, Severity
from okrctl.core.plural import counted
from okrctl.render.escape import one_line
from okrctl.rules.runner import CheckResult, Summary

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _place(d: Diagnostic) -> str:
    if d.line <= 0:
        return one_line(d.file)
    return f"{one_line(d.file)}:{d.line}:{d.column}"


def _pct(part: int, whole: int, rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}% ({part}/{whole})"


def summary_line(result: CheckResult) -> str:
    s: Summary = result.summary
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    infos = result.count(Severity.INFO)
    findings = [counted(errors, "error"), counted(warnings, "warning")]
    if infos:
        findings.append(counted(infos, "note"))
    head = ", ".join(findings) if errors or warnings or infos else "no problems"
    scope = " (in changed files and what they affect)" if result.changed_only else ""
    if result.paths:
        scope += " (in " + ", ".join(one_line(p) for p in result.paths) + ")"
    return (
        f"{head}{scope} in {counted(s.files, 'file')}: {counted(s.objectives, 'objective')}, "
        f"{counted(s.key_results, 'KR')}, {counted(s.kpis, 'KPI')}, "
        f"{counted(s.scorecards, 'scorecard')}; "
        f"alignment {_pct(s.aligned, s.below_top, s.alignment_rate)}, "
        f"coverage {_pct(s.covered_krs, s.top_krs, s.coverage)}"
    )


def _rule_name(code: str) -> str:
    return CODES[code][0] if code in CODES else code


def diagnostic_line(d: Diagnostic) -> str:
    """``file:line:col: severity CODE message [rule-name]``, on one line."""
    return f"{_place(d)}: {d.severity.label} {d.code} {one_line(d.message)} [{_rule_name(d.code)}]"


def render_plain(result: CheckResult, out: IO[str], *, quiet: bool = False) -> None:
    for d in result.diagnostics:
        out.write(diagnostic_line(d) + "\n")
        if d.hint and not quiet:
            out.write(f"    hint: {one_line(d.hint)}\n")
    if not quiet:
        out.write(summary_line(result) + "\n")


def render_rich(result: CheckResult, out: IO[str], *, quiet: bool = False, color: bool) -> None:
    from rich.text import Text

    from okrctl.render.console import make_console

    console = make_console(out, color=color, soft_wrap=True)
    for d in result.diagnostics:
        line = Text()
        line.append(_place(d), style="bold")
        line.append(": ")
        line.append(d.severity.label, style=_STYLES[d.severity])
        line.append(f" {d.code} ", style="dim")
        line.append(one_line(d.message))
        line.append(f" [{_rule_name(d.code)}]", style="dim")
        console.print(line)
        if d.hint and not quiet:
            console.print(Text("    hint: " + one_line(d.hint), style="dim"))
    if not quiet:
        errors = result.count(Severity.ERROR)
        warnings = result.count(Severity.WARNING)
        mark, style = (
            ("✗", "bold red") if errors else (("!", "yellow") if warnings else ("✓", "green"))
        )
        text = Text()
        text.append(mark + " ", style=style)
        text.append(summary_line(result))
        console.print(text)
