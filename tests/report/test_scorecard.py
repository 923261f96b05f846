from __future__ import annotations

import pytest

from kaoping.core import evaluate_loaded, load
from kaoping.report.scorecard import fmt_number, fmt_pct, scorecard, scorecard_rows


@pytest.fixture(scope="module")
def loaded():
    return load(None)


@pytest.mark.parametrize("year", [2010, 2015, 2020])
def test_golden_scorecard_of_the_bundled_plan(loaded, golden, year):
    card = scorecard(loaded.plan, evaluate_loaded(loaded, year), lang="en")
    golden(f"scorecard-zhengzhou-{year}-en.json", card)


def test_golden_scorecard_in_chinese(loaded, golden):
    card = scorecard(loaded.plan, evaluate_loaded(loaded, 2020), lang="zh")
    golden("scorecard-zhengzhou-2020-zh.json", card)


def test_rows_cover_every_indicator(loaded):
    card = scorecard(loaded.plan, evaluate_loaded(loaded, 2020))
    rows = scorecard_rows(card)
    assert [r["key"] for r in rows] == [
        i.key for g in loaded.plan.groups for i in loaded.plan.indicators if i.group == g.key
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (21406700, "21,406,700"),
        (639400.0, "639,400"),
        (59.0, "59"),
        (5.5, "5.5"),
        (0.78, "0.78"),
        (150.25, "150.2"),
        (0, "0"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_fmt_number(value, text):
    assert fmt_number(value) == text


def test_fmt_pct():
    assert fmt_pct(0.7136) == "71%"
    assert fmt_pct(None) == "—"
