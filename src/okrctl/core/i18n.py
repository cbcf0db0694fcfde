"""Every word the quarterly report prints, in English and Simplified Chinese."""

from __future__ import annotations

import os

LANGUAGES = ("en", "zh")

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Quarterly review", "季度复盘报告"),
    "as_of": ("as of", "截至"),
    "final": ("final", "最终"),
    "summary": ("Summary", "概览"),
    "objectives": ("Objectives", "目标"),
    "key_results": ("Key results", "关键结果"),
    "kpis": ("KPI attainment", "KPI 达成"),
    "synergy": ("OKR–KPI synergy", "OKR 与 KPI 协同"),
    "balanced": ("Balanced scorecard", "平衡计分卡"),
    "strategy_map": ("Strategy map", "战略地图"),
    "changes": ("Changes during the cycle", "周期内的目标变更"),
    "forecast": ("Forecast", "预测"),
    "risks": ("Risks", "风险"),
    "retro": ("Retrospective", "复盘"),
    "scorecards": ("Scorecards", "个人与团队评分"),
    "status_count": ("Objectives by status", "各状态目标数"),
    "average_score": ("Average score", "平均得分"),
    "alignment": ("Alignment rate", "对齐率"),
    "coverage": ("Coverage of top-level key results", "公司级关键结果覆盖率"),
    "freshness": ("Data freshness", "数据新鲜度"),
    "source": ("Source", "数据源"),
    "latest": ("Latest row", "最新数据"),
    "age_days": ("Age (days)", "距今天数"),
    "stale": ("stale", "已过期"),
    "fresh": ("fresh", "正常"),
    "no_rule": ("no freshness rule (set stale_after)", "未设新鲜度规则（设置 stale_after）"),
    "rejected_mark": (
        "* marks the numbers below that rest on this input",
        "* 标出下文中依赖这些数据的数字",
    ),
    "level": ("Level", "层级"),
    "goal": ("Goal", "目标"),
    "owner": ("Owner", "负责人"),
    "type": ("Type", "类型"),
    "committed": ("committed", "承诺型"),
    "aspirational": ("aspirational", "挑战型"),
    "progress": ("Progress", "进度"),
    "score": ("Score", "得分"),
    "status": ("Status", "状态"),
    "band": ("Grade band", "评分标准"),
    "band_committed": ("committed: pass at 100%", "承诺型：100% 达标"),
    "band_aspirational": ("aspirational: pass at 70%", "挑战型：70% 达标"),
    "current": ("Current", "当前值"),
    "target": ("Target", "目标值"),
    "baseline": ("Baseline", "基线"),
    "expected": ("Expected", "预期进度"),
    "actual": ("Actual", "实际值"),
    "attainment": ("Attainment", "达成率"),
    "completion": ("Completion", "完成度"),
    "aligned_goals": ("Aligned goals", "下级目标"),
    "note": ("Note", "说明"),
    "perspective": ("Perspective", "维度"),
    "weight": ("Weight", "权重"),
    "measures": ("Measures", "指标"),
    "total": ("Total", "总分"),
    "rating": ("Rating", "评级"),
    "bonus": ("Bonus", "奖金系数"),
    "landing": ("Landing value", "预计终值"),
    "landing_score": ("Landing score", "预计得分"),
    "needed_per_week": ("Needed per week", "每周所需"),
    "trend_per_week": ("Trend per week", "每周趋势"),
    "no_trend": ("not enough data for a trend", "数据不足，无法预测"),
    "drivers": ("Behind below or upstream", "下级或上游落后项"),
    "html_budget": (
        "This review would be {size} MB of HTML, over its {budget} MB budget, so it shows "
        "the summary and units of the whole {scope} and details only its first level "
        "({level}). For the details of one unit and the units below it: "
        "okrctl report --format html --unit UNIT (units in the table below).",
        "本评审的 HTML 将有 {size} MB，超出 {budget} MB 的上限，因此只显示{scope}的汇总与各单元，"
        "并只详列第一层级（{level}）。要查看某个单元及其下级单元的详情："
        "okrctl report --format html --unit 单元（单元见下表）。",
    ),
    "html_budget_org": ("organisation", "整个组织"),
    "html_budget_unit": ("unit {unit}", "单元 {unit}"),
    "units": ("Units", "单元"),
    "unit": ("Unit", "单元"),
    "no_risks": (
        "No key result or KPI is at risk or off track.",
        "没有有风险或落后的关键结果或 KPI。",
    ),
    "data_ends_early": (
        "These final numbers rest on data that ends before the cycle end ({end}): "
        "{sources}. Each value is as of its source's last row.",
        "这些最终数字所依据的数据在周期结束日（{end}）之前就截止了：{sources}。"
        "每个数值都截至其数据源的最后一行。",
    ),
    "went_right": ("What went right", "做得好的"),
    "went_wrong": ("What went wrong", "做得不好的"),
    "change_next": ("Change next quarter", "下季度要改变的"),
    "notes": ("Notes", "备注"),
    "from_data": ("from the data", "来自数据"),
    "from_review": ("from reviews", "来自复盘记录"),
    "commit": ("Last changed (author, date, commit)", "最后修改（作者、日期、提交）"),
    "added": ("added", "新增"),
    "removed": ("removed", "删除"),
    "changed": ("changed", "修改"),
    "goalpost": ("goal post moved", "中途调低目标"),
    "no_changes": ("No goal changed during the cycle.", "本周期内目标没有变更。"),
    "git_unavailable": ("Change history unavailable: {reason}", "无法读取变更历史：{reason}"),
    "history_incomplete": (
        "Incomplete: {reason}. This clone's history stops at commit {commit} ({date}), so the "
        "changes since the cycle started on {start} cannot be listed. {fix}",
        "不完整：{reason}。此克隆的历史止于提交 {commit}（{date}），无法列出自周期开始（{start}）"
        "以来的变更。{fix}",
    ),
    "shallow clone": ("shallow clone", "浅克隆"),
    "grafted history": ("grafted history", "历史被嫁接改写"),
    "fix_shallow": (
        "Fetch the whole history: git fetch --unshallow (in GitHub Actions: actions/checkout "
        "with fetch-depth: 0).",
        "请获取完整历史：git fetch --unshallow（GitHub Actions 中：actions/checkout 设置 "
        "fetch-depth: 0）。",
    ),
    "fix_grafted": (
        "Remove the replacement (git replace -d {commit}) or the commit's line in "
        ".git/info/grafts.",
        "请删除替换（git replace -d {commit}）或 .git/info/grafts 中该提交的那一行。",
    ),
    "green": ("on track", "正常"),
    "yellow": ("at risk", "有风险"),
    "red": ("off track", "落后"),
    "grey": ("no data", "无数据"),
    "undefined": ("undefined", "无法计算"),
    "kr_on_track": ("{kr} is on track ({p}).", "{kr} 进展正常（{p}）。"),
    "kr_behind": (
        "{kr} is behind: {p} against an expected {e}.",
        "{kr} 落后：进度 {p}，预期 {e}。",
    ),
    "carry": (
        "Carry {goal} into the next cycle with a re-based baseline (okrctl roll).",
        "将 {goal} 带入下一周期并重设基线（okrctl roll）。",
    ),
    "fix_data": ("Get data flowing for {kr}: it has none yet.", "为 {kr} 接入数据：目前没有数据。"),
    "review_drivers": ("Look upstream: {drivers}.", "检查上游驱动因素：{drivers}。"),
    "weeks_left": ("{n} weeks left", "剩余 {n} 周"),
    "details": ("Show all", "展开全部"),
    "empty": ("None.", "无。"),
    "more_rows": (
        "… and {n} more (the HTML and JSON reports list all)",
        "……另有 {n} 条（HTML 与 JSON 报告中有完整列表）",
    ),
}


def default_language() -> str:
    """``"zh"`` when the first of LC_ALL, LC_MESSAGES, LANG that is set starts with zh,
    else ``"en"``."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def text(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (``"zh"``, else English), ``values`` filled in;
    ``KeyError`` for an unknown key."""
    english, chinese = _TEXT[key]
    template = chinese if lang == "zh" else english
    return template.format(**values) if values else template


def keys() -> list[str]:
    """Every text key, in definition order (tests check each has both languages)."""
    return list(_TEXT)
