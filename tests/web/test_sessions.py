"""Sessions that end, tokens that expire, a password page, four-eyes review, one login
limit for every worker, user names that cannot be confused (web and API)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kaoping.store import Store
from kaoping.web import create_app

from .conftest import PASSWORD, csrf_of, form_token, login

NEW_PASSWORD = "a brand new password"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- S6: logout ends the session on the server -------------------------------------------------


def test_a_copied_cookie_is_worthless_after_logout(app, user_client):
    rep = user_client("rep")
    stolen = rep.cookies.get("kaoping_session")
    csrf = form_token(rep)
    assert rep.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    thief = TestClient(app)
    thief.cookies.set("kaoping_session", stolen)
    assert thief.get("/api/v1/me").status_code == 401
    # nor can it make itself a token that outlives the session
    r = thief.post("/api/v1/tokens", json={"name": "mine"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code in (401, 403), r.text
    assert thief.get("/staff", follow_redirects=False).status_code == 303  # to the login page


def test_deactivation_ends_an_open_session(user_client):
    admin, view = user_client("admin"), user_client("view")
    assert view.get("/api/v1/me").status_code == 200
    r = admin.post(
        "/staff/users/view", data={"csrf_token": form_token(admin), "action": "deactivate"}
    )
    assert r.status_code == 200
    assert view.get("/api/v1/me").status_code == 401


def test_logging_out_of_a_session_ended_elsewhere_just_signs_out(user_client, store):
    rep = user_client("rep")
    csrf = form_token(rep)
    store.set_password("rep", NEW_PASSWORD, actor="admin")  # ends every session of rep
    r = rep.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and "kaoping_session=" in r.headers["set-cookie"]


def test_logging_in_again_replaces_the_session(app, store: Store):
    c = TestClient(app)
    assert login(c, "rep").status_code == 303
    first = c.cookies.get("kaoping_session")
    assert login(c, "rep").status_code == 303
    assert len(store.live_sessions("rep")) == 1
    old = TestClient(app)
    old.cookies.set("kaoping_session", first)
    assert old.get("/api/v1/me").status_code == 401


# -- S6: the password page -----------------------------------------------------------------------


def test_every_signed_in_user_changes_their_password(app, user_client, store: Store, client):
    view, elsewhere = user_client("view"), user_client("view")
    page = view.get("/staff/password")
    assert page.status_code == 200 and 'id="password-form"' in page.text
    assert 'autocomplete="current-password"' in page.text
    assert 'id="nav-password"' in page.text  # linked from every page
    r = view.post(
        "/staff/password",
        data={
            "csrf_token": csrf_of(page.text),
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_2": NEW_PASSWORD,
        },
    )
    assert r.status_code == 200 and 'id="password-changed"' in r.text
    assert view.get("/api/v1/me").status_code == 200  # this session stays
    assert elsewhere.get("/api/v1/me").status_code == 401  # every other one ends
    assert login(client, "view", PASSWORD).status_code == 401
    assert login(client, "view", NEW_PASSWORD).status_code == 303
    [entry] = store.audit(action="user.password")
    assert entry["user"] == "view" and entry["detail"]["sessions_ended"] == 1


def test_the_password_page_refuses_mistakes_and_keeps_the_password(user_client, store):
    rep = user_client("rep")
    form = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    r = rep.post(
        "/staff/password",
        data={**form, "new_password_2": NEW_PASSWORD, "csrf_token": form_token(rep)},
    )
    assert r.status_code == 403 and "current password is wrong" in r.text
    r = rep.post(
        "/staff/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_2": NEW_PASSWORD + "!",
            "csrf_token": form_token(rep),
        },
    )
    assert r.status_code == 400 and "differ" in r.text
    r = rep.post(
        "/staff/password",
        data={
            "current_password": PASSWORD,
            "new_password": "short",
            "new_password_2": "short",
            "csrf_token": form_token(rep),
        },
    )
    assert r.status_code == 400 and "at least" in r.text
    assert store.authenticate("rep", PASSWORD)


def test_the_password_page_needs_csrf_and_a_session(user_client, client):
    rep = user_client("rep")
    form = {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_2": NEW_PASSWORD,
    }
    assert rep.post("/staff/password", data=form).status_code == 403
    assert rep.post("/staff/password", data={**form, "csrf_token": "wrong"}).status_code == 403
    assert client.get("/staff/password", follow_redirects=False).status_code == 303


def test_wrong_current_passwords_count_against_the_login_limit(user_client):
    rep = user_client("rep")  # the test settings allow 3 failures
    for _ in range(3):
        rep.post(
            "/staff/password",
            data={
                "current_password": "guess guess guess",
                "new_password": NEW_PASSWORD,
                "new_password_2": NEW_PASSWORD,
                "csrf_token": form_token(rep),
            },
        )
    r = rep.post(
        "/staff/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_2": NEW_PASSWORD,
            "csrf_token": form_token(rep),
        },
    )
    assert r.status_code == 429


def test_the_api_changes_a_password(client, store):
    token = store.create_token("rev", "script")
    r = client.post(
        "/api/v1/me/password",
        json={"current_password": "wrong", "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    assert r.status_code == 403 and r.json()["message"] == "the current password is wrong"
    r = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    assert r.status_code == 200 and r.json()["ok"] is True
    assert store.authenticate("rev", NEW_PASSWORD)


# -- S6: tokens expire --------------------------------------------------------------------------


def test_tokens_made_on_the_web_and_the_api_expire(user_client, client, store, settings):
    r = client.post(
        "/api/v1/tokens",
        json={"username": "rep", "password": PASSWORD, "name": "nightly", "days": 7},
    )
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["expires_at"] > made["created_at"]
    assert client.get("/api/v1/me", headers=bearer(made["token"])).status_code == 200
    r = client.post(
        "/api/v1/tokens",
        json={"username": "rep", "password": PASSWORD, "days": settings.token_max_days + 1},
    )
    assert r.status_code == 400 and "at most" in r.json()["message"]
    rep = user_client("rep")
    page = rep.post(
        "/staff/tokens", data={"csrf_token": form_token(rep), "name": "weekly", "days": "7"}
    )
    assert page.status_code == 200 and 'id="new-token-expires"' in page.text
    [tk] = [t for t in store.tokens("rep") if t["name"] == "weekly"]
    assert f'id="expires-{tk["id"]}"' in page.text
    # when it expires it stops working
    later = store._auth_now() + (tk["expires_at"] - tk["created_at"])
    store.auth_clock = lambda: later
    assert client.get("/api/v1/me", headers=bearer(made["token"])).status_code == 401
    assert next(t for t in store.tokens("rep") if t["name"] == "weekly")["expired"]
    assert rep.get("/staff/tokens", follow_redirects=False).status_code == 303  # session over


def test_too_long_a_token_is_refused_on_the_web(user_client, settings):
    rep = user_client("rep")
    r = rep.post(
        "/staff/tokens",
        data={"csrf_token": form_token(rep), "name": "x", "days": str(settings.token_max_days + 1)},
    )
    assert r.status_code == 400 and "at most" in r.text


# -- S9: four-eyes review -----------------------------------------------------------------------


def test_nobody_approves_their_own_entry_in_the_api_or_the_web(user_client, store, client):
    admin_token = store.create_token("admin", "t")
    r = client.post(
        "/api/v1/observations",
        json={"indicator": "gdp_per_capita", "year": 2016, "value": 91000, "base_revision": 0},
        headers=bearer(admin_token),
    )
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    r = client.post(f"/api/v1/revisions/{rid}/approve", headers=bearer(admin_token))
    assert r.status_code == 403
    assert r.json()["error"] == "four-eyes" and "themself" in r.json()["message"]
    r = client.post(
        f"/api/v1/revisions/{rid}/reject", json={"reason": "no"}, headers=bearer(admin_token)
    )
    assert r.status_code == 403
    admin = user_client("admin")
    r = admin.post(
        f"/staff/review/{rid}", data={"csrf_token": form_token(admin), "action": "approve"}
    )
    assert r.status_code == 403 and "themself" in r.text
    rev_token = store.create_token("rev", "t")
    r = client.post(f"/api/v1/revisions/{rid}/approve", headers=bearer(rev_token))
    assert r.status_code == 200 and r.json()["state"] == "approved"


# -- S10: one login limit for every worker and across restarts ----------------------------------


def test_the_login_limit_is_shared_by_workers_and_survives_a_restart(store, settings):
    worker1 = TestClient(create_app(store, settings, version_ttl=0.0))
    worker2 = TestClient(create_app(store, settings, version_ttl=0.0))
    assert login(worker1, "rep", "wrong one").status_code == 401
    assert login(worker2, "rep", "wrong two").status_code == 401
    assert login(worker1, "rep", "wrong three").status_code == 401
    assert login(worker2, "rep").status_code == 429  # the third failure was on worker 1
    restarted = TestClient(create_app(Store.open(settings=settings), settings))
    assert login(restarted, "rep").status_code == 429


# -- S14: look-alike user names -----------------------------------------------------------------


def test_look_alike_user_names_are_refused_by_the_api(client, store):
    token = store.create_token("admin", "t")
    for name in ("ADMIN", "\u0430dmin", "admin\u200b"):
        r = client.post(
            "/api/v1/users",
            json={"username": name, "role": "viewer", "password": PASSWORD},
            headers=bearer(token),
        )
        assert r.status_code == 400, (name, r.text)
        assert r.json()["message"]
    assert [u["username"] for u in store.users()].count("admin") == 1
