"""`okrctl init`: a ready goals repository from templates/, by company stage and industry.

Stage decides the mix: a start-up runs OKRs; a growing company OKRs
and KPIs; a mature company KPIs and a Balanced Scorecard. Industry decides the goals and
the metrics (templates/industries/*.yaml). Every combination passes
`okrctl check --strict`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrctl import __version__
from okrctl.core.errors import UsageError
from okrctl.core.fileio import check_writable, locked, write_atomic
from okrctl.core.numbers import parse_number
from okrctl.core.plural import agreeing, counted
from okrctl.core.resources import resource_dir

STAGES = ("startup", "growth", "mature")
INDUSTRIES = ("saas", "ecommerce", "manufacturing", "retail", "education")
SOURCE = "data"
_COMPANY = "company"  # the id of the top unit

WORKFLOW = """\
# Goals in CI (okrctl docs/ci.md). Pull requests: the check (data freshness left to the
# weekly job) and one goal-diff comment, updated in place, showing each change's impact
# on status. Weekly: data freshness, and a digest to chat (set the OKRCTL_WEBHOOK secret
# and, if not WeCom, the OKRCTL_CHANNEL variable: feishu, dingtalk, slack or webhook).
name: goals
on:
  push:
    branches: [main]
  pull_request:
  schedule:
    - cron: "0 1 * * 1"  # Mondays 01:00 UTC (09:00 in China)
  workflow_dispatch:
permissions:
  contents: read
  pull-requests: write
jobs:
  check:
    if: github.event_name == 'push' || github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # okrctl diff needs the history
      - uses: okrctl/okrctl@v1
        with:
          strict: "true"
          diff-comment: "true"
          impact: "true"
          fail-on-goalpost: "true"
  rhythm:
    if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: python -m pip install okrctl
      - name: Digest to chat
        env:
          OKRCTL_WEBHOOK: ${{ secrets.OKRCTL_WEBHOOK }}
          OKRCTL_CHANNEL: ${{ vars.OKRCTL_CHANNEL || 'wecom' }}
        run: |
          if [ -z "$OKRCTL_WEBHOOK" ]; then
            echo "::notice::add the OKRCTL_WEBHOOK secret to post the weekly digest"
          else
            okrctl notify --channel "$OKRCTL_CHANNEL"
          fi
      - name: Data freshness and owed check-ins
        run: |
          okrctl check --strict
          okrctl status --owed --stale
"""

# pre-commit installs okrctl itself from the hook's repository (language: python), so the
# hook works without okrctl on PATH; docs/ci.md shows the `repo: local` alternative.
PRE_COMMIT = f"""\
repos:
  - repo: https://github.com/okrctl/okrctl
    rev: v{__version__}
    hooks:
      - id: okrctl-check
"""


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _quarter(day: dt.date) -> tuple[str, dt.date, dt.date]:
    q = (day.month - 1) // 3
    start = dt.date(day.year, 3 * q + 1, 1)
    end_month = 3 * q + 3
    end = dt.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
    return f"{day.year}-Q{q + 1}", start, end


@dataclass(frozen=True, slots=True)
class Plan:
    """What ``okrctl init`` writes: relative path -> text, in the order of writing."""

    files: dict[str, str]  # relative path -> text


def plan(stage: str, industry: str, today: dt.date) -> Plan:
    """The files of a new goals repository for company ``stage`` (one of ``STAGES``) and
    ``industry`` (one of ``INDUSTRIES``), with one cycle: the calendar quarter of ``today``
    (start and end dates inclusive), and metric data up to ``today``. Paths are relative
    to the repository, in the order they are written. An unknown stage or industry
    raises ``UsageError``."""
    if stage not in STAGES:
        raise UsageError(f"no template '{stage}'", hint="use " + ", ".join(STAGES))
    if industry not in INDUSTRIES:
        raise UsageError(f"no industry '{industry}'", hint="use " + ", ".join(INDUSTRIES))
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(
        (resource_dir("templates") / "industries" / f"{industry}.yaml").read_text("utf-8")
    )
    cycle, start, end = _quarter(today)
    okrs = stage in ("startup", "growth")
    files = {"okrctl.yaml": _config_text(data, stage, industry, cycle, start, end)}
    series: dict[str, tuple[str, float, float]] = {}  # metric -> (how, a, b)
    if okrs:
        files.update(_objective_files(data, cycle, series))
    if stage in ("growth", "mature"):
        files["goals/kpis.yaml"] = _kpi_file(data, cycle, okrs, series)
    if stage == "mature":
        files["goals/scorecard.yaml"] = _scorecard_file(data, cycle)
    files[f"metrics/{SOURCE}.csv"] = _data(series, start, end, today)
    from okrctl.load.schemadef import CONFIG_SCHEMA, GOALS_SCHEMA

    files["schemas/okrctl.schema.json"] = (
        json.dumps(CONFIG_SCHEMA, ensure_ascii=False, indent=2) + "\n"
    )
    files["schemas/goals.schema.json"] = (
        json.dumps(GOALS_SCHEMA, ensure_ascii=False, indent=2) + "\n"
    )
    files[".github/workflows/goals.yml"] = WORKFLOW
    files[".pre-commit-config.yaml"] = PRE_COMMIT
    return Plan(files)


def _config_text(
    data: dict[str, Any], stage: str, industry: str, cycle: str, start: dt.date, end: dt.date
) -> str:
    """okrctl.yaml: the company and its departments as units, the one cycle, the one
    metric source, and the default thresholds and weights."""
    company = _COMPANY
    units = [f"  - {{id: {company}, name: {_q(data['org'])}, level: company}}"]
    units += [
        f"  - {{id: {d['id']}, name: {_q(d['name'])}, level: department, "
        f"parent: {company}, lead: {d['lead']}}}"
        for d in data["departments"]
    ]
    return (
        "# yaml-language-server: $schema=schemas/okrctl.schema.json\n"
        f"# created by okrctl init --template {stage} --industry {industry}\n"
        "okrctl: 1\n"
        f"org: {_q(data['org'])}\n"
        "levels: [company, department, team, individual]\n"
        "units:\n" + "\n".join(units) + "\n"
        "cycles:\n"
        f"  - {{id: {cycle}, start: {start}, end: {end}}}\n"
        'goals: ["goals/**/*.yaml"]\n'
        "metrics:\n"
        f"  - {{name: {SOURCE}, path: metrics/{SOURCE}.csv, layout: long, stale_after: 7d}}\n"
        "status: {on_track: 0.9, at_risk: 0.7}\n"
        "scoring: {okr_weight: 0.4, kpi_weight: 0.6, kr_cap: 1.0}\n"
    )


def _objective_files(
    data: dict[str, Any], cycle: str, series: dict[str, tuple[str, float, float]]
) -> dict[str, str]:
    """goals/company.yaml (the aspirational company objective) and one file per department
    (a committed objective aligned to one company KR), by path; each KR's metric is added
    to ``series`` with its baseline and target."""
    files: dict[str, str] = {}
    lines = [
        "# yaml-language-server: $schema=../schemas/goals.schema.json",
        f"defaults: {{cycle: {cycle}, unit: {_COMPANY}, owner: ceo}}",
        "objectives:",
        "  - id: CO-1",
        f"    title: {_q(data['company']['title'])}",
        "    type: aspirational",
        "    key_results:",
    ]
    for kr in data["company"]["krs"]:
        lines.append(_kr(kr))
        series.setdefault(kr["metric"], ("kr", *_pair(kr)))
    files["goals/company.yaml"] = "\n".join(lines) + "\n"
    for d in data["departments"]:
        lines = [
            "# yaml-language-server: $schema=../../schemas/goals.schema.json",
            f"defaults: {{cycle: {cycle}, unit: {d['id']}, owner: {d['lead']}}}",
            "objectives:",
            f"  - id: {d['id'].upper()}-1",
            f"    title: {_q(d['title'])}",
            f"    aligns_to: CO-1/{d['supports']}",
            "    type: committed",
            "    key_results:",
        ]
        for kr in d["krs"]:
            lines.append(_kr(kr))
            series.setdefault(kr["metric"], ("kr", *_pair(kr)))
        files[f"goals/departments/{d['id']}.yaml"] = "\n".join(lines) + "\n"
    return files


def _kpi_file(
    data: dict[str, Any], cycle: str, okrs: bool, series: dict[str, tuple[str, float, float]]
) -> str:
    """goals/kpis.yaml: the industry's KPIs (supporting a company KR when ``okrs``); each
    KPI's metric is added to ``series`` with its target and trend (0.95 when lower is
    better, 1.0 otherwise)."""
    lines = [
        "# yaml-language-server: $schema=../schemas/goals.schema.json",
        f"defaults: {{cycle: {cycle}}}",
        "kpis:",
    ]
    for kpi in data["kpis"]:
        lines += _kpi(kpi, _COMPANY, with_supports=okrs)
        lower = kpi.get("direction") == "lower"
        how = "kpi-sum" if kpi.get("aggregate") == "sum" else "kpi-level"
        series.setdefault(kpi["metric"], (how, parse_number(kpi["target"]), 0.95 if lower else 1.0))
    return "\n".join(lines) + "\n"


def _scorecard_file(data: dict[str, Any], cycle: str) -> str:
    """goals/scorecard.yaml: a balanced scorecard of the company's KPIs by perspective
    (weights 0.3, 0.3, 0.2, 0.2, adding up to 1) with the industry's cause-effect links."""
    by_side: dict[str, list[str]] = {}
    for kpi in data["kpis"]:
        by_side.setdefault(kpi["perspective"], []).append(kpi["id"])
    weights = {
        "financial": 0.3,
        "customer": 0.3,
        "internal_process": 0.2,
        "learning_growth": 0.2,
    }
    lines = [
        "# yaml-language-server: $schema=../schemas/goals.schema.json",
        "scorecards:",
        "  - id: SC-COMPANY",
        f"    title: {_q(data['org'])}",
        "    kind: balanced",
        f"    cycle: {cycle}",
        f"    unit: {_COMPANY}",
        "    perspectives:",
    ]
    for side, weight in weights.items():
        lines.append(
            f"      {side}: {{weight: {weight}, measures: [{', '.join(by_side.get(side, []))}]}}"
        )
    lines.append("    links:")
    lines += [f"      - [{a}, {b}]" for a, b in data["links"]]
    return "\n".join(lines) + "\n"


def _pair(kr: dict[str, Any]) -> tuple[float, float]:
    return parse_number(kr["baseline"]), parse_number(kr["target"])


def _kr(kr: dict[str, Any]) -> str:
    return (
        f"      - {{id: {kr['id']}, title: {_q(kr['title'])}, metric: {SOURCE}:"
        f"{kr['metric']}, baseline: {kr['baseline']}, target: {kr['target']}}}"
    )


def _kpi(kpi: dict[str, Any], company: str, *, with_supports: bool) -> list[str]:
    supports = kpi.get("supports")
    unit = supports.split("/")[0] if supports else company
    lines = [
        f"  - id: {kpi['id']}",
        f"    title: {_q(kpi['title'])}",
        f"    owner: {kpi['owner']}",
        f"    unit: {unit}",
        f"    metric: {SOURCE}:{kpi['metric']}",
        f"    aggregate: {kpi['aggregate']}",
    ]
    for key in ("period", "direction"):
        if key in kpi:
            lines.append(f"    {key}: {kpi[key]}")
    lines.append(f"    target: {kpi['target']}")
    if "weight" in kpi:
        lines.append(f"    weight: {kpi['weight']}")
    if "scoring" in kpi:
        scoring = ", ".join(f"{k}: {v}" for k, v in kpi["scoring"].items())
        lines.append(f"    scoring: {{{scoring}}}")
    if supports and with_supports:
        department, kr = supports.split("/")
        lines.append(f"    supports: {department.upper()}-1/{kr}")
    lines.append(f"    perspective: {kpi['perspective']}")
    return lines


def _data(
    series: dict[str, tuple[str, float, float]], start: dt.date, end: dt.date, today: dt.date
) -> str:
    """Sample rows from the day before the cycle to today, on a steady pace."""
    rows = ["date,metric,value"]
    last = max(min(today, end), start)
    days = (end - start).days + 1
    day = start - dt.timedelta(days=1)
    while day <= last:
        elapsed = max((day - start).days + 1, 0) / days
        for metric, (how, a, b) in sorted(series.items()):
            if how == "kr":
                value = a + (b - a) * 0.95 * elapsed
            elif how == "kpi-sum":
                value = a / calendar.monthrange(day.year, day.month)[1] * b
            else:
                value = a * b
            rows.append(f"{day},{metric},{round(value, 4)}")
        day += dt.timedelta(days=1)
    return "\n".join(rows) + "\n"


def write(target: Path, stage: str, industry: str, today: dt.date, *, force: bool) -> list[str]:
    """Create the repository in ``target``; refuse to overwrite unless ``force``."""
    files = plan(stage, industry, today).files
    existing = [path for path in files if (target / path).exists()]
    if existing and not force:
        raise UsageError(
            f"{counted(len(existing), 'file')} already "
            f"{agreeing(len(existing), 'exists', 'exist')} in {target}: "
            + ", ".join(existing[:5])
            + (" ..." if len(existing) > 5 else ""),
            hint="choose an empty folder, or pass --force to overwrite them",
        )
    with locked([target / path for path in files], root=target):
        for path in files:
            check_writable(target / path, root=target)
        for path, text in files.items():
            write_atomic(target / path, text, root=target)
    return sorted(files)
