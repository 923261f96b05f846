"""Censored observations: a bound instead of a value (docs/methods.md §16), by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kaoping.engine.evaluate import evaluate
from kaoping.engine.options import Options
from tests.engine.helpers import plan, row

A = pytest.approx

PLAN = """
- {key: reach, name: {zh: 森林覆盖率}, unit: "%", group: g, targets: {2020: ">= 25"}}
- {key: strict, name: {zh: 森林覆盖率}, unit: "%", group: g, targets: {2020: "> 25"}}
- {key: short, name: {zh: 森林覆盖率}, unit: "%", group: g, targets: {2020: ">= 30"}}
- {key: ceiling, name: {zh: 发生率}, unit: "%", group: g, targets: {2020: "<= 30"}}
- {key: over, name: {zh: 发生率}, unit: "%", group: g, targets: {2020: "<= 20"}}
- {key: under, name: {zh: 发生率}, unit: "%", group: g, targets: {2020: "<= 1"}}
- {key: cut, name: {zh: 能耗下降}, unit: "%", group: g, observed: decline,
   targets: {2013: "change <= -15% vs 2008"}}
- {key: every, name: {zh: 每年}, unit: "%", group: g, targets: {2020: "every year > 25"}}
"""


@pytest.fixture(scope="module")
def p():
    return plan(PLAN)


def ev_of(p, rows, as_of=2012, **opts):
    df = pd.DataFrame(
        [(k, "city", y, v, c) for k, y, v, c in rows],
        columns=["indicator", "area", "year", "value", "censor"],
    )
    return evaluate(p, df, as_of, options=Options.from_plan(p, **opts))


def both(key: str, latest: float, censor: str, base: float = 20.0) -> list[tuple]:
    return [(key, 2008, base, ""), (key, 2012, latest, censor)]


def test_a_lower_bound_that_proves_the_target_meets_it(p):
    # ">25": the value is above 25, so ">= 25" and "> 25" are both met
    for key in ("reach", "strict"):
        r = row(ev_of(p, both(key, 25.0, ">")), key)
        assert r["censor"] == ">"
        assert r["met"] and r["attainment"] == 1.0, key
        assert r["status"] == "achieved_early", key
    # 25 itself does not meet "> 25"
    r = row(ev_of(p, both("strict", 25.0, "")), "strict")
    assert not r["met"] and r["censor"] == ""


def test_otherwise_the_bound_is_used_as_the_value(p):
    # ">25" against ">= 30" from 20 in 2008: attainment 25/30 (the true one is higher),
    # pace (25 − 20)/(E(2012) − 20) with E(2012) = 20 + 10·4/12
    r = row(ev_of(p, both("short", 25.0, ">")), "short")
    assert not r["met"]
    assert r["attainment"] == A(25 / 30)
    assert r["progress_ratio"] == A(5 / (10 * 4 / 12))  # 1.5
    assert r["status"] == "ahead"
    # distance: (25 − 20)/(30 − 20) = 0.5; goalposts need bounds of their own, so ratio
    r = row(ev_of(p, both("short", 25.0, ">"), attainment="distance"), "short")
    assert r["attainment"] == A(0.5)


def test_a_lower_bound_cannot_prove_a_ceiling(p):
    # ">25" under "<= 30": the value may be anything above 25, so the target is not met; at
    # the bound it holds, so the attainment there is 1 (an upper bound of the true one)
    r = row(ev_of(p, both("ceiling", 25.0, ">", base=40.0)), "ceiling")
    assert not r["met"]
    assert r["attainment"] == 1.0
    assert r["status"] not in ("achieved", "achieved_early")
    # ">25" under "<= 20": not met, attainment 20/25 at the bound
    r = row(ev_of(p, both("over", 25.0, ">", base=40.0)), "over")
    assert not r["met"] and r["attainment"] == A(0.8)


def test_an_upper_bound_proves_a_ceiling(p):
    # "<0.5" under "<= 1": met
    r = row(ev_of(p, both("under", 0.5, "<", base=3.0)), "under")
    assert r["met"] and r["censor"] == "<"
    assert r["status"] == "achieved_early"


def test_a_bound_on_a_decline_bounds_the_index_the_other_way(p):
    # declines of 3.5 % a year, the last "more than 3.5 %": the index is at most 100·0.965^5,
    # a change of at most −16.3 %: the cut of 15 % is proven
    rows = [("cut", y, 3.5, "") for y in range(2009, 2013)] + [("cut", 2013, 3.5, ">")]
    r = row(ev_of(p, rows, 2013), "cut")
    assert r["measure_value"] == A(100 * (0.965**5 - 1))
    assert r["met"] and r["status"] == "achieved"


def test_every_year_constraints_read_bounds_the_same_way(p):
    rows = [("every", 2009, 26.0, ""), ("every", 2010, 25.0, ">"), ("every", 2011, 25.0, "")]
    ev = ev_of(p, rows, 2011)
    c = ev.constraints[ev.constraints["indicator"] == "every"]
    assert list(c["held"]) == [True, True, False]


@pytest.mark.parametrize("text", [">=", "≥"])
def test_other_spellings_of_a_lower_bound(p, text):
    r = row(ev_of(p, both("reach", 25.0, text)), "reach")
    assert r["censor"] == ">" and r["met"]


def test_without_a_censor_column_nothing_is_a_bound(p):
    df = pd.DataFrame(
        [("reach", "city", 2008, 20.0), ("reach", "city", 2012, 24.0)],
        columns=["indicator", "area", "year", "value"],
    )
    r = row(evaluate(p, df, 2012), "reach")
    assert r["censor"] == "" and not r["met"]
    assert not math.isnan(r["attainment"])
