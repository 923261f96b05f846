"""The annual assessment of the full test plan (tests/plans/full) as of 2025: seven
departments and two districts, hand-computed quantitative scores, and the units with too
little current data get no total.

Default rules of the plan: an indicator met scores 100, one on track or lagging
100·min(1, max(0, progress ratio)), one regressing 0, an every-year constraint or a
qualitative target on track without a ratio 100; no ratings, so the quantitative part
takes the whole weight; no deductions or adjustments.
"""

from __future__ import annotations

import pytest

from kaoping.assess.service import run_assessment

from ..conftest import FULL_MID


@pytest.fixture(scope="module")
def result(full_store):
    return run_assessment(full_store, FULL_MID)


@pytest.fixture(scope="module")
def results(result):
    return {(r["kind"], r["unit"]): r for r in result.to_dict()["results"]}


def test_every_department_and_district_is_assessed(results):
    assert set(results) == {
        ("department", "statistics"),
        ("department", "development"),
        ("department", "human_resources"),
        ("department", "health"),
        ("department", "housing"),
        ("department", "ecology"),
        ("department", "science"),
        ("district", "north"),
        ("district", "south"),
    }


@pytest.mark.parametrize(
    ("unit", "total"),
    [
        # retail_sales ahead (1.387 → 100), fiscal_revenue on track (1.056 → 100),
        # service_share ahead (1.875 → 100), energy_intensity lagging (0.4667 → 46.67):
        # (100 + 100 + 100 + 46.67)/4 = 86.67 → 86.7
        ("development", 86.7),
        # forest_cover achieved early (100), pm25 on track (1.08 → 100), drinking_water_quality
        # and national_garden_city on track without a ratio (100): 100.0
        ("ecology", 100.0),
        # infant_mortality regressing (0), hospital_beds ahead (1.8 → 100): 50.0
        ("health", 50.0),
        # housing_price_income_ratio lagging (0.4 → 40), rural_water_coverage achieved early
        # (100), green_space on track without a ratio (100): 240/3 = 80.0
        ("housing", 80.0),
        # rd_spending lagging (0.5574 → 55.74), patents ahead (2.2 → 100);
        # digital_economy_share has no data and is left out: 155.74/2 = 77.87 → 77.9
        ("science", 77.9),
    ],
)
def test_hand_computed_totals(results, unit, total):
    r = results[("department", unit)]
    assert r["quantitative"] == pytest.approx(total)
    assert r["total"] == pytest.approx(total)
    assert r["qualitative"] is None  # no ratings: the quantitative part takes the weight
    assert r["grade"] is not None and r["rank"] is not None


def test_grades_and_ranks_follow_the_totals(results):
    graded = sorted(
        (r for r in results.values() if r["kind"] == "department" and r["total"] is not None),
        key=lambda r: -r["total"],
    )
    assert [r["rank"] for r in graded] == sorted(r["rank"] for r in graded)
    assert results[("department", "ecology")]["grade"] == "excellent"
    assert results[("department", "development")]["grade"] == "good"
    assert results[("department", "health")]["grade"] == "fail"


def test_a_unit_whose_only_indicator_is_stale_gets_no_grade(results, result):
    """human_resources owns only unemployment_rate, last reported in 2022."""
    r = results[("department", "human_resources")]
    assert r["total"] is None and r["grade"] is None and r["rank"] is None
    data = result.unit("human_resources").to_dict()
    assert data["insufficient_data"] is True
    assert "unemployment_rate" in str(data["missing"])


def test_the_district_with_old_data_gets_no_grade_and_the_other_does(results):
    south = results[("district", "south")]
    assert south["total"] is None and south["grade"] is None and south["rank"] is None
    north = results[("district", "north")]
    assert north["total"] is not None and 0 <= north["total"] <= 100 and north["rank"] == 1


def test_the_district_comparison_covers_both_districts(result):
    comparison = result.to_dict()["comparison"]
    assert [d["key"] for d in comparison["districts"]] == ["north", "south"]
    rows = {row["indicator"]: row["cells"] for row in comparison["rows"]}
    assert {"gdp_per_capita", "unemployment_rate", "forest_cover"} <= set(rows)
    # north reports every year: on track; south stopped in 2022: stale, not scored
    assert rows["gdp_per_capita"]["north"]["status"] == "on_track"
    assert rows["gdp_per_capita"]["north"]["latest_value"] == 91000
    assert rows["gdp_per_capita"]["south"]["status"] == "stale"
    assert rows["gdp_per_capita"]["south"]["score"] is None
    assert rows["forest_cover"]["south"]["status"] == "achieved_early"
