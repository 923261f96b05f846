"""Invariants of rates, breaks, bounds, schedules and all-of targets (hypothesis)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.engine.evaluate import evaluate
from kaoping.engine.indicators import RANK
from tests.engine.helpers import plan, row

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
A = pytest.approx

rate = st.floats(-20, 30, allow_nan=False).map(lambda v: round(v, 2))
level = st.floats(1, 500, allow_nan=False).map(lambda v: round(v, 2))


def frame(rows: list[tuple], **cols: list) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["indicator", "area", "year", "value"])
    for name, values in cols.items():
        df[name] = values
    return df


RATES = plan(
    """
- {key: up, name: {zh: 增长}, unit: "%", group: g, observed: growth,
   targets: {2020: "growth >= 5% vs 2008"}}
- {key: cum, name: {zh: 增长}, unit: "%", group: g, observed: growth,
   targets: {2020: "change >= 10% vs 2008"}}
- {key: down, name: {zh: 下降}, unit: "%", group: g, observed: decline,
   targets: {2020: "growth <= -2% vs 2008"}}
"""
)


@SETTINGS
@given(r=rate, n=st.integers(1, 10))
def test_chaining_a_constant_rate_gives_that_rate(r, n):
    years = range(2009, 2009 + n)
    rows = [(k, "city", y, r) for k in ("up", "cum", "down") for y in years]
    ev = evaluate(RATES, frame(rows), 2008 + n)
    assert row(ev, "up")["measure_value"] == A(r, abs=1e-9)
    assert row(ev, "cum")["measure_value"] == A(100 * ((1 + r / 100) ** n - 1), abs=1e-9)
    # a decline of r % a year is a growth of −r % a year
    if r < 100:
        assert row(ev, "down")["measure_value"] == A(-r, abs=1e-9)


SPLICE = plan(
    """
- {key: after, name: {zh: 断后}, unit: 个, group: g, targets: {2020: "growth >= 1% vs 2010"}}
- {key: across, name: {zh: 跨断}, unit: 个, group: g, targets: {2020: "growth >= 1% vs 2008"}}
- {key: shifted, name: {zh: 平移}, unit: 个, group: g, rebase: shift,
   targets: {2020: "change >= 1 vs 2008"}}
"""
)


@SETTINGS
@given(xs=st.lists(level, min_size=5, max_size=5), p=level, use_prev=st.booleans())
def test_splicing_keeps_the_growth_after_the_break(xs, p, use_prev):
    years = list(range(2008, 2013))
    rows, brk, prev = [], [], []
    for key in ("after", "across", "shifted"):
        for y, x in zip(years, xs, strict=True):
            rows.append((key, "city", y, x))
            brk.append(y == 2010)
            prev.append(p if (y == 2010 and use_prev) else None)
    ev = evaluate(SPLICE, frame(rows, **{"break": brk, "previous_basis": prev}), 2012)
    x08, x10, x12 = xs[0], xs[2], xs[4]
    # from the break on, the series is the new basis itself, spliced or not
    assert row(ev, "after")["measure_value"] == A(100 * ((x12 / x10) ** 0.5 - 1))
    across = row(ev, "across")["measure_value"]
    shifted = row(ev, "shifted")["measure_value"]
    if use_prev:
        # the old basis up to 2010, then the new one: (p/x08)·(x12/x10)
        assert across == A(100 * ((p / x08 * x12 / x10) ** 0.25 - 1))
        assert shifted == A((x12 - x10) + (p - x08))
    else:
        # without the old basis: growth from the break, and no change across it
        assert across == A(100 * ((x12 / x10) ** 0.5 - 1))
        assert math.isnan(shifted)
        assert row(ev, "shifted")["reason"] == "series_break"


FORMS = [">= 30", "> 30", "<= 30", "< 30", "~ 30", "in [25, 35]", "change >= 10%", "growth >= 2%"]
LOWER_PROVES = {">= 30", "> 30", "change >= 10%", "growth >= 2%"}
UPPER_PROVES = {"<= 30", "< 30"}
CENSOR = plan(
    "\n".join(
        f"- {{key: c{i}, name: {{zh: 指标}}, unit: 个, group: g, targets: {{2020: '{f}'}}}}"
        for i, f in enumerate(FORMS)
    )
)


@SETTINGS
@given(x0=level, x=level, lower=st.booleans())
def test_a_bound_never_unmeets_a_target_it_can_prove(x0, x, lower):
    keys = [f"c{i}" for i in range(len(FORMS))]
    rows = [(k, "city", y, v) for k in keys for y, v in ((2008, x0), (2012, x))]
    mark = ">" if lower else "<"
    plain = evaluate(CENSOR, frame(rows), 2012)
    bound = evaluate(CENSOR, frame(rows, censor=["", mark] * len(keys)), 2012)
    provable = LOWER_PROVES if lower else UPPER_PROVES
    for k, form in zip(keys, FORMS, strict=True):
        a, b = row(plain, k), row(bound, k)
        # the attainment is computed at the bound
        assert a["attainment"] == b["attainment"] or (
            math.isnan(a["attainment"]) and math.isnan(b["attainment"])
        ), form
        if form in provable:
            # a target the bound can prove stays met
            assert b["met"] or not a["met"], (form, x0, x)
        else:
            # a bound never proves a two-sided band, nor a side it does not bound
            assert not b["met"], (form, x0, x)


ALL = plan(
    """
- {key: both, name: {zh: 两项}, unit: 个, group: g,
   targets: {2020: {all: ["growth >= 3% vs 2008", ">= 120"]}}}
- {key: one, name: {zh: 一}, unit: 个, group: g, targets: {2020: "growth >= 3% vs 2008"}}
- {key: two, name: {zh: 二}, unit: 个, group: g, targets: {2020: ">= 120"}}
- key: sched
  name: {zh: 二}
  unit: 个
  group: g
  schedule: {2010: ">= 105", 2012: "growth >= 2% vs 2008"}
  targets: {2020: ">= 120"}
"""
)


@SETTINGS
@given(xs=st.lists(level, min_size=3, max_size=3))
def test_all_of_is_the_worst_of_its_conditions(xs):
    data = dict(zip((2008, 2010, 2012), xs, strict=True))
    rows = [(k, "city", y, v) for k in ("both", "one", "two", "sched") for y, v in data.items()]
    ev = evaluate(ALL, frame(rows), 2012)
    r, one, two = row(ev, "both"), row(ev, "one"), row(ev, "two")
    assert r["met"] == (one["met"] and two["met"])
    assert r["attainment"] == A(min(one["attainment"], two["attainment"]))
    worst = min(one["status"], two["status"], key=lambda s: RANK[s])
    assert RANK[r["status"]] == RANK[worst]
    assert r["conditions_met"] == one["met"] + two["met"]
    # a schedule never changes the final target's judgement
    s = row(ev, "sched")
    for col in ("status", "reason", "attainment", "expected_value", "pace", "met"):
        assert s[col] == two[col] or (s[col] != s[col] and two[col] != two[col]), col
