"""Baselines, areas, the as-of year and duplicate observations."""

from __future__ import annotations

import pytest

from kaoping.errors import UsageError
from tests.engine.helpers import obs, plan, row, run, series

A = pytest.approx

LINEAR = "- {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: '>= 200'}}"
GIVEN = """
- key: a
  name: {zh: 甲}
  unit: 元
  group: g
  baseline: {year: 2008, value: 80, source: 统计公报}
  targets: {2020: ">= 200"}
"""


def _base(ev, area="city"):
    r = row(ev, "a", area)
    return r["base_value"], r["base_year"], r["base_nearby"]


def test_baseline_in_the_base_year():
    ev = run(plan(LINEAR), series("a", {2007: 90, 2008: 100, 2009: 110, 2014: 150}), 2014)
    assert _base(ev) == (100, 2008, False)


def test_baseline_nearest_within_the_window_earlier_first():
    p = plan(LINEAR)
    # no 2008: 2007 and 2009 are both one year away; the earlier one is taken
    assert _base(run(p, series("a", {2007: 90, 2009: 110, 2014: 150}), 2014)) == (90, 2007, True)
    assert _base(run(p, series("a", {2009: 110, 2014: 150}), 2014)) == (110, 2009, True)
    # 2010 is two years away: outside the default window of 1, inside a window of 2
    rows = series("a", {2010: 120, 2014: 150})
    r = row(run(p, rows, 2014), "a")
    assert (r["status"], r["reason"]) == ("no_data", "no_baseline")
    assert _base(run(p, rows, 2014, baseline_window=2)) == (120, 2010, True)
    # the plan's own window
    assert _base(run(plan(LINEAR, window=2), rows, 2014)) == (120, 2010, True)


def test_baseline_given_by_the_plan():
    p = plan(GIVEN)
    rows = series("a", {2008: 100, 2014: 140}) + series("a", {2008: 100, 2014: 140}, "east")
    ev = run(p, rows, 2014)
    # the plan's 80 wins over the observed 100 for the plan's own (default) area
    assert _base(ev) == (80, 2008, False)
    # E(2014) = 80 + (200 − 80)·6/12 = 140 → 进度比 (140 − 80)/(140 − 80) = 1
    assert row(ev, "a")["progress_ratio"] == A(1.0)
    # the districts keep their observed baseline: E = 150, 进度比 40/50 = 0.8
    assert _base(ev, "east") == (100, 2008, False)
    assert row(ev, "a", "east")["progress_ratio"] == A(0.8)


def test_areas_are_evaluated_independently():
    p = plan(LINEAR)
    city = series("a", {2008: 100, 2014: 150})
    east = series("a", {2008: 100, 2014: 140}, "east")
    west = series("a", {2008: 100, 2014: 90}, "west")
    ev = run(p, city + east + west, 2014)
    assert ev.areas == ["city", "east", "west"]
    # 进度比 50/50, 40/50, −10/50
    assert [row(ev, "a", a)["progress_ratio"] for a in ev.areas] == [A(1), A(0.8), A(-0.2)]
    assert [row(ev, "a", a)["status"] for a in ev.areas] == ["on_track", "lagging", "regressing"]
    # the same numbers when a district is evaluated alone
    alone = run(p, west, 2014)
    assert row(alone, "a", "west")["progress_ratio"] == A(-0.2)
    assert ev.score("overall", "overall", "west") == alone.score("overall", "overall", "west")
    # the city has no data in that evaluation
    assert row(alone, "a", "city")["status"] == "no_data"


def test_data_after_the_as_of_year_are_ignored():
    p = plan(LINEAR)
    rows = series("a", {2008: 100, 2014: 150, 2016: 250})
    r = row(run(p, rows, 2014), "a")
    assert (r["latest_year"], r["latest_value"], r["status"]) == (2014, 150, "on_track")
    # met in 2016, before the target year: achieved early
    assert row(run(p, rows, 2016), "a")["status"] == "achieved_early"
    # rows of unknown indicators are ignored too
    r = row(run(p, rows + series("other", {2014: 1}), 2014), "a")
    assert r["latest_value"] == 150


def test_duplicate_observations_raise():
    p = plan(LINEAR)
    rows = obs([("a", "city", 2008, 100), ("a", "city", 2014, 150), ("a", "city", 2014, 151)])
    with pytest.raises(UsageError, match="two observations"):
        run(p, rows, 2014)
    # the same year in two areas is not a duplicate
    run(p, obs([("a", "city", 2014, 150), ("a", "east", 2014, 150)]), 2014)


def test_as_of_before_the_base_year_raises():
    with pytest.raises(UsageError):
        run(plan(LINEAR), series("a", {2008: 100}), 2007)
