"""Accounts held by the store: server-side sessions, expiring tokens, the login limit
shared by every process, four-eyes review, user names that cannot be confused, and a
database file only its owner can read. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from kaoping.errors import UsageError
from kaoping.settings import Settings
from kaoping.store import PermissionDenied, Store
from kaoping.store.db import make_engine, migrate, utcnow
from kaoping.store.errors import OwnSubmission
from kaoping.store.schema import sessions

from .fixtures import PASSWORD


def later(store: Store, **delta: float) -> None:
    """Move the clock of sessions, tokens and the login limit forward."""
    now = store._auth_now() + timedelta(**delta)
    store.auth_clock = lambda: now


# -- S6: sessions live in the database and end -----------------------------------------------


def test_a_session_ends_at_logout_and_its_secret_is_not_stored(store: Store):
    secret = store.start_session("ann")
    assert store.session_user(secret)["username"] == "ann"
    with store.engine.connect() as conn:
        dump = " ".join(str(r) for r in conn.execute(sa.select(sessions)).all())
    assert secret not in dump
    assert store.end_session(secret) is True
    assert store.session_user(secret) is None  # a copied cookie is worth nothing now
    assert store.end_session(secret) is False
    assert store.session_user("made-up") is None


def test_a_session_expires(store: Store):
    store.settings.session_hours = 2
    secret = store.start_session("ann")
    later(store, hours=1)
    assert store.session_user(secret) is not None
    later(store, hours=1, minutes=1)
    assert store.session_user(secret) is None


def test_deactivation_ends_every_session(store: Store):
    a, b = store.start_session("vic"), store.start_session("vic")
    store.deactivate_user("vic", actor="admin")
    assert store.session_user(a) is None and store.session_user(b) is None
    assert store.live_sessions("vic") == []
    [entry] = store.audit(action="user.deactivate")
    assert entry["detail"]["sessions_ended"] == 2


def test_a_password_change_ends_the_other_sessions(store: Store):
    here, elsewhere = store.start_session("ann"), store.start_session("ann")
    ended = store.set_password(
        "ann", "a brand new password", actor="ann", current=PASSWORD, keep_session=here
    )
    assert ended == 1
    assert store.session_user(here)["username"] == "ann"
    assert store.session_user(elsewhere) is None
    assert store.authenticate("ann", "a brand new password")
    [entry] = store.audit(action="user.password")
    assert entry["user"] == "ann" and entry["key"] == "ann"
    assert "a brand new password" not in str(entry)


def test_a_password_change_needs_the_current_password(store: Store):
    with pytest.raises(PermissionDenied, match="current password is wrong"):
        store.set_password("ann", "a brand new password", actor="ann", current="not it at all")
    with pytest.raises(UsageError, match="differ"):
        store.set_password("ann", PASSWORD, actor="ann", current=PASSWORD)
    with pytest.raises(UsageError, match="at least"):
        store.set_password("ann", "short", actor="ann", current=PASSWORD)
    assert store.authenticate("ann", PASSWORD)


def test_an_administrator_reset_ends_every_session(store: Store):
    s = store.start_session("ann")
    assert store.set_password("ann", "reset by the admin", actor="admin") == 1
    assert store.session_user(s) is None


# -- S6: tokens expire ------------------------------------------------------------------------


def test_tokens_expire_by_default_and_at_most_after_the_maximum(store: Store):
    store.settings.token_days, store.settings.token_max_days = 30, 60
    made = store.issue_token("ann", "nightly")
    assert made["expires_at"] - made["created_at"] == timedelta(days=30)
    [listed] = store.tokens("ann")
    assert listed["expires_at"] == made["expires_at"] and listed["expired"] is False
    assert store.user_for_token(made["token"])["username"] == "ann"
    later(store, days=30, seconds=1)
    assert store.user_for_token(made["token"]) is None
    assert store.tokens("ann")[0]["expired"] is True
    with pytest.raises(UsageError, match="at most 60 days"):
        store.issue_token("ann", "forever", days=61)
    with pytest.raises(UsageError):
        store.issue_token("ann", "never", days=0)
    assert store.issue_token("ann", "two months", days=60)["token"]


def test_a_deactivated_users_token_stops_working(store: Store):
    token = store.create_token("rita", "script")
    store.deactivate_user("rita", actor="admin")
    assert store.user_for_token(token) is None


# -- S10: the login limit is kept in the database ---------------------------------------------


def test_failed_logins_are_shared_by_every_process(store: Store, db_url: str):
    store.settings.login_attempts = 3
    other = Store(make_engine(db_url), Settings(data_dir=store.settings.data_dir))
    other.settings.login_attempts = 3
    try:
        store.login_failed("ann", "10.0.0.1")
        other.login_failed("ANN", "10.0.0.2")  # another worker, another address
        assert store.login_wait("ann", "10.0.0.3") == 0
        store.login_failed("ann", "10.0.0.4")
        # a third process (or this one after a restart) sees the three failures
        wait = other.login_wait("ann", "10.0.0.9")
        assert 0 < wait <= 15 * 60 + 1
        assert store.login_wait("eve", "10.0.0.9") == 0  # another user is not blocked
        later(store, minutes=15, seconds=2)
        assert store.login_wait("ann", "10.0.0.9") == 0
    finally:
        other.close()


def test_one_address_trying_many_user_names_is_limited(store: Store):
    store.settings.login_attempts_per_address = 4
    for name in ("a1", "a2", "a3", "a4"):
        store.login_failed(name, "192.0.2.7")
    assert store.login_wait("admin", "192.0.2.7") > 0
    assert store.login_wait("admin", "192.0.2.8") == 0


def test_a_right_password_forgets_the_user_names_failures(store: Store):
    store.settings.login_attempts = 2
    store.login_failed("ann", "10.0.0.1")
    store.login_succeeded("ann", "10.0.0.1")
    store.login_failed("ann", "10.0.0.1")
    assert store.login_wait("ann", "10.0.0.1") == 0


# -- S9: four-eyes review ----------------------------------------------------------------------


def test_nobody_approves_or_rejects_their_own_submission(store: Store):
    mine = store.submit("admin", "share", "city", 2021, 40)
    with pytest.raises(OwnSubmission, match="may not review it themself"):
        store.approve("admin", mine["id"])
    with pytest.raises(OwnSubmission):
        store.reject("admin", mine["id"], "looks wrong")
    assert isinstance(OwnSubmission("x"), PermissionDenied)  # HTTP 403
    assert store.history("share", "city", 2021)[0]["state"] == "submitted"
    assert store.approve("rita", mine["id"])["state"] == "approved"
    with pytest.raises(OwnSubmission):
        store.import_file("admin", b"indicator,area,year,value\nshare,city,2022,41\n", approve=True)


def test_four_eyes_can_be_turned_off(store: Store):
    store.settings.four_eyes = False
    mine = store.submit("admin", "share", "city", 2021, 40)
    assert store.approve("admin", mine["id"])["state"] == "approved"


# -- S14: user names that cannot be confused ----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "ADMIN",  # case
        "Admin",
        "\u0430dmin",  # Cyrillic а
        "\uff41\uff44\uff4d\uff49\uff4e",  # full-width
        "\u0430\u0501m\u0456n",  # Cyrillic а, ԁ, і with Latin m, n
    ],
)
def test_look_alike_names_are_refused(store: Store, name: str):
    with pytest.raises(UsageError, match=r"too like|mixes|exists"):
        store.create_user(name, PASSWORD, "viewer", actor="admin")


@pytest.mark.parametrize(
    "name",
    ["admin\u200b", "ad\u200dmin", "bob\u202e", "al ice", "tab\tname", "a/b", "x" * 65, ""],
)
def test_invisible_characters_spaces_and_odd_names_are_refused(store: Store, name: str):
    with pytest.raises(UsageError):
        store.create_user(name, PASSWORD, "viewer", actor="admin")


@pytest.mark.parametrize("name", ["zhang.san", "王admin", "张三", "иван", "o'brien"])
def test_names_of_one_script_are_accepted(store: Store, name: str):
    if name == "o'brien":  # an apostrophe is not among the allowed signs
        with pytest.raises(UsageError, match="not allowed"):
            store.create_user(name, PASSWORD, "viewer", actor="admin")
        return
    assert store.create_user(name, PASSWORD, "viewer", actor="admin")["username"] == name


def test_mixed_scripts_are_refused(store: Store):
    with pytest.raises(UsageError, match="mixes the scripts"):
        store.create_user("pаypal", PASSWORD, "viewer", actor="admin")  # Cyrillic а inside


def test_login_finds_the_account_whatever_the_case(store: Store):
    assert store.authenticate("ANN", PASSWORD)["username"] == "ann"
    assert store.authenticate("\uff41nn", PASSWORD)["username"] == "ann"


def test_the_migration_refuses_existing_look_alikes(db_url: str, tmp_path):
    engine = make_engine(db_url)
    try:
        migrate(engine, "0002")
        with engine.begin() as conn:
            for name in ("admin", "ADMIN"):
                conn.execute(
                    sa.text(
                        "INSERT INTO users (username, password_hash, role, active, created_at,"
                        " created_by) VALUES (:n, 'x', 'admin', true, :t, 'system')"
                    ),
                    {"n": name, "t": utcnow().replace(tzinfo=None)},
                )
        with pytest.raises(UsageError, match="'ADMIN' = 'admin'"):
            migrate(engine)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() in (
                "0002",
            )
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM users WHERE username = 'ADMIN'"))
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO api_tokens (user_id, name, token_hash, created_at)"
                    " SELECT id, 'old', 'h', created_at FROM users"
                )
            )
        migrate(engine)
        with engine.connect() as conn:
            key = conn.execute(sa.text("SELECT username_key FROM users")).scalar_one()
            expires = conn.execute(sa.text("SELECT expires_at FROM api_tokens")).scalar_one()
        assert key == "admin"
        # a token made before expiry existed works for 90 days after the upgrade, then ends
        if isinstance(expires, str):
            expires = datetime.fromisoformat(expires)
        left = expires - utcnow().replace(tzinfo=None)
        assert timedelta(days=89) < left <= timedelta(days=90)
    finally:
        engine.dispose()


# -- S15: the SQLite file is the owner's alone -----------------------------------------------------


def test_the_sqlite_database_and_its_wal_files_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "data" / "kaoping.db"
        s = Store.open(settings=Settings(data_dir=tmp_path / "data"))
        try:
            s.create_user("admin", PASSWORD, "admin")
            with s.engine.connect() as conn:  # keep a connection open: -wal and -shm exist
                conn.exec_driver_sql("SELECT count(*) FROM users").scalar()
                files = [path, path.with_name("kaoping.db-wal"), path.with_name("kaoping.db-shm")]
                for f in files:
                    assert f.exists(), f
                    assert stat.S_IMODE(f.stat().st_mode) == 0o600, (f, oct(f.stat().st_mode))
        finally:
            s.close()
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        os.umask(old)
