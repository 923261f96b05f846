"""The assessment pages and API: results, unit evidence, district comparison, adjustments
(role-checked, CSRF-protected, audited), both languages."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from kaoping.store import Store

from .conftest import OWNED, csrf_of


def test_results_page_lists_the_departments(user_client: Callable[[str], TestClient]) -> None:
    c = user_client("view")
    r = c.get("/assessment?year=2015&lang=en")
    assert r.status_code == 200, r.text
    html = r.text
    assert 'id="results-department"' in html
    for dept in OWNED:
        assert f'id="unit-department-{dept}"' in html
    for word in ("Quantitative", "Qualitative", "Deductions", "Total", "Grade", "Rank"):
        assert word in html
    assert "Rules applied" in html and "优秀" not in html.split('id="rules"')[0]
    zh = c.get("/assessment?year=2015&lang=zh").text
    assert "年度考评" in zh and "定量得分" in zh and "优秀 ≥ 90" in zh


def test_json_twin_and_api_agree(user_client: Callable[[str], TestClient]) -> None:
    c = user_client("view")
    twin = c.get("/assessment?year=2015&format=json").json()
    api = c.get("/api/v1/assessment?year=2015").json()
    assert twin["results"] == api["results"]
    assert api["year"] == 2015 and api["rules"]["weights"]["quantitative"] == 0.7
    units = {u["unit"] for u in api["results"]}
    assert set(OWNED) <= units
    stats = c.get("/api/v1/assessment/stats?year=2015").json()
    assert stats["key"] == "stats" and stats["year"] == 2015
    assert [e["indicator"] for e in stats["indicators"]] == OWNED["stats"]
    assert c.get("/api/v1/assessment/nobody?year=2015").status_code == 404


def test_unit_page_shows_the_evidence(user_client: Callable[[str], TestClient]) -> None:
    c = user_client("view")
    r = c.get("/assessment/stats?year=2015")
    assert r.status_code == 200, r.text
    for key in OWNED["stats"]:
        assert f'id="ind-{key}"' in r.text
    assert "Progress ratio" in r.text
    assert 'id="adjust-form"' not in r.text  # a viewer cannot adjust
    assert c.get("/assessment/department:stats?year=2015").status_code == 200
    assert c.get("/assessment/nobody?year=2015").status_code == 404


def test_district_comparison_page(user_client: Callable[[str], TestClient]) -> None:
    c = user_client("view")
    r = c.get("/assessment/districts?year=2015")
    assert r.status_code == 200
    assert 'id="no-districts"' in r.text  # the bundled plan assesses departments
    assert c.get("/assessment/districts?year=2015&format=json").json()["districts"] == []


def test_anonymous_readers_must_log_in(client: TestClient) -> None:
    assert client.get("/api/v1/assessment").status_code == 401
    r = client.get("/assessment", follow_redirects=False)
    assert r.status_code in (303, 401)


def test_a_reviewer_adjusts_with_a_reason(
    user_client: Callable[[str], TestClient], store: Store
) -> None:
    c = user_client("rev")
    page = c.get("/assessment/env?year=2015")
    assert 'id="adjust-form"' in page.text
    token = csrf_of(page.text)
    before = c.get("/api/v1/assessment/env?year=2015").json()
    # no reason: refused, the form keeps what was typed
    r = c.post(
        "/assessment/env/adjust?year=2015",
        data={"delta": "2", "reason": " ", "csrf_token": token},
    )
    assert r.status_code == 422 and 'id="form-error"' in r.text and 'value="2"' in r.text
    # no CSRF token: refused
    r = c.post("/assessment/env/adjust?year=2015", data={"delta": "2", "reason": "x"})
    assert r.status_code == 403
    r = c.post(
        "/assessment/env/adjust?year=2015",
        data={"delta": "-1.5", "reason": "late figures for 2015", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/assessment/env?")
    after = c.get("/api/v1/assessment/env?year=2015").json()
    assert after["adjustment_total"] == -1.5
    assert after["adjustments"][0]["reason"] == "late figures for 2015"
    if before["total"] is not None:
        expected = max(0.0, before["total"] - 1.5)
        assert abs(after["total"] - expected) < 0.051
    page = c.get(r.headers["location"])
    assert 'id="saved"' in page.text and "late figures for 2015" in page.text
    (entry, *_) = store.audit(action="assessment.adjust")
    assert entry["detail"]["reason"] == "late figures for 2015"


def test_only_admins_and_reviewers_adjust(user_client: Callable[[str], TestClient]) -> None:
    c = user_client("rep")
    token = csrf_of(c.get("/assessment/stats?year=2015").text)
    r = c.post(
        "/assessment/stats/adjust?year=2015",
        data={"delta": "5", "reason": "my own", "csrf_token": token},
    )
    assert r.status_code == 403
    r = c.post(
        "/api/v1/assessment/stats/adjustments",
        json={"year": 2015, "delta": 5, "reason": "x"},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 403


def test_api_adjustment(user_client: Callable[[str], TestClient]) -> None:
    c = user_client("admin")
    token = csrf_of(c.get("/assessment/stats?year=2015").text)
    h = {"X-CSRF-Token": token}
    r = c.post(
        "/api/v1/assessment/stats/adjustments",
        json={"year": 2015, "delta": 3, "reason": "extra survey"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert r.json()["delta"] == 3
    bad = c.post(
        "/api/v1/assessment/stats/adjustments",
        json={"year": 2015, "delta": 3, "reason": ""},
        headers=h,
    )
    assert bad.status_code == 422
    unknown = c.post(
        "/api/v1/assessment/nobody/adjustments",
        json={"year": 2015, "delta": 3, "reason": "x"},
        headers=h,
    )
    assert unknown.status_code == 404


def test_insufficient_data_is_shown_not_graded(user_client: Callable[[str], TestClient]) -> None:
    """As of 2013 stats' two indicators have values from 2007 and 2009 at the latest (stale:
    more than two years old) and env's one starts a new basis that year (a series break, no
    pace yet): 0 of 2 and 0 of 1 indicators with current data, below min_coverage 0.5.
    Neither gets a total, a grade or a rank."""
    c = user_client("view")
    api = c.get("/api/v1/assessment?year=2013").json()
    assert api["rules"]["min_coverage"] == 0.5
    rows = {r["unit"]: r for r in api["results"]}
    for key in OWNED:
        r = rows[key]
        assert r["insufficient_data"] is True and r["coverage"] == 0.0
        assert (r["total"], r["grade"], r["rank"]) == (None, None, None)
    assert rows["stats"]["missing"] == "gdp_per_capita, urban_disposable_income"
    stats = c.get("/api/v1/assessment/stats?year=2013").json()
    income = next(m for m in stats["missing"] if m["indicator"] == "urban_disposable_income")
    assert (income["status"], income["latest_year"], income["data_age"]) == ("stale", 2009, 4)
    html = c.get("/assessment?year=2013&lang=en").text
    row = html.split('id="unit-department-stats"')[1].split("</tr>")[0]
    assert 'data-grade="insufficient"' in row and "insufficient data" in row
    assert 'id="insufficient-department-stats"' in html
    assert "data too old: latest value 2009, 4 years before 2013" in html
    assert 'id="rule-min-coverage"' in html and "Data coverage ≥ 50%" in html
    page = c.get("/assessment/stats?year=2013&lang=zh").text
    assert "数据不足" in page and 'id="missing-urban_disposable_income"' in page
    assert "数据过旧：最新数据为2009年" in page
    assert '<p class="figure" id="total">—</p>' in page


def test_the_rank_skips_the_unit_with_insufficient_data(
    user_client: Callable[[str], TestClient],
) -> None:
    """As of 2010 stats has one current indicator of two (the 2009 income; the 2007 GDP
    per capita is stale): 1/2 = 0.5, exactly the threshold, so it is graded and ranked 1.
    env's forest coverage has no data: insufficient, not ranked."""
    c = user_client("view")
    rows = {r["unit"]: r for r in c.get("/api/v1/assessment?year=2010").json()["results"]}
    assert rows["stats"]["coverage"] == 0.5 and rows["stats"]["insufficient_data"] is False
    assert rows["stats"]["rank"] == 1 and rows["stats"]["grade"] is not None
    assert rows["env"]["insufficient_data"] is True and rows["env"]["rank"] is None
    page = c.get("/assessment/env?year=2010&lang=en").text
    assert 'id="missing-forest_coverage"' in page and "(no data)" in page
