"""The assessment refuses to grade on too little data (``min_coverage``), and scores the
statuses achieved_early, ahead and stale. Every expectation is computed by hand.

The test plan (see ``test_compute``): indicators a (weight 2), b, c, d (weight 1 each),
all scored with a target; m is monitoring only.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from kaoping.assess import rules as R
from kaoping.assess.compute import AssessmentResult, assess
from kaoping.engine.evaluate import evaluate
from kaoping.engine.table import Table
from kaoping.errors import PlanError
from kaoping.plan import parse_plan
from kaoping.plan.model import Assessment, QuantitativeRule

from ..engine.helpers import obs
from .test_compute import PLAN, make_plan, rating

NAN = float("nan")
AS_OF = 2020


def evaluation(rows: list[tuple], as_of: int = AS_OF) -> Any:
    """An evaluation with just the indicator table: (indicator, status, ratio[, latest])
    in the area ``city``; ``latest`` is the year of the latest value (default: as_of,
    none for no_data)."""
    cols: dict[str, list] = {
        k: [] for k in ("indicator", "area", "status", "progress_ratio", "latest_year")
    }
    for key, status, ratio, *rest in rows:
        latest = rest[0] if rest else (None if status == "no_data" else as_of)
        cols["indicator"].append(key)
        cols["area"].append("city")
        cols["status"].append(status)
        cols["progress_ratio"].append(NAN if ratio is None else ratio)
        cols["latest_year"].append(NAN if latest is None else float(latest))
    cols["data_age"] = [as_of - y for y in cols["latest_year"]]
    return SimpleNamespace(indicator_table=Table(cols), as_of=as_of)


def run(rows: list[tuple], units: dict[str, list[str]], section: str = "", **kw: Any):
    return assess(make_plan(section), evaluation(rows), AS_OF, unit_indicators=units, **kw)


def missing(u: Any) -> list[str]:
    return [m["indicator"] for m in u.missing]


# -- the rule ------------------------------------------------------------------------------


def test_one_of_four_indicators_is_not_a_grade() -> None:
    # the case of the issue: one indicator of four has data, and it is achieved
    rows = [("a", "no_data", None), ("b", "achieved", None), ("c", "no_data", None)]
    fin = run(rows, {"fin": ["a", "b", "c", "d"]}).unit("fin")  # d has no row at all
    # coverage by weight: b (1) of a (2) + b + c + d = 1/5 = 0.2 < 0.5
    assert fin.insufficient_data
    assert fin.coverage["share"] == 0.2 and fin.coverage["current"] == 1
    assert (fin.coverage["counted"], fin.coverage["missing"]) == (4, 3)
    assert fin.quantitative is None and fin.base is None
    assert fin.total is None and fin.grade is None and fin.rank is None
    assert missing(fin) == ["a", "c", "d"]
    assert "insufficient_data" in fin.notes
    # the score of the indicator that has data stays in the evidence
    b = next(e for e in fin.indicators if e["indicator"] == "b")
    assert (b["score"], b["included"]) == (100.0, True)


def test_without_the_rule_the_same_unit_would_be_excellent() -> None:
    rows = [("a", "no_data", None), ("b", "achieved", None), ("c", "no_data", None)]
    fin = run(rows, {"fin": ["a", "b", "c", "d"]}, "min_coverage: 0\n").unit("fin")
    assert not fin.insufficient_data
    assert (fin.quantitative, fin.total, fin.grade["key"], fin.rank) == (
        100.0,
        100.0,
        "excellent",
        1,
    )


def test_coverage_is_weighted_as_the_quantitative_part() -> None:
    rows = [("a", "lagging", 0.8), ("b", "no_data", None)]
    units = {"fin": ["a", "b", "c", "d"]}
    # plan weights: a (2) of 5 = 0.4 < 0.5
    fin = run(rows, units).unit("fin")
    assert fin.coverage["share"] == 0.4 and fin.insufficient_data
    # equal weights: 1 of 4 = 0.25 < 0.5
    fin = run(rows, units, "quantitative: {weights: equal}\n").unit("fin")
    assert fin.coverage["share"] == 0.25 and fin.insufficient_data


def test_exactly_at_the_threshold_the_unit_is_graded() -> None:
    # plan weights, min_coverage 0.4: a (2) of 5 = 0.4, exactly enough; Q = 100·0.8 = 80
    rows = [("a", "lagging", 0.8), ("b", "no_data", None)]
    fin = run(rows, {"fin": ["a", "b", "c", "d"]}, "min_coverage: 0.4\n").unit("fin")
    assert fin.coverage["share"] == 0.4 and not fin.insufficient_data
    assert (fin.quantitative, fin.total, fin.grade["key"], fin.rank) == (80.0, 80.0, "good", 1)
    assert missing(fin) == ["b", "c", "d"]  # still listed
    # the default 0.5, equal weights: 2 of 4 = 0.5; Q = (80 + 100)/2 = 90
    rows = [("a", "lagging", 0.8), ("b", "achieved", None)]
    fin = run(rows, {"fin": ["a", "b", "c", "d"]}, "quantitative: {weights: equal}\n").unit("fin")
    assert fin.coverage["share"] == 0.5 and not fin.insufficient_data
    assert (fin.quantitative, fin.total, fin.grade["key"]) == (90.0, 90.0, "excellent")


def test_ratings_do_not_make_up_for_missing_indicator_data() -> None:
    rows = [("b", "achieved", None)]
    ratings = [rating("t1", "fin", 5)]
    fin = run(rows, {"fin": ["a", "b", "c", "d"]}, ratings=ratings).unit("fin")
    # the qualitative part is shown (100), but there is no total: 1/5 of the indicators
    assert fin.qualitative == 100.0
    assert fin.insufficient_data and fin.total is None and fin.grade is None
    assert fin.weights_used == {"quantitative": 0.0, "qualitative": 0.0}


def test_a_unit_without_scored_indicators_is_not_held_back() -> None:
    # no indicator at all: the rule does not apply; the ratings carry the whole weight
    res = run([], {}, ratings=[rating("t9", "office", 4)])
    office = res.unit("office")
    assert office.coverage["share"] is None and not office.insufficient_data
    assert (office.total, office.grade["key"]) == (75.0, "pass")
    # a monitoring indicator (scored, no target) is not counted as missing either
    plan = parse_plan(
        PLAN.replace("direction: up, scored: false}", "direction: up}")  # m: scored, but no target
    )
    ev = evaluation([("a", "lagging", 0.8), ("m", "monitoring", None)])
    fin = assess(plan, ev, AS_OF, unit_indicators={"fin": ["a", "m"]}).unit("fin")
    assert fin.coverage["counted"] == 1 and fin.coverage["share"] == 1.0
    assert fin.total == 80.0 and fin.missing == []


def test_the_rank_skips_units_without_a_grade() -> None:
    rows = [
        ("a", "lagging", 0.8),
        ("b", "achieved", None),
        ("c", "stale", 0.9, 2009),
        ("d", "no_data", None),
    ]
    units = {"env": ["b"], "fin": ["a"], "x": ["b", "c", "d"]}
    res = run(rows, units)
    # env 100, fin 80; x: b of b, c, d = 1/3 < 0.5 (it would have been 100: rank 1)
    assert [(r["unit"], r["total"], r["grade"], r["rank"]) for r in res.rows()] == [
        ("env", 100.0, "excellent", 1),
        ("fin", 80.0, "good", 2),
        ("x", None, None, None),
    ]
    x = res.rows()[2]
    assert (x["insufficient_data"], x["coverage"], x["missing"]) == (True, 0.3333, "c, d")


# -- the statuses --------------------------------------------------------------------------


def test_stale_counts_as_missing() -> None:
    rows = [("b", "achieved", None), ("c", "stale", 0.9, 2009)]
    env = run(rows, {"env": ["b", "c"]}).unit("env")
    c = env.indicators[1]
    assert (c["status"], c["score"], c["included"], c["basis"]) == (
        "stale",
        None,
        False,
        "stale_excluded",
    )
    # b of b, c = 0.5: graded on b alone; c listed as missing with the year of its value
    assert env.coverage["current"] == 1 and env.coverage["share"] == 0.5
    assert env.total == 100.0
    assert env.missing == [
        {
            "indicator": "c",
            "name": {"zh": "丙", "en": "丙"},
            "status": "stale",
            "reason": None,
            "latest_year": 2009.0,
            "data_age": 11.0,
            "weight": 1.0,
        }
    ]
    # no_data: zero scores it 0, but it still does not count as current data
    zero = run(rows, {"env": ["b", "c"]}, "quantitative: {no_data: zero}\n").unit("env")
    assert zero.indicators[1]["basis"] == "stale_zero"
    assert (zero.quantitative, zero.coverage["current"], zero.coverage["scored"]) == (50.0, 1, 2)
    # one stale indicator of two, the other with no data: nothing current
    none = run([("c", "stale", 0.9, 2009)], {"env": ["c", "d"]}).unit("env")
    assert none.coverage["share"] == 0.0 and none.insufficient_data
    assert missing(none) == ["c", "d"]


def test_achieved_early_and_ahead_scores() -> None:
    rows = [
        ("a", "ahead", 1.25),  # 100·min(1, 1.25) = 100, weight 2
        ("b", "achieved_early", None),  # as achieved: 100
        ("c", "on_track", 0.95),  # 95
        ("d", "ahead", None),  # as on track without a ratio: 100
    ]
    fin = run(rows, {"fin": ["a", "b", "c"], "env": ["d"]}).unit("fin")
    # (2·100 + 100 + 95)/4 = 98.75 → 98.8 (half up)
    assert [(e["score"], e["basis"]) for e in fin.indicators] == [
        (100.0, "progress_ratio"),
        (100.0, "achieved"),
        (95.0, "progress_ratio"),
    ]
    assert fin.quantitative == 98.8 and fin.grade["key"] == "excellent"
    env = run(rows, {"fin": ["a", "b", "c"], "env": ["d"]}).unit("env")
    assert (env.indicators[0]["basis"], env.total) == ("on_track_no_ratio", 100.0)


@pytest.mark.parametrize(
    ("status", "ratio", "expected"),
    [
        ("achieved_early", None, (100.0, "achieved")),
        ("ahead", 1.4, (100.0, "progress_ratio")),
        ("ahead", 0.9, (90.0, "progress_ratio")),
        ("ahead", None, (100.0, "on_track_no_ratio")),
        ("stale", 0.7, (None, "stale_excluded")),
    ],
)
def test_indicator_score_of_the_new_statuses(status: str, ratio: Any, expected: tuple) -> None:
    assert R.indicator_score(status, ratio, QuantitativeRule()) == expected
    zero = QuantitativeRule(no_data="zero", on_track_no_ratio=90)
    if status == "stale":
        assert R.indicator_score(status, ratio, zero) == (0.0, "stale_zero")
    if (status, ratio) == ("ahead", None):
        assert R.indicator_score(status, ratio, zero) == (90.0, "on_track_no_ratio")


def test_data_coverage_and_the_threshold() -> None:
    assert R.data_coverage([]) is None
    assert R.data_coverage([(True, 2), (False, 1), (False, 1), (False, 1)]) == pytest.approx(0.4)
    assert R.data_coverage([(True, 0), (False, 0)]) == 0.5  # all weights 0: count them
    # 0.1 + 0.2 is 0.30000000000000004 in floating point: still "exactly" 0.3
    share = R.data_coverage([(True, 0.1), (True, 0.2), (False, 0.7)])
    assert R.enough_data(share, 0.3)
    assert R.enough_data(0.5, 0.5) and not R.enough_data(0.4999, 0.5)
    assert R.enough_data(None, 0.5) and R.enough_data(0.0, 0.0)


# -- the plan file -----------------------------------------------------------------------------


def test_min_coverage_in_the_plan_file() -> None:
    assert Assessment().min_coverage == 0.5
    assert make_plan("min_coverage: 0.75\n").assessment.min_coverage == 0.75
    with pytest.raises(PlanError) as err:
        make_plan("min_coverage: 1.5\n")
    assert [(p.code, p.field) for p in err.value.problems] == [
        ("out-of-range", "assessment.min_coverage")
    ]
    from kaoping.plan import Plan

    prop = Plan.model_json_schema()["$defs"]["Assessment"]["properties"]["min_coverage"]
    assert (prop["default"], prop["minimum"], prop["maximum"]) == (0.5, 0, 1)


def test_the_result_is_plain_json_with_the_missing_listed() -> None:
    rows = [("b", "achieved", None), ("c", "stale", 0.9, 2009)]
    res: AssessmentResult = run(rows, {"fin": ["a", "b", "c", "d"]}, "units: both\n")
    data = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    fin = next(u for u in data["units"] if u["key"] == "fin")
    assert fin["insufficient_data"] is True and fin["total"] is None
    assert [m["indicator"] for m in fin["missing"]] == ["a", "c", "d"]
    assert data["rules"]["min_coverage"] == 0.5
    row = next(r for r in data["results"] if r["unit"] == "fin")
    assert (row["coverage"], row["insufficient_data"], row["missing"]) == (0.2, True, "a, c, d")
    # districts: east and west have no rows at all → insufficient, listed in the comparison
    assert all(d["insufficient_data"] for d in data["comparison"]["districts"])


# -- on a real evaluation ---------------------------------------------------------------------


def test_a_value_from_2009_does_not_grade_a_department_in_2020() -> None:
    """The issue's case end to end: four indicators, one with data, and that from 2009."""
    plan = make_plan()
    data = obs([("b", "city", 2008, 100), ("b", "city", 2009, 250)])
    ev = evaluate(plan, data, 2020)
    row = next(r for r in ev.indicator_table.rows() if r["indicator"] == "b")
    assert row["status"] == "stale"  # 11 years old, more than methods.max_data_age (2)
    fin = assess(plan, ev, 2020, unit_indicators={"fin": ["a", "b", "c", "d"]}).unit("fin")
    assert fin.insufficient_data and fin.total is None and fin.grade is None
    assert missing(fin) == ["a", "b", "c", "d"]
    b = next(m for m in fin.missing if m["indicator"] == "b")
    assert (b["status"], b["latest_year"], b["data_age"]) == ("stale", 2009, 11)


def test_the_worked_example_of_the_docs() -> None:
    """docs/assessment.md: the Transport Bureau, assessment year 2014."""
    plan = make_plan()
    units = {"transport": ["a", "b", "c", "d"]}
    rows = [("a", "no_data", None), ("b", "achieved", None), ("c", "stale", 0.9, 2010)]
    tr = assess(plan, evaluation(rows, 2014), 2014, unit_indicators=units).unit("transport")
    assert tr.coverage["share"] == 0.2 and tr.insufficient_data
    assert (tr.total, tr.grade, tr.rank) == (None, None, None)
    assert missing(tr) == ["a", "c", "d"] and tr.missing[1]["data_age"] == 4
    rows[0] = ("a", "lagging", 0.8)
    tr = assess(plan, evaluation(rows, 2014), 2014, unit_indicators=units).unit("transport")
    # (2 + 1)/5 = 0.6; Q = (2·80 + 100)/3 = 86.67 → 86.7
    assert tr.coverage["share"] == 0.6 and tr.quantitative == 86.7 and tr.total == 86.7
