"""Cross-checks on the raw plan data, beyond the one-fixture-per-code tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kaoping.plan.bundled import PLANS_DIR
from kaoping.plan.checks import check_plan

MINIMAL = Path(__file__).parent / "examples" / "minimal.yaml"


def base() -> dict[str, Any]:
    return {
        "id": "demo",
        "title": {"zh": "示例"},
        "period": {"start": 2021, "end": 2025},
        "base_year": 2020,
        "areas": [{"key": "city", "name": {"zh": "市"}}],
        "groups": [{"key": "g", "name": {"zh": "组"}}],
        "indicators": [
            {
                "key": "x",
                "name": {"zh": "指标"},
                "unit": "%",
                "group": "g",
                "targets": [{"year": 2025, "expr": ">= 5"}],
            }
        ],
    }


def codes(data: dict) -> list[str]:
    return [code for _, code, _ in check_plan(data)]


def ind(data: dict, i: int = 0) -> dict:
    return data["indicators"][i]


def add_indicator(data: dict, key: str, **fields: Any) -> dict:
    item = {"key": key, "name": {"zh": key}, "unit": "yuan", "group": "g", **fields}
    data["indicators"].append(item)
    return item


def test_valid_plans_have_no_cross_problems() -> None:
    assert check_plan(base()) == []
    assert check_plan(yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))) == []
    flagship = PLANS_DIR / "zhengzhou-2009-2020" / "plan.yaml"
    assert check_plan(yaml.safe_load(flagship.read_text(encoding="utf-8"))) == []


def test_category_keys_are_unique_across_lenses() -> None:
    d = base()
    d["lenses"] = [
        {"key": "a", "name": {"zh": "甲"}, "categories": [{"key": "c", "name": {"zh": "丙"}}]},
        {"key": "b", "name": {"zh": "乙"}, "categories": [{"key": "c", "name": {"zh": "丙"}}]},
    ]
    assert check_plan(d) == [
        (
            ("lenses", 1, "categories", 0, "key"),
            "duplicate-key",
            "category 'c' is used twice among the lenses; a tag must name one category",
        )
    ]


def test_chapters_and_articles_are_checked_only_when_listed() -> None:
    d = base()
    ind(d)["articles"] = [3]
    d["milestones"] = [
        {"year": 2025, "key": "m", "name": {"zh": "m"}, "goal": {"zh": "g"}, "article": 9}
    ]
    assert codes(d) == [], "no articles listed: references to articles are not checked"
    d["articles"] = [{"number": 3, "chapter": 4, "title": {"zh": "条"}}]
    assert codes(d) == ["unknown-article"], "no chapters listed: chapter 4 is not checked"
    d["chapters"] = [{"number": 1, "title": {"zh": "章"}}]
    assert sorted(codes(d)) == ["unknown-article", "unknown-chapter"]


def test_qualitative_only_indicator_needs_no_direction() -> None:
    d = base()
    ind(d)["targets"] = [{"year": 2025, "qualitative": {"zh": "建成"}}]
    assert codes(d) == []
    ind(d)["targets"] = []
    assert codes(d) == ["direction-needed"]
    ind(d)["direction"] = "up"
    assert codes(d) == []


def test_malformed_targets_do_not_also_ask_for_a_direction() -> None:
    d = base()
    ind(d)["targets"] = ">= 5"  # the typed validation reports this
    assert codes(d) == []


def test_a_final_target_and_an_every_year_constraint_may_share_a_year() -> None:
    d = base()
    ind(d)["targets"] = [
        {"year": 2025, "expr": ">= 5"},
        {"year": 2025, "expr": "every year change > 0"},
    ]
    assert codes(d) == []
    ind(d)["targets"].append({"year": 2025, "expr": "every year >= 1"})
    assert codes(d) == ["duplicate-target"]


def test_duplicate_target_in_short_form_is_a_duplicate_yaml_key_instead() -> None:
    # in the short form two targets for one year are one mapping key written twice:
    # the loader reports that (duplicate-key); the raw data hold only one of them
    d = base()
    ind(d)["targets"] = {2025: ">= 5", 2024: ">= 4"}
    assert codes(d) == []


@pytest.mark.parametrize(
    ("expr", "bounds", "bad"),
    [
        (">= 120", {"min": 0, "max": 100}, True),
        ("<= -1", {"min": 0}, True),
        ("~ 101", {"max": 100}, True),
        ("in [90, 110]", {"max": 100}, True),
        ("in [90, 100]", {"min": 0, "max": 100}, False),
        (">= 100", {"min": 0, "max": 100}, False),
        ("change >= 200%", {"max": 100}, False),  # a change is not a level
        (">= 2 * value(y)", {"max": 1}, False),  # a reference is known only with data
    ],
)
def test_target_must_lie_within_bounds(expr: str, bounds: dict, bad: bool) -> None:
    d = base()
    add_indicator(d, "y", direction="up")
    ind(d)["bounds"] = bounds
    ind(d)["targets"] = [{"year": 2025, "expr": expr}]
    assert codes(d) == (["target-out-of-bounds"] if bad else [])


def test_inverted_bounds_are_reported_once() -> None:
    d = base()
    ind(d)["bounds"] = {"min": 100, "max": 0}
    assert codes(d) == ["bad-bounds"]


@pytest.mark.parametrize(
    ("direction", "expr", "conflict"),
    [
        ("up", ">= 5", False),
        ("up", "<= 5", True),
        ("down", "> 5", True),
        ("down", "change <= -15%", False),
        ("up", "~ 5", False),
        ("down", "in [1, 2]", False),
    ],
)
def test_direction_must_agree_with_the_target(direction: str, expr: str, conflict: bool) -> None:
    d = base()
    ind(d)["direction"] = direction
    ind(d)["targets"] = [{"year": 2025, "expr": expr}]
    assert codes(d) == (["direction-conflict"] if conflict else [])


def test_a_circle_of_three_references_is_reported_once() -> None:
    d = base()
    ind(d)["targets"] = [{"year": 2025, "expr": "growth >= growth(b)"}]
    add_indicator(d, "b", targets=[{"year": 2025, "expr": "growth >= growth(c)"}])
    add_indicator(d, "c", targets=[{"year": 2025, "expr": "growth >= growth(x)"}])
    found = check_plan(d)
    assert [(loc, code) for loc, code, _ in found] == [
        (("indicators", 0, "targets", 0, "expr"), "reference-cycle")
    ]
    assert found[0][2].endswith("x → b → c → x")


def test_a_chain_of_references_is_no_circle() -> None:
    d = base()
    ind(d)["targets"] = [{"year": 2025, "expr": "growth >= growth(b)"}]
    add_indicator(d, "b", targets=[{"year": 2025, "expr": "growth >= growth(c)"}])
    add_indicator(d, "c", direction="up")
    assert codes(d) == []


@pytest.mark.parametrize(
    ("ref_year", "bad"), [(2020, False), (2005, False), (2024, False), (2025, True), (2030, True)]
)
def test_reference_year_comes_before_the_target_year(ref_year: int, bad: bool) -> None:
    d = base()
    ind(d)["targets"] = [{"year": 2025, "expr": f"change <= -15% vs {ref_year}"}]
    assert codes(d) == (["reference-year"] if bad else [])


@pytest.mark.parametrize(
    ("start", "bad"), [(2021, False), (2025, False), (2020, True), (2026, True)]
)
def test_every_year_start_lies_in_the_period(start: int, bad: bool) -> None:
    d = base()
    ind(d)["targets"] = [{"year": 2025, "expr": "every year >= 1", "start": start}]
    assert codes(d) == (["year-outside-period"] if bad else [])


def test_an_inverted_period_is_reported_once() -> None:
    d = base()
    d["period"] = {"start": 2025, "end": 2021}
    d["base_year"] = 2000
    assert codes(d) == ["period-order"]


def test_percent_targets_need_the_percent_unit() -> None:
    d = base()
    ind(d)["targets"] = [{"year": 2025, "expr": ">= 40%"}]
    assert codes(d) == []
    ind(d)["unit"] = "percent"
    assert codes(d) == ["percent-unit"]
    ind(d)["targets"] = [{"year": 2025, "expr": "change <= -15%"}]
    assert codes(d) == [], "a relative change is in % whatever the unit"


@pytest.mark.parametrize(
    "damage",
    [
        {"groups": [{"key": ["g"], "name": {"zh": "组"}}]},
        {"groups": "g"},
        {"lenses": [{"key": "l", "name": {"zh": "l"}, "categories": 5}]},
        {"areas": [{"key": "city"}, {"key": "d", "parent": ["city"]}]},
        {"indicators": 5},
        {"indicators": [None, 3, "x"]},
        {"period": [2021, 2025]},
        {"articles": [{"number": [1]}], "chapters": [{"number": {"a": 1}}]},
        {"milestones": [{"year": "2025", "article": [1]}], "articles": [{"number": 1}]},
    ],
)
def test_malformed_data_never_crashes_and_does_not_cascade(damage: dict) -> None:
    d = copy.deepcopy(base())
    d.update(damage)
    assert "unknown-group" not in codes(d)
    assert "unknown-tag" not in codes(d)
    assert "unknown-area" not in codes(d)
