"""Every-year constraints, qualitative targets and monitoring-only indicators, by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kaoping.errors import UsageError
from tests.engine.helpers import plan, row, run, series

A = pytest.approx

PLAN = """
- {key: gdp, name: {zh: 生产总值}, unit: 亿元, group: g, direction: up, scored: false}
- {key: rev, name: {zh: 财政收入}, unit: 亿元, group: g, targets: {2020: "every year growth >= 8%"}}
- {key: share, name: {zh: 比重}, unit: "%", group: g,
   targets: {2011: {expr: "every year >= 50", start: 2009}}}
- {key: co2, name: {zh: 排放}, unit: 吨, group: g, targets: {2020: "every year change <= 0"}}
- {key: fast, name: {zh: 快于}, unit: 亿元, group: g,
   targets: {2020: "every year growth > growth(gdp)"}}
- {key: q, name: {zh: 定性}, unit: 项, group: g,
   targets: {2015: {qualitative: {zh: 建成国家生态城市}}}}
- {key: mon, name: {zh: 监测}, unit: 吨, group: g, direction: down}
"""


@pytest.fixture(scope="module")
def p():
    return plan(PLAN)


def test_every_year_growth_share_of_years_held(p):
    # year-on-year growth: 2009 10%, 2010 5%, 2011 10% → held, failed, held
    rows = series("rev", {2008: 100, 2009: 110, 2010: 115.5, 2011: 127.05})
    ev = run(p, rows, 2011)
    r = row(ev, "rev")
    assert r["kind"] == "every_year"
    assert (r["years_checked"], r["years_held"]) == (3, 2)
    # share of years held = 2/3 is the attainment; the latest year (2011) held, so the
    # constraint is on track again, and the failed year is named in the reason
    assert r["constraint_share"] == A(2 / 3)
    assert r["attainment"] == A(2 / 3)
    assert (r["status"], r["reason"]) == ("on_track", "some_years_failed")
    assert r["constraint_last_year"] == 2011
    assert r["constraint_last_held"]
    c = ev.constraints[ev.constraints["indicator"] == "rev"].set_index("year")
    assert list(c.index) == [2009, 2010, 2011]
    assert list(c["measure"]) == [A(10), A(5), A(10)]
    assert list(c["held"]) == [True, False, True]
    assert (c["lo"] == 8).all()


def test_every_year_level_all_held(p):
    rows = series("share", {2008: 40, 2009: 50, 2010: 55, 2011: 60, 2012: 40})
    # checked 2009–2011 (start to the target year): all ≥ 50 → achieved once 2011 is past
    r = row(run(p, rows, 2012), "share")
    assert (r["years_checked"], r["years_held"]) == (3, 3)
    assert r["status"] == "achieved"
    assert r["attainment"] == 1.0
    # before the constraint's last year: on track
    r = row(run(p, rows, 2010), "share")
    assert (r["years_checked"], r["status"]) == (2, "on_track")


def test_every_year_absolute_change(p):
    # year-on-year change x_t − x_{t−1}: −1, 0, +2 → held, held, failed
    rows = series("co2", {2008: 50, 2009: 49, 2010: 49, 2011: 51})
    ev = run(p, rows, 2011)
    c = ev.constraints[ev.constraints["indicator"] == "co2"]
    assert list(c["measure"]) == [A(-1), A(0), A(2)]
    assert list(c["held"]) == [True, True, False]
    assert row(ev, "co2")["constraint_share"] == A(2 / 3)


def test_every_year_relative_to_another_indicator(p):
    # GDP grows 10% a year; fast grows 12% then 9%: > 10 held, then failed
    rows = series("gdp", {2008: 100, 2009: 110, 2010: 121}) + series(
        "fast", {2008: 100, 2009: 112, 2010: 112 * 1.09}
    )
    ev = run(p, rows, 2010)
    c = ev.constraints[ev.constraints["indicator"] == "fast"]
    assert list(c["lo"]) == [A(10), A(10)]
    assert list(c["measure"]) == [A(12), A(9)]
    assert list(c["held"]) == [True, False]
    # a year whose reference is missing is not checked
    rows = series("gdp", {2008: 100, 2009: 110}) + series(
        "fast", {2008: 100, 2009: 112, 2010: 112 * 1.09}
    )
    r = row(run(p, rows, 2010), "fast")
    assert (r["years_checked"], r["years_held"]) == (1, 1)


def test_every_year_without_data_is_no_data(p):
    r = row(run(p, series("gdp", {2008: 100}), 2011), "rev")
    assert r["status"] == "no_data"
    assert math.isnan(r["attainment"])


def _verdicts(*rows):
    return pd.DataFrame(rows, columns=["target", "area", "year", "verdict", "evidence"])


def test_qualitative_verdicts(p):
    data = series("gdp", {2008: 100})
    # no verdict yet
    r = row(run(p, data, 2014), "q")
    assert (r["kind"], r["status"], r["reason"]) == ("qualitative", "no_data", "no_verdict")
    # the latest verdict up to the as-of year counts; a later one is ignored
    v = _verdicts(
        ("q", "city", 2012, "on_track", "plan adopted"),
        ("q", "city", 2013, "lagging", "inspection report 2013"),
        ("q", "city", 2015, "achieved", "title awarded"),
    )
    r = row(run(p, data, 2014, verdicts=v), "q")
    assert (r["status"], r["evidence"], r["verdict_year"]) == (
        "lagging",
        "inspection report 2013",
        2013,
    )
    assert math.isnan(r["attainment"])
    r = row(run(p, data, 2015, verdicts=v), "q")
    assert r["status"] == "achieved"
    with pytest.raises(UsageError):
        run(p, data, 2014, verdicts=_verdicts(("q", "city", 2013, "great", "")))


def test_step_verdicts(p):
    v = _verdicts(("step1", "city", 2010, "achieved", "communiqué 2010"))
    ev = run(p, series("gdp", {2008: 100}), 2012, verdicts=v)
    steps = ev.steps.set_index("key")
    assert steps.loc["step1", "verdict"] == "achieved"
    assert steps.loc["step1", "evidence"] == "communiqué 2010"
    assert bool(steps.loc["step1", "due"])
    assert not bool(steps.loc["step2", "due"])
    assert steps.loc["step2", "verdict"] == ""


def test_monitoring_only(p):
    # direction down; the trend falls: improving; no target, so no attainment and no score
    ev = run(p, series("mon", {2008: 10, 2010: 9, 2014: 7}), 2014)
    r = row(ev, "mon")
    assert (r["kind"], r["status"]) == ("monitoring", "monitoring")
    assert r["trend"] == "improving"
    assert r["slope"] < 0
    assert math.isnan(r["attainment"])
    assert r["weight_effective"] == 0.0
    r = row(run(p, series("mon", {2008: 10, 2014: 12}), 2014), "mon")
    assert r["trend"] == "worsening"
    # an up indicator that rises: improving
    r = row(run(p, series("gdp", {2008: 100, 2014: 150}), 2014), "gdp")
    assert (r["status"], r["trend"]) == ("monitoring", "improving")
