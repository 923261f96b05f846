"""Breaks in series: splicing onto the new basis, or a comparable stretch from the break
(docs/methods.md §15), by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kaoping.engine.evaluate import evaluate
from kaoping.engine.options import Options
from tests.engine.helpers import plan, row

A = pytest.approx

PLAN = """
- {key: urb, name: {zh: 城镇化率}, unit: "%", group: g, targets: {2020: ">= 70"}}
- {key: urb_shift, name: {zh: 城镇化率}, unit: "%", group: g, rebase: shift,
   targets: {2020: ">= 70"}}
- {key: urb_change, name: {zh: 城镇化率}, unit: "%", group: g,
   targets: {2020: "change >= 20% vs 2008"}}
- {key: urb_growth, name: {zh: 城镇化率}, unit: "%", group: g, targets: {2020: "growth >= 2%"}}
- {key: given, name: {zh: 城镇化率}, unit: "%", group: g, baseline: {year: 2008, value: 50},
   targets: {2020: ">= 70"}}
- {key: rising, name: {zh: 逐年提高}, unit: "%", group: g, targets: {2020: "every year change > 0"}}
- {key: gdp_growth, name: {zh: 增长}, unit: "%", group: g, observed: growth,
   targets: {2020: "growth >= 7% vs 2008"}}
"""

F = 60.6 / 57  # the ratio that puts the old basis onto the new one


@pytest.fixture(scope="module")
def p():
    return plan(PLAN)


def frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows (indicator, year, value[, break, previous_basis]) for the city."""
    out = []
    for r in rows:
        key, year, value, *rest = r
        brk = rest[0] if rest else False
        prev = rest[1] if len(rest) > 1 else None
        out.append((key, "city", year, value, brk, prev))
    return pd.DataFrame(
        out, columns=["indicator", "area", "year", "value", "break", "previous_basis"]
    )


def census(key: str, prev: float | None) -> list[tuple]:
    """50 (2008), 55 (2010), 60.6 on a new basis in 2011 (57 on the old one), 62 (2012)."""
    return [(key, 2008, 50.0), (key, 2010, 55.0), (key, 2011, 60.6, True, prev), (key, 2012, 62.0)]


def ev_of(p, rows, as_of=2012):
    return evaluate(p, frame(rows), as_of, options=Options.from_plan(p))


def test_ratio_splicing_puts_earlier_values_on_the_new_basis(p):
    ev = ev_of(p, census("urb", 57.0))
    r = row(ev, "urb")
    assert (r["break_year"], r["rebased"]) == (2011, True)
    # x' = x·60.6/57: the baseline 50 becomes 53.158; the latest value is already new
    x0 = 50 * F
    assert r["base_value"] == A(x0) and r["base_year"] == 2008
    assert r["latest_value"] == 62.0
    e = x0 + (70 - x0) * 4 / 12
    assert r["expected_value"] == A(e)
    assert r["progress_ratio"] == A((62 - x0) / (e - x0))  # 1.575
    assert r["status"] == "ahead"
    m = ev.milestones.set_index(["indicator", "year"])
    assert m.loc[("urb", 2010), "observed"] == A(55 * F)  # 58.47 on the new basis


def test_shift_splicing_adds_the_difference(p):
    r = row(ev_of(p, census("urb_shift", 57.0)), "urb_shift")
    x0 = 50 + (60.6 - 57)  # 53.6
    assert r["base_value"] == A(x0)
    e = x0 + (70 - x0) * 4 / 12  # 59.07
    assert r["progress_ratio"] == A((62 - x0) / (e - x0))  # 1.537
    assert r["rebased"]


def test_without_the_old_basis_progress_starts_at_the_break(p):
    r = row(ev_of(p, census("urb", None)), "urb")
    assert (r["break_year"], r["rebased"]) == (2011, False)
    # the reference point of the path and the pace is (2011, 60.6)
    assert (r["base_year"], r["base_value"]) == (2011, 60.6)
    e = 60.6 + (70 - 60.6) / 9
    assert r["expected_value"] == A(e)  # 61.64
    assert r["progress_ratio"] == A(1.4 / (e - 60.6))  # 1.340
    assert r["status"] == "ahead"


def test_a_change_across_an_unspliced_break_cannot_be_measured(p):
    r = row(ev_of(p, census("urb_change", None)), "urb_change")
    assert (r["status"], r["reason"]) == ("no_data", "series_break")
    assert math.isnan(r["attainment"])
    # spliced, it can: 100·(62/(50·60.6/57) − 1) = 16.63 %
    r = row(ev_of(p, census("urb_change", 57.0)), "urb_change")
    assert r["measure_value"] == A(100 * (62 / (50 * F) - 1))
    assert r["status"] != "no_data"


def test_a_growth_target_uses_average_growth_from_the_break(p):
    r = row(ev_of(p, census("urb_growth", None)), "urb_growth")
    assert r["measure_value"] == A(100 * (62 / 60.6 - 1))  # 2.31 % in 2011–2012
    assert r["met"]


def test_only_the_break_year_after_it_is_a_series_break(p):
    rows = census("urb", None)[:3]  # nothing after the break year
    r = row(ev_of(p, rows, 2011), "urb")
    assert (r["status"], r["reason"]) == ("no_data", "series_break")


def test_the_plans_baseline_is_spliced_too(p):
    rows = [(k, y, v, *rest) for k, y, v, *rest in census("given", 57.0) if y != 2008]
    r = row(ev_of(p, rows), "given")
    assert r["base_value"] == A(50 * F)


def test_several_breaks_compound(p):
    rows = [
        ("urb", 2008, 40.0),
        ("urb", 2010, 55.0, True, 50.0),  # ×1.1
        ("urb", 2011, 60.6, True, 57.0),  # ×60.6/57
        ("urb", 2012, 62.0),
    ]
    r = row(ev_of(p, rows), "urb")
    assert r["base_value"] == A(40 * 1.1 * F)
    assert r["break_year"] == 2011


def test_year_on_year_changes_skip_an_unspliced_break(p):
    base = [("rising", 2008, 50.0), ("rising", 2009, 52.0), ("rising", 2010, 55.0)]
    after = [("rising", 2012, 62.0)]
    # no old-basis value: 2011 is not compared with 2010 (another basis)
    ev = ev_of(p, [*base, ("rising", 2011, 60.6, True, None), *after])
    c = ev.constraints[ev.constraints["indicator"] == "rising"]
    assert list(c["year"]) == [2009, 2010, 2012]
    # spliced: 2011 (60.6) is compared with 2010 on the new basis (55·60.6/57 = 58.47)
    ev = ev_of(p, [*base, ("rising", 2011, 60.6, True, 57.0), *after])
    c = ev.constraints[ev.constraints["indicator"] == "rising"].set_index("year")
    assert list(c.index) == [2009, 2010, 2011, 2012]
    assert c.loc[2011, "measure"] == A(60.6 - 55 * F)


def test_a_rate_series_restarts_at_an_unlinked_break(p):
    rates = [("gdp_growth", y, 7.0) for y in range(2009, 2014) if y != 2011]
    # without an old-basis value the average growth is taken from 2011: I_2013/I_2011 = 1.07²
    r = row(ev_of(p, [*rates, ("gdp_growth", 2011, 7.0, True, None)], 2013), "gdp_growth")
    assert (r["break_year"], r["rebased"]) == (2011, False)
    assert r["measure_value"] == A(7.0)
    assert r["index_base"] == A(100 * 1.07**3)  # the index at the break
    # with one, the rates need no splicing: they already compare each year with the one before
    r = row(ev_of(p, [*rates, ("gdp_growth", 2011, 7.0, True, 6.5)], 2013), "gdp_growth")
    assert (r["break_year"], r["rebased"]) == (2011, True)
    assert r["index_base"] == A(100)


def test_a_break_flag_in_the_flags_column_is_read(p):
    df = pd.DataFrame(
        [
            ("urb", "city", 2008, 50.0, ""),
            ("urb", "city", 2011, 60.6, "estimated;break"),
            ("urb", "city", 2012, 62.0, ""),
        ],
        columns=["indicator", "area", "year", "value", "flags"],
    )
    r = row(evaluate(p, df, 2012), "urb")
    assert (r["break_year"], r["base_year"]) == (2011, 2011)


def test_no_break_is_year_zero(p):
    r = row(ev_of(p, [("urb", 2008, 50.0), ("urb", 2012, 62.0)]), "urb")
    assert (r["break_year"], r["rebased"]) == (0, False)
