"""Generate a large goals repository for benchmarks.

Defaults: about 10,000 objectives, 40,000 KRs and 2,000 goal files (40 MB), with the
comments, Chinese and English titles, descriptions and plans of real goal files, and a
handful of deliberate errors so that the check has something to report.

    python bench/generate_org.py bench/out/org [--files 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

DEPARTMENTS = 20
TEAMS_PER_DEPARTMENT = 10
OBJECTIVES_PER_FILE = 5
KRS_PER_OBJECTIVE = 4

WORDS_ZH = ["增长", "留存", "转化", "满意度", "交付", "质量", "效率", "品牌", "渠道", "成本"]
WORDS_EN = [
    "growth",
    "retention",
    "conversion",
    "satisfaction",
    "delivery",
    "quality",
    "efficiency",
    "brand",
    "channels",
    "cost",
]
METRICS = [
    "users_total",
    "paid_users",
    "satisfaction",
    "retention_30d",
    "revenue",
    "cac",
    "tickets",
    "cycle_days",
    "defect_rate",
    "nps",
]


def _title(rng: random.Random) -> str:
    i, j = rng.randrange(10), rng.randrange(10)
    return (
        f"提升{WORDS_ZH[i]}与{WORDS_ZH[j]} / Lift {WORDS_EN[i]} and {WORDS_EN[j]} "
        f"across the {rng.choice(['north', 'south', 'east', 'west'])} region"
    )


def _description(rng: random.Random) -> str:
    sentences = [
        "We win when learners who try us once come back every week.",
        "The data comes from the CRM export every Monday morning.",
        "Agreed with finance in the planning review; targets are stretch but reachable.",
        "Risks: hiring for the new team lands late; the vendor contract is not signed yet.",
        "客户反馈显示，首次体验决定了是否续费，所以本季度重点放在新手引导。",
        "Dependencies: platform team ships the new onboarding flow by mid-November.",
    ]
    return "\n".join("      " + rng.choice(sentences) for _ in range(13))


def _kr(rng: random.Random, oid: str, index: int, error: str | None) -> str:
    metric = rng.choice(METRICS)
    baseline = rng.randrange(100, 10_000) * 100
    target = baseline + rng.randrange(1, 50) * 1000
    weight = ["0.4", "0.3", "0.2", "0.1"][index]
    if error == "weights" and index == 0:
        weight = "0.5"
    key = "tittle" if error == "unknown-key" and index == 1 else "title"
    lines = [
        f"      # KR{index + 1}: agreed in the {rng.choice(['Q3', 'Q4'])} planning review; the",
        "      # number comes from the Monday CRM export, channel split as in the dashboard",
        f"      - id: kr{index + 1}",
        f"        {key}: {WORDS_EN[rng.randrange(10)].capitalize()} from {baseline:,} to "
        f"{target:,} ({WORDS_ZH[rng.randrange(10)]})",
        f"        metric: crm:{metric}",
        f"        where: {{channel: {rng.choice(['social', 'search', 'referral'])}}}",
        f"        aggregate: {rng.choice(['last', 'sum', 'avg'])}",
        f"        baseline: {baseline}",
        f"        target: {target}",
        f"        weight: {weight}",
        f"        unit_label: {rng.choice(['users', '元', 'tickets'])}",
        "        plan:",
        f"          - {{date: 2026-10-31, value: {baseline + (target - baseline) // 4}}}",
        f"          - {{date: 2026-11-30, value: {baseline + (target - baseline) // 2}}}",
        f"          - {{date: 2026-12-31, value: {target}}}",
    ]
    return "\n".join(lines)


def _objective(
    rng: random.Random, oid: str, parent: str | None, owner: str, error: str | None
) -> str:
    aligns = parent
    if error == "unresolved" and parent:
        aligns = parent.replace("/kr", "/kx")
    lines = [
        "  # ---------------------------------------------------------------------------",
        f"  # {oid}: owned by {owner}; reviewed weekly in the team sync",
        "  # ---------------------------------------------------------------------------",
        f"  - id: {oid}",
        f"    title: {_title(rng)}",
        f"    owner: {owner}",
    ]
    if aligns:
        lines.append(f"    aligns_to: {aligns}")
    lines += [
        f"    type: {rng.choice(['committed', 'aspirational'])}",
        f"    perspective: {rng.choice(['customer', 'financial', 'internal_process'])}",
        "    description: |",
        _description(rng),
        "    tags: [q4, planning]",
        "    key_results:",
    ]
    lines += [_kr(rng, oid, i, error) for i in range(KRS_PER_OBJECTIVE)]
    return "\n".join(lines)


def generate(
    out: Path, files: int = 2000, seed: int = 1, *, mistakes: bool = True
) -> dict[str, int]:
    """A generated organisation of ``files`` goal files; with ``mistakes``, a few of them
    hold the errors a real one has (unresolved references, weights, an unknown key, a
    duplicate id)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "goals").mkdir(parents=True)
    (out / "metrics").mkdir()
    rows = ["date,metric,value,channel"]
    for day in range(0, 92, 7):  # a weekly export for the quarter, every metric and channel
        date = (dt.date(2026, 10, 1) + dt.timedelta(days=day)).isoformat()
        for metric in METRICS:
            for channel in ("social", "search", "referral"):
                rows.append(f"{date},{metric},{1000 + day * 10},{channel}")
    (out / "metrics" / "crm.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    units = ["  - {id: org, level: company}"]
    plan: list[tuple[str, str, str, str | None]] = [("company", "org", "company", None)]
    for d in range(DEPARTMENTS):
        units.append(f"  - {{id: dept{d}, level: department, parent: org}}")
        plan.append((f"departments/dept{d}", f"dept{d}", "department", "org"))
    for d in range(DEPARTMENTS):
        for t in range(TEAMS_PER_DEPARTMENT):
            units.append(f"  - {{id: team{d}-{t}, level: team, parent: dept{d}}}")
            plan.append((f"teams/team{d}-{t}", f"team{d}-{t}", "team", f"dept{d}"))
    teams = [p for p in plan if p[2] == "team"]
    n = 0
    while len(plan) < files:
        team = teams[n % len(teams)]
        plan.append((f"people/{team[1]}/person{n}", team[1], "individual", team[1]))
        n += 1
    (out / "okrctl.yaml").write_text(
        "# generated by bench/generate_org.py\nokrctl: 1\norg: Bench Org\n"
        "cycles:\n  - {id: FY2026, start: 2026-01-01, end: 2026-12-31}\n"
        "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "metrics:\n  - {name: crm, path: metrics/crm.csv}\n"
        "units:\n" + "\n".join(units) + "\n",
        encoding="utf-8",
    )
    first_objective: dict[str, str] = {}
    errors = {7: "unresolved", 19: "weights", 31: "unknown-key", 43: "unresolved"}
    if not mistakes:
        errors = {}
    counts = {"files": 0, "objectives": 0, "key_results": 0, "bytes": 0}
    for index, (name, unit, level, parent_unit) in enumerate(plan[:files]):
        parent = None
        if parent_unit is not None:
            parent = f"{first_objective[parent_unit]}/kr{rng.randrange(1, KRS_PER_OBJECTIVE + 1)}"
        objectives = []
        for k in range(OBJECTIVES_PER_FILE):
            oid = f"{unit.upper()}-{index}-{k}"
            first_objective.setdefault(unit, oid)
            error = errors.get(index) if k == 0 else None
            objectives.append(_objective(rng, oid, parent, f"owner{index}", error))
        level_line = ", level: individual" if level == "individual" else ""
        kpi = (
            "kpis:\n"
            "  # the weekly execution measure behind the first objective\n"
            f"  - id: KPI-{unit.upper()}-{index}\n"
            f"    title: {WORDS_EN[index % 10].capitalize()} each week ({WORDS_ZH[index % 10]})\n"
            f"    owner: owner{index}\n"
            "    metric: crm:tickets\n"
            "    aggregate: sum\n"
            "    period: monthly\n"
            f"    target: {rng.randrange(10, 90)}\n"
            "    weight: 1.0\n"
            "    scoring: {zero_below: 80%, full_at: 100%, cap: 1.2}\n"
            f"    supports: {unit.upper()}-{index}-0/kr1\n"
            "    perspective: internal_process\n"
        )
        body = (
            "# yaml-language-server: $schema=../../schemas/goals.schema.json\n"
            f"# Goals of {unit} ({level}) for 2026-Q4. Edited in pull requests; "
            "see CONTRIBUTING.\n"
            f"defaults: {{cycle: 2026-Q4, unit: {unit}{level_line}}}\n"
            "objectives:\n" + "\n".join(objectives) + "\n" + kpi
        )
        if index == 55 and mistakes:  # a duplicate id across files
            body = body.replace(f"{unit.upper()}-{index}-1", plan_id(plan, 54))
        path = out / "goals" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        counts["files"] += 1
        counts["objectives"] += OBJECTIVES_PER_FILE
        counts["key_results"] += OBJECTIVES_PER_FILE * KRS_PER_OBJECTIVE
        counts["bytes"] += len(body.encode())
    return counts


def plan_id(plan: list[tuple[str, str, str, str | None]], index: int) -> str:
    return f"{plan[index][1].upper()}-{index}-0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    counts = generate(args.out, args.files, args.seed)
    print(
        f"{counts['files']} files, {counts['objectives']} objectives, "
        f"{counts['key_results']} KRs, {counts['bytes'] / 1e6:.1f} MB in {args.out}"
    )


if __name__ == "__main__":
    main()
