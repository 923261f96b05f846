"""The five-year plan forms in plan files: nature, rates, schedules and all-of targets."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.errors import PlanError
from kaoping.plan import Plan, parse_plan
from kaoping.plan.checks import check_plan

from .test_checks import base
from .test_loader import CODES, _is_plain_sentence

FORMS = """\
id: fyp
title: {zh: 五年规划}
period: {start: 2016, end: 2020}
base_year: 2015
areas: [{key: cn, name: {zh: 全国}}]
groups: [{key: economy, name: {zh: 经济发展}}]
indicators:
  - key: gdp_growth
    name: {zh: 国内生产总值增长}
    unit: "%"
    group: economy
    nature: anticipatory
    observed: growth
    schedule:
      2016: "~ 6.75 ± 0.25"
      2017: {expr: ">= 6.5", text: {zh: 6.5%左右}}
    targets:
      2020: "growth > 6.5% vs 2015"
  - key: energy_cut
    name: {zh: 单位GDP能源消耗降低}
    unit: "%"
    group: economy
    nature: binding
    observed: decline
    targets:
      2020: "change <= -15% vs 2015"
  - key: rd
    name: {zh: 研发经费投入强度}
    unit: "%"
    group: economy
    rebase: shift
    targets:
      2020:
        all: ["growth >= 7% vs 2015", ">= 2.5"]
        text: {zh: 研发投入年均增长7%以上，强度达到2.5%}
  - key: growth_only
    name: {zh: 年度增长}
    unit: "%"
    group: economy
    observed: growth
    schedule: [{year: 2018, expr: ">= 6"}]
"""


def test_the_forms_parse() -> None:
    plan = parse_plan(FORMS)
    gdp, energy, rd, only = plan.indicators
    assert (gdp.nature, gdp.observed, gdp.rate) == ("anticipatory", "growth", True)
    assert (energy.nature, energy.observed) == ("binding", "decline")
    assert (rd.nature, rd.observed, rd.rebase, rd.rate) == (None, "level", "shift", False)
    assert [(s.year, s.expr) for s in gdp.scheduled] == [(2016, "~ 6.75 ± 0.25"), (2017, ">= 6.5")]
    assert gdp.scheduled[1].text.zh == "6.5%左右"
    assert str(gdp.scheduled[0].parsed) == "~ 6.75 ± 0.25"
    (t,) = rd.targets
    assert [str(c) for c in t.conditions] == ["growth >= 7% vs 2015", ">= 2.5"]
    assert t.parsed == t.conditions[0]
    assert t.expression == "growth >= 7% vs 2015 and >= 2.5"
    assert gdp.targets[0].expression == "growth > 6.5% vs 2015"
    assert not only.targets and not only.is_qualitative and only.quantitative == []


def test_the_schema_knows_the_forms() -> None:
    schema = Plan.model_json_schema()
    ind = schema["$defs"]["Indicator"]["properties"]
    assert ind["nature"]["anyOf"][0]["enum"] == ["binding", "anticipatory"]
    assert ind["observed"]["enum"] == ["level", "growth", "decline"]
    assert [o["type"] for o in ind["schedule"]["anyOf"]] == ["array", "object"]
    assert "all" in schema["$defs"]["TargetSpec"]["properties"]
    data = yaml.safe_load(FORMS)
    for i in data["indicators"]:
        assert set(i) <= set(ind)


def test_a_schedule_alone_needs_no_direction() -> None:
    d = base()
    d["indicators"][0] = {
        "key": "x",
        "name": {"zh": "x"},
        "unit": "%",
        "group": "g",
        "schedule": {2022: ">= 5"},
    }
    assert check_plan(d) == []


def test_schedule_references_are_checked_like_targets() -> None:
    d = base()
    d["indicators"][0]["schedule"] = {2022: ">= value(nowhere)", 2023: "change >= 5% vs 2024"}
    assert [(loc, code) for loc, code, _ in check_plan(d)] == [
        (("indicators", 0, "schedule", "2022", "expr"), "unknown-indicator"),
        (("indicators", 0, "schedule", "2023", "expr"), "reference-year"),
    ]


def test_rates_compare_with_rates() -> None:
    d = base()
    d["indicators"][0]["observed"] = "growth"
    d["indicators"][0]["targets"] = [{"year": 2025, "expr": ">= value(y)"}]
    d["indicators"].append(
        {
            "key": "y",
            "name": {"zh": "y"},
            "unit": "%",
            "group": "g",
            "observed": "decline",
            "direction": "down",
        }
    )
    assert check_plan(d) == []
    d["indicators"][1]["observed"] = "level"
    assert [code for _, code, _ in check_plan(d)] == ["rate-reference"]


def test_all_of_conditions_are_checked_one_by_one() -> None:
    d = base()
    d["indicators"][0]["targets"] = [
        {"year": 2025, "all": [">= 120", "change >= 5% vs 2026", ">= value(nowhere)"]}
    ]
    d["indicators"][0]["bounds"] = {"min": 0, "max": 100}
    found = [(loc, code) for loc, code, _ in check_plan(d)]
    here = ("indicators", 0, "targets", 0, "all")
    assert found == [
        ((*here, 0), "target-out-of-bounds"),
        ((*here, 1), "reference-year"),
        ((*here, 2), "unknown-indicator"),
    ]


def test_an_all_of_target_is_one_target_of_its_year() -> None:
    d = base()
    d["indicators"][0]["targets"].append({"year": 2025, "all": [">= 5", "<= 9"]})
    assert [code for _, code, _ in check_plan(d)] == ["duplicate-target"]


def test_a_target_with_all_and_qualitative_is_a_form_problem() -> None:
    text = FORMS.replace(
        '        all: ["growth >= 7% vs 2015", ">= 2.5"]\n',
        '        all: ["growth >= 7% vs 2015"]\n        qualitative: {zh: 建成}\n',
    )
    with pytest.raises(PlanError) as err:
        parse_plan(text)
    assert [p.code for p in err.value.problems] == ["target-form"]


_DATA = yaml.safe_load(FORMS)
_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.sampled_from(["", "growth", "decline", ">= 5", "every year >= 5", "ratio", "x"]),
    st.lists(st.sampled_from([1, "a", None, ">= 2", "every year >= 1"]), max_size=3),
    st.dictionaries(st.sampled_from(["year", "expr", "all", "2017"]), st.integers(), max_size=2),
)
_SPOTS = [
    ("nature",),
    ("observed",),
    ("rebase",),
    ("schedule",),
    ("schedule", 2016),
    ("targets", 2020),
    ("targets", 2020, "all"),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(_SPOTS), _junk), max_size=3))
def test_any_damage_to_the_forms_is_reported_not_raised(damage: list[tuple]) -> None:
    data: dict[str, Any] = copy.deepcopy(_DATA)
    for i, spot, value in damage:
        node = data["indicators"][i]
        for step in spot[:-1]:
            node = node.get(step) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node[spot[-1]] = value
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        parse_plan(text, "fuzz.yaml")
    except PlanError as e:
        for p in e.problems:
            assert p.code in CODES, str(p)
            assert _is_plain_sentence(p.message), p.message
