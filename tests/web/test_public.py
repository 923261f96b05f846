"""Every public page and its JSON twin, in both languages."""

from __future__ import annotations

import re

import pytest

from kaoping.web import create_app
from kaoping.web.source import FileSource

from .conftest import settings_for

PAGES = [
    ("/", "/api/v1/overview"),
    ("/g/economy", "/api/v1/groups/economy"),
    ("/g/ecology", "/api/v1/groups/ecology"),
    ("/l/modern", "/api/v1/lenses/modern"),
    ("/l/innovative", "/api/v1/lenses/innovative"),
    ("/i/gdp_per_capita", "/api/v1/indicators/gdp_per_capita"),
    ("/i/urbanization_rate", "/api/v1/indicators/urbanization_rate"),
    ("/i/national_eco_city", "/api/v1/indicators/national_eco_city"),
]

TITLES = {
    "/": {
        "en": "Outline for building Zhengzhou",
        "zh": "郑州市现代化国际化信息化和生态型创新型城市建设纲要",
    },
    "/g/economy": {"en": "Economic development", "zh": "经济发展"},
    "/g/ecology": {"en": "Ecological environment", "zh": "生态环境"},
    "/l/modern": {"en": "Modern", "zh": "现代化"},
    "/l/innovative": {"en": "Innovative", "zh": "创新型"},
    "/i/gdp_per_capita": {"en": "GDP per capita", "zh": "人均国内生产总值"},
    "/i/urbanization_rate": {"en": "Urbanization rate", "zh": "城市化率"},
    "/i/national_eco_city": {"en": "", "zh": ""},
}


def _h1(html: str) -> str:
    m = re.search(r'<h1 id="page-title">(.*?)</h1>', html, re.S)
    assert m, "no page title"
    return m.group(1)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("page", "api"), PAGES)
def test_page_and_twin(client, page, api, lang):
    r = client.get(page, params={"lang": lang})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html_lang = "zh-CN" if lang == "zh" else "en"
    assert f'<html lang="{html_lang}">' in r.text
    assert TITLES[page][lang] in _h1(r.text)
    assert 'href="#main"' in r.text and 'id="main"' in r.text
    twin = client.get(page, params={"lang": lang, "format": "json"})
    assert twin.status_code == 200
    assert twin.headers["content-type"].startswith("application/json")
    data = client.get(api, params={"lang": lang}).json()
    assert twin.json() == data
    assert data["lang"] == lang
    assert data["approved_only"] is True
    assert "history" not in data  # revision history is for staff


def test_language_cookie(client):
    r = client.get("/", params={"lang": "zh"})
    assert "lang=zh" in r.headers["set-cookie"]
    r = client.get("/g/economy")
    assert '<html lang="zh-CN">' in r.text
    r = client.get("/g/economy", params={"lang": "en"})
    assert '<html lang="en">' in r.text


def test_accept_language(client):
    r = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-CN">' in r.text
    assert client.get("/api/v1/overview", headers={"Accept-Language": "zh"}).json()["lang"] == "zh"


def test_overview_content(client):
    html = client.get("/", params={"lang": "en"}).text
    for marker in (
        'id="overall-score"',
        'id="groups-chart"',
        'id="lens-types-chart"',
        'id="status-counts"',
        'id="steps"',
        'id="step-step1"',
        'id="year-form"',
        'id="coverage"',
        '<title id="groups-chart-title">',
        'id="groups-table"',
    ):
        assert marker in html, marker
    data = client.get("/api/v1/overview").json()
    assert [g["key"] for g in data["groups"]] == [
        "economy",
        "society",
        "ecology",
        "construction",
        "innovation",
    ]
    assert len(data["lenses"][0]["categories"]) == 5
    assert [s["key"] for s in data["steps"]] == ["step1", "step2", "step3"]
    counts = {c["status"]: c["count"] for c in data["status_counts"]}
    assert sum(counts.values()) == 67
    assert data["coverage"]["observations"] > 0
    assert data["as_of"] == 2020


def test_year_selector(client):
    data = client.get("/api/v1/overview", params={"year": 2010}).json()
    assert data["as_of"] == 2010
    html = client.get("/", params={"year": 2010}).text
    assert '<option value="2010" selected>' in html
    assert client.get("/g/economy", params={"year": 2010}).status_code == 200
    # links keep the year shown
    assert 'href="/g/economy?year=2010"' in html


def test_indicator_page(client):
    html = client.get("/i/urbanization_rate", params={"lang": "en"}).text
    for marker in (
        'id="series-chart"',
        'role="img"',
        '<title id="series-chart-title">',
        '<desc id="series-chart-desc">',
        'class="series"',
        'class="point"',
        'class="target-line"',
        'class="target-year"',
        'class="milestone"',
        'id="series-table"',
        'id="numbers"',
        'id="progress-ratio"',
        'id="thresholds"',
        'id="definition"',
    ):
        assert marker in html, marker
    assert "78.4" in html  # the 2020 value in the table
    data = client.get("/api/v1/indicators/urbanization_rate").json()
    years = [p["year"] for p in data["series"]]
    assert years == sorted(years) and years[-2:] == [2019, 2020]
    assert data["series"][-1]["source"]
    assert data["numbers"]["thresholds"]["name"] == "time_half"
    assert data["indicator"]["key"] == "urbanization_rate"
    assert data["indicator"]["definition"]


def test_indicator_projection_and_band(client):
    data = client.get("/api/v1/indicators/tertiary_share_gdp").json()
    assert data["target_band"] == {"lo": 57.0, "hi": 63.0}
    html = client.get("/i/tertiary_share_gdp").text
    assert 'class="target-band"' in html


def test_gdp_expected_path(client):
    data = client.get("/api/v1/indicators/gdp_per_capita").json()
    path = data["expected_path"]
    assert path[0] == {"year": 2007, "value": 34063.0}
    assert path[-1]["year"] == 2020 and path[-1]["value"] == pytest.approx(100000)
    assert any(m["explicit"] for m in data["milestones"])
    html = client.get("/i/gdp_per_capita").text
    assert 'class="milestone"' in html
    assert 'class="expected-path"' in html and 'stroke-dasharray="6 4"' in html
    assert 'class="baseline"' in html


def test_lists_and_scores(client):
    inds = client.get("/api/v1/indicators").json()["indicators"]
    assert len(inds) == 67
    assert {"key", "latest", "target", "attainment", "pace", "status"} <= set(inds[0])
    assert len(client.get("/api/v1/groups").json()["groups"]) == 5
    assert client.get("/api/v1/lenses").json()["lenses"][0]["key"] == "types"
    scores = client.get("/api/v1/scores", params={"lang": "zh"}).json()
    assert scores["groups"][0]["name"] == "经济发展"
    plan = client.get("/api/v1/plan").json()
    assert plan["id"] == "zhengzhou-2009-2020" and plan["indicators"] == 67


def test_group_table(client):
    html = client.get("/g/economy", params={"lang": "en"}).text
    assert 'id="indicators"' in html
    assert 'id="row-gdp_per_capita"' in html
    assert 'href="/i/gdp_per_capita"' in html
    assert 'data-status="' in html


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/g/nope", 404),
        ("/l/nope", 404),
        ("/i/nope", 404),
        ("/api/v1/groups/nope", 404),
        ("/api/v1/indicators/nope", 404),
        ("/api/v1/overview?year=1800", 400),
        ("/?year=abc", 400),
        ("/?area=nowhere", 404),
        ("/nothing-here", 404),
        ("/api/v1/overview?lang=fr", 422),
    ],
)
def test_errors(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    assert "Traceback" not in r.text
    if path.startswith("/api/"):
        assert r.json()["message"]
    else:
        assert 'id="error-message"' in r.text


def test_exports(client):
    r = client.get("/api/v1/export/observations", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "urbanization_rate" in r.text
    r = client.get("/api/v1/export/observations", params={"format": "json", "lang": "zh"})
    assert isinstance(r.json(), list)
    r = client.get("/api/v1/export/evaluation", params={"format": "xlsx"})
    assert r.content[:2] == b"PK"
    r = client.get("/api/v1/export/evaluation", params={"format": "json", "lang": "zh"})
    assert r.json()["lang"] == "zh"


def test_static_assets_served_locally(client):
    html = client.get("/").text
    assert "http://" not in re.sub(
        r'href="https?://[^"]*" rel="noopener', "", html.split("<body>")[0]
    )
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/favicon.svg").status_code == 200


def test_openapi(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    for p in (
        "/api/v1/overview",
        "/api/v1/indicators/{key}",
        "/api/v1/observations",
        "/api/v1/import",
    ):
        assert p in paths
    schema = paths["/api/v1/overview"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"]["$ref"].endswith("/Overview")


def test_files_source(tmp_path):
    """``kaoping serve --files``: the bundled plan and its CSV, read-only, no database."""
    from fastapi.testclient import TestClient

    app = create_app(FileSource("zhengzhou-2009-2020"), settings_for(tmp_path))
    c = TestClient(app)
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/indicators/urbanization_rate").json()["series"][-1]["value"] == 78.4
    assert 'id="login-link"' not in c.get("/").text
    assert c.get("/login").status_code == 404
    r = c.post("/api/v1/observations", json={"indicator": "gdp", "year": 2010, "value": 1})
    assert r.status_code in (401, 404)
