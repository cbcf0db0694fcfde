"""`okrctl check --format sarif`: SARIF 2.1.0 for code-scanning dashboards."""

from __future__ import annotations

from typing import IO, Any
from urllib.parse import quote

from okrctl import __version__
from okrctl.core import json_out
from okrctl.core.diagnostics import Severity
from okrctl.rules.registry import all_rules
from okrctl.rules.runner import CheckResult

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def relative_uri(path: str) -> str:
    """A repository-relative POSIX path as a relative URI reference (RFC 3986).

    SARIF locations are URIs, not file names: a space, ``#`` (a fragment), ``?`` (a
    query), ``%`` or a ``:`` in the first segment (a scheme) would point code scanning at
    another file. Everything but letters, digits, ``-._~`` and the ``/`` between segments
    is percent-encoded, non-ASCII as its UTF-8 bytes: ``goals/Q4 目标#1.yaml`` becomes
    ``goals/Q4%20%E7%9B%AE%E6%A0%87%231.yaml``. A name that is not UTF-8 on disk keeps
    its own bytes.
    """
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def as_sarif(result: CheckResult) -> dict[str, Any]:
    rules = all_rules()
    codes = sorted(rules)
    index = {code: i for i, code in enumerate(codes)}
    descriptors = []
    for code in codes:
        info = rules[code]
        descriptors.append(
            {
                "id": code,
                "name": info.name,
                # text is plain (SARIF 3.11.2); markdown keeps the docstring's code spans
                "shortDescription": {"text": info.plain_summary},
                "fullDescription": {"text": info.plain_doc},
                "help": {"text": info.plain_doc, "markdown": info.doc},
                "defaultConfiguration": {"level": _LEVELS[info.severity]},
                "properties": {"tags": [info.family]},
            }
        )
    results = []
    for d in result.diagnostics:
        location: dict[str, Any] = {
            "artifactLocation": {"uri": relative_uri(d.file), "uriBaseId": "SRCROOT"},
        }
        if d.line > 0:
            location["region"] = {"startLine": d.line, "startColumn": max(1, d.column)}
        entry: dict[str, Any] = {
            "ruleId": d.code,
            "level": _LEVELS[d.severity],
            "message": {"text": d.message + (f"\nhint: {d.hint}" if d.hint else "")},
            "locations": [{"physicalLocation": location}],
        }
        if d.code in index:
            entry["ruleIndex"] = index[d.code]
        results.append(entry)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "okrctl",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": result.root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render_sarif(result: CheckResult, out: IO[str]) -> None:
    json_out.dump(as_sarif(result), out)
    out.write("\n")
