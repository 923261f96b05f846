"""Group, lens and overall scores, coverage and effective weights, by hand.

Attainments (ratio method, as of 2014):
e1 ≥ 200 at 150 → 0.75 (weight 1), e2 ≤ 40 at 50 → 0.8 (weight 3) in group econ
(weight 2); s1 ≥ 100 at 50 → 0.5 (weight 1) and s2 without data (weight 1) in group soc
(weight 1). Lens categories: modern = {e1, s1}, green = {e2}.
"""

from __future__ import annotations

import math

import pytest

from tests.engine.helpers import plan, row, run, series

A = pytest.approx

GROUPS = """
groups:
  - {key: econ, name: {zh: 经济}, weight: 2}
  - {key: soc, name: {zh: 社会}, weight: 1}
lenses:
  - key: types
    name: {zh: 类型}
    categories:
      - {key: modern, name: {zh: 现代化}}
      - {key: green, name: {zh: 生态型}}
"""

INDICATORS = """
- {key: e1, name: {zh: 一}, unit: 元, group: econ, tags: [modern], targets: {2020: ">= 200"}}
- {key: e2, name: {zh: 二}, unit: 吨, group: econ, tags: [green], weight: 3,
   targets: {2020: "<= 40"}}
- {key: s1, name: {zh: 三}, unit: 人, group: soc, tags: [modern], targets: {2020: ">= 100"}}
- {key: s2, name: {zh: 四}, unit: 人, group: soc, targets: {2020: ">= 100"}}
- {key: s3, name: {zh: 不计分}, unit: 人, group: soc, scored: false, targets: {2020: ">= 100"}}
"""


@pytest.fixture(scope="module")
def p():
    return plan(INDICATORS, groups=GROUPS)


def _rows(e1=150.0):
    return (
        series("e1", {2008: 100, 2014: e1})
        + series("e2", {2008: 60, 2014: 50})
        + series("s1", {2008: 40, 2014: 50})
        + series("s3", {2008: 10, 2014: 20})
    )


def test_arithmetic_scores(p):
    ev = run(p, _rows(), 2014)
    # econ: (1·0.75 + 3·0.8)/4 = 0.7875 → 78.75; soc: s1 only, 0.5 → 50 (coverage 1/2)
    assert ev.score("group", "econ") == A(78.75)
    assert ev.score("group", "soc") == A(50)
    s = ev.scores.set_index(["level", "key", "area"])
    assert s.loc[("group", "soc", "city"), "coverage"] == A(0.5)
    assert s.loc[("group", "soc", "city"), "n_scored"] == 2  # s3 is not scored
    assert s.loc[("group", "soc", "city"), "n_with_data"] == 1
    # overall: weighted mean of group scores (2·78.75 + 1·50)/3 = 69.1667
    assert ev.score("overall", "overall") == A((2 * 78.75 + 50) / 3)
    # overall coverage: weight with data / scored weight = 5/6
    assert s.loc[("overall", "overall", "city"), "coverage"] == A(5 / 6)
    # lenses: modern (0.75 + 0.5)/2 = 62.5; green 80
    assert ev.score("lens", "modern") == A(62.5)
    assert ev.score("lens", "green") == A(80)
    assert s.loc[("lens", "modern", "city"), "lens"] == "types"


def test_effective_weights(p):
    ev = run(p, _rows(), 2014)
    w = {k: row(ev, k)["weight_effective"] for k in ("e1", "e2", "s1", "s2", "s3")}
    # w/Σw in the group × group weight/Σ group weights:
    # e1 1/4·2/3 = 1/6, e2 3/4·2/3 = 1/2, s1 1/1·1/3 = 1/3, s2 (no data) and s3 (unscored) 0
    assert w == {"e1": A(1 / 6), "e2": A(1 / 2), "s1": A(1 / 3), "s2": 0.0, "s3": 0.0}
    assert sum(w.values()) == A(1.0)
    # the overall score is Σ w_eff·attainment·100
    assert ev.score("overall", "overall") == A(100 * (0.75 / 6 + 0.8 / 2 + 0.5 / 3))


def test_geometric_scores(p):
    ev = run(p, _rows(), 2014, aggregation="geometric")
    econ = 0.75**0.25 * 0.8**0.75  # exp((ln 0.75 + 3 ln 0.8)/4) = 0.78730
    assert ev.score("group", "econ") == A(100 * econ)
    assert ev.score("group", "soc") == A(50)
    # overall: 100·exp((2 ln econ + ln 0.5)/3)
    expected = 100 * math.exp((2 * math.log(econ) + math.log(0.5)) / 3)
    assert ev.score("overall", "overall") == A(expected)
    # geometric ≤ arithmetic
    assert ev.score("group", "econ") < 78.75
    # one zero attainment makes the geometric group score zero (non-compensatory)
    ev = run(p, _rows(e1=0.0), 2014, aggregation="geometric")
    assert row(ev, "e1")["attainment"] == 0.0
    assert ev.score("group", "econ") == 0.0
    ev = run(p, _rows(e1=0.0), 2014, aggregation="arithmetic")
    assert ev.score("group", "econ") == A(100 * 2.4 / 4)


def test_min_coverage(p):
    # soc has coverage 0.5: scored at min_coverage 0.5, not at 0.6
    ev = run(p, _rows(), 2014, min_coverage=0.6)
    assert math.isnan(ev.score("group", "soc"))
    # the overall is then econ alone (its coverage 5/6 ≥ 0.6) …
    assert ev.score("overall", "overall") == A(78.75)
    # … and the effective weights are those within econ: 1/4 and 3/4
    assert row(ev, "e1")["weight_effective"] == A(0.25)
    assert row(ev, "e2")["weight_effective"] == A(0.75)
    assert row(ev, "s1")["weight_effective"] == 0.0
    # overall below min_coverage: coverage 5/6 < 0.9
    ev = run(p, _rows(), 2014, min_coverage=0.9)
    assert math.isnan(ev.score("overall", "overall"))


def test_area_without_data_has_no_score(p):
    ev = run(p, _rows() + series("e1", {2008: 100, 2014: 150}, "east"), 2014)
    # east: only e1 (weight 1 of 4 in econ): coverage 0.25 < 0.5 → no scores
    s = ev.scores.set_index(["level", "key", "area"])
    assert s.loc[("group", "econ", "east"), "coverage"] == A(0.25)
    assert math.isnan(ev.score("group", "econ", "east"))
    assert math.isnan(ev.score("overall", "overall", "east"))
    assert ev.score("overall", "overall", "east") != ev.score("overall", "overall")
    assert 0.0 <= ev.score("overall", "overall") <= 100.0
