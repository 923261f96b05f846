"""Data coverage per group and year (kaoping.data.coverage), hand-computed on a tiny plan.

The plan: group g1 holds a, b and the verdict-judged q; group g2 holds c; two areas.
The observations (the NaN value, the indicator not in the plan are not counted):

| indicator | area | year | value |
|---|---|---|---|
| a | city | 2020 | 1 |
| a | east | 2020 | 2 |
| b | city | 2021 | 3 |
| c | city | 2021 | 4 |
| a | city | 2019 | NaN |
| zz | city | 2020 | 5 |

By hand, covered/indicators (values):

| | 2020 | 2021 | all years |
|---|---|---|---|
| g1 | 1/3 (2) | 1/3 (1) | 2/3 (3) |
| g2 | 0/1 (0) | 1/1 (1) | 1/1 (1) |
| all | 1/4 (2) | 2/4 (2) | 3/4 (4) |
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaoping.data.coverage import coverage
from kaoping.data.observations import empty_observations
from kaoping.engine.table import Table
from kaoping.plan import parse_plan

PLAN = """
id: tiny-coverage
title: {zh: 覆盖测试, en: Coverage test}
period: {start: 2021, end: 2025}
base_year: 2020
areas:
  - {key: city, name: {zh: 市, en: City}}
  - {key: east, name: {zh: 东区, en: East}, parent: city}
groups:
  - {key: g1, name: {zh: 第一组, en: Group one}}
  - {key: g2, name: {zh: 第二组, en: Group two}}
indicators:
  - {key: a, name: {zh: 甲, en: A}, unit: "%", group: g1, targets: {2025: ">= 10"}}
  - {key: b, name: {zh: 乙, en: B}, unit: "%", group: g1, targets: {2025: ">= 10"}}
  - key: q
    name: {zh: 丙, en: Q}
    unit: verdict
    group: g1
    targets:
      2025:
        qualitative: {zh: 建成, en: Done}
  - {key: c, name: {zh: 丁, en: C}, unit: "%", group: g2, targets: {2025: ">= 10"}}
"""

ROWS = [
    ("a", "city", 2020, 1.0),
    ("a", "east", 2020, 2.0),
    ("b", "city", 2021, 3.0),
    ("c", "city", 2021, 4.0),
    ("a", "city", 2019, math.nan),
    ("zz", "city", 2020, 5.0),
]


def observations(rows=ROWS) -> Table:
    return Table(
        {
            "indicator": np.array([r[0] for r in rows], dtype=object),
            "area": np.array([r[1] for r in rows], dtype=object),
            "year": np.array([r[2] for r in rows], dtype=np.int64),
            "value": np.array([r[3] for r in rows], dtype=float),
        }
    )


@pytest.fixture(scope="module")
def plan():
    return parse_plan(PLAN)


def triple(cov, group, year):
    c = cov.cell(group, year)
    return c.covered, c.indicators, c.values


def test_cells_per_group_and_year(plan):
    cov = coverage(plan, observations())
    assert cov.plan_id == "tiny-coverage"
    assert cov.groups == ["g1", "g2"]
    assert cov.years == [2020, 2021]  # 2019 has only a NaN value
    assert triple(cov, "g1", 2020) == (1, 3, 2)
    assert triple(cov, "g1", 2021) == (1, 3, 1)
    assert triple(cov, "g2", 2020) == (0, 1, 0)
    assert triple(cov, "g2", 2021) == (1, 1, 1)


def test_totals(plan):
    cov = coverage(plan, observations())
    assert triple(cov, "g1", None) == (2, 3, 3)
    assert triple(cov, "g2", None) == (1, 1, 1)
    assert triple(cov, None, 2020) == (1, 4, 2)
    assert triple(cov, None, 2021) == (2, 4, 2)
    assert triple(cov, None, None) == (3, 4, 4)
    assert cov.total.share == pytest.approx(0.75)
    assert cov.cell("g1", None).share == pytest.approx(2 / 3)


def test_cell_order_groups_then_years_then_totals(plan):
    cov = coverage(plan, observations())
    assert [(c.group, c.year) for c in cov.cells] == [
        ("g1", 2020),
        ("g1", 2021),
        ("g1", None),
        ("g2", 2020),
        ("g2", 2021),
        ("g2", None),
        (None, 2020),
        (None, 2021),
        (None, None),
    ]


def test_one_area(plan):
    cov = coverage(plan, observations(), area="east")
    assert cov.years == [2020]
    assert triple(cov, "g1", 2020) == (1, 3, 1)
    assert triple(cov, "g2", 2020) == (0, 1, 0)
    assert triple(cov, None, None) == (1, 4, 1)


def test_no_data(plan):
    cov = coverage(plan, empty_observations())
    assert cov.years == []
    assert triple(cov, "g1", None) == (0, 3, 0)
    assert triple(cov, "g2", None) == (0, 1, 0)
    assert triple(cov, None, None) == (0, 4, 0)
    assert cov.total.share == 0.0


def test_to_dict(plan):
    d = coverage(plan, observations()).to_dict()
    assert d["plan"] == "tiny-coverage" and d["years"] == [2020, 2021]
    assert d["cells"][-1] == {
        "group": None,
        "year": None,
        "covered": 3,
        "indicators": 4,
        "share": 0.75,
        "values": 4,
    }
