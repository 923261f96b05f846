"""Natures, bounds, series breaks and annual targets on the dashboard, with a small plan
whose numbers are worked out by hand; and bounds through the staff API and the entry form
of the bundled plan's dashboard."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from kaoping.settings import Settings
from kaoping.store import Store
from kaoping.web import create_app

from .conftest import form_token

PLAN = """\
id: tiny
title: {zh: 小规划, en: Tiny plan}
period: {start: 2021, end: 2025}
base_year: 2020
areas:
  - {key: city, name: {zh: 市, en: City}}
groups:
  - {key: g, name: {zh: 组, en: Group}}
indicators:
  - key: forest
    name: {zh: 森林覆盖率, en: Forest cover}
    unit: "%"
    group: g
    nature: binding
    bounds: {min: 0, max: 100}
    targets: {2025: ">= 40"}
  - key: water
    name: {zh: 优良水体比例, en: Good water}
    unit: "%"
    group: g
    nature: binding
    bounds: {min: 0, max: 100}
    targets: {2025: ">= 90"}
  - key: gdp_growth
    name: {zh: 地区生产总值增长, en: GDP growth}
    unit: "%"
    group: g
    nature: anticipatory
    observed: growth
    schedule: {2021: ">= 6", 2022: ">= 6"}
  - key: jobs
    name: {zh: 新增就业, en: New jobs}
    unit: thousand
    group: g
    nature: anticipatory
    targets: {2025: ">= 100"}
  - key: parks
    name: {zh: 公园数量, en: Parks}
    unit: count
    group: g
    targets: {2025: ">= 20"}
"""

# forest: 30 → 32 → ">35" (a bound); path 30 → 40 by 2025 expects 34 in 2022: ahead.
# water: 80 → 79 → 78 against >= 90: moving away (regressing), off track.
# gdp_growth: annual targets >= 6: 6.5 in 2021 met, 5.5 in 2022 missed: lagging.
# jobs: 50, 55, then 66 on a new basis (60 on the old): earlier values × 66/60 = 55, 60.5;
#   path 55 → 100 expects 73 in 2022, progress 11/45 against 2/5 of the time: lagging.
# parks: no nature stated.
# So: binding 1 of 2 off track, anticipatory 2 of 2.
DATA = """\
key,year,value,unit,flags,previous_basis,source
forest,2020,30,%,,,yearbook
forest,2021,32,%,,,yearbook
forest,2022,>35,%,,,bulletin
water,2020,80,%,,,yearbook
water,2021,79,%,,,yearbook
water,2022,78,%,,,yearbook
gdp_growth,2021,6.5,%,,,bulletin
gdp_growth,2022,5.5,%,,,bulletin
jobs,2020,50,thousand,,,yearbook
jobs,2021,55,thousand,,,yearbook
jobs,2022,66,thousand,break,60,yearbook
parks,2020,10,count,,,yearbook
parks,2022,14,count,,,yearbook
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "plan").mkdir()
    (folder / "plan" / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (folder / "plan" / "observations.csv").write_text(DATA, encoding="utf-8")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'kaoping.db'}",
        secret_key="test-secret-key-" + "x" * 32,
    )
    store = Store.open(settings=settings)
    assert store.import_bundled(str(folder / "plan" / "plan.yaml"))["observations"] == 13
    yield TestClient(create_app(store, settings, version_ttl=0.0))
    store.close()


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def _rows(html: str, table_id: str) -> dict[str, str]:
    """The rows of a table by their id, as text."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return {
        m.group(1): _text(m.group(2))
        for m in re.finditer(r'<tr id="([^"]+)">(.*?)</tr>', body, re.S)
    }


def test_a_bound_is_shown_as_a_bound(tiny: TestClient):
    en = tiny.get("/i/forest", params={"year": 2022, "lang": "en"}).text
    assert _rows(en, "series-table")["obs-2022"].startswith("2022 > 35 ")
    assert _rows(en, "series-table")["obs-2021"].startswith("2021 32 ")
    assert _text(en.split('id="latest-value">', 1)[1].split("</p>", 1)[0]).startswith("> 35 %")
    assert 'id="bound-note"' in en
    zh = tiny.get("/i/forest", params={"year": 2022, "lang": "zh"}).text
    assert _rows(zh, "series-table")["obs-2022"].startswith("2022 超过35 ")
    # the group's table too, and the JSON twin keeps the number and its censor
    group = tiny.get("/g/g", params={"year": 2022, "lang": "en"}).text
    assert "> 35" in _rows(group, "indicators")["row-forest"]
    page = tiny.get("/i/forest", params={"year": 2022, "format": "json"}).json()
    assert page["indicator"]["latest"] == {"year": 2022, "value": 35.0, "censor": ">"}
    assert page["series"][-1]["censor"] == ">" and page["series"][0]["censor"] == ""


def test_the_nature_column_and_filter(tiny: TestClient):
    zh = tiny.get("/g/g", params={"year": 2022, "lang": "zh"}).text
    rows = _rows(zh, "indicators")
    assert set(rows) == {f"row-{k}" for k in ("forest", "water", "gdp_growth", "jobs", "parks")}
    assert "约束性" in rows["row-forest"] and "预期性" in rows["row-jobs"]
    assert "约束性" not in rows["row-parks"] and "预期性" not in rows["row-parks"]
    assert 'id="nature-filter"' in zh
    binding = tiny.get("/g/g", params={"year": 2022, "lang": "en", "nature": "binding"}).text
    assert set(_rows(binding, "indicators")) == {"row-forest", "row-water"}
    assert 'id="nature-binding" aria-current="true"' in binding
    # the link back to every indicator keeps the year shown
    assert re.search(r'href="/g/g\?year=2022" id="nature-all"', binding)
    counts = re.findall(r'data-count="(\w+)">(\d+)<', binding)
    assert dict(counts)["ahead"] == "1" and dict(counts)["regressing"] == "1"
    assert dict(counts)["lagging"] == "0"
    data = tiny.get("/g/g", params={"year": 2022, "nature": "anticipatory", "format": "json"})
    assert [i["key"] for i in data.json()["indicators"]] == ["gdp_growth", "jobs"]
    assert tiny.get("/g/g", params={"nature": "urgent"}).status_code == 400


def test_the_overview_sums_up_by_nature(tiny: TestClient):
    en = tiny.get("/", params={"year": 2022, "lang": "en"}).text
    assert _text(en.split('id="nature-binding"', 1)[1].split("</li>", 1)[0]).endswith(
        "binding targets: 1 of 2 lagging"
    )
    assert "anticipatory targets: 2 of 2 lagging" in _text(en)
    zh = tiny.get("/", params={"year": 2022, "lang": "zh"}).text
    assert "约束性指标：2项中1项滞后" in _text(zh)
    assert "预期性指标：2项中2项滞后" in _text(zh)
    data = tiny.get("/", params={"year": 2022, "format": "json"}).json()
    assert [(n["nature"], n["total"], n["off_track"]) for n in data["natures"]] == [
        ("binding", 2, 1),
        ("anticipatory", 2, 2),
    ]


def test_the_schedule_and_the_break(tiny: TestClient):
    en = tiny.get("/i/gdp_growth", params={"year": 2022, "lang": "en"}).text
    rows = _rows(en, "schedule-table")
    # the year's target in words, then as the plan writes it
    assert rows["schedule-2021"] == "2021 ≥ 6% >= 6 6.5 met"
    assert rows["schedule-2022"] == "2022 ≥ 6% >= 6 5.5 missed"
    assert "1 of 2 scheduled years met" in en
    zh = tiny.get("/i/gdp_growth", params={"year": 2021, "lang": "zh"}).text
    rows = _rows(zh, "schedule-table")
    assert rows["schedule-2021"] == "2021 ≥ 6% >= 6 6.5 达到"
    assert rows["schedule-2022"] == "2022 ≥ 6% >= 6 — —"  # not yet: the year shown is 2021
    jobs = tiny.get("/i/jobs", params={"year": 2022, "lang": "en"}).text
    brk = re.search(r'id="series-break" data-year="(\d+)" data-how="(\w+)">([^<]*)<', jobs)
    assert brk and brk.group(1) == "2022" and brk.group(2) == "spliced"
    assert "earlier values spliced onto the new basis" in brk.group(3)
    # the old-basis value in its own column of the series
    assert _rows(jobs, "series-table")["obs-2022"].startswith("2022 66 60 ")
    assert 'id="series-break"' not in tiny.get("/i/forest", params={"year": 2022}).text


def test_a_plan_without_natures_shows_no_nature(client: TestClient):
    html = client.get("/g/" + _first_group(client)).text
    assert 'id="nature-filter"' not in html and '<th scope="col">Nature</th>' not in html
    assert client.get("/", params={"format": "json"}).json()["natures"] is None


def _first_group(client: TestClient) -> str:
    return client.get("/api/v1/groups").json()["groups"][0]["key"]


# ---- the staff side, on the bundled plan ---------------------------------------------------


def test_api_round_trip_of_a_bound(app, store, user_client):
    admin = user_client("admin")
    h = {"X-CSRF-Token": form_token(admin)}
    r = admin.post(
        "/api/v1/observations",
        json={"indicator": "forest_coverage", "year": 2016, "value": ">35", "status": "final"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    rev = r.json()
    assert (rev["value"], rev["censor"], rev["previous_basis"]) == (35.0, ">", None)
    again = admin.get(f"/api/v1/revisions/{rev['id']}").json()
    assert (again["value"], again["censor"]) == (35.0, ">")
    r = admin.post(
        "/api/v1/observations",
        json={
            "indicator": "forest_coverage",
            "year": 2017,
            "value": 36.5,
            "censor": "<",
            "flags": ["break"],
            "previous_basis": 34,
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert (r.json()["censor"], r.json()["previous_basis"], r.json()["flags"]) == (
        "<",
        34.0,
        ["break"],
    )
    bad = admin.post(
        "/api/v1/observations",
        json={"indicator": "forest_coverage", "year": 2018, "value": ">>5"},
        headers=h,
    )
    assert bad.status_code == 422, bad.text
    (problem,) = bad.json()["problems"]
    assert problem["code"] == "bad-censor" and "more than one sign" in problem["message"]
    assert store.history("forest_coverage", year=2018) == []  # nothing written
    # approved, the bound shows on the public page
    rev_client = user_client("rev")
    queue = rev_client.get("/staff/review", params={"lang": "zh"}).text
    assert "超过35" in _rows(queue, "review-queue")[f"rev-{rev['id']}"]
    hr = {"X-CSRF-Token": form_token(rev_client)}
    assert rev_client.post(f"/api/v1/revisions/{rev['id']}/approve", headers=hr).status_code == 200
    page = TestClient(app).get("/i/forest_coverage", params={"year": 2016, "lang": "zh"}).text
    assert "超过35" in _rows(page, "series-table")["obs-2016"]


def test_the_entry_form_takes_a_bound(user_client):
    admin = user_client("admin")
    token = form_token(admin, "/staff/entry?indicator=forest_coverage&year=2016")
    r = admin.post(
        "/staff/entry",
        data={
            "csrf_token": token,
            "indicator": "forest_coverage",
            "area": "",
            "year": "2016",
            "value": "35以上",
            "status": "final",
            "base_revision": "",
        },
    )
    assert r.status_code == 200 and 'id="saved"' in r.text, r.text
    saved = _text(r.text.split('id="saved"', 1)[1].split("</p>", 1)[0])
    assert "> 35" in saved
    bad = admin.post(
        "/staff/entry",
        data={
            "csrf_token": token,
            "indicator": "forest_coverage",
            "year": "2019",
            "value": "35",
            "previous_basis": "33",
            "status": "final",
        },
    )
    assert bad.status_code == 422 and 'id="form-error"' in bad.text
    assert "[previous_basis] previous_basis is the value on the old basis at a break" in _text(
        bad.text
    )


def test_the_template_offers_the_old_basis_column(user_client):
    from io import BytesIO

    from openpyxl import load_workbook

    rep = user_client("rep")
    r = rep.get("/staff/template", params={"years": "2016"})
    assert r.status_code == 200, r.text
    head = [c.value for c in load_workbook(BytesIO(r.content))["data"][1]]
    assert "previous_basis" in head


def test_the_api_filters_by_nature(tiny: TestClient):
    every = tiny.get("/api/v1/indicators", params={"year": 2022}).json()["indicators"]
    assert [(i["key"], i["nature"]) for i in every] == [
        ("forest", "binding"),
        ("water", "binding"),
        ("gdp_growth", "anticipatory"),
        ("jobs", "anticipatory"),
        ("parks", None),
    ]
    binding = tiny.get("/api/v1/indicators", params={"year": 2022, "nature": "binding"}).json()
    assert [i["key"] for i in binding["indicators"]] == ["forest", "water"]
    group = tiny.get("/api/v1/groups/g", params={"nature": "anticipatory"}).json()
    assert [i["key"] for i in group["indicators"]] == ["gdp_growth", "jobs"]
    assert tiny.get("/api/v1/indicators", params={"nature": "urgent"}).status_code == 422


def test_the_report_summary_and_the_scorecard_export_by_nature(tmp_path):
    import csv
    import io

    from kaoping.core import evaluate_loaded, load
    from kaoping.data.exports import export_evaluation
    from kaoping.report.documents.summary import summary_paragraphs
    from kaoping.report.scorecard import scorecard

    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "observations.csv").write_text(DATA, encoding="utf-8")
    loaded = load(str(tmp_path))
    ev = evaluate_loaded(loaded, 2022)
    texts = [b.get("text") for b in summary_paragraphs(scorecard(loaded.plan, ev, lang="en"), "en")]
    assert "Binding targets: 1 of 2 lagging; anticipatory targets: 2 of 2 lagging." in texts
    zh = summary_paragraphs(scorecard(loaded.plan, ev, lang="zh"), "zh")
    assert "约束性指标：2项中1项滞后；预期性指标：2项中2项滞后。" in [b.get("text") for b in zh]
    rows = list(
        csv.DictReader(
            io.StringIO(export_evaluation(loaded.plan, ev, "csv", "zh").decode("utf-8-sig"))
        )
    )
    forest = next(r for r in rows if r["指标代码"] == "forest")
    assert (forest["指标属性"], forest["最新值"], forest["最新值界限"]) == ("约束性", "35.0", ">")
    parks = next(r for r in rows if r["指标代码"] == "parks")
    assert (parks["指标属性"], parks["最新值界限"]) == ("", "")
