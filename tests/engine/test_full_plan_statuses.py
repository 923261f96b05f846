"""The statuses the full test plan (tests/plans/full) is made to reach, computed by hand.

As of the mid-plan year 2025 every status of docs/methods.md §7 is reached in the city
(minghu), and in the district north, whose series are the city's (totals scaled by 0.4,
which changes no pace). As of the end year 2030 the targets met in 2030 are achieved. The
district south has data only up to 2022 for most indicators, so they are stale.

Notation: x0 the baseline (2020), x the latest value, T the target as a level in 2030,
E(t) the expected path (linear unless the indicator's path is geometric),
pace = progress ratio = (x − x0)/(E(t) − x0); thresholds (time_half): ahead ≥ 1.1,
on track ≥ 1, lagging ≥ 0, regressing < 0; dead-band d = 1% of E(t) (methods.deadband).
"""

from __future__ import annotations

import math

import pytest

from kaoping.core import evaluate_loaded

MID, END = 2025, 2030

# indicator: (status, reason, pace) as of 2025 in the city; the hand computation of each
# pace is in the comment above it ("" is no reason, None no pace)
AS_OF_MID = {
    # no target
    "gdp": ("monitoring", "", None),
    # knots (2020, 70000), (2025, 90000), (2030, 120000): E(2025) = 90000;
    # (91000 − 70000)/(90000 − 70000) = 21000/20000 = 1.05: on track (1 ≤ 1.05 < 1.1)
    "gdp_per_capita": ("on_track", "", 1.05),
    # growth 2020–2025 = 100·((587.7/400)^(1/5) − 1) = 7.999% ≥ 6%: met, but before 2030, so
    # judged on pace. T = 400·1.06^10 = 716.34; geometric path E(2025) = 400·1.06^5 = 535.29;
    # (587.7 − 400)/(535.29 − 400) = 187.7/135.29 = 1.3874: ahead
    "retail_sales": ("ahead", "met_before_target_year", 1.3874),
    # gdp growth 2020–2025 = 100·(1.3382^(1/5) − 1) = 6.00%; own 100·(1.357^(1/5) − 1) =
    # 6.30%: met before 2030, judged on pace. T = 100·1.3382^2 = 179.08; geometric
    # E(2025) = 100·1.3382 = 133.82; (135.7 − 100)/(133.82 − 100) = 35.7/33.82 = 1.0556: on track
    "fiscal_revenue": ("on_track", "met_before_target_year", 1.0556),
    # ~ 60 ± 2 is [58, 62]; from 50 below it T = 58; E(2025) = 50 + 8·5/10 = 54;
    # (57.5 − 50)/(54 − 50) = 1.875: ahead (57.5 < 58, not met)
    "service_share": ("ahead", "", 1.875),
    # T = 45 + 0.5 = 45.5; E(2025) = 45.25; (44.9 − 45)/(45.25 − 45) = −0.4, below the floor,
    # but the shortfall 45.25 − 44.9 = 0.35 ≤ d = 0.4525: on track within the dead-band
    "labour_share": ("on_track", "within_deadband", -0.4),
    # T = 75; E(2025) = 72.5; (71.5 − 70)/(72.5 − 70) = 0.6: lagging (shortfall 1.0 > d 0.725)
    "urbanization_rate": ("lagging", "", 0.6),
    # latest value 2022: 2025 − 2022 = 3 > max_data_age 2: stale, no pace status
    "unemployment_rate": ("stale", "data_too_old", None),
    # T = 4; E(2025) = 5; (6.8 − 6)/(5 − 6) = −0.8: regressing (moved away 0.8 > d 0.05)
    "infant_mortality": ("regressing", "", -0.8),
    # T = 7; E(2025) = 6; (6.8 − 5)/(6 − 5) = 1.8: ahead (6.8 is not more than 7)
    "hospital_beds": ("ahead", "", 1.8),
    # in [6, 8] from 12 above: T = 8; E(2025) = 10; (11.2 − 12)/(10 − 12) = 0.4: lagging
    "housing_price_income_ratio": ("lagging", "", 0.4),
    # == 100 since 2023, a level target met before 2030: achieved early
    # ((100 − 97)/(98.5 − 97) = 2.0)
    "rural_water_coverage": ("achieved_early", "", 2.0),
    # >= 35 since 2024 (35.1, 35.6), baseline 30 from the plan: achieved early
    # ((35.6 − 30)/(32.5 − 30) = 2.24)
    "forest_cover": ("achieved_early", "", 2.24),
    # T = 0.5·(1 − 0.3) = 0.35; E(2025) = 0.425; (0.465 − 0.5)/(0.425 − 0.5) = 0.4667: lagging
    "energy_intensity": ("lagging", "", 0.4667),
    # T = 35; E(2025) = 40; (39.6 − 45)/(40 − 45) = 1.08: on track (< 1.1)
    "pm25": ("on_track", "", 1.08),
    # up every year 2021–2025 (+0.3, +0.2, +0.3, +0.2, +0.3), last year 2030 not reached
    "green_space": ("on_track", "", None),
    # ≥ 95 in 2021, 2023, 2024, 2025; 94.0 in 2022 failed; the latest year held: on track
    "drinking_water_quality": ("on_track", "some_years_failed", None),
    # the verdict of 2024
    "national_garden_city": ("on_track", "", None),
    # 0.03·gdp(2025) = 0.03·1338.2 = 40.146 = T; E(2025) = 24 + 16.146/2 = 32.073;
    # (28.5 − 24)/(32.073 − 24) = 4.5/8.073 = 0.5574: lagging
    "rd_spending": ("lagging", "", 0.5574),
    # T = 2·10 = 20; E(2025) = 15; 21 is +110% ≥ +100%: met before 2030, judged on pace:
    # (21 − 10)/(15 − 10) = 2.2: ahead
    "patents": ("ahead", "met_before_target_year", 2.2),
    # no value at all
    "digital_economy_share": ("no_data", "no_value", None),
    # -- the five-year plan forms (not scored) --
    # rates 6.5, 5.2, 5.4, 5.0, 4.8 chained: I(2025) = 100·1.065·1.052·1.054·1.05·1.048 =
    # 129.944, growth 100·(1.29944^(1/5) − 1) = 5.38% ≥ 5%: met before 2030, judged on pace;
    # geometric path E(2025) = 100·1.05^5 = 127.628; (129.944 − 100)/27.628 = 1.0838
    "gdp_growth_rate": ("on_track", "met_before_target_year", 1.0838),
    # declines 2.7, 3.0, 2.9, 3.1 and ">3" (at the bound 3): I(2025) = 86.139, T = 75;
    # E(2025) = 100·0.75^(1/2) = 86.603; (86.139 − 100)/(86.603 − 100) = 1.0346
    "energy_intensity_cut": ("on_track", "", 1.0346),
    # growth 100·((2.9/2.4)^(1/5) − 1) = 3.86% < 5%: T = 2.4·1.05^10 = 3.909,
    # E(2025) = 2.4 + 1.509/2 = 3.155, (2.9 − 2.4)/0.755 = 0.6625: lagging; ">= 3": ahead
    # ((2.9 − 2.4)/(2.7 − 2.4) = 1.667); the worst decides
    "rd_intensity": ("lagging", "", 0.6625),
    # spliced by 67.9/66.3: x0 = 64·1.02413 = 65.544; E(2025) = 65.544 + (72 − 65.544)/2 =
    # 68.772; (69.3 − 65.544)/(68.772 − 65.544) = 1.1635
    "urban_population_share": ("ahead", "", 1.1635),
    # from the break (2023, 84.8): E(2025) = 84.8 + 3.2·2/7 = 85.714; 1.3/0.914 = 1.4219
    "air_quality_days": ("ahead", "", 1.4219),
    # ">55" proves ">= 55" ((55 − 50)/(52.5 − 50) = 2.0)
    "wetland_protection": ("achieved_early", "", 2.0),
}

# the indicators that show the five-year plan forms (data in minghu and north only)
FIVE_YEAR_FORMS = (
    "gdp_growth_rate",
    "energy_intensity_cut",
    "rd_intensity",
    "urban_population_share",
    "air_quality_days",
    "wetland_protection",
)

# as of 2030: (status, reason)
AS_OF_END = {
    "gdp": ("monitoring", ""),
    "gdp_per_capita": ("achieved", ""),  # 121000 ≥ 120000
    "retail_sales": ("achieved", ""),  # 100·((824.2/400)^(1/10) − 1) = 7.50% ≥ 6%
    "fiscal_revenue": ("achieved", ""),  # 6.30% ≥ gdp's 100·(1.7908^(1/10) − 1) = 6.00%
    "service_share": ("achieved", ""),  # 60.2 in [58, 62]
    "labour_share": ("achieved", ""),  # 45.6 − 45 = 0.6 ≥ 0.5
    "urbanization_rate": ("lagging", "target_year_passed"),  # 74.4 − 70 = 4.4 < 5, pace 0.88
    "unemployment_rate": ("stale", "data_too_old"),  # 2030 − 2022 = 8
    "infant_mortality": ("lagging", ""),  # 4.6 > 4; (4.6 − 6)/(4 − 6) = 0.7
    "hospital_beds": ("achieved", ""),  # 7.4 > 7
    "housing_price_income_ratio": ("achieved", ""),  # 8.0 in [6, 8]
    "rural_water_coverage": ("achieved", ""),
    "forest_cover": ("achieved", ""),
    "energy_intensity": ("lagging", ""),  # −28% > −30%; pace (0.36 − 0.5)/(0.35 − 0.5) = 0.933
    "pm25": ("achieved", ""),  # 34.8 ≤ 35
    "green_space": ("achieved", ""),  # up in every year 2021–2030
    "drinking_water_quality": ("lagging", "some_years_failed"),  # 2022 failed
    "national_garden_city": ("achieved", ""),  # the verdict of 2030
    "rd_spending": ("lagging", ""),  # 46.0 < 0.03·1790.8 = 53.72
    "patents": ("achieved", ""),  # 27 is +170%
    "digital_economy_share": ("no_data", "no_value"),
    "gdp_growth_rate": ("achieved", ""),  # 100·(1.66161^(1/10) − 1) = 5.21% ≥ 5%
    "energy_intensity_cut": ("achieved", ""),  # −25.26% ≤ −25%
    "rd_intensity": ("lagging", ""),  # 3.54% a year < 5%; 3.4 ≥ 3 achieved
    "urban_population_share": ("achieved", ""),  # 72.4 ≥ 72
    "air_quality_days": ("achieved", ""),  # 88.3 ≥ 88
    "wetland_protection": ("achieved", ""),  # 57.0 ≥ 55
}

# the first observed year of the current run of years in which the target is met
YEAR_REACHED_MID = {
    "retail_sales": 2021,  # 8% from 2021 on
    "fiscal_revenue": 2021,  # 6.3% against gdp's 6.0% from 2021 on
    "rural_water_coverage": 2023,
    "forest_cover": 2024,  # 34.2 in 2023 is below 35
    "patents": 2025,  # +90% in 2024
}
YEAR_REACHED_END = {
    "gdp_per_capita": 2030,  # 115000 in 2029
    "service_share": 2026,  # 58.5
    "labour_share": 2029,  # 45.5 is +0.5
    "hospital_beds": 2027,  # 7.0 in 2026 is not more than 7
    "housing_price_income_ratio": 2030,  # 8.8 in 2029
    "rural_water_coverage": 2023,
    "forest_cover": 2024,  # the run goes on: the year does not drift
    "pm25": 2030,  # 35.5 in 2029
    "patents": 2025,
}


@pytest.fixture(scope="module")
def mid(full_loaded):
    return evaluate_loaded(full_loaded, MID)


@pytest.fixture(scope="module")
def end(full_loaded):
    return evaluate_loaded(full_loaded, END)


def _reason(row: dict) -> str:
    r = row.get("reason")
    return "" if r is None or (isinstance(r, float) and math.isnan(r)) else str(r)


def test_every_indicator_has_an_expected_status(full_loaded):
    keys = [i.key for i in full_loaded.plan.indicators]
    assert sorted(keys) == sorted(AS_OF_MID) == sorted(AS_OF_END)


def test_every_status_is_reached_as_of_the_mid_year():
    reached = {status for status, _, _ in AS_OF_MID.values()}
    assert reached == {
        "achieved_early",
        "ahead",
        "on_track",
        "lagging",
        "regressing",
        "stale",
        "no_data",
        "monitoring",
    }
    assert "achieved" in {status for status, _ in AS_OF_END.values()}


@pytest.mark.parametrize("area", ["minghu", "north"])
@pytest.mark.parametrize("key", sorted(AS_OF_MID))
def test_status_as_of_the_mid_year(mid, key, area):
    status, reason, pace = AS_OF_MID[key]
    if area == "north" and key == "national_garden_city":
        status, reason, pace = "no_data", "no_verdict", None  # verdicts judge the city only
    row = mid.indicator(key, area)
    assert (row["status"], _reason(row)) == (status, reason), key
    if pace is not None:
        assert row["pace"] == pytest.approx(pace, abs=5e-4), key


@pytest.mark.parametrize("key", sorted(AS_OF_END))
def test_status_as_of_the_end_year(end, key):
    row = end.indicator(key)
    assert (row["status"], _reason(row)) == AS_OF_END[key], key


def test_year_reached_is_the_first_year_of_the_current_run(mid, end):
    for ev, expected in ((mid, YEAR_REACHED_MID), (end, YEAR_REACHED_END)):
        for key, year in expected.items():
            assert ev.indicator(key)["year_reached"] == year, (ev.as_of, key)
    # a target not met has no year reached, only a projection
    assert math.isnan(mid.indicator("gdp_per_capita")["year_reached"])
    assert mid.indicator("gdp_per_capita")["projected_year"] > MID


def test_data_age_and_stale_data_count_as_missing(mid):
    row = mid.indicator("unemployment_rate")
    assert row["latest_year"] == 2022 and row["data_age"] == 3
    assert math.isnan(row["attainment"])
    assert mid.indicator("gdp_per_capita")["data_age"] == 0
    # society: 5 of its 6 scored indicators count; unemployment_rate (stale) does not
    scores = mid.scores
    society = scores[(scores["level"] == "group") & (scores["key"] == "society")]
    society = society[society["area"] == "minghu"].iloc[0]
    assert society["n_with_data"] == 5 and society["coverage"] == pytest.approx(5 / 6)


def test_every_year_constraints(mid, end):
    water = mid.indicator("drinking_water_quality")
    assert (water["years_checked"], water["years_held"]) == (5, 4)
    assert water["constraint_last_held"]
    assert water["attainment"] == pytest.approx(0.8)
    green = mid.indicator("green_space")
    assert (green["years_checked"], green["years_held"]) == (5, 5)
    assert (
        end.indicator("green_space")["years_held"],
        end.indicator("green_space")["years_checked"],
    ) == (10, 10)
    # the failed year stays visible
    c = mid.constraints
    failed = c[(c["indicator"] == "drinking_water_quality") & (c["area"] == "minghu") & ~c["held"]]
    assert failed["year"].tolist() == [2022.0]


def test_the_dead_band_damps_noise(full_loaded):
    """+0.5 points over ten years: the progress ratio swings with noise of a few tenths."""
    paces = {}
    for year in (2023, 2024, 2025):
        row = evaluate_loaded(full_loaded, year).indicator("labour_share")
        paces[year] = (row["status"], round(float(row["pace"]), 4))
    # 2023: (45.1 − 45)/(45.15 − 45) = 0.6667, shortfall 0.05 ≤ d: on track within the band
    # 2024: (45.3 − 45)/(45.2 − 45) = 1.5: ahead;  2025: −0.4, shortfall 0.35: on track
    assert paces == {2023: ("on_track", 0.6667), 2024: ("ahead", 1.5), 2025: ("on_track", -0.4)}


def test_scores_are_on_a_0_to_100_scale_by_hand(mid):
    """Economy as of 2025 (ratio attainment, arithmetic mean, plan weights):
    gdp_per_capita 91000/120000 = 0.758333 (weight 2); retail_sales and fiscal_revenue met,
    1; service_share 57.5/58 = 0.991379; labour_share: a change of −0.1 against +0.5, 0.
    100·(2·0.758333 + 1 + 1 + 0.991379 + 0)/6 = 75.134.
    Society: unemployment_rate is stale and left out: urbanization 1.5/5 = 0.3, infant
    mortality 4/6.8 = 0.588235, hospital beds 6.8/7 = 0.971429, housing 8/11.2 = 0.714286,
    rural water 1: 100·3.573950/5 = 71.479."""
    assert mid.score("group", "economy") == pytest.approx(75.134, abs=1e-3)
    assert mid.score("group", "society") == pytest.approx(71.479, abs=1e-3)
    for key in ("economy", "society", "environment", "innovation"):
        assert 0 <= mid.score("group", key) <= 100
    assert 0 <= mid.score("overall", "overall") <= 100


def test_south_has_too_little_current_data(mid):
    """South reports most indicators only up to 2022: stale as of 2025, and no score."""
    current = {"forest_cover": "achieved_early", "pm25": "on_track", "gdp": "monitoring"}
    for key in AS_OF_MID:
        status = mid.indicator(key, "south")["status"]
        if key in current:
            assert status == current[key], key
        elif key in ("digital_economy_share", "national_garden_city", *FIVE_YEAR_FORMS):
            assert status == "no_data", key  # the five-year plan forms have no south data
        else:
            assert status == "stale", key
    assert math.isnan(mid.score("overall", "overall", "south"))


def test_the_five_year_plan_forms(mid, end):
    from kaoping.core import nature_summary

    g = mid.indicator("gdp_growth_rate")
    assert (g["observed"], g["nature"]) == ("growth", "anticipatory")
    assert g["measure_value"] == pytest.approx(100 * (1.29944092**0.2 - 1), abs=1e-6)
    assert (g["schedule_years"], g["schedule_held"], g["schedule_met"]) == (3, 3, True)
    assert g["schedule_year"] == 2023
    e = mid.indicator("energy_intensity_cut")
    assert e["censor"] == ">" and e["measure_value"] == pytest.approx(-13.8611, abs=1e-4)
    assert end.indicator("energy_intensity_cut")["censor"] == ""
    r = mid.indicator("rd_intensity")
    assert (r["conditions"], r["conditions_met"]) == (2, 0)
    assert r["condition_statuses"] == "lagging; ahead"
    assert end.indicator("rd_intensity")["condition_statuses"] == "lagging; achieved"
    u = mid.indicator("urban_population_share")
    assert (u["break_year"], u["rebased"]) == (2023, True)
    assert u["base_value"] == pytest.approx(64 * 67.9 / 66.3)
    a = mid.indicator("air_quality_days")
    assert (a["break_year"], a["rebased"], a["base_year"]) == (2023, False, 2023)
    assert mid.indicator("wetland_protection")["censor"] == ">"
    # binding: energy_intensity_cut on track, air_quality_days ahead, wetland achieved early;
    # anticipatory: gdp_growth_rate on track, rd_intensity lagging, urban_population_share ahead
    s = nature_summary(mid)
    assert (s["binding"]["total"], s["binding"]["off_track"]) == (3, 0)
    assert (s["anticipatory"]["total"], s["anticipatory"]["lagging"]) == (3, 1)
    assert s["binding"]["achieved_early"] == 1 and s["binding"]["ahead"] == 1
