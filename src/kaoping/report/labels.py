"""Bilingual labels for what the evaluation says."""

from __future__ import annotations

LANGS = ("en", "zh")

STATUS = {
    "achieved": {"en": "achieved", "zh": "已实现"},
    "on_track": {"en": "on track", "zh": "进度正常"},
    "lagging": {"en": "lagging", "zh": "滞后"},
    "regressing": {"en": "regressing", "zh": "倒退"},
    "no_data": {"en": "no data", "zh": "无数据"},
    "monitoring": {"en": "monitoring", "zh": "监测"},
}

PACE_BAND = {
    "on_track": {"en": "on track", "zh": "进度正常"},
    "moderate": {"en": "moderate progress", "zh": "进展一般"},
    "insufficient": {"en": "insufficient progress", "zh": "进展不足"},
    "away": {"en": "moving away", "zh": "背离目标"},
}

REASON = {
    "": {"en": "", "zh": ""},
    "no_value": {"en": "no value up to the year shown", "zh": "截至当年无数据"},
    "no_baseline": {"en": "no baseline value to judge pace", "zh": "缺少基期值，无法判断进度"},
    "no_later_value": {"en": "no value after the baseline", "zh": "基期之后无数据"},
    "target_year_passed": {"en": "target year reached, target not met", "zh": "目标年已到，未实现"},
    "baseline_met_target": {"en": "the baseline already met the target", "zh": "基期已达到目标"},
    "no_reference_value": {"en": "no value for the reference year", "zh": "缺少参照年数据"},
    "no_value_for_reference": {
        "en": "no value for the referenced indicator",
        "zh": "所参照的指标无数据",
    },
    "no_verdict": {"en": "no verdict recorded", "zh": "尚无评定"},
}

TREND = {
    "improving": {"en": "improving", "zh": "改善"},
    "worsening": {"en": "worsening", "zh": "恶化"},
    "stable": {"en": "stable", "zh": "持平"},
    "": {"en": "", "zh": ""},
}

WORDS = {
    "overall": {"en": "Overall", "zh": "总体"},
    "score": {"en": "score", "zh": "得分"},
    "coverage": {"en": "data coverage", "zh": "数据覆盖率"},
    "indicator": {"en": "Indicator", "zh": "指标"},
    "base": {"en": "Base", "zh": "基期"},
    "latest": {"en": "Latest", "zh": "最新"},
    "target": {"en": "Target", "zh": "目标"},
    "attainment": {"en": "Attain.", "zh": "实现程度"},
    "pace": {"en": "Pace", "zh": "进度"},
    "reached": {"en": "Reached", "zh": "实现年份"},
    "status": {"en": "Status", "zh": "状态"},
    "as_of": {"en": "as of", "zh": "截至"},
    "version": {"en": "plan version", "zh": "规划版本"},
    "method": {"en": "method", "zh": "方法"},
    "groups": {"en": "Groups", "zh": "目标分组"},
    "lenses": {"en": "Lenses", "zh": "分类视角"},
    "steps": {"en": "Steps", "zh": "发展步骤"},
    "milestones": {"en": "Milestones", "zh": "阶段目标"},
    "verdict": {"en": "verdict", "zh": "评定"},
    "not_yet_due": {"en": "not yet due", "zh": "未到期"},
    "no_verdict": {"en": "no verdict recorded", "zh": "尚无评定"},
    "not_scored": {"en": "not scored (coverage below minimum)", "zh": "数据不足，不予评分"},
    "counts": {"en": "Status counts", "zh": "状态统计"},
    "area": {"en": "area", "zh": "地区"},
    "met": {"en": "met", "zh": "达到"},
    "missed": {"en": "missed", "zh": "未达到"},
    "every_year": {"en": "years held", "zh": "达标年数"},
    "projected": {"en": "projected", "zh": "预计"},
    "with_data": {"en": "with data", "zh": "有数据"},
    "with_milestone": {"en": "indicators with a milestone value", "zh": "项指标有阶段值"},
}


def t(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def word(key: str, lang: str) -> str:
    return t(WORDS, key, lang)
