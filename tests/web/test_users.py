"""User administration on the staff pages: roles, deactivation, token revocation."""

from __future__ import annotations

from .conftest import PASSWORD, form_token, login


def test_admin_changes_a_role_and_deactivates_a_user(user_client, store, client):
    admin = user_client("admin")
    page = admin.get("/staff/users")
    assert 'id="role-form-view"' in page.text and 'id="deactivate-view"' in page.text
    r = admin.post(
        "/staff/users/view",
        data={"csrf_token": form_token(admin), "action": "role", "role": "reviewer"},
    )
    assert r.status_code == 200 and 'id="user-changed"' in r.text
    assert store.user("view")["role"] == "reviewer"
    r = admin.post(
        "/staff/users/view", data={"csrf_token": form_token(admin), "action": "deactivate"}
    )
    assert r.status_code == 200
    assert not store.user("view")["active"]
    # a deactivated user can no longer log in
    assert login(client, "view", PASSWORD).status_code != 303
    actions = {a["action"] for a in store.audit(limit=50)}
    assert any(a.startswith("user.") and "role" in a for a in actions), actions


def test_only_an_admin_changes_users(user_client, store):
    rev = user_client("rev")
    r = rev.post(
        "/staff/users/rep",
        data={"csrf_token": form_token(rev), "action": "role", "role": "admin"},
    )
    assert r.status_code == 403
    assert store.user("rep")["role"] == "reporter"


def test_unknown_action_is_a_clear_error(user_client):
    admin = user_client("admin")
    r = admin.post("/staff/users/rep", data={"csrf_token": form_token(admin), "action": "explode"})
    assert r.status_code == 400 and "unknown action" in r.text


def test_a_user_revokes_their_own_token(user_client, client, store):
    rep = user_client("rep")
    page = rep.post("/staff/tokens", data={"csrf_token": form_token(rep), "name": "nightly"})
    token = page.text.split('id="new-token">')[1].split("<")[0]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    [tk] = [t for t in store.tokens("rep") if t["name"] == "nightly"]
    r = rep.post(f"/staff/tokens/{tk['id']}/revoke", data={"csrf_token": form_token(rep)})
    assert r.status_code == 200 and f'id="revoke-{tk["id"]}"' not in r.text
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
