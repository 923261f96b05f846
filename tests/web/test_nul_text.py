"""A NUL character anywhere in a request is a clear client error, never a server error —
also on PostgreSQL, which cannot store one (login, tokens, entry, import). A NUL or another
control character (but tab, CR and LF) in any free text is refused with the same 400 on
SQLite and PostgreSQL: one guard at the store boundary (kaoping.store.db)."""

from __future__ import annotations

import contextlib
import re

import pytest
from fastapi.testclient import TestClient

from kaoping.settings import Settings
from kaoping.store import Store
from kaoping.web import create_app
from tests.store import fixtures

db_url, empty_store, pg_admin, store = (
    fixtures.db_url,
    fixtures.empty_store,
    fixtures.pg_admin,
    fixtures.store,
)


def _client(store: Store, tmp_path) -> TestClient:
    settings = Settings(data_dir=tmp_path, secret_key="k" * 48)
    return TestClient(create_app(store, settings, version_ttl=0.0), raise_server_exceptions=False)


def _token(c: TestClient, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get(path).text).group(1)


def test_nul_at_login_and_token_creation(store: Store, tmp_path):
    c = _client(store, tmp_path)
    r = c.post(
        "/login",
        data={"username": "ad\x00min", "password": "x\x00", "csrf_token": _token(c, "/login")},
        follow_redirects=False,
    )
    assert r.status_code < 500, r.text
    assert r.status_code != 303  # not logged in
    r = c.post("/api/v1/tokens", json={"username": "ad\x00min", "password": "x", "name": "n"})
    assert 400 <= r.status_code < 500, r.text
    assert store.authenticate("ad\x00min", "x") is None


def test_nul_in_entry_and_import(store: Store, tmp_path):
    c = _client(store, tmp_path)
    r = c.post(
        "/login",
        data={
            "username": "ann",
            "password": fixtures.PASSWORD,
            "csrf_token": _token(c, "/login"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    token = _token(c, "/staff")
    r = c.post(
        "/api/v1/observations",
        json={"indicator": "share", "area": "city", "year": 2021, "value": 5, "note": "a\x00"},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 422, r.text
    assert r.json()["problems"][0]["column"] == "note"
    r = c.post(
        "/staff/entry",
        data={
            "indicator": "share",
            "area": "city",
            "year": "2021",
            "value": "5",
            "status": "final",
            "source": "book\x00",
            "csrf_token": token,
        },
    )
    assert r.status_code == 422, r.text
    assert store.revisions_count() == 0


def test_nul_never_reaches_the_database_as_a_server_error(store: Store):
    from kaoping.errors import KaopingError
    from kaoping.store.db import BadText
    from kaoping.web.errors import http_status

    for call in (lambda: store.history("sh\x00are"), lambda: store.user("ann\x00")):
        # a lookup finds nothing (SQLite), or is a clear error (PostgreSQL)
        with contextlib.suppress(KaopingError):
            call()
    # a write is the same clear error on both databases
    with pytest.raises(BadText) as err:
        store.add_department("d\x00", "d", "d")
    assert http_status(err.value) == 400
    assert str(err.value) == "key: the text contains a NUL character at position 2; remove it"


def test_control_characters_are_refused_alike_by_the_store(store: Store):
    from kaoping.store.db import BadText

    for bad, what in (("\x00", "a NUL character"), ("\x07", "the control character U+0007")):
        with pytest.raises(
            BadText, match="^" + re.escape(f"evidence: the text contains {what} at position 6")
        ):
            store.record_verdict("rita", "green", None, 2025, "achieved", "proof" + bad)
    assert list(store.verdicts()) == []
    # tab, line feed and carriage return are text
    saved = store.record_verdict("rita", "green", None, 2025, "achieved", "a\tb\r\nc")
    assert saved["evidence"] == "a\tb\r\nc"


ASSIGNMENT = """
plan: mini
label: {zh: 示例, en: Example}
departments:
  - {key: stats, name: {zh: 统计局, en: Statistics Bureau}}
  - {key: env, name: {zh: 生态环境局, en: Ecology Bureau}}
indicators:
  share: stats
tasks:
  - key: t1
    article: 1
    title: {zh: 任务一, en: Task one}
    lead: stats
    deadline: 2023-12-31
    indicators: [share]
"""

# (user, path, form fields; {bad}: where the control character goes)
FREE_TEXT = {
    "task update narrative": (
        "ann",
        "/supervision/tasks/t1/updates",
        {"period": "2022-Q1", "status": "amber", "percent": "20", "narrative": "start{bad}"},
    ),
    "rating comment": (
        "rita",
        "/supervision/updates/{update}/rating",
        {"task": "t1", "score": "4", "comment": "fair{bad}"},
    ),
    "verdict evidence": (
        "rita",
        "/staff/verdicts",
        {"target": "green", "year": "2025", "verdict": "achieved", "evidence": "proof{bad}"},
    ),
    "explanation": (
        "ann",
        "/supervision/off-track",
        {"indicator": "share", "year": "2021", "text": "because{bad}"},
    ),
    "adjustment reason": (
        "rita",
        "/assessment/stats/adjust?year=2021",
        {"delta": "-1", "reason": "late{bad}"},
    ),
    "user name": (
        "admin",
        "/staff/users",
        {"username": "bob{bad}", "role": "viewer", "password": "a-long-password-1"},
    ),
    "rejection reason": (
        "rita",
        "/staff/review/{revision}",
        {"action": "reject", "reason": "no{bad}"},
    ),
    "token name": ("ann", "/staff/tokens", {"name": "script{bad}"}),
}


def _login(store: Store, tmp_path, username: str) -> tuple[TestClient, str]:
    c = _client(store, tmp_path)
    r = c.post(
        "/login",
        data={
            "username": username,
            "password": fixtures.PASSWORD,
            "csrf_token": _token(c, "/login"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return c, _token(c, "/staff")


@pytest.mark.parametrize("bad", ["\x00", "\x1b"], ids=["nul", "escape"])
@pytest.mark.parametrize("case", list(FREE_TEXT))
def test_control_characters_in_free_text_are_a_400_on_both_databases(
    store: Store, tmp_path, case: str, bad: str
):
    store.load_assignment(ASSIGNMENT)
    store.set_calendar("admin", 2022)
    update = store.file_update("ann", "t1", "2022-Q1", "green", 10, base_revision=0)
    revision = store.submit("ann", "share", None, 2021, "50")
    user, path, fields = FREE_TEXT[case]
    c, token = _login(store, tmp_path, user)
    audited = len(store.audit(limit=10_000))
    r = c.post(
        path.format(update=update["id"], revision=revision["id"]),
        data={**{k: v.format(bad=bad) for k, v in fields.items()}, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 400, r.text
    if case == "user name":  # refused by the user-name rules (kaoping.store.names) first
        assert f"invisible characters (U+{ord(bad):04X} found)" in r.text
    else:
        what = "a NUL character" if bad == "\x00" else "the control character U+001B"
        assert f"the text contains {what}" in r.text
    assert len(store.audit(limit=10_000)) == audited  # nothing was written
