"""Expected path, 进度比, annual rates, milestones and the projection, computed by hand.

Base year 2008, target year 2020 (twelve years), evaluated as of 2014 (half the time)
unless said otherwise.
"""

from __future__ import annotations

import math

import pytest

from tests.engine.helpers import plan, row, run, series

A = pytest.approx

LINEAR = "- {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: '>= 200'}}"
GEOMETRIC = (
    "- {key: a, name: {zh: 甲}, unit: 元, group: g, path: geometric, targets: {2020: '>= 400'}}"
)
PIECEWISE = """
- key: a
  name: {zh: 甲}
  unit: 元
  group: g
  targets:
    2015: ">= 170"
    2020: ">= 200"
"""


def test_linear_path_and_progress_ratio():
    p = plan(LINEAR)
    ev = run(p, series("a", {2008: 100, 2014: 140}), 2014)
    r = row(ev, "a")
    # E(2014) = 100 + (200 − 100)·6/12 = 150
    assert r["expected_value"] == A(150)
    # 进度比 = (x − x0)/(E − x0) = 40/50 = 0.8; progress (x − x0)/(T − x0) = 40/100 = 0.4
    assert r["progress_ratio"] == A(0.8)
    assert r["progress"] == A(0.4)
    assert r["pace"] == A(0.8)  # time_half uses the progress ratio
    # linear rates: observed 40/6 = 6.667 a year, required 100/12 = 8.333, ratio 0.8;
    # needed from now on: (200 − 140)/(2020 − 2014) = 10 a year
    assert r["observed_rate"] == A(40 / 6)
    assert r["required_rate"] == A(100 / 12)
    assert r["rate_ratio"] == A(0.8)
    assert r["required_rate_now"] == A(10)
    assert not r["compound"]


def test_geometric_path_and_compound_rates():
    p = plan(GEOMETRIC)
    ev = run(p, series("a", {2008: 100, 2014: 180}), 2014)
    r = row(ev, "a")
    # E(2014) = 100·(400/100)^(6/12) = 200; 进度比 = (180 − 100)/(200 − 100) = 0.8
    assert r["expected_value"] == A(200)
    assert r["progress_ratio"] == A(0.8)
    # compound: observed 100·(1.8^(1/6) − 1) = 10.2924%, required 100·(4^(1/12) − 1)
    # = 12.2462%, ratio 0.84045; needed now 100·((400/180)^(1/6) − 1) = 14.2347%
    assert r["compound"]
    assert r["observed_rate"] == A(10.292356902673916)
    assert r["required_rate"] == A(12.246204830937302)
    assert r["rate_ratio"] == A(10.292356902673916 / 12.246204830937302)
    assert r["required_rate_now"] == A(14.234665508750943)


def test_piecewise_path_through_an_intermediate_target():
    p = plan(PIECEWISE)
    # 2008 → 2015: 100 → 170 (10 a year); 2015 → 2020: 170 → 200 (6 a year)
    # E(2012) = 140, 进度比 at x = 120: 20/40 = 0.5
    r = row(run(p, series("a", {2008: 100, 2012: 120}), 2012), "a")
    assert r["expected_value"] == A(140)
    assert r["progress_ratio"] == A(0.5)
    # E(2017) = 170 + 2·6 = 182; x = 191 → 91/82
    r = row(run(p, series("a", {2008: 100, 2017: 191}), 2017), "a")
    assert r["expected_value"] == A(182)
    assert r["progress_ratio"] == A(91 / 82)
    # 91/82 = 1.11 ≥ 1.1: ahead of schedule (快于预期)
    assert r["status"] == "ahead"


def test_milestones_on_a_linear_path():
    p = plan(LINEAR)
    ev = run(p, series("a", {2008: 100, 2010: 110, 2015: 160}), 2016)
    ms = ev.milestones[ev.milestones["area"] == "city"].set_index("year")
    # only milestone years after the base and up to the as-of year: 2010 and 2015
    assert list(ms.index) == [2010, 2015]
    # E(2010) = 100 + 100·2/12 = 116.667 (110 below: not met); E(2015) = 158.333 (160: met)
    assert ms.loc[2010, "expected"] == A(100 + 100 * 2 / 12)
    assert ms.loc[2015, "expected"] == A(100 + 100 * 7 / 12)
    assert ms.loc[2010, "observed"] == 110
    assert ms.loc[2010, "met"] is False
    assert bool(ms.loc[2015, "met"])
    assert not ms["explicit"].any()


def test_milestones_with_an_explicit_intermediate_target():
    p = plan(PIECEWISE)
    ev = run(p, series("a", {2008: 100, 2010: 125, 2015: 160}), 2017)
    ms = ev.milestones[ev.milestones["area"] == "city"].set_index("year")
    # E(2010) = 100 + 70·2/7 = 120 → 125 met; 2015 is the plan's own target ≥ 170 → 160 not met
    assert ms.loc[2010, "expected"] == A(120)
    assert bool(ms.loc[2010, "met"])
    assert not ms.loc[2010, "explicit"]
    assert ms.loc[2015, "expected"] == A(170)
    assert ms.loc[2015, "explicit"]
    assert not ms.loc[2015, "met"]


def test_milestone_without_observation_has_no_met_flag():
    p = plan(LINEAR)
    ev = run(p, series("a", {2008: 100, 2011: 130}), 2011)
    ms = ev.milestones[ev.milestones["area"] == "city"].set_index("year")
    assert list(ms.index) == [2010]
    assert math.isnan(ms.loc[2010, "observed"])
    assert ms.loc[2010, "met"] is None


def test_linear_projection_and_projected_year():
    p = plan(LINEAR)
    ev = run(p, series("a", {2008: 100, 2010: 110, 2012: 130, 2014: 140}), 2014)
    r = row(ev, "a")
    # least squares on t = 0, 2, 4, 6 (years since 2008): t̄ = 3, ȳ = 120,
    # Sxx = 20, Sxy = 140 → slope 7, intercept 120 − 21 = 99
    assert r["slope"] == A(7)
    # projected 2020 (t = 12): 99 + 84 = 183 < 200 → not met
    assert r["projected_value"] == A(183)
    assert not r["projected_met"]
    # reaches 200 at t = (200 − 99)/7 = 14.43 → in 2023 (rounded up)
    assert r["projected_year"] == 2023
    assert r["trend"] == "improving"


def test_log_linear_projection_for_geometric_indicators():
    p = plan(
        "- {key: a, name: {zh: 甲}, unit: 元, group: g, path: geometric, targets: {2020: '>= 250'}}"
    )
    ev = run(p, series("a", {2008: 100, 2009: 110, 2010: 121}), 2010)
    r = row(ev, "a")
    # ln x is exactly linear: slope ln 1.1; 2020: 100·1.1¹² = 313.84 ≥ 250
    assert r["slope"] == A(math.log(1.1))
    assert r["projected_value"] == A(100 * 1.1**12)
    assert r["projected_met"]
    # 250 is reached at t = ln 2.5/ln 1.1 = 9.61 → 2018
    assert r["projected_year"] == 2018


def test_no_projected_year_when_the_trend_moves_away():
    p = plan(LINEAR)
    r = row(run(p, series("a", {2008: 100, 2011: 90, 2014: 80}), 2014), "a")
    assert r["slope"] == A(-10 / 3)
    assert r["projected_year"] is None or str(r["projected_year"]) == "<NA>"
    assert r["trend"] == "worsening"
