"""The bundled 13th Five-Year Plan (cn-fyp13): its main-indicator table, its sourced data, and
its 2020 evaluation compared with the completion the government published.

The expected values are computed by hand from the observations (see
src/kaoping/plans/cn-fyp13/README.md): e.g. GDP grew 6.7, 6.9, 6.6, 6.1 and 2.3% in 2016–2020,
so its average growth is (1.067·1.069·1.066·1.061·1.023)^(1/5) − 1 = 5.7056%.
"""

from __future__ import annotations

import csv
import math

import pytest

from kaoping.core import evaluate_loaded, load
from kaoping.plan.bundled import PLANS_DIR, bundled_plans

PLAN_ID = "cn-fyp13"
DATA = PLANS_DIR / PLAN_ID / "observations.csv"

# The plan's published completion by 2020, per indicator: (met, basis). "stated" = an official
# statement that the target was met or exceeded; "value" = the official final value compared
# with the target (see README.md, "Completion").
PUBLISHED: dict[str, tuple[bool, str]] = {
    "gdp_growth": (False, "value: average 2016–2020 growth 5.7% < 6.5%"),
    "urbanization_resident": (True, "value: census 63.89% >= 60%"),
    "urbanization_hukou": (True, "value: 45.4% >= 45%"),
    "services_share": (False, "value: 54.5% < 56%"),
    "rd_intensity": (False, "value: 2.40% < 2.5%"),
    "invention_patents": (True, "value: 15.8 >= 12"),
    "fixed_broadband_households": (True, "stated: MIIT, 均提前超额完成"),
    "mobile_broadband_users": (True, "stated: MIIT, 均提前超额完成"),
    "income_growth": (False, "value: average 2016–2020 growth 5.6% < 6.5%"),
    "schooling_years": (True, "stated: MoE, 十三五末期 10.8年"),
    "new_urban_jobs": (True, "value: 6,564 > 5,000 (10k persons)"),
    "rural_poverty_exit": (True, "stated: NBS, 5575万农村贫困人口实现脱贫"),
    "shantytown_renovation": (True, "stated: MOHURD, 已超额完成"),
    "life_expectancy": (True, "value: 77.9 >= 77.3"),
    "water_use_intensity_cut": (True, "value: 28.0% >= 23%"),
    "energy_intensity": (False, "value: −13.7% (chained yearly falls), short of −15%"),
    "nonfossil_share": (True, "stated: MEE, 15.9% 超额完成"),
    "co2_intensity": (True, "stated: MEE, 18.8% 超额完成约束性目标"),
    "forest_coverage": (True, "stated: NFGA, 如期完成两项约束性指标"),
    "forest_stock": (True, "stated: NFGA, 如期完成两项约束性指标"),
    "air_good_days": (True, "stated: MEE, 9项约束性指标超额完成"),
    "pm25_cut": (True, "stated: MEE, 9项约束性指标超额完成"),
    "surface_water_good": (True, "stated: MEE, 9项约束性指标超额完成"),
    "surface_water_worst": (True, "stated: MEE, 9项约束性指标超额完成"),
    "cod_cut": (True, "stated: MEE, 9项约束性指标超额完成"),
    "nh3n_cut": (True, "stated: MEE, 9项约束性指标超额完成"),
    "so2_cut": (True, "stated: MEE, 9项约束性指标超额完成"),
    "nox_cut": (True, "stated: MEE, 9项约束性指标超额完成"),
}
# No value at all was found for these (README.md, "Not found").
NO_DATA = {"pension_coverage", "cultivated_land", "new_construction_land"}


@pytest.fixture(scope="module")
def loaded():
    return load(PLAN_ID)


@pytest.fixture(scope="module")
def ev2020(loaded):
    return evaluate_loaded(loaded, 2020)


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def geometric_mean_pct(rates: list[float], sign: int = 1) -> float:
    index = math.prod(1 + sign * r / 100 for r in rates)
    return 100 * (index ** (1 / len(rates)) - 1)


def test_bundled_and_listed():
    assert PLAN_ID in bundled_plans()


def test_the_table_has_25_indicators_33_items_19_binding(loaded):
    plan = loaded.plan
    assert len(plan.indicators) == 33
    assert len(plan.lenses[0].categories) == 25
    tagged = {t for i in plan.indicators for t in i.tags}
    assert tagged == {c.key for c in plan.lenses[0].categories}
    by_group = {g.key: 0 for g in plan.groups}
    for i in plan.indicators:
        by_group[i.group] += 1
    assert by_group == {"economy": 5, "innovation": 5, "livelihood": 7, "environment": 16}
    natures = [i.nature for i in plan.indicators]
    assert natures.count("binding") == 19 and natures.count("anticipatory") == 14
    rates = {i.key: i.observed for i in plan.indicators if i.observed != "level"}
    assert rates == {
        "gdp_growth": "growth",
        "labour_productivity_growth": "growth",
        "income_growth": "growth",
        "energy_intensity": "decline",
        "co2_intensity": "decline",
    }


def test_every_observation_has_a_source_and_a_quoted_phrase():
    rows = _rows()
    assert len(rows) == 95
    for r in rows:
        assert r["source"].startswith("http"), r
        assert "“" in r["note"] and "”" in r["note"], r
        assert r["derived"] in ("yes", "no"), r
    derived = {(r["key"], r["year"]) for r in rows if r["derived"] == "yes"}
    assert ("co2_intensity", "2019") in derived
    assert {k for k, _ in derived} == {"new_urban_jobs", "rural_poverty_exit", "co2_intensity"}


def test_running_sums_add_up_to_the_published_total():
    jobs = {int(r["year"]): float(r["value"]) for r in _rows() if r["key"] == "new_urban_jobs"}
    assert jobs == {2016: 1314, 2017: 2665, 2018: 4026, 2019: 5378, 2020: 6564}
    poor = {int(r["year"]): float(r["value"]) for r in _rows() if r["key"] == "rural_poverty_exit"}
    # 1240 + 1289 + 1386 + 1109 + 551 = 5575, the published five-year total
    assert poor == {2016: 1240, 2017: 2529, 2018: 3915, 2019: 5024, 2020: 5575}


def test_rate_measures_by_hand(ev2020):
    gdp = ev2020.indicator("gdp_growth")
    # the chained index: I(2014) = 100, I(2015) = 106.9, then 2016–2020
    assert gdp["index_base"] == pytest.approx(106.9)
    ratio = gdp["index_latest"] / gdp["index_base"]
    assert ratio == pytest.approx(1.067 * 1.069 * 1.066 * 1.061 * 1.023)
    assert 100 * (ratio - 1) == pytest.approx(31.9746, abs=1e-4)  # < 36.9: level condition unmet
    assert 100 * (ratio ** (1 / 5) - 1) == pytest.approx(5.7056, abs=1e-4)  # < 6.5: growth unmet
    assert geometric_mean_pct([6.7, 6.9, 6.6, 6.1, 2.3]) == pytest.approx(5.7056, abs=1e-4)
    assert gdp["conditions"] == 2 and gdp["conditions_met"] == 0
    income = ev2020.indicator("income_growth")
    assert income["measure_value"] == pytest.approx(5.5842, abs=1e-4)
    energy = ev2020.indicator("energy_intensity")
    # 0.95 · 0.963 · 0.969 · 0.974 · 0.999 − 1 = −13.74%
    assert energy["measure_value"] == pytest.approx(-13.7423, abs=1e-4)
    co2 = ev2020.indicator("co2_intensity")
    assert co2["measure_value"] == pytest.approx(-19.2979, abs=1e-4)


def test_censored_values_prove_their_targets(ev2020):
    for key, bound in (
        ("mobile_broadband_users", 96),
        ("shantytown_renovation", 2300),
        ("forest_stock", 175),
    ):
        row = ev2020.indicator(key)
        assert row["censor"] == ">" and row["latest_value"] == bound and row["met"], key


def test_series_breaks(ev2020):
    assert ev2020.indicator("urbanization_resident")["break_year"] == 2020
    assert ev2020.indicator("services_share")["break_year"] == 2019
    assert ev2020.indicator("fixed_broadband_households")["break_year"] == 2020
    assert ev2020.indicator("rd_intensity")["break_year"] == 0


@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_2020_agrees_with_the_published_completion(ev2020, key):
    met, basis = PUBLISHED[key]
    row = ev2020.indicator(key)
    assert bool(row["met"]) is met, f"{key}: published {met} ({basis}), evaluated {row['status']}"
    assert row["status"] in (("achieved", "achieved_early") if met else ("lagging", "regressing"))


def test_indicators_without_comparable_data(ev2020):
    for key in NO_DATA:
        row = ev2020.indicator(key)
        assert row["status"] == "no_data" and not row["met"], key
    # 2016–2018 productivity growth was not found: the chained index has a gap
    prod = ev2020.indicator("labour_productivity_growth")
    assert prod["status"] == "no_data" and prod["latest_value"] == 2.5
    # the latest S&T contribution found is 2019 (59.5 < 60): not met by the data at hand
    tech = ev2020.indicator("tech_progress_contribution")
    assert tech["latest_year"] == 2019 and not tech["met"]


def test_binding_and_anticipatory_results(ev2020):
    t = ev2020.indicator_table
    binding = t["nature"] == "binding"
    met = t["met"].astype(bool)
    # binding with data: all met but energy intensity; anticipatory: GDP, services, R&D,
    # income and (on 2019 data) the S&T contribution not met
    assert int((binding & met).sum()) == 16
    assert sorted(t["indicator"][binding & ~met & (t["status"] != "no_data")].tolist()) == [
        "energy_intensity"
    ]
    missed = sorted(t["indicator"][~binding & ~met & (t["status"] != "no_data")].tolist())
    assert missed == [
        "gdp_growth",
        "income_growth",
        "rd_intensity",
        "services_share",
        "tech_progress_contribution",
    ]
