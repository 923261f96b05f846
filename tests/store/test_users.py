from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from kaoping.errors import UsageError
from kaoping.store import PermissionDenied, Store
from kaoping.store import users as store_users
from kaoping.store.schema import api_tokens, users

from .fixtures import PASSWORD


def test_passwords_are_argon2id_hashes_never_the_password(store: Store):
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(users.c.username, users.c.password_hash)).all()
        dump = " ".join(str(r) for r in conn.execute(sa.select(users)).all())
    assert PASSWORD not in dump
    assert all(h.startswith("$argon2id$") for _, h in rows)
    assert store.authenticate("ann", PASSWORD)["role"] == "reporter"
    assert store.authenticate("ann", "wrong password!") is None
    assert store.authenticate("nobody", PASSWORD) is None
    assert all("password_hash" not in u for u in store.users())


def test_rehash_when_parameters_change(store: Store, monkeypatch):
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(store_users, "hasher", lambda: stronger)
    with store.engine.connect() as conn:
        before = conn.execute(sa.select(users.c.password_hash).where(users.c.username == "ann"))
        before = before.scalar_one()
    assert store.authenticate("ann", PASSWORD) is not None
    with store.engine.connect() as conn:
        after = conn.execute(sa.select(users.c.password_hash).where(users.c.username == "ann"))
        after = after.scalar_one()
    assert after != before and "t=2" in after
    assert store.authenticate("ann", PASSWORD) is not None


def test_no_default_password_first_admin_once(empty_store: Store):
    assert not empty_store.has_users()
    password = empty_store.ensure_admin()
    assert password and len(password) >= 16
    assert empty_store.authenticate("admin", password)["role"] == "admin"
    assert empty_store.ensure_admin() is None
    assert empty_store.authenticate("admin", "admin") is None


def test_user_management_needs_an_admin(store: Store):
    with pytest.raises(PermissionDenied):
        store.create_user("x", PASSWORD, "viewer", actor="ann")
    with pytest.raises(UsageError):
        store.create_user("short", "abc", "viewer", actor="admin")
    with pytest.raises(UsageError):
        store.create_user("rep", PASSWORD, "reporter", actor="admin")  # no department
    with pytest.raises(UsageError):
        store.create_user("ann", PASSWORD, "viewer", actor="admin")  # exists
    with pytest.raises(PermissionDenied):  # oneself: only with the current password
        store.set_password("ann", "a new password 123", actor="ann")
    store.set_password("ann", "a new password 123", actor="ann", current=PASSWORD)
    assert store.authenticate("ann", "a new password 123")
    with pytest.raises(PermissionDenied):
        store.set_password("eve", "a new password 123", actor="ann")
    store.deactivate_user("vic", actor="admin")
    assert store.authenticate("vic", PASSWORD) is None
    with pytest.raises(UsageError):
        store.deactivate_user("admin", actor="admin")  # the last administrator
    actions = [e["action"] for e in store.audit(limit=100)]
    assert {"user.create", "user.password", "user.deactivate"} <= set(actions)


def test_tokens_are_stored_hashed(store: Store):
    token = store.create_token("ann", "script")
    assert len(token) >= 40
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(api_tokens.c.token_hash)).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert store.user_for_token(token)["username"] == "ann"
    assert store.user_for_token(token + "x") is None
    assert store.tokens("ann")[0]["name"] == "script"
    with pytest.raises(PermissionDenied):
        store.revoke_token(store.tokens("ann")[0]["id"], actor="eve")
    store.revoke_token(store.tokens("ann")[0]["id"], actor="ann")
    assert store.user_for_token(token) is None
    t2 = store.create_token("eve", "other")
    store.deactivate_user("eve", actor="admin")
    assert store.user_for_token(t2) is None
