"""Import: a dry run shows row errors; a clean file is confirmed and written, all or nothing."""

from __future__ import annotations

import re

from .conftest import form_token

BAD = (
    "indicator,area,year,value,unit,source\n"
    "gdp_per_capita,zhengzhou,2015,77179,yuan,bulletin\n"
    "no_such_indicator,zhengzhou,2015,1,,bulletin\n"
    "gdp_per_capita,zhengzhou,2016,lots,yuan,bulletin\n"
)
GOOD = (
    "indicator,area,year,value,unit,source\n"
    "gdp_per_capita,zhengzhou,2015,77179,yuan,bulletin 2015\n"
    "gdp_per_capita,zhengzhou,2016,78000,yuan,bulletin 2016\n"
)


def _upload(client, text: str, name: str = "data.csv"):
    return client.post(
        "/staff/import",
        data={"csrf_token": form_token(client, "/staff/import"), "action": "dry_run"},
        files={"file": (name, text.encode(), "text/csv")},
    )


def test_dry_run_shows_row_errors(user_client, store):
    rep = user_client("rep")
    before = store.data_version()
    r = _upload(rep, BAD)
    assert r.status_code == 422
    assert 'id="import-errors"' in r.text
    rows = re.findall(r'<tr class="row-error"><td>(\d+)</td><td>(\w*)</td>', r.text)
    assert ("3", "indicator") in rows
    assert ("4", "value") in rows
    assert 'id="import-confirm"' not in r.text  # nothing to confirm
    assert store.data_version() == before
    assert store.review_queue() == []


def test_dry_run_then_confirm(user_client, store, client):
    rep = user_client("rep")
    r = _upload(rep, GOOD)
    assert r.status_code == 200, r.text
    assert 'id="import-confirm"' in r.text
    assert store.review_queue() == []  # a dry run writes nothing
    # S8: the file stays on the server; the confirmation names the job, not the file
    action = re.search(r'action="(/staff/import/[\w-]+)" id="import-confirm"', r.text).group(1)
    assert 'name="content"' not in r.text
    form = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)}
    for m in re.finditer(r'name="(comment-\d+)"', r.text):
        form[m.group(1)] = "checked against the bulletin"
    r = rep.post(action, data=form)
    assert r.status_code == 200
    assert 'id="import-done"' in r.text
    queue = store.review_queue()
    assert {(q["year"], q["value"]) for q in queue} == {(2015, 77179.0), (2016, 78000.0)}
    # submitted, not approved: the public does not see them yet
    series = client.get("/api/v1/indicators/gdp_per_capita").json()["series"]
    assert 2007 in [p["year"] for p in series]
    assert [p for p in series if p["year"] in (2015, 2016)] == []
    # a confirmed job cannot be confirmed again, and its file is no longer kept
    r = rep.post(action, data=form)
    assert r.status_code in (400, 409) and len(store.review_queue()) == 2


def test_import_api(user_client, store):
    rep = user_client("rep")
    token = form_token(rep)
    r = rep.post(
        "/api/v1/import",
        data={"dry_run": "true"},
        files={"file": ("bad.csv", BAD.encode(), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200
    job = r.json()
    assert job["state"] == "done" and job["dry_run"] is True
    report = job["report"]
    assert report["dry_run"] is True and report["written"] is False
    assert {(e["row"], e["column"]) for e in report["errors"]} >= {(3, "indicator"), (4, "value")}
    assert rep.get(f"/api/v1/imports/{job['id']}").json()["report"] == report
    # a real import of a file with errors writes nothing
    r = rep.post(
        "/api/v1/import",
        data={"dry_run": "false"},
        files={"file": ("bad.csv", BAD.encode(), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert r.json()["report"]["written"] is False
    assert store.review_queue() == []


def test_import_api_dry_run_then_confirm_by_job(user_client, store):
    rep = user_client("rep")
    token = form_token(rep)
    r = rep.post(
        "/api/v1/import",
        files={"file": ("good.csv", GOOD.encode(), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    job = r.json()
    assert job["report"]["ok"] or job["report"]["warnings"], job
    comments = {str(w["row"]): "checked" for w in job["report"]["warnings"]}
    r = rep.post(
        f"/api/v1/imports/{job['id']}/confirm",
        json={"comments": comments},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["report"]["written"] is True and done["kept"] is False
    assert len(store.review_queue()) == 2
    # another user does not see the job
    other = user_client("rep2")
    assert other.get(f"/api/v1/imports/{job['id']}").status_code == 404


def test_viewer_cannot_import(user_client):
    view = user_client("view")
    assert view.get("/staff/import").status_code == 403
    r = view.post(
        "/api/v1/import",
        files={"file": ("x.csv", GOOD.encode(), "text/csv")},
        headers={"X-CSRF-Token": form_token(view)},
    )
    assert r.status_code == 403


def test_department_template(user_client):
    rep = user_client("rep")
    r = rep.get("/staff/template", params={"years": "2015-2016"})
    assert r.status_code == 200
    assert r.content[:2] == b"PK"
    assert "template-stats-2015-2016.xlsx" in r.headers["content-disposition"]
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(r.content)).active
    keys = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert "gdp_per_capita" in keys and "forest_coverage" not in keys
    admin = user_client("admin")
    assert admin.get("/staff/template").status_code == 400  # which department?
    assert admin.get("/api/v1/template", params={"department": "env"}).status_code == 200
    assert 'id="template-form"' in admin.get("/staff").text
