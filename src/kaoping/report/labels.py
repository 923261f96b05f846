"""Bilingual labels for what the evaluation says."""

from __future__ import annotations

from ..engine.result import STATUSES

LANGS = ("en", "zh")

#: the statuses in the order they are shown (counts, legends); see docs/methods.md
STATUS_ORDER = STATUSES

STATUS = {
    "achieved": {"en": "achieved", "zh": "已实现"},
    "achieved_early": {"en": "achieved early", "zh": "提前实现"},
    "ahead": {"en": "ahead of schedule", "zh": "快于预期"},
    "on_track": {"en": "on track", "zh": "基本符合预期"},
    "lagging": {"en": "lagging", "zh": "滞后"},
    "regressing": {"en": "moving away", "zh": "倒退"},
    "stale": {"en": "data too old", "zh": "数据过旧"},
    "no_data": {"en": "no data", "zh": "无数据"},
    "monitoring": {"en": "monitoring only", "zh": "仅监测"},
}

#: a symbol beside each status (an aid only: the status is always written in words)
SYMBOL = {
    "achieved": "✓",
    "achieved_early": "✓+",
    "ahead": "»",
    "on_track": "→",
    "lagging": "!",
    "regressing": "↓",
    "stale": "◷",
    "no_data": "–",
    "monitoring": "◎",
}

#: what each status means, for the legends; ``{ahead}``, ``{on}``, ``{floor}`` are the
#: thresholds of the status rule and ``{max_age}`` the plan's ``methods.max_data_age``
STATUS_MEANING = {
    "achieved": {
        "en": "target met, and the data reach the target year",
        "zh": "已达到目标，且数据已到目标年",
    },
    "achieved_early": {
        "en": "a level target met before its target year",
        "zh": "目标年之前已达到水平目标",
    },
    "ahead": {
        "en": "pace {ahead} or more: faster than the path to the target",
        "zh": "进度不低于{ahead}：快于目标路径",
    },
    "on_track": {
        "en": "pace {on} or more, or close to the path to the target",
        "zh": "进度不低于{on}，或接近目标路径",
    },
    "lagging": {
        "en": "pace below {on}: behind the path to the target",
        "zh": "进度低于{on}：落后于目标路径",
    },
    "regressing": {
        "en": "pace below {floor}: moving away from the target",
        "zh": "进度低于{floor}：向背离目标的方向变化",
    },
    "stale": {
        "en": "latest value more than {max_age} years before the as-of year: no pace is "
        "judged, and the indicator counts as having no data in the scores",
        "zh": "最新数据早于评估年{max_age}年以上：不判断进度，得分中按无数据处理",
    },
    "no_data": {"en": "no value up to the as-of year", "zh": "截至评估年无数据"},
    "monitoring": {"en": "no target: monitored only", "zh": "无目标值，仅作监测"},
}

PACE_BAND = {
    "ahead": {"en": "ahead of schedule", "zh": "快于预期"},
    "on_track": {"en": "on track", "zh": "基本符合预期"},
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
    "data_too_old": {
        "en": "the latest value is too old to judge pace",
        "zh": "最新数据过旧，不判断进度",
    },
    "within_deadband": {
        "en": "within the dead-band of the expected path",
        "zh": "处于预期路径的容差范围内",
    },
    "met_before_target_year": {
        "en": "target met before its year: judged on pace until then",
        "zh": "目标年前已达到，目标年前按进度判断",
    },
    "latest_year_failed": {
        "en": "the latest year did not hold the constraint",
        "zh": "最近一年未达到约束要求",
    },
    "some_years_failed": {
        "en": "held in the latest year; some earlier years failed",
        "zh": "最近一年达标，此前个别年份未达标",
    },
}

TREND = {
    "improving": {"en": "improving", "zh": "改善"},
    "worsening": {"en": "worsening", "zh": "恶化"},
    "stable": {"en": "stable", "zh": "持平"},
    "": {"en": "", "zh": ""},
}

#: an indicator's nature (指标属性) in the plan: binding (约束性) or anticipatory (预期性)
NATURE = {
    "binding": {"en": "binding", "zh": "约束性"},
    "anticipatory": {"en": "anticipatory", "zh": "预期性"},
}
NATURE_ORDER = ("binding", "anticipatory")

#: a censored value: what a source gives only as a bound ("{v}" is the number as shown)
CENSOR = {
    ">": {"en": "> {v}", "zh": "超过{v}"},
    "<": {"en": "< {v}", "zh": "低于{v}"},
}

#: how a series break is handled (see docs/methods.md): the earlier values spliced onto the
#: new basis with the old-basis value of the break year, or progress measured from the break
BREAK = {
    "spliced": {
        "en": "earlier values spliced onto the new basis",
        "zh": "此前数据已按新口径衔接",
    },
    "restarted": {
        "en": "progress measured from the break (no old-basis value)",
        "zh": "自口径调整年起重新计算进度（无原口径数值）",
    },
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
    "reached": {"en": "Year met", "zh": "达到年份"},
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
    "year_reached": {"en": "Year met", "zh": "达到年份"},
    "score_meaning": {
        "en": "attainment of the targets (0–100)",
        "zh": "目标实现程度（0–100）",
    },
    "status_meaning": {
        "en": "pace against the path to the target",
        "zh": "相对目标路径的进度",
    },
    "score_vs_status": {
        "en": "The score measures attainment: how close the values are to the targets. The "
        "status measures pace: whether progress keeps up with the path to the target. The two "
        "can disagree: a high score with lagging indicators means values are near their "
        "targets but moving too slowly.",
        "zh": "得分衡量目标实现程度，即数值与目标的接近程度；状态衡量进度，即进展是否跟上通往"
        "目标的路径。两者可能不一致：得分高而指标滞后，说明数值已接近目标，但推进速度不够。",
    },
    "legend": {"en": "What the statuses mean", "zh": "状态说明"},
    "stale_mark": {"en": "data too old", "zh": "数据过旧"},
    "nature": {"en": "Nature", "zh": "指标属性"},
    "all_natures": {"en": "all", "zh": "全部"},
    "series_break": {"en": "Series break", "zh": "统计口径调整"},
    "schedule": {"en": "Annual targets", "zh": "年度目标"},
    "schedule_held": {"en": "{met} of {n} scheduled years met", "zh": "{n}个年度中{met}个达到目标"},
    "bound_note": {
        "en": "the latest value is a bound: judged with the bound",
        "zh": "最新值为区间值：按界限值评价",
    },
    "nature_summary": {
        "en": "{nature} targets: {lagging} of {n} lagging",
        "zh": "{nature}指标：{n}项中{lagging}项滞后",
    },
}


def t(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def word(key: str, lang: str) -> str:
    return t(WORDS, key, lang)


def censored_text(shown: str, censor: str | None, lang: str) -> str:
    """A number as shown, with its bound: "> 25" (zh "超过25"); as it is when exact."""
    if not censor or censor not in CENSOR or shown in ("", "—"):
        return shown
    return t(CENSOR, censor, lang).format(v=shown)


def nature_label(nature: str | None, lang: str) -> str | None:
    return t(NATURE, nature, lang) if nature else None


def status_label(code: str, lang: str) -> str:
    return t(STATUS, code, lang)


def status_meaning(
    code: str,
    lang: str,
    *,
    ahead: float | None = None,
    on: float | None = None,
    floor: float | None = None,
    max_age: int | None = None,
) -> str:
    """What a status means, with the thresholds of the status rule filled in."""
    if code not in STATUS_MEANING:
        return ""
    text = t(STATUS_MEANING, code, lang)
    values = {
        "ahead": _g(1.1 if ahead is None else ahead),
        "on": _g(1.0 if on is None else on),
        "floor": _g(0.0 if floor is None else floor),
        "max_age": 2 if max_age is None else max_age,
    }
    return text.format(**values)


def _g(v: float) -> str:
    return f"{v:g}"


def status_legend(
    lang: str,
    *,
    ahead: float | None = None,
    on: float | None = None,
    floor: float | None = None,
    max_age: int | None = None,
    statuses: tuple[str, ...] = STATUS_ORDER,
) -> list[dict[str, str]]:
    """Every status with its label, symbol and meaning: the legend of every view."""
    return [
        {
            "status": s,
            "label": t(STATUS, s, lang),
            "symbol": SYMBOL.get(s, ""),
            "meaning": status_meaning(s, lang, ahead=ahead, on=on, floor=floor, max_age=max_age),
        }
        for s in statuses
    ]


def data_age_text(latest_year: int | None, as_of: int, lang: str) -> str:
    """How old the latest value is: "latest value 2009, 11 years before 2020"."""
    if latest_year is None:
        return "无数据" if lang == "zh" else "no value"
    age = as_of - latest_year
    if lang == "zh":
        if age <= 0:
            return f"最新值为{latest_year}年（评估年）"
        return f"最新值为{latest_year}年，早于{as_of}年{age}年"
    if age <= 0:
        return f"latest value {latest_year}, the as-of year"
    return f"latest value {latest_year}, {age} year{'s' if age != 1 else ''} before {as_of}"
