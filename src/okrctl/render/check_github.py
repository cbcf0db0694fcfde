"""`okrctl check --format github`: workflow-command annotations and a job summary.

Each annotation is one line, escaped exactly as the Actions runner unescapes it, written
straight to the stream (never through a width-aware console that could wrap it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from okrctl.core.codes import CODES
from okrctl.core.diagnostics import Severity
from okrctl.render.check_text import summary_line
from okrctl.render.escape import github_data, github_property, markdown
from okrctl.rules.runner import CheckResult

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
SUMMARY_ROWS = 500


def workspace_prefix(root: Path) -> str:
    """Where the okrctl root sits inside the checked-out repository ('' at its top).

    Annotations name files relative to the workspace, so a goals repository kept in a
    subfolder (``-C okr/``) still annotates the right file.
    """
    workspace = os.environ.get("GITHUB_WORKSPACE")
    candidates = [Path(workspace).resolve()] if workspace else []
    candidates += [p for p in (root, *root.parents) if (p / ".git").exists()][:1]
    for base in candidates:
        try:
            relative = root.resolve().relative_to(base)
        except ValueError:
            continue
        return "" if str(relative) == "." else relative.as_posix() + "/"
    return ""


def render_github(result: CheckResult, out: IO[str]) -> None:
    prefix = workspace_prefix(result.root)
    for d in result.diagnostics:
        props = [f"file={github_property(prefix + d.file)}"]
        if d.line > 0:
            props += [f"line={d.line}", f"col={d.column}"]
        name = CODES[d.code][0] if d.code in CODES else d.code
        props.append(f"title={github_property(f'{d.code} {name}')}")
        lines = (d.message, f"hint: {d.hint}") if d.hint else (d.message,)
        out.write(f"::{_COMMANDS[d.severity]} {','.join(props)}::{github_data(*lines)}\n")
    out.write(summary_line(result) + "\n")


def job_summary(result: CheckResult) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY; user text escaped, long lists folded."""
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    icon = "❌" if errors else ("⚠️" if warnings else "✅")
    lines = [f"## {icon} okrctl check", "", markdown(summary_line(result)), ""]
    if result.diagnostics:
        rows = ["| | Where | Rule | Message |", "|---|---|---|---|"]
        for d in result.diagnostics[:SUMMARY_ROWS]:
            where = markdown(d.file) + (f":{d.line}:{d.column}" if d.line > 0 else "")
            name = CODES[d.code][0] if d.code in CODES else d.code
            rows.append(
                f"| {d.severity.label} | {where} | {d.code} {name} | {markdown(d.message)} |"
            )
        more = len(result.diagnostics) - SUMMARY_ROWS
        if more > 0:
            rows.append(f"| | | | … and {more} more (see the job log) |")
        lines += ["<details open><summary>Diagnostics</summary>", "", *rows, "", "</details>", ""]
    return "\n".join(lines)


def append_job_summary(result: CheckResult) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(job_summary(result))
    except OSError:
        return  # the summary is a courtesy; the annotations already carry the findings
