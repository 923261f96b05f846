"""The words both reports use: the table of labels, the method texts, and how a score and a
status are named."""

from __future__ import annotations

from ..labels import t, word
from ..scorecard import fmt_score

W: dict[str, dict[str, str]] = {
    "evaluation_report": {"en": "Plan evaluation report", "zh": "规划实施评估报告"},
    "assessment_report": {"en": "Annual assessment report", "zh": "年度考评报告"},
    "as_of": {"en": "As of", "zh": "评估年份"},
    "area": {"en": "Area", "zh": "地区"},
    "plan_version": {"en": "Plan version", "zh": "规划版本"},
    "data_as_of": {"en": "Data as of", "zh": "数据截至"},
    "data_source": {"en": "Data source", "zh": "数据来源"},
    "data_version": {"en": "Data version", "zh": "数据版本"},
    "period": {"en": "Plan period", "zh": "规划期"},
    "base_year": {"en": "Base year", "zh": "基期年"},
    "summary": {"en": "Summary", "zh": "摘要"},
    "scores": {"en": "Overall and group scores", "zh": "总体与分组得分"},
    "lenses": {"en": "Scores by lens", "zh": "分类视角得分"},
    "lens_scores": {"en": "Scores by lens", "zh": "分类视角得分"},
    "steps": {"en": "The plan's steps and their verdicts", "zh": "发展步骤及评定"},
    "milestones": {"en": "Milestone values met", "zh": "阶段目标达成情况"},
    "off_track": {"en": "Off-track indicators", "zh": "进度滞后的指标"},
    "no_data_indicators": {"en": "Indicators without data", "zh": "无数据的指标"},
    "no_data_lead": {
        "en": "{n} indicators have no value up to {year}: no chart, pace or projection can be "
        "shown for them. Each is also counted in its group's table above.",
        "zh": "以下 {n} 项指标截至{year}年无数据，无法绘图、判断进度或预测；各分组表中亦已列出。",
    },
    "no_data_in_group": {
        "en": "{n} of them without data: see “Indicators without data”",
        "zh": "其中 {n} 项无数据，见“无数据的指标”",
    },
    "method": {"en": "Method and sources", "zh": "方法与数据来源"},
    "sources": {"en": "Data sources", "zh": "数据来源"},
    "reproduce": {"en": "How to reproduce this report", "zh": "如何复现本报告"},
    "overall": {"en": "Overall", "zh": "总体"},
    "overall_score": {"en": "Overall score", "zh": "总体得分"},
    "group": {"en": "Group", "zh": "分组"},
    "category": {"en": "Category", "zh": "类别"},
    "score": {"en": "Score", "zh": "得分"},
    "score_means": {
        "en": "Score: attainment of the targets (0–100)",
        "zh": "得分：目标实现程度（0–100）",
    },
    "status_means": {
        "en": "Status: pace against the path to the target",
        "zh": "状态：相对目标路径的进度",
    },
    "meaning": {"en": "Meaning", "zh": "含义"},
    "note": {"en": "Note", "zh": "说明"},
    "statuses": {"en": "Statuses", "zh": "状态说明"},
    "data_age": {"en": "Data age", "zh": "数据时效"},
    "year_reached": {"en": "Year the target was met", "zh": "达到目标的年份"},
    "max_data_age": {
        "en": "Data older than this many years before the as-of year are too old",
        "zh": "数据早于评估年超过此年数即为过旧",
    },
    "coverage": {"en": "Data coverage", "zh": "数据覆盖率"},
    "scored": {"en": "Scored", "zh": "参与评分"},
    "with_data": {"en": "With data", "zh": "有数据"},
    "indicators": {"en": "Indicators", "zh": "指标数"},
    "indicator": {"en": "Indicator", "zh": "指标"},
    "unit": {"en": "Unit", "zh": "单位"},
    "status": {"en": "Status", "zh": "状态"},
    "count": {"en": "Count", "zh": "数量"},
    "step": {"en": "Step", "zh": "步骤"},
    "year": {"en": "Year", "zh": "年份"},
    "goal": {"en": "Goal", "zh": "目标"},
    "verdict": {"en": "Verdict", "zh": "评定"},
    "evidence": {"en": "Evidence", "zh": "依据"},
    "not_yet_due": {"en": "not yet due", "zh": "未到期"},
    "no_verdict": {"en": "no verdict recorded", "zh": "尚无评定"},
    "met": {"en": "Met", "zh": "达到"},
    "base": {"en": "Baseline", "zh": "基期值"},
    "latest": {"en": "Latest", "zh": "最新值"},
    "target": {"en": "Target", "zh": "目标"},
    "expected": {"en": "Expected by now", "zh": "当前应达到"},
    "attainment": {"en": "Attainment", "zh": "实现程度"},
    "pace": {"en": "Pace", "zh": "进度"},
    "projection": {"en": "Projection", "zh": "预测"},
    "reason": {"en": "Why", "zh": "原因"},
    "latest_source": {"en": "Source of the latest value", "zh": "最新值来源"},
    "explanation": {"en": "Explanation", "zh": "情况说明"},
    "corrective": {"en": "Corrective task", "zh": "整改任务"},
    "department": {"en": "Department", "zh": "责任部门"},
    "no_explanation": {"en": "no explanation recorded", "zh": "尚无情况说明"},
    "no_task": {"en": "no corrective task recorded", "zh": "尚无整改任务"},
    "none_off_track": {
        "en": "No indicator is lagging or regressing.",
        "zh": "没有进度滞后或倒退的指标。",
    },
    "attainment_method": {"en": "Attainment method", "zh": "实现程度计算方法"},
    "status_method": {"en": "Status rule", "zh": "进度判定规则"},
    "thresholds": {
        "en": "Thresholds (ahead / on track / moderate / floor)",
        "zh": "阈值（快于预期/基本符合预期/一般/下限）",
    },
    "aggregation": {"en": "Aggregation of scores", "zh": "得分汇总方法"},
    "min_coverage": {"en": "Minimum data coverage to score", "zh": "评分所需最低数据覆盖率"},
    "values": {"en": "Values", "zh": "数值个数"},
    "years": {"en": "Years", "zh": "年份"},
    "source": {"en": "Source", "zh": "来源"},
    "key": {"en": "Key", "zh": "代码"},
    "name": {"en": "Name", "zh": "名称"},
    "level": {"en": "Level", "zh": "层级"},
    "value": {"en": "Value", "zh": "数值"},
    "item": {"en": "Item", "zh": "项目"},
    "unit_col": {"en": "Unit assessed", "zh": "考评对象"},
    "quantitative": {"en": "Quantitative", "zh": "定量得分"},
    "qualitative": {"en": "Qualitative", "zh": "定性得分"},
    "deductions": {"en": "Deductions", "zh": "扣分"},
    "adjustments": {"en": "Adjustments", "zh": "调整"},
    "total": {"en": "Total", "zh": "总分"},
    "grade": {"en": "Grade", "zh": "等次"},
    "rank": {"en": "Rank", "zh": "排名"},
    "results": {"en": "Results", "zh": "考评结果"},
    "rules": {"en": "Rules applied", "zh": "考评规则"},
    "kind": {"en": "Kind", "zh": "类型"},
    "page": {"en": "Page", "zh": "第"},
}

METHOD_TEXT = {
    "ratio": {
        "en": "attainment is the ratio of the latest value to the target (value/target for a "
        "target to reach, target/value for a ceiling), at most 100%; a score is the weighted "
        "mean attainment of its indicators on a scale of 0–100.",
        "zh": "实现程度为最新值与目标值之比（正指标为实际值/目标值，逆指标为目标值/实际值），"
        "最高100%；得分为各指标实现程度的加权平均，按0–100计。",
    },
    "distance": {
        "en": "attainment is the share of the way from the baseline to the target covered "
        "(distance to target), at most 100%; a score is the weighted mean attainment of its "
        "indicators on a scale of 0–100.",
        "zh": "实现程度为自基期向目标推进的距离占全程的比例（最高100%）；得分为各指标实现程度的"
        "加权平均，按0–100计。",
    },
    "time_half": {
        "en": "the status measures pace: an indicator is on track when its progress keeps up "
        "with the share of the plan period that has elapsed (“half the time, half the task”).",
        "zh": "状态衡量进度：指标完成进度不低于规划期时间进度即为基本符合预期"
        "（“时间过半、任务过半”）。",
    },
}


def w(key: str, lang: str) -> str:
    """A word of the reports' table :data:`W` in ``lang``."""
    return t(W, key, lang)


def score_text(v: float | None) -> str:
    """A score as printed: 0–100 (as the engine gives it) with one decimal."""
    return fmt_score(v)


def score_with_meaning(v: float | None, lang: str) -> str:
    """A score and what it measures: "77.5 — attainment of the targets (0–100)"."""
    if v is None:
        return score_text(v)
    return f"{score_text(v)} — {word('score_meaning', lang)}"


def status_header(lang: str) -> str:
    """The status column's heading, with what a status measures."""
    m = word("status_meaning", lang)
    return f"{w('status', lang)}（{m}）" if lang == "zh" else f"{w('status', lang)} ({m})"
