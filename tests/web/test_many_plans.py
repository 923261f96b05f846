"""Several plans served side by side: ``/p/<plan>/…`` for every route, the default at ``/``."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kaoping.plan import parse_plan
from kaoping.web import create_app

from ..store.test_many_plans import LAKE
from .conftest import PLAN, form_token, login


@pytest.fixture
def two(store, settings):
    """The bundled plan first, then a second plan loaded as ``serve --plan lake.yaml`` does."""
    store.load_plan(parse_plan(LAKE), LAKE)
    return store


@pytest.fixture
def app2(two, settings):
    return create_app(two, settings, plan_id=PLAN, version_ttl=0.0)


def _client(app, user: str | None = None) -> TestClient:
    c = TestClient(app)
    if user:
        assert login(c, user).status_code == 303
    return c


def _entry(client, prefix: str = "", **fields):
    data = {
        "csrf_token": form_token(client, f"{prefix}/staff"),
        "indicator": "engel_coefficient",
        "area": "zhengzhou",
        "year": "2016",
        "value": "28.5",
        "status": "final",
        "source": "bulletin",
        "note": "",
        "base_revision": "0",
    }
    data.update(fields)
    return client.post(f"{prefix}/staff/entry", data=data, follow_redirects=False)


def test_the_default_plan_keeps_working_after_another_is_loaded(app2, two):
    admin = _client(app2, "admin")
    r = _entry(admin)
    assert r.status_code == 200 and 'id="saved"' in r.text, r.text
    r = admin.post(
        "/api/v1/observations",
        json={"indicator": "engel_coefficient", "area": "zhengzhou", "year": 2017, "value": 28},
        headers={"X-CSRF-Token": form_token(admin)},
    )
    assert r.status_code == 201, r.text
    assert admin.get("/staff/template?department=stats").status_code == 200
    assert admin.get("/api/v1/plan").json()["id"] == PLAN
    # the store's default did not move either
    assert two.plan().id == PLAN


def test_every_route_under_the_plan_prefix(app2):
    anon = _client(app2)
    assert anon.get("/p/lake/api/v1/plan").json()["id"] == "lake"
    assert anon.get(f"/p/{PLAN}/api/v1/plan").json()["id"] == PLAN
    page = anon.get("/p/lake/")
    assert page.status_code == 200 and "Lakeside" in page.text
    # links on a plan's pages stay within the plan
    assert 'href="/p/lake/g/w"' in page.text and 'href="/p/lake/login"' in page.text
    assert not re.search(r'(href|action)="/(?!p/|static/)', page.text)
    assert 'href="/p/lake/i/clean_water' in anon.get("/p/lake/g/w").text
    assert anon.get("/p/lake/i/clean_water").status_code == 200
    assert anon.get("/p/lake/i/gdp_per_capita").status_code == 404
    r = anon.get("/p/nope/")
    assert r.status_code == 404 and "no plan &#39;nope&#39;" in r.text and "<nav" in r.text
    assert anon.get("/p/nope/api/v1/plan").json()["error"] == "not-found"
    r = anon.get("/p/lake", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/p/lake/"
    # staff routes: entry into the second plan, review there
    admin = _client(app2, "admin")
    r = _entry(admin, "/p/lake", indicator="clean_water", area="lakeside", year="2021", value="91")
    assert r.status_code == 200 and 'id="saved"' in r.text, r.text
    queue = admin.get("/p/lake/api/v1/review-queue").json()
    assert [q["indicator"] for q in queue] == ["clean_water"]
    assert "clean_water" not in {q["indicator"] for q in admin.get("/api/v1/review-queue").json()}
    # redirects keep the prefix
    r = anon.get("/p/lake/staff", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/p/lake/login")


def test_no_plan_switcher_for_one_plan(client):
    assert 'class="plan-switcher"' not in client.get("/").text


def test_plan_switcher_when_the_store_holds_several_plans(app2):
    page = _client(app2).get("/").text
    assert 'class="plan-switcher"' in page
    assert 'href="/p/lake/"' in page and f'href="/p/{PLAN}/" aria-current="true"' in page
    page = _client(app2).get("/p/lake/g/w").text
    assert 'href="/p/lake/" aria-current="true"' in page


def test_plans_listed_in_the_api(app2):
    plans = _client(app2).get("/api/v1/plans").json()
    assert [(p["id"], p["default"]) for p in plans] == [("lake", False), (PLAN, True)]
    assert plans[0]["url"] == "/p/lake/"


CSV = (
    "indicator,area,year,value,status,source\n"
    "engel_coefficient,zhengzhou,2016,28.5,final,bulletin\n"
    "engel_coefficient,zhengzhou,2017,28.1,final,bulletin\n"
)


def _import(store, user: str = "admin", csv: str = CSV) -> int:
    report = store.import_file(user, csv.encode(), "two.csv", comments={2: "ok", 3: "ok"})
    assert report.written, report.to_dict()
    return report.import_id


def test_staff_page_approves_a_whole_import(store, user_client):
    import_id = _import(store)
    rev = user_client("rev")
    page = rev.get("/staff/review").text
    assert f'id="approve-import-{import_id}"' in page
    # the rows are still there one by one
    assert page.count('id="approve-') >= 3
    r = rev.post(
        f"/staff/review/import/{import_id}",
        data={"csrf_token": form_token(rev), "action": "approve"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = rev.get(r.headers["location"]).text
    assert 'id="batch-decided"' in page and f'id="approve-import-{import_id}"' not in page
    assert {h["state"] for h in store.history("engel_coefficient", "zhengzhou", 2016)} == {
        "approved"
    }
    # a rejection without a reason: the page says so, nothing is lost
    import_id = _import(store, csv=CSV.replace("2016", "2018").replace("2017", "2019"))
    r = rev.post(
        f"/staff/review/import/{import_id}",
        data={"csrf_token": form_token(rev), "action": "reject"},
    )
    assert r.status_code == 422 and 'id="form-error"' in r.text
    assert store.pending_imports()[0]["pending"] == 2


def test_api_reviews_a_whole_import(store, user_client):
    import_id = _import(store)
    rep = user_client("rep")
    rev = user_client("rev")
    h = {"X-CSRF-Token": form_token(rev)}
    [b] = rev.get("/api/v1/import-batches").json()
    assert b["id"] == import_id and b["pending"] == 2
    r = rep.post(
        f"/api/v1/import-batches/{import_id}/review",
        json={"decision": "approve"},
        headers={"X-CSRF-Token": form_token(rep)},
    )
    assert r.status_code == 403
    r = rev.post(f"/api/v1/import-batches/{import_id}/review", json={"decision": "x"}, headers=h)
    assert r.status_code == 422
    r = rev.post(
        f"/api/v1/import-batches/{import_id}/review",
        json={"decision": "reject", "reason": "wrong source"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["decided"] == 2 and r.json()["decision"] == "rejected"
    assert rev.get("/api/v1/import-batches").json() == []
    r = rev.post("/api/v1/import-batches/999/review", json={"decision": "approve"}, headers=h)
    assert r.status_code == 404


def test_assessment_keeps_its_adjustments_when_another_plan_is_loaded(store, settings):
    """The deductions and adjustments of the default plan stay with it (they were read from
    whichever plan was "active" last)."""
    app = create_app(store, settings, plan_id=PLAN, version_ttl=0.0)
    admin = _client(app, "admin")
    h = {"X-CSRF-Token": form_token(admin)}
    r = admin.post(
        "/api/v1/assessment/stats/adjustments",
        json={"year": 2015, "delta": -4, "reason": "late figures"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    before = admin.get("/api/v1/assessment/stats", params={"year": 2015}).json()
    assert before["plan_id"] == PLAN and "late figures" in str(before)
    store.load_plan(parse_plan(LAKE), LAKE)
    app2 = create_app(store, settings, plan_id=PLAN, version_ttl=0.0)
    admin = _client(app2, "admin")
    after = admin.get("/api/v1/assessment/stats", params={"year": 2015}).json()
    assert after == before
    assert admin.get(f"/p/{PLAN}/api/v1/assessment/stats", params={"year": 2015}).json() == before
    assert admin.get("/assessment/stats?year=2015").status_code == 200
    assert admin.get("/reports/assessment.html?year=2015").status_code == 200


def test_notices_say_which_plan_they_are_of(app2, two):
    """A user's notices come from every plan; with several plans each names and links its own."""
    import datetime

    from kaoping.store.schema import notices

    with two.engine.begin() as conn:
        conn.execute(
            notices.insert().values(
                plan_id="lake",
                username="rep",
                kind="overdue",
                period="2021-Q1",
                title_zh="逾期",
                title_en="Overdue",
                message_zh="逾期",
                message_en="Reports are overdue",
                created_at=datetime.datetime(2021, 4, 20),
            )
        )
    page = _client(app2, "rep").get("/supervision/notices").text
    assert 'href="/p/lake/supervision" class="notice-plan">lake</a>' in page


def test_import_under_a_plan_prefix_goes_to_that_plan(app2, two):
    admin = _client(app2, "admin")
    token = form_token(admin, "/p/lake/staff")
    csv = "indicator,area,year,value,status,source\nclean_water,lakeside,2021,92,final,b\n"
    r = admin.post(
        "/p/lake/api/v1/import",
        data={"dry_run": "false"},
        files={"file": ("lake.csv", csv.encode(), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code in (200, 202), r.text
    job = r.json()
    for _ in range(50):
        if job["state"] in ("done", "failed"):
            break
        job = admin.get(f"/p/lake/api/v1/imports/{job['id']}").json()
    assert job["state"] == "done" and job["report"]["written"], job
    assert job["report"]["plan_id"] == "lake"
    assert [q["indicator"] for q in two.review_queue("lake")] == ["clean_water"]
    assert two.review_queue() == []
    # and the batch is reviewed under the prefix too
    rev = _client(app2, "rev")
    h = {"X-CSRF-Token": form_token(rev, "/p/lake/staff")}
    [b] = rev.get("/p/lake/api/v1/import-batches").json()
    assert rev.get("/api/v1/import-batches").json() == []
    r = rev.post(
        f"/p/lake/api/v1/import-batches/{b['id']}/review", json={"decision": "approve"}, headers=h
    )
    assert r.status_code == 200 and r.json()["plan_id"] == "lake"
    assert two.observations("lake")["value"].tolist() == [92]
