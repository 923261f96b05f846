"""Evidence files (S16): only allow-listed types are accepted, whatever the browser declares,
and every file is served as a download with its extension's type and nosniff."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from kaoping.store.schema import task_evidence

from .conftest import form_token
from .test_supervision import ASSIGNMENT

HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def sup(store):
    store.load_assignment(ASSIGNMENT)
    store.set_calendar(None, 2020)
    store.clock = lambda: datetime(2020, 4, 10, 8, 0, tzinfo=UTC)
    return store


def _file(client, name: str, data: bytes, declared: str):
    form = {
        "csrf_token": form_token(client, "/supervision/tasks/a06-services"),
        "period": "2020-Q1",
        "status": "amber",
        "percent": "40",
        "narrative": "Plan drafted",
        "base_revision": "0",
    }
    files = {"files": (name, data, declared)}
    return client.post("/supervision/tasks/a06-services/updates", data=form, files=files)


@pytest.mark.parametrize(
    ("name", "data", "declared"),
    [
        ("page.html", HTML, "text/html"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "image/svg+xml"),
        ("run.exe", b"MZ\x90\x00", "application/octet-stream"),
        ("report.pdf", HTML, "application/pdf"),  # a web page named .pdf
        ("noextension", b"hello", "text/plain"),
    ],
)
def test_other_types_are_refused_with_a_clear_message(sup, user_client, name, data, declared):
    rep = user_client("rep")
    r = _file(rep, name, data, declared)
    assert r.status_code == 422, r.text
    assert "not accepted as evidence" in r.text or "the content is not" in r.text
    assert "Plan drafted" in r.text  # what was typed is kept
    assert sup.task_history("a06-services") == []


def test_accepted_files_are_served_as_attachments_of_their_type(sup, user_client):
    rep = user_client("rep")
    r = _file(rep, "report.pdf", b"%PDF-1.7\n%evidence", "text/html")  # a lying browser
    assert r.status_code == 200, r.text
    [ev] = re.findall(r'href="/supervision/evidence/(\d+)"', r.text)
    got = rep.get(f"/supervision/evidence/{ev}")
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"


def test_a_file_kept_from_before_is_served_as_unknown_bytes(sup, user_client):
    rep = user_client("rep")
    r = _file(rep, "minutes.txt", b"meeting minutes", "text/plain")
    [ev] = re.findall(r'href="/supervision/evidence/(\d+)"', r.text)
    with sup.engine.begin() as conn:  # as an upload before the allow-list stored it
        conn.execute(
            task_evidence.update()
            .where(task_evidence.c.id == int(ev))
            .values(name="page.html", media_type="text/html", data=HTML)
        )
    got = rep.get(f"/supervision/evidence/{ev}")
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert sa  # the table is read through SQLAlchemy Core
