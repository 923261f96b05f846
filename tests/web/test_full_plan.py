"""Every public page, indicator page and assessment page of the full test plan
(tests/plans/full), in both languages, shows the engine's numbers: scores on the 0–100
scale with one decimal, statuses, latest values and the age of the data."""

from __future__ import annotations

import io
import math
import re

import pytest
from openpyxl import load_workbook

from ..conftest import FULL_END, FULL_MID, FULL_PLAN_ID

LANGS = ["en", "zh"]
YEARS = [FULL_MID, FULL_END]
GROUPS = ["economy", "society", "environment", "innovation"]
CATEGORIES = ["innovative", "green", "shared"]


def _section_score(html: str) -> str:
    """The score shown on a group or lens page (the figure of its score card)."""
    m = re.search(r'id="section-score".*?class="figure"[^>]*>([^<]*)<', html, re.S)
    assert m, "no score card"
    return m.group(1).strip()


def _by_id(html: str, id_: str) -> str:
    """The text of the element with this id (its first text node, stripped)."""
    m = re.search(rf'id="{re.escape(id_)}"[^>]*>([^<]*)<', html)
    assert m, f"no element with id {id_!r}"
    return m.group(1).strip()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _one(x: float) -> str:
    return f"{x:.1f}"


@pytest.fixture(scope="module")
def evaluations(full_store):
    return {year: full_store.evaluation(year=year) for year in YEARS}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", YEARS)
def test_overview_shows_the_scores(full_client, evaluations, year, lang):
    ev = evaluations[year]
    r = full_client.get("/", params={"year": year, "lang": lang})
    assert r.status_code == 200, r.text
    html = r.text
    overall = ev.score("overall", "overall")
    assert 0 < overall <= 100
    assert _by_id(html, "overall-score") == _one(overall)
    for key in GROUPS:
        # the group's row in the groups table
        row = re.search(
            rf'href="/g/{key}\?year={year}">.*?</a></th>\s*<td class="n">([^<]+)<', html
        )
        assert row, key
        assert row.group(1).strip() == _one(ev.score("group", key)), key
    api = full_client.get("/api/v1/overview", params={"year": year, "lang": lang}).json()
    assert api["overall"]["score"] == pytest.approx(overall)
    assert full_client.get("/", params={"year": year, "lang": lang, "format": "json"}).json() == api


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", GROUPS)
def test_group_pages(full_client, evaluations, key, lang):
    for year in YEARS:
        ev = evaluations[year]
        r = full_client.get(f"/g/{key}", params={"year": year, "lang": lang})
        assert r.status_code == 200, r.text
        assert _section_score(r.text) == _one(ev.score("group", key))
        api = full_client.get(f"/api/v1/groups/{key}", params={"year": year, "lang": lang}).json()
        assert api["group"]["score"] == pytest.approx(ev.score("group", key))
        twin = full_client.get(f"/g/{key}", params={"year": year, "lang": lang, "format": "json"})
        assert twin.json() == api
        # every indicator of the group is listed with its status
        statuses = {i["key"]: i["status"] for i in api["indicators"]}
        for ikey, status in statuses.items():
            assert status == ev.indicator(ikey)["status"], ikey
            assert f'href="/i/{ikey}?year={year}"' in r.text, ikey


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_lens_pages(full_client, evaluations, category, lang):
    ev = evaluations[FULL_MID]
    r = full_client.get(f"/l/{category}", params={"year": FULL_MID, "lang": lang})
    assert r.status_code == 200, r.text
    assert _section_score(r.text) == _one(ev.score("lens", category))
    api = full_client.get(f"/api/v1/lenses/{category}", params={"year": FULL_MID}).json()
    assert api["category"]["score"] == pytest.approx(ev.score("lens", category))


def test_api_scores_are_0_to_100(full_client, evaluations):
    ev = evaluations[FULL_MID]
    data = full_client.get("/api/v1/scores", params={"year": FULL_MID}).json()
    assert data["plan"]["id"] == FULL_PLAN_ID and data["as_of"] == FULL_MID
    assert data["overall"]["score"] == pytest.approx(ev.score("overall", "overall"))
    assert {g["key"]: g["score"] for g in data["groups"]} == pytest.approx(
        {k: ev.score("group", k) for k in GROUPS}
    )
    for g in data["groups"]:
        assert 1 < g["score"] <= 100  # a score, not a share
    cats = data["lenses"][0]["categories"]
    assert {c["key"] for c in cats} == set(CATEGORIES)
    assert all(c["score"] is not None for c in cats)


def _indicator_keys(full_store) -> list[str]:
    return [i.key for i in full_store.plan().indicators]


@pytest.mark.parametrize("lang", LANGS)
def test_every_indicator_page(full_client, full_store, evaluations, lang):
    ev = evaluations[FULL_MID]
    for key in _indicator_keys(full_store):
        row = ev.indicator(key)
        r = full_client.get(f"/i/{key}", params={"year": FULL_MID, "lang": lang})
        assert r.status_code == 200, (key, r.text)
        html = r.text
        card = html.split('id="status-card"', 1)[1].split("</div>", 1)[0]
        assert f'data-status="{row["status"]}"' in card, key
        api = full_client.get(f"/api/v1/indicators/{key}", params={"year": FULL_MID}).json()
        api = api["indicator"]
        assert api["status"] == row["status"], key
        twin = full_client.get(
            f"/i/{key}", params={"year": FULL_MID, "lang": lang, "format": "json"}
        )
        assert (
            twin.json()
            == full_client.get(
                f"/api/v1/indicators/{key}", params={"year": FULL_MID, "lang": lang}
            ).json()
        )
        if math.isnan(row["latest_value"]):
            assert api["latest"]["value"] is None, key
            continue
        assert api["latest"]["value"] == pytest.approx(row["latest_value"]), key
        assert api["latest"]["year"] == row["latest_year"], key
        age = _by_id(html, "data-age")
        assert str(int(row["latest_year"])) in age, key
        pr = row["progress_ratio"]
        if row["status"] not in ("stale", "monitoring") and not math.isnan(pr):
            shown = _by_id(html, "progress-ratio").replace("−", "-")
            assert float(shown) == pytest.approx(pr, abs=5e-4), key


def test_the_stale_indicator_page_says_how_old_the_data_are(full_client):
    en = full_client.get("/i/unemployment_rate", params={"year": FULL_MID, "lang": "en"}).text
    assert _by_id(en, "data-age") == "latest value 2022, 3 years before 2025"
    assert 'data-status="stale"' in en.split('id="status-card"', 1)[1].split("</div>", 1)[0]
    zh = full_client.get("/i/unemployment_rate", params={"year": FULL_MID, "lang": "zh"}).text
    assert "2022" in _by_id(zh, "data-age") and "3" in _by_id(zh, "data-age")


def test_year_reached_is_observed_and_projection_is_marked(full_client):
    html = full_client.get("/i/forest_cover", params={"year": FULL_END, "lang": "en"}).text
    assert _by_id(html, "year-reached") == "2024"
    api = full_client.get("/api/v1/indicators/forest_cover", params={"year": FULL_MID}).json()
    api = api["indicator"]
    assert api["year_reached"] == 2024 and api["status"] == "achieved_early"


@pytest.mark.parametrize("area", ["north", "south"])
def test_district_pages(full_client, evaluations, area):
    ev = evaluations[FULL_MID]
    r = full_client.get("/", params={"year": FULL_MID, "area": area, "lang": "en"})
    assert r.status_code == 200
    score = ev.score("overall", "overall", area)
    data = full_client.get("/api/v1/overview", params={"year": FULL_MID, "area": area}).json()
    if area == "north":
        assert _by_id(r.text, "overall-score") == _one(score)
        assert data["overall"]["score"] == pytest.approx(score)
    else:  # too little current data for a score
        assert math.isnan(score) and data["overall"]["score"] is None
    for key in ("unemployment_rate", "pm25"):
        assert (
            full_client.get(f"/i/{key}", params={"year": FULL_MID, "area": area}).status_code == 200
        )


# -- the assessment pages (staff) -------------------------------------------------------------


@pytest.fixture(scope="module")
def assessment(full_staff):
    return full_staff.get("/api/v1/assessment", params={"year": FULL_MID}).json()


def test_assessment_results_page(full_staff, assessment):
    results = {(r["kind"], r["unit"]): r for r in assessment["results"]}
    assert len(results) == 9  # seven departments, two districts
    for lang in LANGS:
        r = full_staff.get("/assessment", params={"year": FULL_MID, "lang": lang})
        assert r.status_code == 200, r.text
        html = r.text
        for (kind, key), res in results.items():
            row = html.split(f'id="unit-{kind}-{key}"', 1)[1].split("</tr>", 1)[0]
            if res["total"] is None:
                continue
            total = re.search(r"<strong>([^<]+)</strong>", row)
            assert total and total.group(1) == _one(res["total"]), (kind, key)
    twin = full_staff.get("/assessment", params={"year": FULL_MID, "format": "json"}).json()
    assert twin["results"] == assessment["results"]
    # well-covered units get a total on the 0–100 scale
    for unit in ("statistics", "development", "ecology", "science", "health", "housing"):
        total = results[("department", unit)]["total"]
        assert total is not None and 0 <= total <= 100, unit
    assert results[("district", "north")]["total"] is not None


def test_every_assessment_unit_page(full_staff, assessment):
    for res in assessment["results"]:
        ref = f"{res['kind']}:{res['unit']}"
        for lang in LANGS:
            r = full_staff.get(f"/assessment/{ref}", params={"year": FULL_MID, "lang": lang})
            assert r.status_code == 200, (ref, r.text)
            total = _by_id(r.text, "total")
            if res["total"] is None:
                assert total == "—", ref
            else:
                assert total == _one(res["total"]), ref
        api = full_staff.get(f"/api/v1/assessment/{ref}", params={"year": FULL_MID}).json()
        assert api["total"] == res["total"], ref


def test_district_comparison_page(full_staff):
    for lang in LANGS:
        r = full_staff.get("/assessment/districts", params={"year": FULL_MID, "lang": lang})
        assert r.status_code == 200, r.text
        assert 'id="comparison"' in r.text and 'id="no-districts"' not in r.text
        assert 'id="cmp-gdp_per_capita"' in r.text
    data = full_staff.get("/assessment/districts", params={"year": FULL_MID, "format": "json"})
    districts = data.json()["districts"]
    assert {d if isinstance(d, str) else d.get("key") for d in districts} >= {"north", "south"}


# -- the reports, downloaded from the dashboard -------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_evaluation_report_downloads(full_client, evaluations, lang):
    ev = evaluations[FULL_MID]
    html = full_client.get("/reports/evaluation.html", params={"year": FULL_MID, "lang": lang})
    assert html.status_code == 200, html.text
    text = _text(html.text)
    assert _one(ev.score("overall", "overall")) in text
    for key in GROUPS:
        assert _one(ev.score("group", key)) in text, key
    xlsx = full_client.get("/reports/evaluation.xlsx", params={"year": FULL_MID, "lang": lang})
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    rows = list(wb.worksheets[2].iter_rows(min_row=2, values_only=True))
    scores = {r[1]: r[3] for r in rows}
    assert scores["overall"] == pytest.approx(ev.score("overall", "overall"), abs=0.051)
    for key in GROUPS:
        assert scores[key] == pytest.approx(ev.score("group", key), abs=0.051), key


@pytest.mark.parametrize("lang", LANGS)
def test_assessment_report_downloads(full_staff, assessment, lang):
    r = full_staff.get("/reports/assessment.xlsx", params={"year": FULL_MID, "lang": lang})
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(assessment["results"])
    totals = sorted((t for t in (row[6] for row in rows) if t is not None), reverse=True)
    expected = sorted(
        (res["total"] for res in assessment["results"] if res["total"] is not None), reverse=True
    )
    assert totals == pytest.approx(expected)
    html = full_staff.get("/reports/assessment.html", params={"year": FULL_MID, "lang": lang})
    assert html.status_code == 200
    text = _text(html.text)
    north = next(r["total"] for r in assessment["results"] if r["unit"] == "north")
    assert _one(north) in text
