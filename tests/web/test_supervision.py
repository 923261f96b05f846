"""Supervision pages and API: tasks, updates with evidence, ratings, calendar and
completeness, overdue, notices and the off-track loop; roles and CSRF on every write."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from .conftest import form_token

ASSIGNMENT = """
plan: zhengzhou-2009-2020
label: {zh: 测试分工, en: Test assignment}
departments:
  - {key: stats, name: {zh: 市统计局, en: Statistics Bureau}}
  - {key: env, name: {zh: 市生态环境局, en: Ecology Bureau}}
indicators:
  gdp_per_capita: stats
  forest_coverage: env
tasks:
  - key: a06-services
    article: 6
    title: {zh: 发展现代服务业, en: Develop modern services}
    lead: stats
    deadline: 2020-12-31
    milestones:
      - {date: 2012-06-30, text: {zh: 规划印发, en: Plan issued}}
    indicators: [gdp_per_capita]
  - key: a36-greening
    article: 36
    title: {zh: 城市绿化, en: Urban greening}
    lead: env
    co: [stats]
    deadline: 2020-12-31
    indicators: [forest_coverage]
"""


@pytest.fixture
def sup(store):
    store.load_assignment(ASSIGNMENT)
    store.set_calendar(None, 2020)
    store.clock = lambda: datetime(2020, 4, 10, 8, 0, tzinfo=UTC)
    return store


def _file(client, key="a06-services", **fields):
    data = {
        "csrf_token": form_token(client, f"/supervision/tasks/{key}"),
        "period": "2020-Q1",
        "status": "amber",
        "percent": "40",
        "narrative": "Plan drafted",
        "links": "https://example.org/plan",
        "base_revision": "0",
    }
    data.update(fields)
    files = {"files": ("minutes.txt", b"meeting minutes", "text/plain")}
    return client.post(f"/supervision/tasks/{key}/updates", data=data, files=files)


def test_tasks_pages_and_api(sup, user_client):
    view = user_client("view")
    page = view.get("/supervision")
    assert page.status_code == 200
    assert 'id="task-a06-services"' in page.text and "Test assignment" in page.text
    assert 'id="nav-supervision"' in page.text and 'id="nav-notices"' in page.text
    only_env = view.get("/supervision", params={"department": "env"}).text
    assert 'id="task-a36-greening"' in only_env and 'id="task-a06-services"' not in only_env
    ch2 = view.get("/supervision", params={"chapter": "2"}).text
    assert 'id="task-a06-services"' in ch2 and 'id="task-a36-greening"' not in ch2
    zh = view.get("/supervision", params={"lang": "zh"}).text
    assert "牵头部门" in zh and "发展现代服务业" in zh
    task = view.get("/supervision/tasks/a06-services")
    assert 'id="milestones"' in task.text and "Plan issued" in task.text
    assert 'id="update-form"' not in task.text  # a viewer cannot file
    assert view.get("/supervision/tasks/nope").status_code == 404
    data = view.get("/api/v1/tasks").json()
    assert [t["key"] for t in data["tasks"]] == ["a06-services", "a36-greening"]
    assert view.get("/api/v1/tasks/a36-greening").json()["co"] == ["stats"]


def test_anonymous_is_sent_to_login(client, sup):
    r = client.get("/supervision", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert client.get("/api/v1/tasks").status_code == 401


def test_file_update_with_evidence_then_rate(sup, user_client):
    rep = user_client("rep")
    r = _file(rep)
    assert r.status_code == 200, r.text
    assert 'id="saved"' in r.text
    [ev] = re.findall(r'href="/supervision/evidence/(\d+)"', r.text)
    got = rep.get(f"/supervision/evidence/{ev}")
    assert got.content == b"meeting minutes"
    assert "attachment" in got.headers["content-disposition"]
    # a stale form: 409, the text is kept
    stale = _file(rep, narrative="second try", base_revision="0")
    assert stale.status_code == 409 and 'id="conflict"' in stale.text
    assert "second try" in stale.text
    # the reviewer rates the update
    rev = user_client("rev")
    [uid] = re.findall(r'id="update-(\d+)"', rev.get("/supervision/tasks/a06-services").text)
    token = form_token(rev, "/supervision/tasks/a06-services")
    r = rev.post(
        f"/supervision/updates/{uid}/rating",
        data={
            "csrf_token": token,
            "score": "4",
            "comment": "good",
            "task": "a06-services",
            "scale_min": "1",
            "scale_max": "5",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = rev.get("/supervision/tasks/a06-services").text
    assert f'id="ratings-{uid}"' in page and "good" in page
    assert sup.ratings(2020)[0]["score"] == 4
    # a reporter may not rate
    r = rep.post(
        f"/supervision/updates/{uid}/rating",
        data={"csrf_token": form_token(rep), "score": "5", "task": "a06-services"},
    )
    assert r.status_code == 403


def test_other_departments_reporter_gets_403(sup, user_client):
    rep2 = user_client("rep2")  # env: not a department of a06-services
    page = rep2.get("/supervision/tasks/a06-services").text
    assert 'id="update-form"' not in page
    r = _file(rep2)
    assert r.status_code == 403
    api = rep2.post(
        "/api/v1/tasks/a06-services/updates",
        json={"period": "2020-Q1", "status": "green", "percent": 10},
        headers={"X-CSRF-Token": form_token(rep2)},
    )
    assert api.status_code == 403
    # but env leads a36-greening, and stats co-operates on it
    assert _file(rep2, key="a36-greening").status_code == 200
    assert _file(user_client("rep"), key="a36-greening", base_revision="1").status_code == 200


def test_csrf_is_required(sup, user_client):
    rep = user_client("rep")
    r = rep.post(
        "/supervision/tasks/a06-services/updates",
        data={"period": "2020-Q1", "status": "green", "percent": "10"},
    )
    assert r.status_code == 403
    r = rep.post(
        "/api/v1/tasks/a06-services/updates",
        json={"period": "2020-Q1", "status": "green", "percent": 10},
    )
    assert r.status_code == 403
    assert sup.task_history("a06-services") == []


def test_calendar_completeness_overdue(sup, user_client):
    rep = user_client("rep")
    _file(rep)
    admin = user_client("admin")
    page = admin.get("/supervision/calendar", params={"year": 2020, "period": "2020-Q1"})
    assert 'id="period-2020-Q1"' in page.text and 'id="calendar-form"' in page.text
    assert 'id="by-department-stats"' in page.text and 'id="by-group"' in page.text
    data = admin.get("/api/v1/completeness", params={"period": "2020-Q1"}).json()
    assert {d["key"]: d["share"] for d in data} == {"env": 0.0, "stats": 0.5}  # stats: co on a36
    assert admin.get("/api/v1/completeness", params={"period": "1999-Q1"}).status_code == 404
    # overdue after 15 April
    sup.clock = lambda: datetime(2020, 5, 1, tzinfo=UTC)
    over = admin.get("/supervision/overdue").text
    assert 'id="overdue-a36-greening-2020-Q1"' in over
    assert [(x["task"], x["period"]) for x in admin.get("/api/v1/overdue").json()] == [
        ("a36-greening", "2020-Q1")
    ]
    # only an administrator sets the calendar
    r = rep.post("/supervision/calendar", data={"csrf_token": form_token(rep), "year": "2019"})
    assert r.status_code == 403
    r = admin.post(
        "/supervision/calendar",
        data={"csrf_token": form_token(admin), "year": "2019"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and len(sup.calendar(2019)) == 5


def test_notices_page_and_count_in_the_header(sup, user_client):
    sup.generate_notices(smtp=False)  # 10 April: Q1 due on 15 April
    rep2 = user_client("rep2")
    page = rep2.get("/supervision/notices")
    assert re.search(r'id="notices-badge">1<', page.text)
    [nid] = re.findall(r'id="notice-(\d+)"', page.text)
    assert "2020-Q1" in page.text and 'class="unread"' in page.text
    assert rep2.get("/api/v1/notices", params={"unread": True}).json()[0]["kind"] == "due_soon"
    r = rep2.post(
        "/supervision/notices/read",
        data={"csrf_token": form_token(rep2), "id": nid},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert re.search(r'id="notices-badge">0<', rep2.get("/supervision/notices").text)
    # nobody reads another user's notices
    assert user_client("view").get("/api/v1/notices").json() == []


def test_off_track_loop_page(sup, user_client):
    sup.assign("urbanization_rate", "env")  # lagging in 2020 in the bundled data
    admin = user_client("admin")
    data = admin.get("/api/v1/off-track", params={"year": 2020, "all": True}).json()
    assert data["year"] == 2020
    off = {(x["indicator"], x["area"]): x for x in data["indicators"]}
    target = off[("urbanization_rate", "zhengzhou")]
    assert target["status"] == "lagging" and target["department"] == "env"
    assert target["missing"] == ["explanation", "corrective_task"]
    key = "urbanization_rate-zhengzhou"
    rep2 = user_client("rep2")
    page = rep2.get("/supervision/off-track", params={"year": 2020})
    assert page.status_code == 200 and 'id="open-count"' in page.text
    assert f'id="explain-{key}"' in page.text
    assert "滞后" in rep2.get("/supervision/off-track", params={"lang": "zh"}).text
    # another department's reporter sees no form and cannot explain it
    rep = user_client("rep")
    assert f'id="explain-{key}"' not in rep.get("/supervision/off-track").text
    form = {
        "indicator": "urbanization_rate",
        "area": "zhengzhou",
        "year": "2020",
        "text": "Drought in 2019",
        "corrective_task": "a36-greening",
    }
    r = rep.post("/supervision/off-track", data={"csrf_token": form_token(rep), **form})
    assert r.status_code == 403
    r = rep2.post(
        "/supervision/off-track",
        data={"csrf_token": form_token(rep2), **form},
        follow_redirects=False,
    )
    assert r.status_code == 303
    open_now = admin.get("/api/v1/off-track", params={"year": 2020}).json()["indicators"]
    assert "urbanization_rate" not in {x["indicator"] for x in open_now}
    page = admin.get("/supervision/off-track", params={"year": 2020, "all": 1}).text
    assert "Drought in 2019" in page and 'href="/supervision/tasks/a36-greening"' in page
    # without a text: 422, nothing recorded
    r = rep2.post(
        "/supervision/off-track",
        data={"csrf_token": form_token(rep2), **form, "text": " "},
    )
    assert r.status_code == 422
    assert len(sup.explanations(latest_only=False)) == 1


def test_empty_states_in_both_languages(sup, user_client):
    view = user_client("view")
    for lang in ("en", "zh"):
        cal = view.get("/supervision/calendar", params={"year": 2011, "lang": lang})
        assert cal.status_code == 200 and 'id="no-calendar"' in cal.text
        assert 'id="calendar-form"' not in cal.text  # only administrators set it
        assert 'id="overdue-empty"' in view.get("/supervision/overdue").text
        assert 'id="notices-empty"' in view.get("/supervision/notices").text
    found = view.get("/supervision", params={"q": "greening"}).text
    assert 'id="task-a36-greening"' in found and 'id="task-a06-services"' not in found
    assert re.search(r'id="notices-badge">0<', view.get("/supervision").text)
    assert view.get("/api/v1/calendar", params={"year": 2020}).json()[0]["key"] == "2020-Q1"


def test_api_update_and_rating(sup, user_client):
    rep = user_client("rep")
    token = form_token(rep)
    r = rep.post(
        "/api/v1/tasks/a06-services/updates",
        json={"period": "2020-Q1", "status": "green", "percent": 15, "base_revision": 0},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    again = rep.post(
        "/api/v1/tasks/a06-services/updates",
        json={"period": "2020-Q1", "status": "green", "percent": 20, "base_revision": 0},
        headers={"X-CSRF-Token": token},
    )
    assert again.status_code == 409 and again.json()["current"]["revision"] == 1
    bad = rep.post(
        "/api/v1/tasks/a06-services/updates",
        json={"period": "2020-Q9", "status": "purple", "percent": 15},
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 422
    assert {p["code"] for p in bad.json()["problems"]} == {"bad-period", "bad-status"}
    rev = user_client("rev")
    r = rev.post(
        f"/api/v1/task-updates/{uid}/ratings",
        json={"score": 3, "comment": "fair"},
        headers={"X-CSRF-Token": form_token(rev)},
    )
    assert r.status_code == 201 and r.json()["scale"] == [1, 5]
    hist = rep.get("/api/v1/tasks/a06-services").json()["history"]
    assert hist[0]["ratings"][0]["comment"] == "fair"
