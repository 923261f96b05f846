"""Imports as background jobs: off the event loop, with progress; one upload size limit on
every path, checked while the request streams in."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from kaoping.plan import parse_plan
from kaoping.settings import Settings
from kaoping.store import Store
from kaoping.store.imports import TooLarge
from kaoping.web import create_app
from kaoping.web.import_jobs import PROCESS_OVER, SLACK, UploadLimit
from tests.store.fixtures import fast_hashing
from tests.system.server import free_port
from tests.system.test_kill_during_import import big_plan

from .conftest import form_token

LIMIT_MB = 1


# S3: the size limit -----------------------------------------------------------------------


@pytest.fixture
def small_limit_client(store: Store, settings: Settings) -> Iterator:
    settings.max_upload_mb = LIMIT_MB
    store.settings.max_upload_mb = LIMIT_MB
    app = create_app(store, settings, version_ttl=0.0)
    yield app


def test_size_limit_on_every_path(small_limit_client, store: Store):
    from .conftest import login

    c = TestClient(small_limit_client)
    assert login(c, "rep").status_code == 303
    token = form_token(c)
    big = b"indicator,area,year,value\n" + b"gdp_per_capita,zhengzhou,2015,1\n" * 60_000
    assert len(big) > LIMIT_MB * 2**20 + SLACK
    r = c.post(
        "/api/v1/import",
        files={"file": ("big.csv", big, "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 413
    assert r.json()["error"] == "too_large" and f"{LIMIT_MB} MB" in r.json()["message"]
    r = c.post(
        "/staff/import",
        data={"csrf_token": token, "action": "dry_run"},
        files={"file": ("big.csv", big, "text/csv")},
    )
    assert r.status_code == 413 and "KAOPING_MAX_UPLOAD_MB" in r.text
    # the store (and so the command line) has the same limit
    just_over = b"indicator,area,year,value\n" + b"x" * (LIMIT_MB * 2**20)
    with pytest.raises(TooLarge):
        store.import_file("rep", just_over, "big.csv", dry_run=True)
    with pytest.raises(TooLarge):
        store.start_import_job("rep", just_over, "big.csv")
    assert store.revisions_count() > 0  # the bundled data, unchanged
    assert store.review_queue() == []


def _drive(limit: int, chunks: list[bytes], headers: list) -> tuple[int, int, bool]:
    """Send ``chunks`` through UploadLimit to an app that reads the whole body; return the
    response status, the bytes the client had to send, and whether the app finished."""
    sent = 0
    finished = False
    status = 0

    async def app(scope, receive, send):
        nonlocal finished
        while True:
            m = await receive()
            if not m.get("more_body"):
                break
        finished = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        nonlocal sent
        if not queue:
            return {"type": "http.disconnect"}
        c = queue.pop(0)
        sent += len(c)
        return {"type": "http.request", "body": c, "more_body": bool(queue)}

    async def send(m):
        nonlocal status
        if m["type"] == "http.response.start":
            status = m["status"]

    queue = list(chunks)
    scope = {"type": "http", "method": "POST", "path": "/api/v1/import", "headers": headers}
    asyncio.run(UploadLimit(app, limit)(scope, receive, send))
    return status, sent, finished


def test_limit_checked_while_streaming():
    limit = 2**20
    chunk = b"x" * 65536
    chunks = [chunk] * 160  # 10 MB, sent without a Content-Length
    status, sent, finished = _drive(limit, chunks, [])
    assert status == 413 and not finished
    assert sent <= limit + SLACK + len(chunk)  # cut off as soon as it passed the limit
    # a declared length over the limit is refused before anything is read
    status, sent, finished = _drive(limit, chunks, [(b"content-length", b"10485760")])
    assert status == 413 and sent == 0 and not finished
    # under the limit: untouched
    status, sent, finished = _drive(limit, [chunk] * 4, [])
    assert status == 200 and finished and sent == 4 * len(chunk)


# S1: off the event loop, with progress ------------------------------------------------------


@contextlib.contextmanager
def live_server(app) -> Iterator[str]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        t.join(timeout=30)


def test_import_runs_off_the_event_loop_with_progress(tmp_path, monkeypatch):
    fast_hashing(monkeypatch)
    settings = Settings(data_dir=tmp_path, secret_key="k" * 48)
    store = Store.open(f"sqlite:///{tmp_path / 'kaoping.db'}", settings)
    text = big_plan()
    store.load_plan(parse_plan(text), text)
    store.create_user("boss", "a-long-password-1", "admin")
    token = store.create_token("boss", "test")
    lines = ["indicator,area,year,value"] + [
        f"i{i},d{j},{y},50" for i in range(20) for j in range(150) for y in range(2020, 2026)
    ]
    body = ("\n".join(lines) + "\n").encode()
    app = create_app(store, settings, version_ttl=0.0)
    auth = {"Authorization": f"Bearer {token}"}
    with live_server(app) as url, httpx.Client(base_url=url, headers=auth, timeout=60) as c:
        t0 = time.monotonic()
        r = c.post(
            "/api/v1/import",
            data={"dry_run": "true", "wait": "0"},
            files={"file": ("big.csv", body, "text/csv")},
        )
        assert r.status_code == 202, r.text
        assert time.monotonic() - t0 < 3.0
        job = r.json()
        assert r.headers["location"] == f"/api/v1/imports/{job['id']}"
        latencies, seen = [], []
        while job["state"] in ("queued", "running"):
            t = time.monotonic()
            assert c.get("/healthz").status_code == 200
            latencies.append(time.monotonic() - t)
            job = c.get(f"/api/v1/imports/{job['id']}").json()
            seen.append((job["state"], job["stage"], job["progress"]))
            time.sleep(0.05)
        assert job["state"] == "done", job
        assert job["report"]["counts"]["rows"] == len(lines) - 1
        assert job["report"]["errors"] == []
        assert latencies and max(latencies) < 0.5, f"/healthz waited {max(latencies):.2f} s"
        assert any(s == "running" and 0 < p < 1 for s, _, p in seen), seen
        assert len(body) > PROCESS_OVER and app.state.import_runner.processes == 1
        # the dry run is confirmed by its id: the file is not sent again
        r = c.post(f"/api/v1/imports/{job['id']}/confirm", json={})
        assert r.status_code in (200, 202)
        job = r.json()
        while job["state"] in ("queued", "running"):
            time.sleep(0.1)
            job = c.get(f"/api/v1/imports/{job['id']}").json()
        assert job["report"]["written"] is True, job
    assert store.revisions_count("big") == len(lines) - 1
    store.close()


def _off_loop(store: Store, monkeypatch, name: str, calls: list) -> None:
    """Wrap ``store.name`` to record whether it ran on the event loop's thread."""
    real = getattr(store, name)

    def wrapped(*a, **kw):
        try:
            asyncio.get_running_loop()
            calls.append((name, "event loop"))
        except RuntimeError:
            calls.append((name, "worker"))
        return real(*a, **kw)

    monkeypatch.setattr(store, name, wrapped)


def test_entry_task_update_and_import_routes_do_store_work_off_the_loop(
    store: Store, user_client, monkeypatch
):
    from .test_supervision import ASSIGNMENT, _file

    store.load_assignment(ASSIGNMENT)
    store.set_calendar(None, 2020)
    calls: list = []
    for name in ("submit", "file_update", "start_import_job", "run_import_job", "import_job"):
        _off_loop(store, monkeypatch, name, calls)
    rep = user_client("rep")
    r = rep.post(
        "/staff/entry",
        data={
            "indicator": "gdp_per_capita",
            "area": "zhengzhou",
            "year": "2015",
            "value": "77179",
            "status": "final",
            "csrf_token": form_token(rep, "/staff/entry"),
        },
    )
    assert r.status_code == 200, r.text
    assert _file(rep).status_code == 200
    r = rep.post(
        "/staff/import",
        data={"csrf_token": form_token(rep, "/staff/import"), "action": "dry_run"},
        files={"file": ("a.csv", b"indicator,area,year,value\ngdp_per_capita,,2016,78000\n")},
    )
    assert r.status_code == 200, r.text
    assert {n for n, _ in calls} == {
        "submit",
        "file_update",
        "start_import_job",
        "run_import_job",
        "import_job",
    }
    assert all(where == "worker" for _, where in calls), calls


def test_staff_entry_form_keeps_the_note_limit(user_client, store: Store):
    # S13: the staff form refused nothing (a 921,600-character note was stored)
    rep = user_client("rep")
    r = rep.post(
        "/staff/entry",
        data={
            "indicator": "gdp_per_capita",
            "area": "zhengzhou",
            "year": "2015",
            "value": "77179",
            "status": "final",
            "note": "n" * 4001,
            "csrf_token": form_token(rep, "/staff/entry"),
        },
    )
    assert r.status_code == 422
    assert "4,000" in r.text
    assert store.review_queue() == []


def test_job_page_shows_progress_until_the_job_ends(user_client, store: Store):
    rep = user_client("rep")
    job = store.start_import_job(
        "rep", b"indicator,area,year,value\ngdp_per_capita,,2016,78000\n", "a.csv"
    )
    page = rep.get(f"/staff/import/{job['id']}")
    assert page.status_code == 200
    assert 'id="import-progress"' in page.text and 'http-equiv="refresh"' in page.text
    assert 'id="import-confirm"' not in page.text
    store.run_import_job(job["id"])
    page = rep.get(f"/staff/import/{job['id']}")
    assert 'id="import-progress"' not in page.text and 'http-equiv="refresh"' not in page.text
    assert f'action="/staff/import/{job["id"]}" id="import-confirm"' in page.text
    # someone else's job is not found
    assert user_client("rep2").get(f"/staff/import/{job['id']}").status_code == 404


# Every other form route that touches the store: the form is read on the event loop, the
# store's work runs in a worker thread. (method name, user or None, path, form fields)
FORM_ROUTES = [
    ("approve", "rev", "/staff/review/{rev}", {"action": "approve"}),
    (
        "unlock",
        "rev",
        "/staff/unlock",
        {"indicator": "gdp_per_capita", "area": "", "year": "2015", "reason": "a fix"},
    ),
    (
        "create_user",
        "admin",
        "/staff/users",
        {"username": "newbie", "role": "viewer", "password": "a-long-password-1"},
    ),
    ("set_role", "admin", "/staff/users/view", {"action": "role", "role": "reviewer"}),
    (
        "record_verdict",
        "rev",
        "/staff/verdicts",
        {"target": "no-such-target", "year": "2015", "verdict": "met", "evidence": "e"},
    ),
    ("issue_token", "rep", "/staff/tokens", {"name": "script"}),
    (
        "set_password",
        "rep",
        "/staff/password",
        {
            "current_password": "correct horse battery",
            "new_password": "another-long-password-1",
            "new_password_2": "another-long-password-1",
        },
    ),
    ("rate", "rev", "/supervision/updates/1/rating", {"score": "4", "task": "a06-services"}),
    ("set_calendar", "admin", "/supervision/calendar", {"year": "2015"}),
    ("mark_read", "rep", "/supervision/notices/read", {}),
    (
        "explain",
        "rep",
        "/supervision/off-track",
        {"indicator": "gdp_per_capita", "area": "", "year": "2015", "text": "why"},
    ),
    ("adjust", "rev", "/assessment/env/adjust?year=2015", {"delta": "-1", "reason": "late"}),
    ("review_import", "rev", "/staff/review/import/1", {"action": "approve"}),
    ("authenticate", None, "/login", {"username": "rep", "password": "wrong password"}),
]


@pytest.mark.parametrize(
    ("name", "who", "path", "fields"), FORM_ROUTES, ids=[r[0] for r in FORM_ROUTES]
)
def test_form_routes_do_store_work_off_the_loop(
    store: Store, user_client, client, monkeypatch, name, who, path, fields
):
    from .test_supervision import ASSIGNMENT

    store.load_assignment(ASSIGNMENT)
    rev = store.submit("rep", "gdp_per_capita", None, 2015, "77179")
    calls: list = []
    _off_loop(store, monkeypatch, name, calls)
    c = user_client(who) if who else client
    token = form_token(c, "/login" if who is None else "/staff")
    r = c.post(
        path.format(rev=rev["id"]),
        data={**fields, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code < 500, r.text
    assert calls and all(where == "worker" for _, where in calls), calls


def test_public_pages_evaluate_off_the_loop(store: Store, client, monkeypatch):
    group = client.get("/api/v1/groups").json()["groups"][0]["key"]
    category = client.get("/api/v1/lenses").json()["lenses"][0]["categories"][0]["key"]
    indicator = "gdp_per_capita"
    calls: list = []
    _off_loop(store, monkeypatch, "data_version", calls)
    for path in (
        "/",
        f"/g/{group}",
        f"/l/{category}",
        f"/i/{indicator}",
        "/api/v1/overview",
        "/api/v1/groups",
        f"/api/v1/groups/{group}",
        "/api/v1/lenses",
        f"/api/v1/lenses/{category}",
        "/api/v1/indicators",
        f"/api/v1/indicators/{indicator}",
        "/api/v1/scores",
    ):
        calls.clear()
        assert client.get(path).status_code == 200, path
        assert calls and all(where == "worker" for _, where in calls), (path, calls)
