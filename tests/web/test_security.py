"""Permissions, CSRF, the login rate limit, session cookies and API tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kaoping.store import Store
from kaoping.web import create_app

from .conftest import PASSWORD, form_token, login, settings_for

ENTRY = {"area": "zhengzhou", "year": "2015", "value": "5", "status": "final"}


def test_reporter_cannot_write_another_departments_indicator(user_client):
    rep = user_client("rep")  # department stats, not env
    token = form_token(rep)
    r = rep.post(
        "/staff/entry", data={**ENTRY, "indicator": "forest_coverage", "csrf_token": token}
    )
    assert r.status_code == 403
    assert 'id="form-error"' in r.text
    r = rep.post(
        "/api/v1/observations",
        json={"indicator": "forest_coverage", "year": 2015, "value": 30},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 403
    # the entry form offers only the department's own indicators
    html = rep.get("/staff/entry").text
    assert 'value="gdp_per_capita"' in html and 'value="forest_coverage"' not in html
    # their own indicator is fine
    r = rep.post(
        "/api/v1/observations",
        json={"indicator": "gdp_per_capita", "year": 2015, "value": 77179},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 201


def test_anonymous_cannot_post(client):
    body = {"indicator": "gdp_per_capita", "year": 2015, "value": 1}
    assert client.post("/api/v1/observations", json=body).status_code == 401
    assert client.post("/api/v1/revisions/1/approve").status_code == 401
    r = client.post("/staff/entry", data={**ENTRY, "indicator": "gdp_per_capita"})
    assert r.status_code == 403  # a form without a session's token
    assert client.get("/staff/review", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/review-queue").status_code == 401
    assert client.get("/api/v1/audit").status_code == 401


def test_viewer_cannot_write(user_client):
    view = user_client("view")
    token = form_token(view)
    r = view.post(
        "/staff/entry", data={**ENTRY, "indicator": "gdp_per_capita", "csrf_token": token}
    )
    assert r.status_code == 403
    r = view.post(
        "/api/v1/observations",
        json={"indicator": "gdp_per_capita", "year": 2015, "value": 1},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 403
    assert view.get("/staff/entry").status_code == 403
    assert view.get("/staff/users").status_code == 403
    assert view.get("/api/v1/users").status_code == 403
    # but may read the staff views
    assert view.get("/staff/review").status_code == 200
    assert 'id="approve-' not in view.get("/staff/review").text


def test_reviewer_cannot_write_reporter_cannot_review(user_client, store):
    rev = user_client("rev")
    r = rev.post(
        "/api/v1/observations",
        json={"indicator": "gdp_per_capita", "year": 2015, "value": 1},
        headers={"X-CSRF-Token": form_token(rev)},
    )
    assert r.status_code == 403
    rid = store.submit("rep", "gdp_per_capita", "zhengzhou", 2015, 77179)["id"]
    rep = user_client("rep")
    r = rep.post(f"/api/v1/revisions/{rid}/approve", headers={"X-CSRF-Token": form_token(rep)})
    assert r.status_code == 403
    r = rep.post(f"/staff/review/{rid}", data={"csrf_token": form_token(rep), "action": "approve"})
    assert r.status_code == 403


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_csrf_missing_or_wrong(user_client, token):
    rep = user_client("rep")
    data = {**ENTRY, "indicator": "gdp_per_capita"}
    if token is not None:
        data["csrf_token"] = token
    r = rep.post("/staff/entry", data=data)
    assert r.status_code == 403
    headers = {"X-CSRF-Token": token} if token else {}
    r = rep.post(
        "/api/v1/observations",
        json={"indicator": "gdp_per_capita", "year": 2015, "value": 1},
        headers=headers,
    )
    assert r.status_code == 403
    assert r.json()["error"] == "csrf"
    assert rep.post("/logout", data=data).status_code == 403


def test_csrf_on_login_form(client):
    r = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403
    client.get("/login")
    r = client.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert r.status_code == 403


def test_login_rate_limited(client):
    for _ in range(3):  # settings.login_attempts = 3 in the tests
        r = login(client, "rep", "not the password")
        assert r.status_code == 401
        assert 'id="login-error"' in r.text
    r = login(client, "rep", "not the password")
    assert r.status_code == 429
    # even the right password waits for the window to pass
    assert login(client, "rep").status_code == 429
    # another user name is not blocked
    assert login(client, "rev").status_code == 303


def test_token_endpoint_rate_limited(client):
    for _ in range(3):
        r = client.post("/api/v1/tokens", json={"username": "rep", "password": "nope-nope-nope"})
        assert r.status_code == 401
    r = client.post("/api/v1/tokens", json={"username": "rep", "password": PASSWORD})
    assert r.status_code == 429


def test_session_cookie_flags(client, tmp_path, template_db):
    r = login(client, "rep")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "kaoping_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie
    import shutil

    shutil.copy(template_db, tmp_path / "kaoping.db")
    secure = settings_for(tmp_path, secure_cookies=True)
    with Store.open(settings=secure) as store:
        c = TestClient(create_app(store, secure), base_url="https://testserver")
        r = login(c, "rep")
        assert r.status_code == 303
        assert "Secure" in r.headers["set-cookie"]


def test_tampered_session_is_anonymous(user_client):
    rep = user_client("rep")
    value = rep.cookies.get("kaoping_session")
    body, sig = value.rsplit(".", 1)
    rep.cookies.set("kaoping_session", body + "." + sig[::-1])
    assert rep.get("/api/v1/me").status_code == 401


def test_logout(user_client):
    rep = user_client("rep")
    assert rep.get("/api/v1/me").json()["user"]["username"] == "rep"
    r = rep.post("/logout", data={"csrf_token": form_token(rep)}, follow_redirects=False)
    assert r.status_code == 303
    assert rep.get("/api/v1/me").status_code == 401


def test_api_token(client, user_client):
    r = client.post("/api/v1/tokens", json={"username": "rep", "password": PASSWORD, "name": "s"})
    assert r.status_code == 201
    token = r.json()["token"]
    scripted = TestClient(client.app)
    h = {"Authorization": f"Bearer {token}"}
    assert scripted.get("/api/v1/me", headers=h).json()["user"]["username"] == "rep"
    # no CSRF token needed with a bearer token
    r = scripted.post(
        "/api/v1/observations",
        json={"indicator": "gdp_per_capita", "year": 2015, "value": 77179},
        headers=h,
    )
    assert r.status_code == 201
    r = scripted.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    # the tokens page shows a new token once
    rep = user_client("rep")
    r = rep.post("/staff/tokens", data={"csrf_token": form_token(rep), "name": "ci"})
    assert 'id="new-token"' in r.text


def test_admin_creates_users(user_client):
    admin = user_client("admin")
    r = admin.post(
        "/staff/users",
        data={"csrf_token": form_token(admin), "username": "newrev", "role": "reviewer"},
    )
    assert r.status_code == 200 and 'id="new-password"' in r.text
    users = admin.get("/api/v1/users").json()
    assert "newrev" in {u["username"] for u in users}
    r = admin.post(
        "/api/v1/users",
        json={"username": "rep3", "role": "reporter"},  # a reporter needs a department
        headers={"X-CSRF-Token": form_token(admin)},
    )
    assert r.status_code == 400


def test_removed_user_loses_session(user_client, store):
    rep = user_client("rep")
    store.deactivate_user("rep")
    assert rep.get("/api/v1/me").status_code == 401
    assert rep.get("/staff", follow_redirects=False).status_code == 303


def test_staff_pages_for_admin(user_client):
    admin = user_client("admin")
    for path in (
        "/staff",
        "/staff/entry",
        "/staff/entry?indicator=gdp_per_capita&year=2015",
        "/staff/import",
        "/staff/review",
        "/staff/changes",
        "/staff/unlock",
        "/staff/audit",
        "/staff/users",
        "/staff/tokens",
    ):
        for lang in ("en", "zh"):
            r = admin.get(path, params={"lang": lang})
            assert r.status_code == 200, path
            assert ('lang="zh-CN"' if lang == "zh" else 'lang="en"') in r.text
            assert 'name="csrf_token"' in r.text or path in ("/staff", "/staff/audit")


def test_security_headers(client):
    r = client.get("/")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
