"""Reviewers record verdicts with evidence on qualitative targets and steps."""

from __future__ import annotations

from .conftest import form_token


def test_reviewer_records_a_verdict_and_the_public_sees_it(user_client, client, store):
    rev = user_client("rev")
    page = rev.get("/staff/verdicts")
    assert page.status_code == 200
    assert 'id="verdict-national_eco_city"' in page.text and 'id="verdict-step2"' in page.text
    r = rev.post(
        "/staff/verdicts",
        data={
            "csrf_token": form_token(rev),
            "target": "national_eco_city",
            "area": "zhengzhou",
            "year": "2016",
            "verdict": "lagging",
            "evidence": "Review of the eco-city programme, 2016",
        },
    )
    assert r.status_code == 200 and 'id="verdict-saved"' in r.text
    ind = client.get("/api/v1/indicators/national_eco_city?year=2020").json()["indicator"]
    assert ind["status"] == "lagging"
    assert ind["evidence"] == "Review of the eco-city programme, 2016"
    before = client.get("/api/v1/indicators/national_eco_city?year=2015").json()["indicator"]
    assert before["status"] == "no_data"  # the verdict is for 2016
    r = rev.post(
        "/staff/verdicts",
        data={
            "csrf_token": form_token(rev),
            "target": "step2",
            "area": "zhengzhou",
            "year": "2015",
            "verdict": "achieved",
            "evidence": "",
        },
    )
    assert r.status_code in (400, 422)  # evidence is required
    assert any(a["action"].startswith("verdict") for a in store.audit(limit=20))


def test_reporters_and_anonymous_cannot_record_verdicts(user_client, client):
    rep = user_client("rep")
    assert rep.get("/staff/verdicts").status_code == 403
    r = rep.post(
        "/staff/verdicts",
        data={
            "csrf_token": form_token(rep),
            "target": "step1",
            "year": "2010",
            "verdict": "achieved",
            "evidence": "x",
        },
    )
    assert r.status_code == 403
    assert client.get("/staff/verdicts", follow_redirects=False).status_code in (303, 401, 403)
