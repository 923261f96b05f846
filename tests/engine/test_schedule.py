"""Year-by-year targets (年度目标, docs/methods.md §14), by hand."""

from __future__ import annotations

import math

import pytest

from tests.engine.helpers import plan, row, run, series

A = pytest.approx

PLAN = """
- key: gdp_growth
  name: {zh: 地区生产总值增长}
  unit: "%"
  group: g
  observed: growth
  schedule:
    2009: ">= 8"
    2010: "~ 9 ± 0.5"
    2011: ">= 8"
- key: income
  name: {zh: 居民收入}
  unit: 元
  group: g
  schedule:
    2010: {expr: "growth >= 5% vs 2008", text: {zh: 年均增长5%以上}}
  targets:
    2020: ">= 200"
- key: plain
  name: {zh: 居民收入}
  unit: 元
  group: g
  targets:
    2020: ">= 200"
"""


@pytest.fixture(scope="module")
def p():
    return plan(PLAN)


def _rates(v2011: float):
    return series("gdp_growth", {2009: 8.5, 2010: 9.2, 2011: v2011})


def test_each_year_is_checked_against_its_own_target(p):
    # 2009: 8.5 ≥ 8 held; 2010: 9.2 in [8.5, 9.5] held; 2011: 7.5 < 8 failed
    ev = run(p, _rates(7.5), 2011)
    s = ev.schedule[ev.schedule["indicator"] == "gdp_growth"].set_index("year")
    assert list(s.index) == [2009, 2010, 2011]
    assert list(s["target"]) == [">= 8", "~ 9 ± 0.5", ">= 8"]
    assert list(s["lo"]) == [8, 8.5, 8] and list(s["hi"]) == [math.inf, 9.5, math.inf]
    assert list(s["held"]) == [True, True, False]
    r = row(ev, "gdp_growth")
    assert r["kind"] == "schedule"
    assert (r["schedule_years"], r["schedule_held"]) == (3, 2)
    assert r["schedule_year"] == 2011 and not r["schedule_met"]
    # the latest scheduled year decides: failed, lagging; attainment = share held = 2/3
    assert (r["status"], r["reason"]) == ("lagging", "latest_year_failed")
    assert r["attainment"] == A(2 / 3)
    assert r["schedule_target"] == ">= 8"  # the as-of year's expression
    assert r["target"] == ">= 8" and r["target_year"] == 2011


def test_before_the_last_scheduled_year_a_held_year_is_on_track(p):
    r = row(run(p, _rates(7.5), 2010), "gdp_growth")
    assert (r["status"], r["reason"], r["attainment"]) == ("on_track", "", 1.0)
    assert r["schedule_target"] == "~ 9 ± 0.5"


def test_the_last_scheduled_year_held_is_achieved(p):
    r = row(run(p, _rates(8.1), 2011), "gdp_growth")
    assert (r["status"], r["reason"]) == ("achieved", "")
    assert r["met"] and r["attainment"] == 1.0
    # an earlier failed year stays visible in the reason and the share
    rows = series("gdp_growth", {2009: 7.5, 2010: 9.2, 2011: 8.1})
    r = row(run(p, rows, 2011), "gdp_growth")
    assert (r["status"], r["reason"]) == ("achieved", "some_years_failed")
    assert r["attainment"] == A(2 / 3)
    r = row(run(p, rows, 2010), "gdp_growth")
    assert (r["status"], r["reason"]) == ("on_track", "some_years_failed")


def test_no_scheduled_year_with_a_value_is_no_data(p):
    r = row(run(p, series("gdp_growth", {2008: 9.0}), 2010), "gdp_growth")
    assert (r["status"], r["reason"], r["schedule_years"]) == ("no_data", "no_value", 0)


def test_a_schedule_beside_a_final_target_never_bends_its_path(p):
    # income grows 100 → 110.25 in 2008–2010: 5 % a year, the 2010 schedule entry holds;
    # the final target ">= 200" by 2020 keeps its own path and status
    data = {2008: 100, 2010: 110.25, 2012: 130}
    ev = run(p, series("income", data) + series("plain", data), 2012)
    with_schedule, without = row(ev, "income"), row(ev, "plain")
    assert with_schedule["schedule_met"] and with_schedule["schedule_years"] == 1
    assert with_schedule["schedule_year"] == 2010
    for col in ("status", "attainment", "expected_value", "progress_ratio", "target_level"):
        assert with_schedule[col] == without[col], col
    # E(2012) = 100 + 100·4/12 = 133.33; pace 30/33.33 = 0.9: lagging
    assert with_schedule["expected_value"] == A(100 + 100 * 4 / 12)
    assert with_schedule["status"] == "lagging"
    s = ev.schedule[ev.schedule["indicator"] == "income"]
    assert list(s["measure"]) == [A(5.0)] and list(s["held"]) == [True]


def test_a_stale_schedule_is_not_judged(p):
    # the latest value (2009) is more than two years before 2012
    r = row(run(p, series("gdp_growth", {2009: 8.5}), 2012), "gdp_growth")
    assert (r["status"], r["reason"]) == ("stale", "data_too_old")
    assert math.isnan(r["attainment"])
