"""Data entry and review: the public sees approved data only; conflicts lose nothing."""

from __future__ import annotations

import re

from .conftest import form_token


def _submit_form(client, token, **fields):
    data = {
        "csrf_token": token,
        "indicator": "gdp_per_capita",
        "area": "zhengzhou",
        "year": "2015",
        "value": "77179",
        "status": "final",
        "source": "Zhengzhou statistical bulletin 2015",
        "note": "",
        "base_revision": "0",
    }
    data.update(fields)
    return client.post("/staff/entry", data=data, follow_redirects=False)


def _public_2015(client):
    data = client.get("/api/v1/indicators/gdp_per_capita").json()
    return [p for p in data["series"] if p["year"] == 2015]


def test_public_sees_only_approved(client, user_client):
    rep = user_client("rep")
    r = _submit_form(rep, form_token(rep))
    assert r.status_code == 200, r.text
    assert 'id="saved"' in r.text
    # not on the public API, the page, the overview or the exports
    assert _public_2015(client) == []
    assert "77,179" not in client.get("/i/gdp_per_capita").text
    assert "77179" not in client.get("/api/v1/export/observations?format=csv").text
    # not even when the public asks for pending data
    pending = client.get("/api/v1/indicators/gdp_per_capita", params={"pending": "true"}).json()
    assert [p for p in pending["series"] if p["year"] == 2015] == []
    # staff may preview it
    staff = rep.get("/api/v1/indicators/gdp_per_capita", params={"pending": "true"}).json()
    [row] = [p for p in staff["series"] if p["year"] == 2015]
    assert row["value"] == 77179 and row["approved"] is False
    assert [h["state"] for h in staff["history"] if h["year"] == 2015] == ["submitted"]
    # approved by a reviewer: now public
    rev = user_client("rev")
    queue = rev.get("/api/v1/review-queue").json()
    [item] = [q for q in queue if q["indicator"] == "gdp_per_capita"]
    page = rev.get("/staff/review")
    assert f'id="approve-{item["id"]}"' in page.text
    r = rev.post(
        f"/staff/review/{item['id']}",
        data={"csrf_token": form_token(rev), "action": "approve"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    [row] = _public_2015(client)
    assert row["value"] == 77179 and row["approved"] is True
    for lang, shown in (("en", "77,179 yuan"), ("zh", "7.72万元")):
        html = client.get("/i/gdp_per_capita", params={"lang": lang}).text
        assert f"<title>2015: {shown}</title>" in html, re.findall("<title>2015.*?</title>", html)


def test_reject_with_reason(user_client):
    rep = user_client("rep")
    _submit_form(rep, form_token(rep), value="1")
    rev = user_client("rev")
    [item] = [q for q in rev.get("/api/v1/review-queue").json() if q["value"] == 1]
    token = form_token(rev)
    r = rev.post(f"/staff/review/{item['id']}", data={"csrf_token": token, "action": "reject"})
    assert r.status_code == 422  # a reason is required
    r = rev.post(
        f"/staff/review/{item['id']}",
        data={"csrf_token": token, "action": "reject", "reason": "wrong unit"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    hist = rev.get("/api/v1/history/gdp_per_capita", params={"year": 2015}).json()
    assert hist[0]["state"] == "rejected" and hist[0]["review_reason"] == "wrong unit"


def test_conflict_in_the_form(user_client, store):
    rep = user_client("rep")
    form = rep.get("/staff/entry", params={"indicator": "gdp_per_capita", "year": 2015})
    assert 'id="base_revision" value="0"' in form.text
    token = form_token(rep)
    # someone else writes the same value meanwhile
    store.submit("admin", "gdp_per_capita", "zhengzhou", 2015, 70000, status="final")
    r = _submit_form(rep, token, value="77179", note="my note", base_revision="0")
    assert r.status_code == 409
    assert 'id="conflict"' in r.text
    assert 'id="conflict-current">70,000 yuan<' in r.text
    # nothing the user typed is lost, and the form now builds on the current revision
    assert 'value="77179"' in r.text and "my note" in r.text
    assert 'id="base_revision" value="1"' in r.text
    r = _submit_form(rep, token, value="77179", base_revision="1")
    assert r.status_code == 200 and 'id="saved"' in r.text


def test_conflict_in_the_api(user_client, store):
    rep = user_client("rep")
    token = form_token(rep)
    body = {"indicator": "gdp_per_capita", "year": 2016, "value": 80000, "base_revision": 0}
    r = rep.post("/api/v1/observations", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 201 and r.json()["revision"] == 1
    r = rep.post("/api/v1/observations", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 409
    assert r.json()["error"] == "conflict"
    assert r.json()["current"]["revision"] == 1 and r.json()["attempted"]["value"] == 80000


def test_locked_and_unlock(user_client, store):
    rep, rev = user_client("rep"), user_client("rev")
    rep_token, rev_token = form_token(rep), form_token(rev)
    body = {"indicator": "gdp_per_capita", "year": 2017, "value": 90000, "base_revision": 0}
    rid = rep.post("/api/v1/observations", json=body, headers={"X-CSRF-Token": rep_token}).json()[
        "id"
    ]
    assert rev.post(
        f"/api/v1/revisions/{rid}/approve", headers={"X-CSRF-Token": rev_token}
    ).is_success
    r = rep.post(
        "/api/v1/observations",
        json={**body, "value": 91000, "base_revision": 1},
        headers={"X-CSRF-Token": rep_token},
    )
    assert r.status_code == 423
    # a reporter cannot unlock; a reviewer can, with a reason
    r = rep.post(
        "/staff/unlock",
        data={
            "csrf_token": rep_token,
            "indicator": "gdp_per_capita",
            "area": "zhengzhou",
            "year": "2017",
            "reason": "x",
        },
    )
    assert r.status_code == 403
    r = rev.post(
        "/staff/unlock",
        data={
            "csrf_token": rev_token,
            "indicator": "gdp_per_capita",
            "area": "zhengzhou",
            "year": "2017",
            "reason": "",
        },
    )
    assert r.status_code == 422
    r = rev.post(
        "/staff/unlock",
        data={
            "csrf_token": rev_token,
            "indicator": "gdp_per_capita",
            "area": "zhengzhou",
            "year": "2017",
            "reason": "bureau revised the figure",
        },
    )
    assert r.status_code == 200 and 'id="unlocked"' in r.text
    r = rep.post(
        "/api/v1/observations",
        json={**body, "value": 91000, "base_revision": 1},
        headers={"X-CSRF-Token": rep_token},
    )
    assert r.status_code == 201
    changes = rev.get("/staff/changes")
    assert "gdp_per_capita" in changes.text
    audit = rev.get("/api/v1/audit", params={"action": "observation.unlock"}).json()
    assert audit[0]["detail"]["reason"] == "bureau revised the figure"
    assert "observation.unlock" in rev.get("/staff/audit").text


def test_staff_indicator_page_has_history(user_client):
    rep = user_client("rep")
    _submit_form(rep, form_token(rep))
    html = rep.get("/i/gdp_per_capita").text
    assert 'id="history-table"' in html
    assert 'id="enter-value"' in html


def test_review_page_leaves_ones_own_submission_to_another_reviewer(user_client, store):
    # four-eyes review (the default): the store refuses one's own submission, so the page
    # shows no buttons for it, in either language
    admin = user_client("admin")
    assert _submit_form(admin, form_token(admin)).status_code == 200
    [mine] = store.review_queue()
    page = admin.get("/staff/review?lang=en").text
    assert f'id="own-{mine["id"]}"' in page
    assert "Your own submission: another reviewer decides" in page
    assert f'id="approve-{mine["id"]}"' not in page and f'id="reject-{mine["id"]}"' not in page
    assert "本人提交：由其他审核人决定" in admin.get("/staff/review?lang=zh").text
    # another reviewer gets the buttons
    page = user_client("rev").get("/staff/review").text
    assert f'id="approve-{mine["id"]}"' in page and f'id="own-{mine["id"]}"' not in page
    # four-eyes review off: one's own submission may be decided
    store.settings.four_eyes = False
    page = admin.get("/staff/review").text
    assert f'id="approve-{mine["id"]}"' in page and f'id="own-{mine["id"]}"' not in page
