"""All-of targets and the binding/anticipatory summary (docs/methods.md §17, §18), by hand."""

from __future__ import annotations

import math

import pytest

from kaoping.core import nature_summary as core_summary
from kaoping.engine.summary import nature_summary
from tests.engine.helpers import plan, row, run, series

A = pytest.approx

PLAN = """
- {key: rd, name: {zh: 研发投入强度}, unit: "%", group: g, nature: anticipatory,
   targets: {2020: {all: ["growth >= 7% vs 2008", ">= 2.5"]}}}
- {key: rd_growth, name: {zh: 研发}, unit: "%", group: g, targets: {2020: "growth >= 7% vs 2008"}}
- {key: rd_level, name: {zh: 研发}, unit: "%", group: g, targets: {2020: ">= 2.5"}}
- {key: both, name: {zh: 两项}, unit: "%", group: g, nature: binding,
   targets: {2020: {all: [">= 2.5", "<= 3"]}}}
- {key: ref, name: {zh: 参照}, unit: "%", group: g, nature: binding,
   targets: {2020: {all: [">= 2", ">= value(other)"]}}}
- {key: other, name: {zh: 其他}, unit: "%", group: g, direction: up, nature: binding}
"""

RD = {2008: 2.0, 2010: 2.2, 2012: 2.6}


@pytest.fixture(scope="module")
def p():
    return plan(PLAN)


def test_the_worst_condition_decides(p):
    rows = series("rd", RD) + series("rd_growth", RD) + series("rd_level", RD)
    ev = run(p, rows, 2012)
    r = row(ev, "rd")
    assert r["target"] == "growth >= 7% vs 2008 and >= 2.5"
    assert r["conditions"] == 2 and r["conditions_met"] == 1
    assert r["condition_texts"] == "growth >= 7% vs 2008; >= 2.5"
    # growth 2008–2012 = 100·(1.3^(1/4) − 1) = 6.78 % < 7: T = 2·1.07^12 = 4.504,
    # E(2012) = 2 + (4.504 − 2)·4/12 = 2.835, pace 0.6/0.835 = 0.719: lagging;
    # 2.6 ≥ 2.5 is met before 2020: achieved early. The worst is lagging.
    assert r["condition_statuses"] == "lagging; achieved_early"
    assert r["status"] == "lagging" and r["deciding_condition"] == 1
    assert r["progress_ratio"] == A(0.6 / (2 * 1.07**12 * 4 / 12 - 2 * 4 / 12))
    assert r["measure_value"] == A(100 * (1.3**0.25 - 1))
    # met iff every condition is: not met; attainment the least: 6.78/7 = 0.968 against 1
    assert not r["met"]
    assert r["attainment"] == A(100 * (1.3**0.25 - 1) / 7)
    assert r["method_used"] == "ratio"  # the formula of the condition that gives it
    g, lv = row(ev, "rd_growth"), row(ev, "rd_level")
    assert (g["status"], lv["status"]) == ("lagging", "achieved_early")
    assert r["attainment"] == min(g["attainment"], lv["attainment"])


def test_every_condition_met(p):
    r = row(run(p, series("both", {2008: 2.0, 2012: 2.8}), 2012), "both")
    assert r["met"] and r["attainment"] == 1.0 and r["conditions_met"] == 2
    assert r["status"] == "achieved_early"
    assert r["condition_statuses"] == "achieved_early; achieved_early"
    # 3.2 meets ">= 2.5" but not "<= 3": its baseline 2.0 met "<= 3", so that condition
    # regresses; attainment 3/3.2 = 0.9375
    r = row(run(p, series("both", {2008: 2.0, 2012: 3.2}), 2012), "both")
    assert r["condition_statuses"] == "achieved_early; regressing"
    assert (r["status"], r["deciding_condition"]) == ("regressing", 2)
    assert r["attainment"] == A(3 / 3.2)


def test_a_condition_without_data_leaves_no_status(p):
    # value(other) has no value: the second condition cannot be judged
    r = row(run(p, series("ref", {2008: 1.0, 2012: 2.4}), 2012), "ref")
    assert (r["status"], r["reason"]) == ("no_data", "no_value_for_reference")
    assert math.isnan(r["attainment"])
    rows = series("ref", {2008: 1.0, 2012: 2.4}) + series("other", {2012: 2.2})
    r = row(run(p, rows, 2012), "ref")
    assert r["met"] and r["conditions_met"] == 2


def test_a_plain_target_is_one_condition(p):
    r = row(run(p, series("rd_level", RD), 2012), "rd_level")
    assert (r["conditions"], r["conditions_met"], r["deciding_condition"]) == (1, 1, 0)
    assert r["condition_texts"] == "" and r["condition_statuses"] == ""
    assert row(run(p, series("rd_level", RD), 2012), "other")["conditions"] == 0


def test_nature_summary_counts_statuses_per_nature(p):
    rows = series("rd", RD) + series("both", {2008: 2.0, 2012: 3.2})
    rows += series("ref", {2008: 1.0, 2012: 2.4}) + series("other", {2012: 2.2})
    ev = run(p, rows, 2012)
    assert row(ev, "rd")["nature"] == "anticipatory"
    assert row(ev, "rd_growth")["nature"] == ""
    s = nature_summary(ev)
    assert list(s) == ["binding", "anticipatory", ""]
    # binding: both (regressing), ref (achieved early), other (monitoring)
    assert s["binding"]["total"] == 3
    assert (s["binding"]["regressing"], s["binding"]["achieved_early"]) == (1, 1)
    assert s["binding"]["monitoring"] == 1 and s["binding"]["off_track"] == 1
    # anticipatory: rd (lagging)
    assert s["anticipatory"] == {
        **dict.fromkeys(s["anticipatory"], 0),
        "total": 1,
        "lagging": 1,
        "off_track": 1,
    }
    # unstated: rd_growth and rd_level without data
    assert s[""]["total"] == 2 and s[""]["no_data"] == 2
    assert core_summary(ev, "city") == s
    assert nature_summary(ev, "east")["binding"]["no_data"] == 2
