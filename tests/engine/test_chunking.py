"""Evaluating by ranges of areas gives exactly the evaluation of all areas at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaoping.engine.evaluate import evaluate
from kaoping.engine.options import Options
from tests.engine.helpers import plan

# every form the engine knows: levels, bands, change and growth, references to another
# indicator, every-year constraints, schedules, all-of, rates, breaks, plan baselines,
# goalposts, qualitative targets and monitoring
INDICATORS = """\
- {key: lvl, name: {zh: 甲}, unit: 元, group: g, path: geometric,
   baseline: {year: 2008, value: 50}, targets: {2015: ">= 70", 2020: ">= 100"}}
- {key: down, name: {zh: 乙}, unit: 吨, group: g, targets: {2020: "<= 40"}}
- {key: about, name: {zh: 丙}, unit: "%", group: g, targets: {2020: "~ 60"}}
- {key: band, name: {zh: 丁}, unit: "%", group: g, targets: {2020: "in [40, 60]"}}
- {key: chg, name: {zh: 戊}, unit: 元, group: g, targets: {2020: "change <= -15% vs 2010"}}
- {key: grw, name: {zh: 己}, unit: 元, group: g, goalposts: {worst: 10},
   targets: {2020: "growth >= 5%"}}
- {key: ref, name: {zh: 庚}, unit: 元, group: g, targets: {2020: "growth >= growth(grw)"}}
- {key: every, name: {zh: 辛}, unit: "%", group: g, targets: {2020: "every year >= 45"}}
- {key: rising, name: {zh: 壬}, unit: "%", group: g,
   targets: {2020: "every year change > 0"}}
- {key: rate, name: {zh: 癸}, unit: "%", group: g, observed: growth,
   targets: {2020: "growth >= 7% vs 2008"}}
- {key: cut, name: {zh: 子}, unit: "%", group: g, observed: decline,
   targets: {2020: "change <= -15% vs 2010"}}
- {key: sched, name: {zh: 丑}, unit: "%", group: g,
   schedule: {2010: ">= 50", 2012: "~ 55", 2014: ">= 58"}}
- {key: both, name: {zh: 寅}, unit: 元, group: g, schedule: {2011: ">= 55"},
   targets: {2020: {all: ["growth >= 3% vs 2008", ">= 60"]}}}
- {key: shift, name: {zh: 卯}, unit: "%", group: g, rebase: shift, targets: {2020: ">= 70"}}
- {key: qual, name: {zh: 辰}, unit: 项, group: g, targets: {2015: {qualitative: {zh: 建成}}}}
- {key: mon, name: {zh: 巳}, unit: 个, group: g, direction: up}
"""

AREAS = ("city", "east", "west", "north", "south")  # north and south: not in the plan


def observations(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    keys = ["lvl", "down", "about", "band", "chg", "grw", "ref", "every", "rising"]
    keys += ["rate", "cut", "sched", "both", "shift", "mon"]
    rows = []
    for key in keys:
        for area in AREAS:
            base = 40 + 40 * rng.random()
            slope = rng.normal(1.5, 2.0)
            for year in range(2006, 2016):
                if rng.random() < 0.15:
                    continue  # missing
                value = base + slope * (year - 2006) + rng.normal(0, 2)
                if key in ("rate", "cut"):
                    value = 5 + rng.normal(0, 2)
                censor = rng.choice(["", "", "", "", ">", "<"])
                brk = key in ("lvl", "shift", "chg") and year == 2012 and rng.random() < 0.6
                prev = value * 0.9 if brk and rng.random() < 0.5 else np.nan
                rows.append((key, area, year, round(value, 3), censor, brk, prev))
    order = rng.permutation(len(rows))
    columns = ["indicator", "area", "year", "value", "censor", "break", "previous_basis"]
    return pd.DataFrame([rows[i] for i in order], columns=columns)


VERDICTS = pd.DataFrame(
    [
        ("qual", "east", 2012, "on_track", "report"),
        ("qual", "south", 2013, "lagging", "audit"),
        ("qual", None, 2011, "ahead", "city report"),
    ],
    columns=["target", "area", "year", "verdict", "evidence"],
)


def assert_same(a, b) -> None:
    """Two evaluations are the same, table by table, column by column (dtypes too)."""
    assert a.areas == b.areas
    assert a.meta == b.meta
    for name in ("indicator", "milestone", "constraint", "score", "step", "schedule"):
        ta, tb = getattr(a, f"{name}_table"), getattr(b, f"{name}_table")
        assert ta.columns == tb.columns, name
        assert ta.n_rows == tb.n_rows, name
        for col in ta.columns:
            x, y = ta[col], tb[col]
            assert x.dtype == y.dtype, (name, col)
            if x.dtype.kind == "f":
                np.testing.assert_array_equal(x, y, err_msg=f"{name}.{col}")
            else:
                assert x.tolist() == y.tolist(), (name, col)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("as_of", [2011, 2014])
def test_any_range_of_areas_gives_the_same_evaluation(seed, as_of):
    p = plan(INDICATORS)
    data = observations(seed)
    opts = Options.from_plan(p)
    whole = evaluate(p, data, as_of, opts, VERDICTS)
    assert whole.areas == ["city", "east", "west", "north", "south"]
    assert whole.indicator_table.n_rows == 16 * 5
    assert whole.milestone_table.n_rows > 0 and whole.constraint_table.n_rows > 0
    assert whole.schedule_table.n_rows > 0
    cube = 16 * (as_of - 2007 + 1)  # cells of one area: 16 indicators from 2007 on
    for per_range in (1, 2, 3):  # areas per range: 5, 3 and 2 ranges
        chunked = evaluate(p, data, as_of, opts, VERDICTS, chunk_cells=cube * per_range)
        assert_same(whole, chunked)


def test_the_plan_baseline_stays_with_the_default_area():
    """The plan's own baseline (lvl: 50 in 2008) is the default area's only, whichever
    range holds it; another area takes its baseline from its own data."""
    p = plan(INDICATORS)
    data = pd.DataFrame(
        [
            ("lvl", "city", 2008, 47.0),
            ("lvl", "city", 2012, 60.0),
            ("lvl", "east", 2008, 41.0),
            ("lvl", "east", 2012, 52.0),
        ],
        columns=["indicator", "area", "year", "value"],
    )
    for chunk_cells in (1, 10**9):  # one area per range, all areas at once
        ev = evaluate(p, data, 2014, chunk_cells=chunk_cells)
        city = ev.indicator("lvl", "city")
        east = ev.indicator("lvl", "east")
        assert (city["base_year"], city["base_value"]) == (2008, 50.0)
        assert (east["base_year"], east["base_value"]) == (2008, 41.0)
