"""The status rules per target form (docs/methods.md §7), computed by hand.

Plan period 2009–2020, base year 2008, linear paths unless stated.
"""

from __future__ import annotations

import math

import pytest

from kaoping.errors import UsageError
from tests.engine.helpers import plan, row, run, series

A = pytest.approx

PLAN = """
- {key: lvl, name: {zh: 水平}, unit: 元, group: g, targets: {2020: ">= 200"}}
- {key: lvl_late, name: {zh: 水平不提前}, unit: 元, group: g,
   targets: {2020: {expr: ">= 200", early: false}}}
- {key: gdp, name: {zh: 生产总值}, unit: 亿元, group: g, targets: {2020: "growth >= 8%"}}
- {key: gdp_early, name: {zh: 可提前}, unit: 亿元, group: g,
   targets: {2020: {expr: "growth >= 8%", early: true}}}
- {key: inc, name: {zh: 收入}, unit: 元, group: g, targets: {2020: "growth >= growth(gdp)"}}
- {key: energy, name: {zh: 能耗}, unit: 吨, group: g, targets: {2020: "change <= -15%"}}
- {key: rev, name: {zh: 财政}, unit: 亿元, group: g,
   targets: {2012: {expr: "every year growth >= 8%", start: 2009}}}
- {key: rev_early, name: {zh: 财政提前}, unit: 亿元, group: g,
   targets: {2012: {expr: "every year growth >= 8%", start: 2009, early: true}}}
"""


@pytest.fixture(scope="module")
def p():
    return plan(PLAN)


# -- achieved, achieved early, or judged on pace -------------------------------------------


def test_level_target_met_early_then_achieved(p):
    # >= 200 met in 2014, before 2020: 提前实现
    r = row(run(p, series("lvl", {2008: 100, 2014: 210}), 2014), "lvl")
    assert (r["status"], r["reason"]) == ("achieved_early", "")
    # met with data of the target year: achieved
    r = row(run(p, series("lvl", {2008: 100, 2014: 210, 2020: 220}), 2020), "lvl")
    assert r["status"] == "achieved"


def test_early_false_keeps_a_level_target_on_pace(p):
    # met in 2014; pace (210 − 100)/(150 − 100) = 2.2 ≥ 1.1 → ahead, judged on pace
    r = row(run(p, series("lvl_late", {2008: 100, 2014: 210}), 2014), "lvl_late")
    assert (r["status"], r["reason"]) == ("ahead", "met_before_target_year")
    assert r["met"]
    assert r["pace"] == A(2.2)


def test_average_growth_met_before_its_year_is_judged_on_pace(p):
    # 100 → 146.41 in 2008–2012: growth 100·(1.4641^(1/4) − 1) = 10% ≥ 8%: met, but a
    # five-year average can still fall: judged on pace, at least on track.
    # T = 100·1.08^12 = 251.817; E(2012) = 100 + 151.817·4/12 = 150.606;
    # 进度比 = 46.41/50.606 = 0.9171 (lagging by pace) → on track because the target is met
    rows = series("gdp", {2008: 100, 2012: 146.41})
    r = row(run(p, rows, 2012), "gdp")
    assert r["measure_value"] == A(10)
    assert r["met"]
    assert r["target_level"] == A(100 * 1.08**12)
    assert r["expected_value"] == A(100 + (100 * 1.08**12 - 100) * 4 / 12)
    assert r["pace"] == A(46.41 / (100 * 1.08**12 - 100) / (4 / 12))
    assert (r["status"], r["reason"]) == ("on_track", "met_before_target_year")
    # in its target year, met: achieved
    rows = series("gdp", {2008: 100, 2012: 146.41, 2020: 100 * 1.1**12})
    assert row(run(p, rows, 2020), "gdp")["status"] == "achieved"
    # unless the plan says it can be achieved early
    rows = series("gdp_early", {2008: 100, 2012: 146.41})
    assert row(run(p, rows, 2012), "gdp_early")["status"] == "achieved_early"


def test_relative_growth_met_before_its_year_is_judged_on_pace(p):
    # gdp grows 10% a year (100 → 146.41), inc 100 → 150: 100·(1.5^(1/4) − 1) = 10.668% ≥ 10%.
    # T = 100·1.1^12 = 313.843; E(2012) = 100 + 213.843/3 = 171.281; 进度比 50/71.281 = 0.701
    rows = series("gdp", {2008: 100, 2012: 146.41}) + series("inc", {2008: 100, 2012: 150})
    r = row(run(p, rows, 2012), "inc")
    assert r["met"]
    assert r["target_lo"] == A(10)
    assert r["pace"] == A(50 / ((100 * 1.1**12 - 100) / 3))
    assert (r["status"], r["reason"]) == ("on_track", "met_before_target_year")


def test_cumulative_change_met_before_its_year_is_judged_on_pace(p):
    # change <= -15%: 100 → 80 (−20%) in 2012: met. T = 85, E(2012) = 100 − 15·4/12 = 95,
    # 进度比 = −20/−5 = 4 ≥ 1.1 → ahead, not achieved
    r = row(run(p, series("energy", {2008: 100, 2012: 80}), 2012), "energy")
    assert r["met"]
    assert r["pace"] == A(4.0)
    assert (r["status"], r["reason"]) == ("ahead", "met_before_target_year")
    # −10% in 2012: 进度比 −10/−5 = 2 → ahead, not met
    r = row(run(p, series("energy", {2008: 100, 2012: 90}), 2012), "energy")
    assert (r["status"], r["reason"], r["met"]) == ("ahead", "", False)


# -- thresholds ----------------------------------------------------------------------------


def test_ahead_and_on_track_thresholds(p):
    # >= 200 by 2020 from 100 (2008), as of 2014: E = 150, pace (x − 100)/50
    for x, status in ((156, "ahead"), (154, "on_track"), (150, "on_track"), (140, "lagging")):
        r = row(run(p, series("lvl", {2008: 100, 2014: x}), 2014), "lvl")
        assert r["status"] == status, x


def test_plan_overrides_thresholds():
    text = """
    - {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: ">= 200"}}
    """
    q = plan(text)
    q.methods.thresholds.ahead = 1.3
    q.methods.thresholds.on_track = 0.9
    # pace 1.2: on track (below 1.3); pace 0.92: on track (≥ 0.9)
    assert row(run(q, series("a", {2008: 100, 2014: 160}), 2014), "a")["status"] == "on_track"
    r = row(run(q, series("a", {2008: 100, 2014: 146}), 2014), "a")
    assert (r["status"], r["pace"]) == ("on_track", A(0.92))
    with pytest.raises(UsageError):
        run(q, series("a", {2008: 100}), 2014, threshold_overrides={"on": 2.0, "ahead": 1.5})


# -- stale data ----------------------------------------------------------------------------


def test_stale_value_gets_no_status_and_no_score(p):
    # latest value 2009, as of 2020: 11 years old > max_data_age 2 → stale
    rows = series("lvl", {2008: 100, 2009: 110}) + series("energy", {2008: 100, 2020: 84})
    ev = run(p, rows, 2020)
    r = row(ev, "lvl")
    assert (r["status"], r["reason"]) == ("stale", "data_too_old")
    assert (r["latest_year"], r["data_age"]) == (2009, 11)
    assert r["stale"]
    # no pace either: a ratio of 2009 says nothing of 2020
    assert all(_gone(r[c]) for c in ("pace", "progress_ratio", "rate_ratio"))
    assert r["pace_band"] == ""
    assert r["attainment"] is None or math.isnan(r["attainment"])
    # counts as missing: energy (met, 1.0) is the only indicator with data of 8
    assert ev.scores.query("level == 'group' and area == 'city'")["coverage"].iloc[0] == A(1 / 8)
    # as of 2011 the same value is 2 years old: judged. E(2009) = 108.33, 进度比 10/8.33 = 1.2
    r = row(run(p, rows, 2011), "lvl")
    assert (r["status"], r["data_age"]) == ("ahead", 2)
    # max_data_age is the plan's to set: with 11 the 2009 value is judged on its pace (1.2)
    r = row(run(p, rows, 2020, max_data_age=11), "lvl")
    assert r["status"] == "ahead"


def test_stale_every_year_constraint(p):
    rows = series("rev", {2008: 100, 2009: 110})
    assert row(run(p, rows, 2012), "rev")["status"] == "stale"
    assert row(run(p, rows, 2011), "rev")["status"] == "on_track"


def _gone(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


# -- year reached --------------------------------------------------------------------------


def test_year_reached_is_the_first_year_of_the_current_run(p):
    # >= 200: 205 (2011) met, 190 (2012) not, 201 (2013) met, 2014 missing, 210 (2015) met
    rows = series("lvl", {2008: 100, 2011: 205, 2012: 190, 2013: 201, 2015: 210})
    for as_of, reached in ((2011, 2011), (2013, 2013), (2015, 2013), (2016, 2013)):
        r = row(run(p, rows, as_of), "lvl")
        assert r["year_reached"] == reached, as_of
        assert r["projected_year"] is None or math.isnan(r["projected_year"])
    # not met in 2012: no year reached; the projection is a projection
    r = row(run(p, rows, 2012), "lvl")
    assert r["year_reached"] is None or math.isnan(r["year_reached"])


def test_year_reached_does_not_drift():
    q = plan('- {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: ">= 200"}}')
    rows = series("a", {2008: 100, 2018: 190, 2019: 205, 2020: 206})
    assert row(run(q, rows, 2019), "a")["year_reached"] == 2019
    assert row(run(q, rows, 2020), "a")["year_reached"] == 2019


# -- every-year constraints ----------------------------------------------------------------


def test_every_year_recovers_after_a_failed_year(p):
    # growth 10%, 5%, 10% in 2009–2011 (target year 2012): the latest year held
    rows = series("rev", {2008: 100, 2009: 110, 2010: 115.5, 2011: 127.05})
    r = row(run(p, rows, 2011), "rev")
    assert (r["status"], r["reason"]) == ("on_track", "some_years_failed")
    assert (r["years_checked"], r["years_held"]) == (3, 2)
    # the latest year failed: lagging
    r = row(run(p, rows, 2010), "rev")
    assert (r["status"], r["reason"]) == ("lagging", "latest_year_failed")
    # the last year of the constraint reached with a failed year in it: lagging
    more = rows + series("rev", {2012: 127.05 * 1.09})
    r = row(run(p, more, 2012), "rev")
    assert (r["status"], r["reason"]) == ("lagging", "some_years_failed")
    assert r["attainment"] == A(3 / 4)


def test_every_year_achieved_only_at_its_end(p):
    rows = series("rev", {2008: 100, 2009: 110, 2010: 121, 2011: 133.1, 2012: 146.41})
    assert row(run(p, rows, 2011), "rev")["status"] == "on_track"
    assert row(run(p, rows, 2012), "rev")["status"] == "achieved"
    early = series("rev_early", {2008: 100, 2009: 110, 2010: 121})
    assert row(run(p, early, 2010), "rev_early")["status"] == "achieved_early"


# -- the dead-band -------------------------------------------------------------------------

SMALL = """
- {key: s, name: {zh: 小目标}, unit: "%", group: g, targets: {2013: ">= 60.5"}}
- {key: s_tight, name: {zh: 小目标窄}, unit: "%", group: g, deadband: 0.1,
   targets: {2013: ">= 60.5"}}
- {key: s_none, name: {zh: 小目标无}, unit: "%", group: g, deadband: 0,
   targets: {2013: ">= 60.5"}}
"""


def test_small_target_noise_within_the_deadband():
    # +0.5 points over five years (2008–2013) from 60: E(2009) = 60.1, E(2010) = 60.2
    q = plan(SMALL)
    rows = []
    for k in ("s", "s_tight", "s_none"):
        rows += series(k, {2008: 60, 2009: 59.9, 2010: 59.75})
    ev = run(q, rows, 2009)
    # 进度比 (59.9 − 60)/(60.1 − 60) = −1; shortfall 0.2 ≤ 1% of 60.1 = 0.601 → on track
    r = row(ev, "s")
    assert r["pace"] == A(-1.0)
    assert (r["status"], r["reason"]) == ("on_track", "within_deadband")
    # an own dead-band of 0.1: shortfall 0.2 > 0.1, but it moved away by only 0.1 → lagging
    r = row(ev, "s_tight")
    assert (r["status"], r["reason"]) == ("lagging", "within_deadband")
    # no dead-band: the ratio alone, −1 → regressing
    assert row(ev, "s_none")["status"] == "regressing"
    # 2010: 进度比 −0.25/0.2 = −1.25; shortfall 0.45 ≤ 0.602 → still on track
    r = row(run(q, rows, 2010), "s")
    assert r["pace"] == A(-1.25)
    assert r["status"] == "on_track"
    # a real fall (58.5 in 2010: shortfall 1.7) is regressing whatever the dead-band
    r = row(run(q, series("s", {2008: 60, 2010: 58.5}), 2010), "s")
    assert r["status"] == "regressing"


def test_plan_deadband_absolute():
    q = plan(SMALL)
    q.methods.deadband = "0.3"
    rows = series("s", {2008: 60, 2009: 59.9, 2010: 59.75})
    # 2009: shortfall 0.2 ≤ 0.3: on track; 2010: shortfall 0.45 > 0.3, away 0.25 ≤ 0.3: lagging
    assert row(run(q, rows, 2009), "s")["status"] == "on_track"
    assert row(run(q, rows, 2010), "s")["status"] == "lagging"


# -- every reason is documented --------------------------------------------------------------


def test_every_reason_is_documented():
    from pathlib import Path

    from kaoping.engine.result import REASONS

    methods = (Path(__file__).resolve().parents[2] / "docs" / "methods.md").read_text("utf-8")
    missing = [r for r in REASONS if f"`{r}`" not in methods]
    assert not missing, f"reasons not in docs/methods.md: {missing}"


def test_reference_year_without_a_value():
    # change >= 1 vs 2019 with no value in 2019: nothing to measure the change against
    q = plan(
        '- {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: "change >= 1 vs 2007"}}'
    )
    r = row(run(q, series("a", {2008: 100, 2010: 102}), 2010), "a")
    assert (r["status"], r["reason"]) == ("no_data", "no_reference_value")
