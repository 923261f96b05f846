"""assess(): hand-computed results for every rule, and properties of any assessment."""

from __future__ import annotations

import json
import math
import textwrap
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.assess.compute import AssessmentResult, assess
from kaoping.engine.evaluate import evaluate
from kaoping.engine.table import Table
from kaoping.plan import parse_plan

from ..engine.helpers import obs

NAN = float("nan")

PLAN = """\
id: t
title: {zh: 测试}
period: {start: 2009, end: 2020}
base_year: 2008
areas:
  - {key: city, name: {zh: 市, en: City}}
  - {key: east, name: {zh: 东区, en: East}, parent: city}
  - {key: west, name: {zh: 西区, en: West}, parent: city}
groups:
  - {key: g, name: {zh: 组}}
departments:
  - {key: fin, name: {zh: 财政局, en: Finance}}
  - {key: env, name: {zh: 生态环境局, en: Environment}}
indicators:
  - {key: a, name: {zh: 甲}, unit: x, group: g, weight: 2, targets: {2020: ">= 200"}}
  - {key: b, name: {zh: 乙}, unit: x, group: g, targets: {2020: ">= 200"}}
  - {key: c, name: {zh: 丙}, unit: x, group: g, targets: {2020: ">= 200"}}
  - {key: d, name: {zh: 丁}, unit: x, group: g, targets: {2020: ">= 200"}}
  - {key: m, name: {zh: 监测}, unit: x, group: g, direction: up, scored: false}
"""


def make_plan(section: str = "") -> Any:
    text = PLAN
    if section:
        text += "assessment:\n" + textwrap.indent(textwrap.dedent(section), "  ")
    return parse_plan(text)


def fake_evaluation(rows: list[tuple], as_of: int = 2014) -> Any:
    """An evaluation with just the indicator table: (indicator, area, status, ratio)."""
    cols: dict[str, list] = {"indicator": [], "area": [], "status": [], "progress_ratio": []}
    for key, area, status, ratio in rows:
        cols["indicator"].append(key)
        cols["area"].append(area)
        cols["status"].append(status)
        cols["progress_ratio"].append(NAN if ratio is None else ratio)
    cols["latest_year"] = [float(as_of)] * len(rows)
    return SimpleNamespace(indicator_table=Table(cols), as_of=as_of)


CITY = [
    ("a", "city", "lagging", 0.8),  # 80
    ("b", "city", "achieved", 0.5),  # 100
    ("c", "city", "regressing", -0.3),  # 0
    ("d", "city", "no_data", None),  # excluded
    ("m", "city", "monitoring", None),
]
UNITS = {"fin": ["a", "b"], "env": ["c", "d"]}


def run(plan: Any = None, rows: list[tuple] = CITY, **kw: Any) -> AssessmentResult:
    kw.setdefault("unit_indicators", UNITS)
    return assess(plan or make_plan(), fake_evaluation(rows), 2014, **kw)


def rating(task: str, unit: str, r: float, at: str = "2014-06-01", **kw: Any) -> dict:
    return {"task": task, "department": unit, "rating": r, "at": at, "rater": "rev", **kw}


# -- the quantitative part ----------------------------------------------------------------


def test_quantitative_is_the_weighted_mean_of_indicator_scores() -> None:
    res = run()
    fin = res.unit("fin")
    # a: 100·0.8 = 80 (weight 2), b: achieved 100 (weight 1) → (160 + 100)/3 = 86.67
    assert fin.quantitative == 86.7
    assert [(e["indicator"], e["score"], e["basis"]) for e in fin.indicators] == [
        ("a", 80.0, "progress_ratio"),
        ("b", 100.0, "achieved"),
    ]
    assert fin.coverage == {
        "indicators": 2,
        "scored": 2,
        "excluded": 0,
        "counted": 2,
        "current": 2,
        "missing": 0,
        "share": 1.0,
        "required": 0.5,
    }
    assert not fin.insufficient_data and fin.missing == []
    # no ratings: the quantitative part carries the whole weight
    assert fin.weights_used == {"quantitative": 1.0, "qualitative": 0.0}
    assert fin.total == 86.7 and fin.grade["key"] == "good"


def test_no_data_is_excluded_with_a_coverage_note_or_scored_zero() -> None:
    env = run().unit("env")
    assert env.quantitative == 0.0  # c regressing 0; d excluded
    assert env.coverage["scored"] == 1 and env.coverage["excluded"] == 1
    # c has data, d has none: coverage 1/2 = 0.5, exactly min_coverage, so env is graded
    assert (env.coverage["current"], env.coverage["share"]) == (1, 0.5)
    assert not env.insufficient_data and [m["indicator"] for m in env.missing] == ["d"]
    d = env.indicators[1]
    assert (d["indicator"], d["score"], d["included"], d["basis"]) == (
        "d",
        None,
        False,
        "no_data_excluded",
    )
    zero = run(make_plan("quantitative: {no_data: zero, regressing: 10}\n")).unit("env")
    assert zero.quantitative == 5.0  # (10 + 0)/2
    assert zero.coverage["scored"] == 2


def test_equal_weights_and_unscored_indicators() -> None:
    res = run(
        make_plan("quantitative: {weights: equal}\n"), unit_indicators={"fin": ["a", "b", "m"]}
    )
    fin = res.unit("fin")
    assert fin.quantitative == 90.0  # (80 + 100)/2; m is monitoring only and not listed
    assert [e["indicator"] for e in fin.indicators] == ["a", "b"]


def test_a_unit_with_no_data_at_all_gets_no_total() -> None:
    res = run(unit_indicators={"fin": ["d"]})
    fin = res.unit("fin")
    assert fin.quantitative is None and fin.total is None and fin.grade is None
    assert fin.rank is None and "no_indicator_data" in fin.notes and "no_ratings" in fin.notes


# -- the qualitative part ------------------------------------------------------------------


def test_qualitative_is_the_mean_of_the_latest_rating_per_task() -> None:
    ratings = [
        rating("t1", "fin", 2, "2014-03-01"),
        rating("t1", "fin", 4, "2014-09-01"),  # the latest of t1: 75
        rating("t2", "fin", 5),  # 100
        rating("t3", "env", 3),
    ]
    fin = run(ratings=ratings).unit("fin")
    assert fin.qualitative == 87.5  # (75 + 100)/2
    counted = [(r["task"], r["rating"], r["counted"]) for r in fin.ratings]
    assert counted == [("t1", 2, False), ("t1", 4, True), ("t2", 5, True)]
    # 0.7·86.7 + 0.3·87.5 = 60.69 + 26.25 = 86.94 → 86.9
    assert fin.weights_used == {"quantitative": 0.7, "qualitative": 0.3}
    assert fin.base == 86.9 and fin.total == 86.9


def test_mean_of_all_ratings_and_a_rating_on_its_own_scale() -> None:
    plan = make_plan("qualitative: {ratings: mean, scale: {min: 0, max: 10}}\n")
    ratings = [
        rating("t1", "fin", 6, "2014-03-01"),
        rating("t1", "fin", 8, "2014-09-01"),
        rating("t2", "fin", 4, scale="1-5"),
    ]
    fin = run(plan, ratings=ratings).unit("fin")
    # t1: (60 + 80)/2 = 70; t2: 4 on 1–5 = 75 → 72.5
    assert fin.qualitative == 72.5
    assert fin.ratings[2]["scale"] == {"min": 1.0, "max": 5.0}


def test_missing_part_zero() -> None:
    fin = run(make_plan("missing_part: zero\n")).unit("fin")
    assert fin.weights_used == {"quantitative": 0.7, "qualitative": 0.3}
    assert fin.base == 60.7  # 0.7·86.7 + 0.3·0 = 60.69


def test_a_unit_with_only_ratings() -> None:
    res = run(unit_indicators={}, ratings=[rating("t9", "office", 3)])
    office = res.unit("office")
    assert office.quantitative is None and office.qualitative == 50.0
    assert office.total == 50.0 and office.grade["key"] == "fail"
    assert office.name == {"zh": "office", "en": "office"}


# -- deductions and adjustments --------------------------------------------------------------


def ev(unit: str, kind: str, n: int) -> list[dict]:
    return [
        {"unit": unit, "kind": kind, "date": f"2014-0{i % 9 + 1}-15", "reference": f"r{i}"}
        for i in range(n)
    ]


def test_each_deduction_is_itemised() -> None:
    events = (
        ev("fin", "late_report", 2) + ev("fin", "missing_report", 1) + ev("fin", "returned_data", 3)
    )
    fin = run(events=events).unit("fin")
    assert [(d["kind"], d["count"], d["amount"]) for d in fin.deductions] == [
        ("late_report", 2, 2.0),
        ("missing_report", 1, 3.0),
        ("returned_data", 3, 1.5),
    ]
    assert fin.deduction_total == 6.5
    assert fin.total == 80.2  # 86.7 − 6.5
    assert fin.deductions[0]["events"][0] == {"date": "2014-01-15", "reference": "r0"}


def test_deduction_caps() -> None:
    fin = run(events=ev("fin", "late_report", 8)).unit("fin")
    assert fin.deduction_total == 5.0 and "cap_late_report" in fin.notes
    many = (
        ev("fin", "late_report", 8)
        + ev("fin", "missing_report", 6)
        + ev("fin", "returned_data", 20)
    )
    fin = run(events=many).unit("fin")
    # 5 + 15 + 5 = 25, at most 20 in all
    assert fin.deduction_total == 20.0 and "cap_deductions" in fin.notes
    assert fin.total == 66.7


def test_adjustments_with_reasons_and_their_limit() -> None:
    adj = [
        {"unit": "fin", "delta": 3, "reason": "flood relief", "user": "admin", "at": "2015-01-10"},
        {"unit": "fin", "delta": -1.5, "reason": "late figure", "user": "admin"},
    ]
    fin = run(adjustments=adj).unit("fin")
    assert fin.adjustment_total == 1.5 and fin.total == 88.2
    assert [a["reason"] for a in fin.adjustments] == ["flood relief", "late figure"]
    big = run(adjustments=[{"unit": "fin", "delta": 40, "reason": "x"}]).unit("fin")
    assert big.adjustment_total == 10.0 and "adjustment_limit" in big.notes
    assert big.total == 96.7 and big.grade["key"] == "excellent"


def test_total_is_clipped_to_0_100() -> None:
    plan = make_plan("max_adjustment: null\n")
    up = run(plan, adjustments=[{"unit": "fin", "delta": 50, "reason": "x"}]).unit("fin")
    assert up.total == 100.0 and "total_clipped" in up.notes
    down = run(plan, adjustments=[{"unit": "env", "delta": -5, "reason": "x"}]).unit("env")
    assert down.total == 0.0 and down.grade["key"] == "fail"


# -- grades and ranks -----------------------------------------------------------------------


def test_ties_share_a_rank() -> None:
    rows = [
        ("a", "city", "achieved", None),
        ("b", "city", "achieved", None),
        ("c", "city", "lagging", 0.5),
    ]
    res = run(rows=rows, unit_indicators={"fin": ["a"], "env": ["b"], "x": ["c"], "y": ["d"]})
    assert [(r["unit"], r["total"], r["rank"]) for r in res.rows()] == [
        ("env", 100.0, 1),
        ("fin", 100.0, 1),
        ("x", 50.0, 3),
        ("y", None, None),
    ]


def test_grade_boundaries_use_the_rounded_total() -> None:
    # 0.7·q with q = 89.95 rounds to 90.0 → excellent (rounded before grading)
    rows = [("a", "city", "lagging", 0.8995)]
    fin = run(rows=rows, unit_indicators={"fin": ["a"]}).unit("fin")
    assert fin.quantitative == 90.0 and fin.total == 90.0 and fin.grade["key"] == "excellent"
    rows = [("a", "city", "lagging", 0.8994)]
    fin = run(rows=rows, unit_indicators={"fin": ["a"]}).unit("fin")
    assert fin.total == 89.9 and fin.grade == {"key": "good", "zh": "良好", "en": "Good"}


def test_explicit_department_list() -> None:
    res = run(make_plan("departments: [env]\n"))
    assert [u.key for u in res.units] == ["env"]


# -- districts ------------------------------------------------------------------------------


def test_districts_are_compared_on_the_same_indicators() -> None:
    rows = [
        ("a", "east", "on_track", 1.2),
        ("b", "east", "regressing", -0.1),
        ("c", "east", "lagging", 0.5),
        ("d", "east", "achieved", None),
        ("a", "west", "lagging", 0.9),
        ("b", "west", "lagging", 0.6),
    ]
    res = run(make_plan("units: districts\n"), rows=rows)
    assert [u.kind for u in res.units] == ["district", "district"]
    east, west = res.unit("east"), res.unit("west")
    # east: (2·100 + 0 + 50 + 100)/5 = 70; west: (2·90 + 60)/3 = 80 (c, d without rows)
    assert (east.quantitative, west.quantitative) == (70.0, 80.0)
    assert (west.rank, east.rank) == (1, 2)
    assert [d["key"] for d in res.comparison["districts"]] == ["west", "east"]
    assert [r["indicator"] for r in res.comparison["rows"]] == ["a", "b", "c", "d"]
    cell = res.comparison["rows"][1]["cells"]
    assert cell["east"]["status"] == "regressing" and cell["west"]["score"] == 60.0
    flat = res.comparison_rows()
    assert len(flat) == 8 and flat[0]["indicator"] == "a"


def test_both_kinds_are_ranked_separately() -> None:
    res = run(make_plan("units: both\n"))
    kinds = [(u.kind, u.rank) for u in res.units]
    assert kinds[0] == ("department", 1) and ("district", None) in kinds
    assert res.unit("district:east").kind == "district"
    with pytest.raises(KeyError):
        res.unit("nowhere")


# -- on a real evaluation ---------------------------------------------------------------------


def test_on_a_real_evaluation() -> None:
    plan = make_plan()
    data = obs(
        [
            ("a", "city", 2008, 100),
            ("a", "city", 2014, 140),
            ("b", "city", 2008, 100),
            ("b", "city", 2014, 90),
        ]
    )
    evaluation = evaluate(plan, data, 2014)
    res = assess(plan, evaluation, 2014, unit_indicators={"fin": ["a", "b"]})
    fin = res.unit("fin")
    # a: E(2014) = 150, ratio 40/50 = 0.8 → 80 (weight 2); b regressing → 0: 160/3 = 53.3
    assert [e["progress_ratio"] for e in fin.indicators] == [
        pytest.approx(0.8),
        pytest.approx(-0.2),
    ]
    assert fin.indicators[0]["expected_value"] == pytest.approx(150)
    assert fin.quantitative == 53.3 and fin.grade["zh"] == "不合格"
    assert res.as_of == 2014 and res.plan_version == plan.version
    assert res.rules["weights"] == {"quantitative": 0.7, "qualitative": 0.3}
    text = json.dumps(res.to_dict(), allow_nan=False, ensure_ascii=False)
    assert '"results"' in text and "财政局" in text


# -- properties ---------------------------------------------------------------------------------

_STATUS = st.sampled_from(["achieved", "on_track", "lagging", "regressing", "no_data"])
_ROW = st.tuples(_STATUS, st.one_of(st.none(), st.floats(-3, 3)))
_KINDS = st.sampled_from(["late_report", "missing_report", "returned_data"])


@st.composite
def _cases(draw: Any) -> dict:
    n_units = draw(st.integers(1, 5))
    units = [f"u{i}" for i in range(n_units)]
    keys = ["a", "b", "c", "d"]
    rows = [(k, "city", *draw(_ROW)) for k in keys]
    assign = {u: draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)) for u in units}
    ratings = [
        rating(f"t{draw(st.integers(0, 3))}", draw(st.sampled_from(units)), draw(st.floats(1, 5)))
        for _ in range(draw(st.integers(0, 6)))
    ]
    events = [
        {"unit": draw(st.sampled_from(units)), "kind": draw(_KINDS)}
        for _ in range(draw(st.integers(0, 12)))
    ]
    adjustments = [
        {"unit": draw(st.sampled_from(units)), "delta": draw(st.floats(-30, 30)), "reason": "r"}
        for _ in range(draw(st.integers(0, 3)))
    ]
    return {
        "rows": rows,
        "unit_indicators": assign,
        "ratings": ratings,
        "events": events,
        "adjustments": adjustments,
    }


@settings(max_examples=150, deadline=None)
@given(_cases(), _KINDS)
def test_properties(case: dict, extra_kind: str) -> None:
    res = run(**case)
    ranked = [u for u in res.units if u.total is not None]
    for u in ranked:
        assert 0 <= u.total <= 100  # type: ignore[operator]
        assert not math.isnan(u.total)  # type: ignore[arg-type]
        assert u.grade is not None
    # rank order consistent with totals: a higher total never ranks below a lower one
    for u in ranked:
        for v in ranked:
            if u.total > v.total:  # type: ignore[operator]
                assert u.rank < v.rank  # type: ignore[operator]
            if u.total == v.total:
                assert u.rank == v.rank
    # adding a deduction never raises a total
    target = res.units[0].key
    more = run(**{**case, "events": [*case["events"], {"unit": target, "kind": extra_kind}]})
    before, after = res.unit(target).total, more.unit(target).total
    if before is not None:
        assert after is not None and after <= before


def test_the_worked_example_of_the_docs() -> None:
    ratings = [
        rating("t1", "fin", 2, "2014-03-01"),
        rating("t1", "fin", 4, "2014-09-01"),
        rating("t2", "fin", 5),
    ]
    events = (
        ev("fin", "late_report", 2) + ev("fin", "missing_report", 1) + ev("fin", "returned_data", 3)
    )
    adj = [
        {"unit": "fin", "delta": 3, "reason": "flood relief"},
        {"unit": "fin", "delta": -1.5, "reason": "late figure"},
    ]
    res = run(ratings=ratings, events=events, adjustments=adj)
    fin, env = res.unit("fin"), res.unit("env")
    assert (fin.quantitative, fin.qualitative, fin.base) == (86.7, 87.5, 86.9)
    assert (fin.deduction_total, fin.adjustment_total, fin.total) == (6.5, 1.5, 81.9)
    assert fin.grade["zh"] == "良好" and fin.rank == 1
    assert (env.quantitative, env.total, env.grade["zh"], env.rank) == (0.0, 0.0, "不合格", 2)


def test_dates_and_numpy_values_become_plain_json() -> None:
    from datetime import UTC, date, datetime

    import numpy as np

    at = datetime(2014, 9, 1, 8, 30, tzinfo=UTC)
    res = run(
        ratings=[{"task": "t1", "unit": "fin", "rating": np.float64(4), "at": at}],
        events=[{"unit": "fin", "kind": "late_report", "date": date(2014, 4, 20)}],
        adjustments=[{"unit": "fin", "delta": np.int64(1), "reason": "r", "at": at}],
    )
    data = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    fin = next(u for u in data["units"] if u["key"] == "fin")
    assert fin["ratings"][0]["at"] == "2014-09-01T08:30:00+00:00"
    assert fin["deductions"][0]["events"][0]["date"] == "2014-04-20"
    assert fin["adjustments"][0]["at"] == "2014-09-01T08:30:00+00:00"
