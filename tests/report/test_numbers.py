"""One number helper: the reports' ``fmt_number`` is Babel's ``format_number``, and an
indicator's value in a report is written in large units by its unit. Every expected value is
worked out by hand."""

from __future__ import annotations

import pytest

from kaoping.i18n.formats import (
    format_list,
    format_number,
    format_quantity,
    format_value,
    has_own_scale,
)
from kaoping.report.documents.indicators import value_text
from kaoping.report.scorecard import fmt_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        # from 10,000: no decimal, thousands grouped; 43,672.5 is a tie, half to even → 43,672
        (43672.5, "43,672"),
        (1_200_300_000_000.0, "1,200,300,000,000"),
        # from 100: at most one decimal; 150.25 → 150.2 (tie, half to even), trailing 0 dropped
        (150.25, "150.2"),
        (100.04, "100"),
        # from 1: at most two decimals; 2.675 is 2.675 in its shortest form → tie → 2.68
        # (Python's f"{2.675:.2f}" gives 2.67: the binary value is a little below)
        (2.675, "2.68"),
        (2.995, "3"),
        # below 1: three significant digits, written out (never 1e-05)
        (0.012345, "0.0123"),
        (0.00001, "0.00001"),
        # never "-0"
        (-0.0, "0"),
        (-0.00004, "-0.00004"),
    ],
)
def test_fmt_number_is_format_number(value, text):
    assert fmt_number(value) == text
    assert format_number(value, "en") == text
    assert format_number(value, "zh") == text  # "," and "." in both languages


def test_a_bound_keeps_its_sign():
    assert fmt_number(25.0, censor=">", lang="en") == "> 25"
    assert fmt_number(25.0, censor=">", lang="zh") == "超过25"


@pytest.mark.parametrize(
    ("value", "unit", "zh", "en"),
    [
        # 21,406,700 = 2140.67 × 10⁴ (2140.67万); 21.4067 × 10⁶ → 21.41 million
        (21_406_700, "person-times", "2140.67万", "21.41 million"),
        # 1,620,000,000 = 16.2 × 10⁸ → 16.2亿; 1.62 × 10⁹ → 1.62 billion
        (1_620_000_000, "USD", "16.2亿", "1.62 billion"),
        # 1,200,300,000,000 = 1.2003 × 10¹² → 1.2万亿 / 1.2 trillion (two decimals at most)
        (1_200_300_000_000, "yuan", "1.2万亿", "1.2 trillion"),
        # 639,400 ≥ 10⁵ → 63.94万 in Chinese; below a million English writes it out
        (639_400, "tonnes", "63.94万", "639,400"),
        # below 10⁵ both languages write the figure out
        (34_063, "yuan", "34,063", "34,063"),
        # a unit with its own scale keeps the figure as given: 12,003亿元, not 1.2万亿亿元
        (12_003, "亿元", "12,003", "12,003"),
        (2_500_000, "万人", "2,500,000", "2,500,000"),
        (2_500_000, "100 million yuan", "2,500,000", "2,500,000"),
    ],
)
def test_format_value(value, unit, zh, en):
    assert format_value(value, "zh", unit=unit) == zh
    assert format_value(value, "en", unit=unit) == en


def test_has_own_scale():
    assert has_own_scale("万元") and has_own_scale("10,000 people") and has_own_scale("thousand")
    assert not has_own_scale("yuan") and not has_own_scale("元") and not has_own_scale(None)


def test_a_quantity_and_its_unit():
    # a space before the unit, except a Chinese figure in large units: a compound unit
    assert format_quantity(21_406_700, "zh", unit="人次") == "2140.67万人次"
    assert format_quantity(34_063, "zh", unit="元") == "34,063 元"
    assert format_quantity(21_406_700, "en", unit="person-times") == "21.41 million person-times"
    assert format_quantity(59, "en", unit="%") == "59 %"
    assert format_quantity(None, "zh", unit="元") == "—"


def test_value_text_in_a_report():
    assert value_text(1_620_000_000.0, "美元", 2009, lang="zh") == "16.2亿美元 (2009)"
    assert value_text(1_620_000_000.0, "USD", 2009, lang="en") == "1.62 billion USD (2009)"
    # a bound: "超过" before the number, the unit attached to 万
    assert value_text(100_000.0, "元", 2018, ">", "zh") == "超过10万元 (2018)"
    assert value_text(25.0, "%", None, ">", "en") == "> 25 %"


def test_format_list_uses_the_locale_list_pattern():
    assert format_list(["郑州", "洛阳", "开封"], "zh") == "郑州、洛阳、开封"
    assert format_list(["A", "B", "C"], "en") == "A, B, C"
    assert format_list([], "en") == ""
