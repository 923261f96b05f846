"""Status under each named threshold set, computed by hand.

One indicator ``a`` with ``>= 200`` in 2020 from x0 = 100 in 2008, evaluated as of 2014:
the expected value is 150, so the progress ratio (进度比) is (x − 100)/50; the linear
rate ratio is ((x − 100)/6)/(100/12) = (x − 100)/50 as well. The geometric indicator
``g`` (``>= 400``, path geometric) separates the two measures.
"""

from __future__ import annotations

import pytest

from kaoping.engine.options import THRESHOLDS
from tests.engine.helpers import plan, row, run, series

A = pytest.approx

PLAN = """
- {key: a, name: {zh: 甲}, unit: 元, group: g, targets: {2020: ">= 200"}}
- {key: g, name: {zh: 几何}, unit: 元, group: g, path: geometric, targets: {2020: ">= 400"}}
- {key: late, name: {zh: 过期}, unit: 元, group: g, targets: {2015: ">= 200"}}
- {key: strict, name: {zh: 严格}, unit: 元, group: g, targets: {2015: "> 200"}}
"""


@pytest.fixture(scope="module")
def p():
    return plan(PLAN)


def test_threshold_sets():
    assert (
        THRESHOLDS["time_half"].on,
        THRESHOLDS["time_half"].moderate,
        THRESHOLDS["time_half"].floor,
    ) == (1.0, 0.5, 0.0)
    assert THRESHOLDS["time_half"].measure == "progress"
    assert (THRESHOLDS["sdr"].on, THRESHOLDS["sdr"].moderate, THRESHOLDS["sdr"].floor) == (
        1.0,
        0.5,
        0.0,
    )
    assert THRESHOLDS["sdr"].measure == "rate"
    assert (
        THRESHOLDS["eurostat"].on,
        THRESHOLDS["eurostat"].moderate,
        THRESHOLDS["eurostat"].floor,
    ) == (0.95, 0.6, 0.0)
    assert THRESHOLDS["eurostat"].measure == "rate"


# x in 2014 → pace (x − 100)/50 → status and band per set
CASES = [
    # x,   pace, time_half,                 sdr,                       eurostat
    # met before 2020: achieved early whatever the pace (2.2, whose band is still reported)
    (
        210,
        2.2,
        ("achieved_early", "ahead"),
        ("achieved_early", "ahead"),
        ("achieved_early", "ahead"),
    ),
    # pace ≥ 1.1: ahead of schedule (快于预期)
    (160, 1.2, ("ahead", "ahead"), ("ahead", "ahead"), ("ahead", "ahead")),
    (150, 1.0, ("on_track", "on_track"), ("on_track", "on_track"), ("on_track", "on_track")),
    (148, 0.96, ("lagging", "moderate"), ("lagging", "moderate"), ("on_track", "on_track")),
    (140, 0.8, ("lagging", "moderate"), ("lagging", "moderate"), ("lagging", "moderate")),
    (128, 0.56, ("lagging", "moderate"), ("lagging", "moderate"), ("lagging", "insufficient")),
    (
        110,
        0.2,
        ("lagging", "insufficient"),
        ("lagging", "insufficient"),
        ("lagging", "insufficient"),
    ),
    (
        100,
        0.0,
        ("lagging", "insufficient"),
        ("lagging", "insufficient"),
        ("lagging", "insufficient"),
    ),
    (90, -0.2, ("regressing", "away"), ("regressing", "away"), ("regressing", "away")),
]


@pytest.mark.parametrize(("x", "pace", "th", "sdr", "eu"), CASES)
def test_status_by_threshold_set(p, x, pace, th, sdr, eu):
    rows = series("a", {2008: 100, 2014: x})
    for name, (status, band) in (("time_half", th), ("sdr", sdr), ("eurostat", eu)):
        r = row(run(p, rows, 2014, status=name), "a")
        assert (r["status"], r["pace_band"]) == (status, band), name
        assert r["pace"] == A(pace), name


def test_progress_and_rate_measures_differ_on_a_geometric_path(p):
    # x0 = 100, T = 400, x(2014) = 195: E(2014) = 200, 进度比 = 95/100 = 0.95 → time_half lagging
    # compound rates: 100·(1.95^(1/6) − 1) = 11.7736% vs 12.2462% → ratio 0.96141:
    # eurostat (≥ 0.95) on track, sdr (≥ 1) lagging with moderate progress
    rows = series("g", {2008: 100, 2014: 195})
    r = row(run(p, rows, 2014, status="time_half"), "g")
    assert r["pace"] == A(0.95)
    assert r["status"] == "lagging"
    r = row(run(p, rows, 2014, status="eurostat"), "g")
    assert r["pace"] == A(11.77356473967317 / 12.246204830937302)
    assert r["status"] == "on_track"
    r = row(run(p, rows, 2014, status="sdr"), "g")
    assert (r["status"], r["pace_band"]) == ("lagging", "moderate")


def test_no_data(p):
    # no value at all → no_data / no_value
    ev = run(p, series("g", {2008: 100, 2014: 120}), 2014)
    r = row(ev, "a")
    assert (r["status"], r["reason"]) == ("no_data", "no_value")
    # a value but no baseline (nothing in 2007–2009) → no_data / no_baseline
    r = row(run(p, series("a", {2012: 150, 2014: 160}), 2014), "a")
    assert (r["status"], r["reason"]) == ("no_data", "no_baseline")
    # only the baseline (and it is current: as of 2010, 2 years old) → no pace
    r = row(run(p, series("a", {2008: 100}), 2010), "a")
    assert (r["status"], r["reason"]) == ("no_data", "no_later_value")


def test_target_year_passed_unmet_is_lagging(p):
    # ≥ 200 by 2015; 2016: 180. The path stays at 200 after 2015: 进度比 80/100 = 0.8
    r = row(run(p, series("late", {2008: 100, 2016: 180}), 2016), "late")
    assert r["status"] == "lagging"
    assert r["pace"] == A(0.8)
    # no baseline, so no pace: still lagging, because the target year has passed
    r = row(run(p, series("late", {2016: 180}), 2016), "late")
    assert (r["status"], r["reason"]) == ("lagging", "target_year_passed")
    # "> 200" by 2015 and exactly 200 in 2015: the path is met (进度比 1) but the
    # target is not, and its year has passed → lagging, not on track
    r = row(run(p, series("strict", {2008: 100, 2015: 200}), 2015), "strict")
    assert not r["met"]
    assert r["pace"] == A(1.0)
    assert (r["status"], r["reason"]) == ("lagging", "target_year_passed")


def test_baseline_already_met(p):
    # x0 = 210 meets ≥ 200: the indicator keeps the target (achieved) or lost it (regressing)
    r = row(run(p, series("a", {2008: 210, 2014: 205}), 2014), "a")
    assert r["status"] == "achieved_early"
    r = row(run(p, series("a", {2008: 210, 2014: 195}), 2014), "a")
    assert (r["status"], r["reason"]) == ("regressing", "baseline_met_target")
