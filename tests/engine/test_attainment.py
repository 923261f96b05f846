"""Attainment (实现程度) of every target form under every method, computed by hand.

The plans have base year 2008 and period 2009–2020; unless said otherwise the
evaluation is as of 2014, six years after the base and six before the target year.
"""

from __future__ import annotations

import math

import pytest

from tests.engine.helpers import obs, plan, row, run, series

A = pytest.approx

LEVELS = """
- key: up
  name: {zh: 正指标}
  unit: 元
  group: g
  goalposts: {worst: 50, best: 250}
  targets: {2020: ">= 200"}
- key: up_gp
  name: {zh: 正指标（目标为最佳值）}
  unit: 元
  group: g
  goalposts: {worst: 50}
  targets: {2020: ">= 200"}
- key: down
  name: {zh: 逆指标}
  unit: 吨
  group: g
  goalposts: {worst: 80, best: 30}
  targets: {2020: "<= 40"}
"""


@pytest.fixture(scope="module")
def levels():
    return plan(LEVELS)


def _levels_obs(up: float, down: float):
    return obs(
        series("up", {2008: 100, 2014: up})
        + series("up_gp", {2008: 100, 2014: up})
        + series("down", {2008: 60, 2014: down})
    )


def test_ratio_positive_and_inverse(levels):
    # NBS 实现程度: 正指标 x/T = 150/200 = 0.75; 逆指标 T/x = 40/50 = 0.8
    ev = run(levels, _levels_obs(150, 50), 2014, attainment="ratio")
    assert row(ev, "up")["attainment"] == A(0.75)
    assert row(ev, "up")["method_used"] == "ratio"
    assert row(ev, "down")["attainment"] == A(0.8)
    assert row(ev, "down")["target_lo"] == -math.inf
    assert row(ev, "down")["target_hi"] == A(40)
    # completion (x − x0)/(T − x0): (150 − 100)/(200 − 100) = 0.5; (50 − 60)/(40 − 60) = 0.5
    assert row(ev, "up")["completion"] == A(0.5)
    assert row(ev, "down")["completion"] == A(0.5)


def test_ratio_capped_at_one_when_met(levels):
    # 220 ≥ 200 and 35 ≤ 40: both met, attainment min(…, 1) = 1
    ev = run(levels, _levels_obs(220, 35), 2014, attainment="ratio")
    for key in ("up", "down"):
        r = row(ev, key)
        assert r["attainment"] == 1.0
        assert r["met"]
        assert r["method_used"] == "met"
        # a level target met in 2014, before its year 2020: achieved early (提前实现)
        assert r["status"] == "achieved_early"
    # completion is uncapped: (220 − 100)/(200 − 100) = 1.2; (35 − 60)/(40 − 60) = 1.25
    assert row(ev, "up")["completion"] == A(1.2)
    assert row(ev, "down")["completion"] == A(1.25)


def test_ratio_wrong_side_is_zero_not_negative(levels):
    # a ≤ target cannot go below 0: 40/50 in general, but x ≤ 0 gives 0
    ev = run(levels, _levels_obs(0, 50), 2014, attainment="ratio")
    assert row(ev, "up")["attainment"] == 0.0


def test_distance(levels):
    # (x − x0)/(T − x0): (150 − 100)/(200 − 100) = 0.5; (50 − 60)/(40 − 60) = 0.5
    ev = run(levels, _levels_obs(150, 50), 2014, attainment="distance")
    assert row(ev, "up")["attainment"] == A(0.5)
    assert row(ev, "up")["method_used"] == "distance"
    assert row(ev, "down")["attainment"] == A(0.5)
    # moved away from the target: (90 − 100)/100 = −0.1 → capped at 0
    ev = run(levels, _levels_obs(90, 65), 2014, attainment="distance")
    assert row(ev, "up")["attainment"] == 0.0
    assert row(ev, "down")["attainment"] == 0.0
    # … while the uncapped completion keeps the sign: −0.1 and (65 − 60)/(40 − 60) = −0.25
    assert row(ev, "up")["completion"] == A(-0.1)
    assert row(ev, "down")["completion"] == A(-0.25)


def test_distance_falls_back_to_ratio_when_baseline_met():
    p = plan(
        """
        - {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: ">= 200"}}
        """
    )
    # x0 = 210 already meets ≥ 200; x = 190 no longer does: distance is undefined,
    # the ratio 190/200 = 0.95 is used; status regressing (baseline met the target)
    ev = run(p, series("a", {2008: 210, 2014: 190}), 2014, attainment="distance")
    r = row(ev, "a")
    assert r["attainment"] == A(0.95)
    assert r["method_used"] == "ratio"
    assert r["status"] == "regressing"
    assert r["reason"] == "baseline_met_target"
    # still met (before the target year 2020): achieved early, attainment 1
    ev = run(p, series("a", {2008: 210, 2014: 230}), 2014, attainment="distance")
    assert row(ev, "a")["status"] == "achieved_early"
    assert row(ev, "a")["attainment"] == 1.0


def test_goalposts(levels):
    # (x − worst)/(best − worst): (150 − 50)/(250 − 50) = 0.5
    # best omitted → the target: (150 − 50)/(200 − 50) = 2/3
    # inverse: (50 − 80)/(30 − 80) = 0.6
    ev = run(levels, _levels_obs(150, 50), 2014, attainment="goalposts")
    assert row(ev, "up")["attainment"] == A(0.5)
    assert row(ev, "up")["method_used"] == "goalposts"
    assert row(ev, "up_gp")["attainment"] == A(2 / 3)
    assert row(ev, "down")["attainment"] == A(0.6)
    # below the worst bound → 0
    ev = run(levels, _levels_obs(40, 90), 2014, attainment="goalposts")
    assert row(ev, "up")["attainment"] == 0.0
    assert row(ev, "down")["attainment"] == 0.0


def test_goalposts_best_defaults_to_target_even_when_baseline_met():
    p = plan(
        """
        - {key: a, name: {zh: 甲}, unit: 元, group: g, goalposts: {worst: 100},
           targets: {2020: ">= 200"}}
        """
    )
    # baseline 210 met the target; 190 does not: (190 − 100)/(200 − 100) = 0.9
    ev = run(p, series("a", {2008: 210, 2014: 190}), 2014, attainment="goalposts")
    assert row(ev, "a")["attainment"] == A(0.9)
    assert row(ev, "a")["method_used"] == "goalposts"


def test_goalposts_without_goalposts_falls_back_to_ratio():
    p = plan("- {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: '>= 200'}}")
    ev = run(p, series("a", {2008: 100, 2014: 150}), 2014, attainment="goalposts")
    assert row(ev, "a")["attainment"] == A(0.75)
    assert row(ev, "a")["method_used"] == "ratio"


ABOUT = """
- {key: dflt, name: {zh: 默认}, unit: "%", group: g, targets: {2020: "~ 60"}}
- {key: pm_abs, name: {zh: 绝对}, unit: "%", group: g, targets: {2020: "~ 60 ± 2"}}
- {key: pm_rel, name: {zh: 相对}, unit: "%", group: g, targets: {2020: "~ 60 ± 10%"}}
- {key: field, name: {zh: 字段}, unit: "%", group: g,
   targets: {2020: {expr: "~ 60", tolerance: "3"}}}
"""


def test_about_bands():
    p = plan(ABOUT)
    keys = ("dflt", "pm_abs", "pm_rel", "field")
    ev = run(p, [r for k in keys for r in series(k, {2008: 50, 2014: 56})], 2014)
    # default 5% of 60 = 3 → [57, 63]; ± 2 → [58, 62]; ± 10% → [54, 66]; tolerance 3 → [57, 63]
    bands = {"dflt": (57, 63), "pm_abs": (58, 62), "pm_rel": (54, 66), "field": (57, 63)}
    for k, (lo, hi) in bands.items():
        assert (row(ev, k)["target_lo"], row(ev, k)["target_hi"]) == (A(lo), A(hi)), k
    # ratio to the nearest edge: 56/57, 56/58, met (1), 56/57
    assert row(ev, "dflt")["attainment"] == A(56 / 57)
    assert row(ev, "pm_abs")["attainment"] == A(56 / 58)
    assert row(ev, "pm_rel")["attainment"] == 1.0
    assert row(ev, "field")["attainment"] == A(56 / 57)
    # distance from x0 = 50 to the near edge: (56 − 50)/(57 − 50) = 6/7
    ev = run(
        p, [r for k in keys for r in series(k, {2008: 50, 2014: 56})], 2014, attainment="distance"
    )
    assert row(ev, "dflt")["attainment"] == A(6 / 7)


def test_about_overshoot_uses_upper_edge():
    p = plan(ABOUT)
    # 70 is above [57, 63]: ratio T/x against the upper edge = 63/70 = 0.9; the distance
    # from below is undefined on the far side, so distance falls back to the ratio
    rows = series("dflt", {2008: 50, 2014: 70})
    assert row(run(p, rows, 2014), "dflt")["attainment"] == A(0.9)
    ev = run(p, rows, 2014, attainment="distance")
    assert row(ev, "dflt")["attainment"] == A(0.9)
    assert row(ev, "dflt")["method_used"] == "ratio"


def test_plan_default_tolerance_absolute():
    p = plan("- {key: a, name: {zh: 甲}, unit: '%', group: g, targets: {2020: '~ 60'}}", tol="2")
    ev = run(p, series("a", {2008: 50, 2014: 57}), 2014)
    # about_tolerance "2" → [58, 62]; 57/58
    assert (row(ev, "a")["target_lo"], row(ev, "a")["target_hi"]) == (A(58), A(62))
    assert row(ev, "a")["attainment"] == A(57 / 58)


@pytest.mark.parametrize(
    ("x", "att", "met"),
    [(8, 0.8, False), (10, 1.0, True), (15, 1.0, True), (20, 1.0, True), (25, 0.8, False)],
)
def test_range(x, att, met):
    p = plan("- {key: a, name: {zh: 甲}, unit: '%', group: g, targets: {2020: 'in [10, 20]'}}")
    # below: x/10; above: 20/x
    r = row(run(p, series("a", {2008: 5, 2014: x}), 2014), "a")
    assert r["attainment"] == A(att)
    assert r["met"] == met


@pytest.mark.parametrize(
    ("x", "att", "met"), [(90, 0.9, False), (100, 1.0, True), (125, 0.8, False)]
)
def test_exact(x, att, met):
    p = plan("- {key: a, name: {zh: 甲}, unit: 个, group: g, targets: {2020: '== 100'}}")
    # below: 90/100; above: 100/125
    r = row(run(p, series("a", {2008: 50, 2014: x}), 2014), "a")
    assert r["attainment"] == A(att)
    assert r["met"] == met


CHANGES = """
- {key: rel_up, name: {zh: 增}, unit: 元, group: g, targets: {2020: "change >= 20%"}}
- {key: rel_down, name: {zh: 减}, unit: 吨, group: g, targets: {2020: "change <= -15%"}}
- {key: abs_up, name: {zh: 百分点}, unit: "%", group: g, targets: {2020: "change >= 5"}}
- {key: vs, name: {zh: 比2005}, unit: 吨, group: g, targets: {2020: "change <= -15% vs 2005"}}
"""


def test_change_relative_and_absolute():
    p = plan(CHANGES)
    rows = (
        series("rel_up", {2008: 100, 2014: 110})
        + series("rel_down", {2008: 200, 2014: 190})
        + series("abs_up", {2008: 40, 2014: 43})
    )
    ev = run(p, rows, 2014)
    # relative change 100·(110 − 100)/100 = 10 against 20 → c/C = 0.5; level needed 120
    r = row(ev, "rel_up")
    assert r["measure"] == "change"
    assert r["measure_value"] == A(10)
    assert r["attainment"] == A(0.5)
    assert r["completion"] == A(0.5)
    assert r["target_level"] == A(120)
    # 100·(190 − 200)/200 = −5 against −15 → 1/3; level needed 200·0.85 = 170
    r = row(ev, "rel_down")
    assert r["measure_value"] == A(-5)
    assert r["attainment"] == A(1 / 3)
    assert r["completion"] == A(1 / 3)
    assert r["target_level"] == A(170)
    # absolute change 43 − 40 = 3 points against 5 → 0.6; level needed 45
    r = row(ev, "abs_up")
    assert r["measure_value"] == A(3)
    assert r["attainment"] == A(0.6)
    assert r["target_level"] == A(45)


def test_change_completion_uncapped():
    p = plan(CHANGES)
    # +30% against +20%: met, attainment 1, completion 30/20 = 1.5
    r = row(run(p, series("rel_up", {2008: 100, 2014: 130}), 2014), "rel_up")
    assert r["met"]
    assert r["attainment"] == 1.0
    assert r["completion"] == A(1.5)
    # the wrong way: +5% against −15%: ratio 0, completion 5/(−15) = −1/3
    r = row(run(p, series("rel_down", {2008: 200, 2014: 210}), 2014), "rel_down")
    assert r["attainment"] == 0.0
    assert r["completion"] == A(-1 / 3)


def test_change_against_an_earlier_reference_year():
    p = plan(CHANGES)
    rows = series("vs", {2005: 100, 2008: 95, 2014: 90})
    # m = 100·(90 − 100)/100 = −10; the baseline's own change m0 = −5; target −15
    # ratio −10/−15 = 2/3; distance (−10 − (−5))/(−15 − (−5)) = 0.5; level needed 85
    ev = run(p, rows, 2014)
    r = row(ev, "vs")
    assert r["measure_value"] == A(-10)
    assert r["attainment"] == A(2 / 3)
    assert r["completion"] == A(0.5)
    assert r["target_level"] == A(85)
    assert row(run(p, rows, 2014, attainment="distance"), "vs")["attainment"] == A(0.5)


def test_growth_cagr():
    p = plan("- {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: 'growth >= 10%'}}")
    # 2008→2013: 100 → 100·1.08⁵ = 146.93280768: CAGR = 100·((x/x0)^(1/5) − 1) = 8%
    ev = run(p, series("a", {2008: 100, 2013: 100 * 1.08**5}), 2013)
    r = row(ev, "a")
    assert r["measure"] == "growth"
    assert r["measure_value"] == A(8)
    # 8/10 = 0.8 (ratio), the base measure is 0 so distance and completion are 0.8 too
    assert r["attainment"] == A(0.8)
    assert r["completion"] == A(0.8)
    # the level the target implies in 2020: 100·1.1¹² = 313.8428
    assert r["target_level"] == A(100 * 1.1**12)
    r = row(run(p, series("a", {2008: 100, 2013: 100 * 1.1**5}), 2013), "a")
    assert r["met"]
    assert r["attainment"] == 1.0


RELATIVE = """
- {key: gdp, name: {zh: 生产总值}, unit: 亿元, group: g, direction: up, scored: false}
- {key: income, name: {zh: 收入}, unit: 元, group: g, targets: {2020: "growth >= growth(gdp)"}}
- {key: b, name: {zh: 乙}, unit: 元, group: g, direction: up, scored: false}
- {key: twice, name: {zh: 两倍}, unit: 元, group: g, targets: {2020: ">= 2 * value(b)"}}
- {key: plus, name: {zh: 加}, unit: 元, group: g, targets: {2020: ">= value(b) + 10"}}
"""


def test_relative_growth_target():
    p = plan(RELATIVE)
    rows = series("gdp", {2008: 100, 2013: 100 * 1.08**5}) + series(
        "income", {2008: 50, 2013: 50 * 1.06**5}
    )
    r = row(run(p, rows, 2013), "income")
    # income grew 6% a year, GDP 8%: band [8, ∞), ratio 6/8 = 0.75
    assert r["measure_value"] == A(6)
    assert r["target_lo"] == A(8)
    assert r["attainment"] == A(0.75)
    # the level implied by growing at GDP's rate to 2020: 50·1.08¹² = 125.9085
    assert r["target_level"] == A(50 * 1.08**12)


def test_relative_value_target():
    p = plan(RELATIVE)
    rows = (
        series("b", {2008: 30, 2014: 40})
        + series("twice", {2008: 40, 2014: 60})
        + series("plus", {2008: 40, 2014: 60})
    )
    ev = run(p, rows, 2014)
    # 2·value(b) in 2014 = 80: 60/80 = 0.75; value(b) + 10 = 50: met
    assert row(ev, "twice")["target_lo"] == A(80)
    assert row(ev, "twice")["attainment"] == A(0.75)
    assert row(ev, "plus")["target_lo"] == A(50)
    assert row(ev, "plus")["met"]
    # the referenced indicator has no value in the latest year: no data
    rows = series("b", {2008: 30}) + series("twice", {2008: 40, 2014: 60})
    r = row(run(p, rows, 2014), "twice")
    assert r["status"] == "no_data"
    assert r["reason"] == "no_value_for_reference"
    assert math.isnan(r["attainment"])
