"""Babel-based formatting: every expected value below is worked out by hand."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from kaoping.i18n.formats import (
    format_date,
    format_datetime,
    format_large,
    format_number,
    format_percent,
    format_signed,
)


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        # 2,950,000,000 = 29.5 × 10⁸ → 29.5亿; 2.95 × 10⁹ → 2.95 billion
        (2_950_000_000, "zh", "29.5亿"),
        (2_950_000_000, "en", "2.95 billion"),
        # 12,345 = 1.2345 × 10⁴ → two decimals, half to even on 1.2345 → 1.23万
        (12_345, "zh", "1.23万"),
        # English starts at a million: 12,345 is written out
        (12_345, "en", "12,345"),
        # 1,234,567 = 123.4567 × 10⁴ → 123.46万; 1.234567 × 10⁶ → 1.23 million
        (1_234_567, "zh", "123.46万"),
        (1_234_567, "en", "1.23 million"),
        # below 10⁴ no 万: the number itself with grouping
        (9_999, "zh", "9,999"),
        # 99,999,999 = 9999.9999 × 10⁴ rounds to 10000万, which is 1亿
        (99_999_999, "zh", "1亿"),
        # 5 × 10⁹ = 50 × 10⁸
        (5e9, "zh", "50亿"),
        # 1.5 × 10¹³ = 15 × 10¹²
        (1.5e13, "zh", "15万亿"),
        (-12_345, "zh", "-1.23万"),
        (None, "zh", "—"),
        (math.nan, "en", "—"),
    ],
)
def test_format_large(value, lang, expected):
    assert format_large(value, lang) == expected


def test_format_large_with_unit():
    # Chinese units follow the number directly; English after a space
    assert format_large(2_950_000_000, "zh", unit="元") == "29.5亿元"
    assert format_large(2_950_000_000, "en", unit="yuan") == "2.95 billion yuan"


@pytest.mark.parametrize(
    ("value", "lang", "kw", "expected"),
    [
        # ≥ 10,000: no decimals, grouped
        (29095.0, "zh", {"unit": "元"}, "29,095元"),
        (29095.0, "en", {"unit": "yuan"}, "29,095 yuan"),
        # % is attached in both languages
        (6.1, "en", {"unit": "%"}, "6.1%"),
        (6.1, "zh", {"unit": "%"}, "6.1%"),
        # 100–10,000: at most one decimal; 1234.56 → 1,234.6
        (1234.56, "en", {}, "1,234.6"),
        # 1–100: at most two decimals, trailing zeros dropped
        (2.5, "zh", {}, "2.5"),
        (3.0, "en", {}, "3"),
        # half to even on the decimal form: 2.675 → 2.68 (7 is odd → up), 1.125 → 1.12
        (2.675, "en", {}, "2.68"),
        (1.125, "en", {}, "1.12"),
        # below 1: three significant digits: 0.012345 → 0.0123
        (0.012345, "en", {}, "0.0123"),
        (0, "en", {}, "0"),
        # exact digits
        (29095.0, "en", {"digits": 2}, "29,095.00"),
        # a value that rounds to zero has no sign
        (-0.04, "en", {"digits": 1}, "0.0"),
        (-0.4, "zh", {"digits": 0}, "0"),
        (None, "en", {"unit": "%"}, "—"),
    ],
)
def test_format_number(value, lang, kw, expected):
    assert format_number(value, lang, **kw) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (-0.04, 1, "0.0"),  # never "−0.0"
        (0.04, 1, "0.0"),  # nor "+0.0"
        (1.5, 1, "+1.5"),
        (-0.3, 1, "-0.3"),
        # 1.25 → 1.2 (half to even), -1.35 → -1.4
        (1.25, 1, "+1.2"),
        (-1.35, 1, "-1.4"),
        (12_345.0, 0, "+12,345"),
        (-0.4, 0, "0"),
    ],
)
def test_format_signed(value, digits, expected):
    assert format_signed(value, "en", digits) == expected
    assert format_signed(value, "zh", digits) == expected


def test_format_signed_unit_and_missing():
    assert format_signed(2.0, "zh", 1, unit="%") == "+2.0%"
    assert format_signed(None, "zh") == "—"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (0.34, 0, "34%"),
        (0.345, 1, "34.5%"),
        (1, 0, "100%"),
        (-0.004, 0, "0%"),  # -0.4 % rounds to zero: no sign
        (0.0125, 1, "1.2%"),  # 1.25 → 1.2, half to even
    ],
)
def test_format_percent(value, digits, expected):
    assert format_percent(value, "zh", digits) == expected
    assert format_percent(value, "en", digits) == expected


def test_format_datetime_local_to_the_minute():
    # 11:29:33 UTC is 19:29 in Shanghai (UTC+8); seconds and microseconds are dropped
    text = "2026-11-30T11:29:33.470912+00:00"
    assert format_datetime(text, "zh", "Asia/Shanghai") == "2026-11-30 19:29"
    assert format_datetime(text, "en", "Asia/Shanghai") == "2026-11-30 19:29"
    aware = datetime(2026, 11, 30, 11, 29, 33, 470912, tzinfo=UTC)
    assert format_datetime(aware, "zh", "Asia/Shanghai") == "2026-11-30 19:29"
    # a naive time is UTC, as the store keeps it; 20:05 UTC is the next day in Shanghai
    assert format_datetime(datetime(2026, 11, 30, 20, 5), "zh", "Asia/Shanghai") == (
        "2026-12-01 04:05"
    )
    assert format_datetime(aware, "en", "UTC") == "2026-11-30 11:29"
    # Berlin in winter is UTC+1
    assert format_datetime(aware, "en", "Europe/Berlin") == "2026-11-30 12:29"
    assert format_datetime(None, "zh") == "—"


def test_format_datetime_default_zone(monkeypatch):
    monkeypatch.delenv("KAOPING_TIMEZONE", raising=False)
    assert format_datetime("2026-11-30T11:29:33+00:00", "zh") == "2026-11-30 19:29"
    monkeypatch.setenv("KAOPING_TIMEZONE", "UTC")
    assert format_datetime("2026-11-30T11:29:33+00:00", "zh") == "2026-11-30 11:29"


def test_format_date():
    assert format_date(date(2026, 11, 30), "zh") == "2026年11月30日"
    assert format_date(date(2026, 11, 30), "en") == "Nov 30, 2026"
    assert format_date("2026-11-30", "zh") == "2026年11月30日"
    # 20:00 UTC on the 30th is the 1st in Shanghai
    assert format_date("2026-11-30T20:00:00+00:00", "en", "Asia/Shanghai") == "Dec 1, 2026"
    assert format_date(None, "en") == "—"


def test_timezone_setting(monkeypatch):
    from kaoping.errors import UsageError
    from kaoping.settings import Settings

    monkeypatch.delenv("KAOPING_TIMEZONE", raising=False)
    assert Settings.from_env().timezone == "Asia/Shanghai"
    monkeypatch.setenv("KAOPING_TIMEZONE", "Europe/Berlin")
    assert Settings.from_env().timezone == "Europe/Berlin"
    monkeypatch.setenv("KAOPING_TIMEZONE", "Mars/Olympus")
    with pytest.raises(UsageError):
        Settings.from_env()
