"""Observations published as annual rates, chained into an index (docs/methods.md §13)."""

from __future__ import annotations

import math

import pytest

from tests.engine.helpers import plan, row, run, series

A = pytest.approx

PLAN = """
- {key: gdp_growth, name: {zh: 地区生产总值增长}, unit: "%", group: g, observed: growth,
   targets: {2020: "growth >= 7% vs 2008"}}
- {key: energy, name: {zh: 单位GDP能耗下降}, unit: "%", group: g, observed: decline,
   targets: {2013: "change <= -15% vs 2008"}}
- {key: floor, name: {zh: 增速底线}, unit: "%", group: g, observed: growth,
   baseline: {year: 2008, value: 8}, targets: {2020: ">= 9"}}
- {key: since_gap, name: {zh: 间断后增长}, unit: "%", group: g, observed: growth,
   targets: {2020: "growth >= 4% vs 2011"}}
- {key: across_gap, name: {zh: 跨间断增长}, unit: "%", group: g, observed: growth,
   targets: {2020: "growth >= 4% vs 2008"}}
- {key: rd, name: {zh: 研发经费}, unit: 亿元, group: g, path: geometric,
   targets: {2020: "growth >= growth(gdp_growth)"}}
- {key: every_rate, name: {zh: 每年增速}, unit: "%", group: g, observed: growth,
   targets: {2020: "every year >= 6"}}
- {key: every_growth, name: {zh: 每年增长}, unit: "%", group: g, observed: growth,
   targets: {2020: "every year growth >= 6%"}}
- {key: every_cut, name: {zh: 每年下降}, unit: "%", group: g, observed: decline,
   targets: {2020: "every year change <= -2%"}}
"""


@pytest.fixture(scope="module")
def p():
    return plan(PLAN)


def test_a_constant_rate_chains_to_that_average_growth(p):
    # 7, 7, 7, 7, 7 (2009–2013): I(2008) = 100, I(2013) = 100·1.07^5 = 140.255
    ev = run(p, series("gdp_growth", dict.fromkeys(range(2009, 2014), 7.0)), 2013)
    r = row(ev, "gdp_growth")
    assert r["observed"] == "growth"
    assert r["index_base"] == A(100)
    assert r["index_latest"] == A(100 * 1.07**5)
    # average growth 2008–2013 = 100·((I_2013/I_2008)^(1/5) − 1) = 7
    assert r["measure_value"] == A(7.0)
    assert r["latest_value"] == 7.0  # the published rate, as it is shown
    assert r["met"] and r["attainment"] == 1
    # met before 2020, judged on pace: the index's expected path is geometric, from 100 in
    # 2008 to T = 100·1.07^12 in 2020, so E(2013) = 100·1.07^5 and the progress ratio is 1
    assert r["target_level"] == A(100 * 1.07**12)
    assert r["expected_value"] == A(100 * 1.07**5)
    assert r["progress_ratio"] == A(1.0)
    assert (r["status"], r["reason"]) == ("on_track", "met_before_target_year")


def test_varying_rates_average_as_their_geometric_mean(p):
    rates = {2009: 9.0, 2010: 8.0, 2011: 7.0, 2012: 6.0, 2013: 5.0}
    r = row(run(p, series("gdp_growth", rates), 2013), "gdp_growth")
    product = 1.09 * 1.08 * 1.07 * 1.06 * 1.05
    assert r["index_latest"] == A(100 * product)
    assert r["measure_value"] == A(100 * (product ** (1 / 5) - 1))  # 6.991 < 7
    assert not r["met"]


def test_declines_chain_into_a_cumulative_change(p):
    # "下降2.7%" five years running: the index falls to 100·0.973^5; the change against 2008
    # is 100·(0.973^5 − 1) = −12.79 %, short of the −15 % cut
    ev = run(p, series("energy", dict.fromkeys(range(2009, 2014), 2.7)), 2013)
    r = row(ev, "energy")
    change = 100 * (0.973**5 - 1)
    assert change == A(-12.7904, abs=1e-4)
    assert r["measure_value"] == A(change)
    assert r["attainment"] == A(change / -15)  # ratio: −12.79/−15 = 0.853
    # in the target year the path has reached the target: pace (I − 100)/(85 − 100) = 0.853
    assert r["progress_ratio"] == A(change / -15)
    assert r["status"] == "lagging"


def test_a_decline_is_judged_on_pace_along_a_constant_rate(p):
    # as of 2011: I = 100·0.973^3; the geometric path to 85 in 2013 gives E(2011) = 100·0.85^(3/5)
    ev = run(p, series("energy", dict.fromkeys(range(2009, 2012), 2.7)), 2011)
    r = row(ev, "energy")
    x = 100 * 0.973**3
    e = 100 * 0.85 ** (3 / 5)
    assert r["expected_value"] == A(e)
    assert r["progress_ratio"] == A((x - 100) / (e - 100))  # 0.849
    assert r["status"] == "lagging"


def test_a_level_target_compares_the_published_rate(p):
    # the plan's baseline of a rate indicator is a rate: 8 in 2008; 8.5 in 2013 against ">= 9"
    # by 2020: E(2013) = 8 + 1·5/12, pace 0.5/(5/12) = 1.2
    r = row(run(p, series("floor", {2012: 8.2, 2013: 8.5}), 2013), "floor")
    assert r["base_value"] == 8 and r["latest_value"] == 8.5
    assert math.isnan(r["index_latest"])
    assert r["expected_value"] == A(8 + 5 / 12)
    assert r["progress_ratio"] == A(1.2)
    assert r["status"] == "ahead"


def test_a_missing_year_ends_the_run(p):
    rates = {2009: 5.0, 2010: 5.0, 2012: 5.0, 2013: 5.0}  # nothing for 2011
    ev = run(p, series("since_gap", rates) + series("across_gap", rates), 2013)
    # the latest run starts in 2012: I(2011) = 100, I(2013) = 110.25, growth 5 % a year
    r = row(ev, "since_gap")
    assert r["measure_value"] == A(5.0)
    assert r["index_latest"] == A(110.25)
    # across the gap the ratio is undefined: no value for the reference year 2008
    r = row(ev, "across_gap")
    assert math.isnan(r["measure_value"])
    assert (r["status"], r["reason"]) == ("no_data", "no_reference_value")


def test_growth_of_a_rate_indicator_as_a_reference(p):
    # gdp grows 7 % a year (published as rates); R&D spending 100 → 150 in 2008–2013 grows
    # 100·(1.5^(1/5) − 1) = 8.45 % a year: at least as fast
    rows = series("gdp_growth", dict.fromkeys(range(2009, 2014), 7.0)) + series(
        "rd", {2008: 100, 2013: 150}
    )
    r = row(run(p, rows, 2013), "rd")
    assert r["target_lo"] == A(7.0)
    assert r["measure_value"] == A(100 * (1.5 ** (1 / 5) - 1))
    assert r["met"]


def test_every_year_on_rates_compares_each_published_rate(p):
    rates = {2009: 7.0, 2010: 5.5, 2011: 6.5}
    rows = series("every_rate", rates) + series("every_growth", rates)
    rows += series("every_cut", {2009: 2.7, 2010: 1.5, 2011: 3.0})
    ev = run(p, rows, 2011)
    c = ev.constraints.set_index(["indicator", "year"])
    for key in ("every_rate", "every_growth"):
        assert list(c.loc[key, "measure"]) == [7.0, 5.5, 6.5]
        assert list(c.loc[key, "held"]) == [True, False, True]
        assert (row(ev, key)["years_checked"], row(ev, key)["years_held"]) == (3, 2)
    # a decline of 2.7 % is a change of −2.7 %: held; −1.5 % is not a cut of 2 %
    assert list(c.loc["every_cut", "measure"]) == [-2.7, -1.5, -3.0]
    assert list(c.loc["every_cut", "held"]) == [True, False, True]
