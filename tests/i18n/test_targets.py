"""A target in words, in each language: every form of the expression language, by hand."""

from __future__ import annotations

import pytest

from kaoping.i18n.targets import conditions_text, schedule_text, spec_text, target_text
from kaoping.plan.model import TargetSpec

NAMES = {
    "zh": {"fiscal_recurrent_revenue": "地方财政经常性收入", "gdp": "地区生产总值"},
    "en": {"fiscal_recurrent_revenue": "local recurrent fiscal revenue", "gdp": "GDP"},
}

CASES = [
    # level against a number: the sign, large figures in 亿 / billion, the unit translated
    (">= 50e8", "USD", "≥ 50亿美元", "≥ 5 billion USD"),
    ("<= 35", "µg/m3", "≤ 35微克/立方米", "≤ 35 µg/m3"),
    ("> 60%", "%", "> 60%", "> 60%"),
    ("== 100", "count", "= 100个", "= 100 count"),
    # change: a rise or a fall, against a year or the base year
    (
        "change <= -15% vs 2015",
        "tce per 10k yuan",
        "较2015年下降至少15%",
        "falls by at least 15% from 2015",
    ),
    ("change > 10%", "yuan", "增长超过10%", "rises by more than 10%"),
    ("change >= 20%", "yuan", "增长至少20%", "rises by at least 20%"),
    ("change < -5%", "%", "下降超过5%", "falls by more than 5%"),
    ("change <= 3%", "%", "变化幅度不高于3%", "change at most 3%"),
    # average annual growth
    (
        "growth >= 7% vs 2015",
        "yuan",
        "年均增长不低于7%（以2015年为基期）",
        "average annual growth at least 7% since 2015",
    ),
    ("growth > 6.5%", "yuan", "年均增长高于6.5%", "average annual growth more than 6.5%"),
    # about, with an absolute (percentage points for %), relative or default tolerance
    ("~ 60 ± 2", "%", "60%左右（±2个百分点）", "about 60% (± 2 percentage points)"),
    ("~ 500 ± 5%", "tonnes", "500吨左右（±5%）", "about 500 tonnes (± 5%)"),
    ("~ 3", "years", "3年左右", "about 3 years"),
    # between
    ("in [5, 8]", "%", "5%至8%之间", "between 5% and 8%"),
    ("in [20000, 30000]", "yuan", "2万元至3万元之间", "between 20,000 yuan and 30,000 yuan"),
    # references: value, change, growth, with factor and offset
    (">= value(gdp)", "yuan", "不低于地区生产总值", "at least GDP"),
    (
        ">= 1.2 * value(gdp) + 3",
        "%",
        "不低于地区生产总值的1.2倍加3个百分点",
        "at least 1.2 × GDP plus 3 percentage points",
    ),
    (
        "growth >= growth(gdp)",
        "yuan",
        "增速不低于地区生产总值增速",
        "grows at least as fast as GDP",
    ),
    (
        "growth > growth(gdp) + 1%",
        "yuan",
        "年均增长高于地区生产总值增速加1个百分点",
        "average annual growth more than the growth of GDP plus 1 percentage points",
    ),
    (
        "change >= change(gdp)",
        "yuan",
        "变化幅度不低于地区生产总值变化幅度",
        "change at least the change in GDP",
    ),
    (
        "growth < growth(gdp) - 2%",
        "yuan",
        "年均增长低于地区生产总值增速减2个百分点",
        "average annual growth less than the growth of GDP minus 2 percentage points",
    ),
    # every year
    (
        "every year growth > growth(fiscal_recurrent_revenue)",
        "yuan",
        "每年增速高于地方财政经常性收入增速",
        "grows faster each year than local recurrent fiscal revenue",
    ),
    ("every year >= 6", "%", "每年≥ 6%", "≥ 6% each year"),
    ("every year growth >= 8%", "yuan", "每年增速不低于8%", "growth at least 8% each year"),
    ("every year change <= 0%", "%", "每年变化幅度不高于0%", "change at most 0% each year"),
]


@pytest.mark.parametrize(("expr", "unit", "zh", "en"), CASES)
def test_target_in_words(expr, unit, zh, en):
    assert target_text(expr, "zh", unit=unit, names=NAMES["zh"]) == zh
    assert target_text(expr, "en", unit=unit, names=NAMES["en"]) == en


def test_all_of_conditions_joined_by_and():
    exprs = ["growth >= 7% vs 2015", ">= 2.5"]
    assert conditions_text(exprs, "zh", unit="%") == "年均增长不低于7%（以2015年为基期），且≥ 2.5%"
    assert conditions_text(exprs, "en", unit="%") == (
        "average annual growth at least 7% since 2015, and ≥ 2.5%"
    )


def test_schedule_year_by_year():
    entries = [(2021, ">= 6"), (2022, "~ 5.5")]
    assert schedule_text(entries, "zh", unit="%") == "2021年：≥ 6%；2022年：5.5%左右"
    assert schedule_text(entries, "en", unit="%") == "2021: ≥ 6%; 2022: about 5.5%"


def test_plan_target_specs():
    spec = TargetSpec(year=2020, all=["growth >= 7% vs 2015", ">= 2.5"])
    assert spec_text(spec, "zh", unit="%") == "年均增长不低于7%（以2015年为基期），且≥ 2.5%"
    one = TargetSpec(year=2020, expr=">= 50e8")
    assert spec_text(one, "en", unit="USD") == "≥ 5 billion USD"
    qual = TargetSpec(year=2020, qualitative={"zh": "建成", "en": "built"})
    assert spec_text(qual, "zh") == "定性目标"
    assert spec_text(qual, "en") == "qualitative target"


def test_an_unknown_reference_reads_as_its_key_and_bad_text_stays_as_written():
    assert target_text(">= value(other)", "en") == "at least other"
    assert target_text("nonsense >=", "zh") == "nonsense >="
